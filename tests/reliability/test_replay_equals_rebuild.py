"""Duplicated, reordered and replayed events into a consumer leave its read model as a clean,
in-order delivery of the same events builds it (issue 19, item 5).

Covered here: work orders' equipment view and quality holds on orders, and material's quality
holds on lots. Traceability's graph and reporting's read models have the same check in their own
suites (tests/services/traceability/test_trace.py, tests/services/reporting/test_oee.py).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from mes.contracts.quality import (
    LotHoldRequested,
    LotReleaseRequested,
    WorkOrderHoldRequested,
    WorkOrderReleaseRequested,
)
from mes.contracts.resource import EquipmentStateChanged
from mes.platform.events import Envelope, Event
from mes.platform.testing import Harness

M, W, R = "/api/v1/material", "/api/v1/workorders", "/api/v1/resource"
T0 = datetime(2030, 1, 7, 6, tzinfo=UTC)
SEEDS = (1, 2, 3)


async def _plant(h: Harness) -> None:
    """A work center with a routing, two open orders, and two received lots."""
    admin = h.auth(
        "resource:equipment:write",
        "resource:read",
        "material:read",
        "material:master:write",
        "material:lot:receive",
        "workorder:read",
        "workorder:write",
        "workorder:routing:write",
        sub="planner-kim",
    )
    for body in (
        {"code": "ACME", "name": "Acme", "level": "enterprise"},
        {"code": "PLANT-1", "name": "Plant", "level": "site", "parent_code": "ACME"},
        {"code": "PROD", "name": "Production", "level": "area", "parent_code": "PLANT-1"},
        {"code": "WC-1", "name": "Moulding", "level": "work_center", "parent_code": "PROD"},
    ):
        assert (await h.client.post(f"{R}/equipment", json=body, headers=admin)).status_code == 201
    await h.deliver()
    loc = {"code": "WH-01", "name": "Main warehouse", "kind": "warehouse"}
    assert (await h.client.post(f"{M}/locations", json=loc, headers=admin)).status_code == 201
    for body in (
        {"code": "PP-RESIN", "name": "Polypropylene resin", "kind": "raw", "uom": "kg"},
        {"code": "CAP-32", "name": "32 mm cap", "kind": "finished", "uom": "pcs"},
    ):
        assert (await h.client.post(f"{M}/items", json=body, headers=admin)).status_code == 201
    assert (await h.client.post(f"{W}/products", json={"code": "CAP-32"}, headers=admin)).status_code == 201
    routing = {
        "version": "1",
        "operations": [
            {
                "seq": 10,
                "name": "Mould",
                "work_center": "WC-1",
                "setup_minutes": "0",
                "run_minutes_per_unit": "1",
            }
        ],
    }
    r = await h.client.post(f"{W}/products/CAP-32/routings", json=routing, headers=admin)
    assert r.status_code == 201, r.text
    for number in ("WO-1", "WO-2"):
        body = {"number": number, "product": "CAP-32", "quantity": "10", "due": "2030-01-10T12:00:00Z"}
        assert (await h.client.post(f"{W}/orders", json=body, headers=admin)).status_code == 201, number
    for code in ("R-1", "R-2"):
        body = {"code": code, "item": "PP-RESIN", "quantity": "100", "location": "WH-01"}
        assert (await h.client.post(f"{M}/lots", json=body, headers=admin)).status_code == 201, code
    await h.deliver()


def _history() -> list[Event]:
    """What resource and quality said over a shift, in the order they said it."""
    events: list[Event] = []
    at = T0
    for code, states in (
        ("IMM-1", ["running", "down", "running", "idle", "down"]),
        ("IMM-2", ["running", "setup", "running"]),
    ):
        for i, state in enumerate(states):
            events.append(
                EquipmentStateChanged(
                    equipment_id=uuid.uuid5(uuid.NAMESPACE_DNS, code),
                    equipment_code=code,
                    path=f"ACME/PLANT-1/PROD/WC-1/{code}",
                    state=state,
                    previous_state=states[i - 1] if i else None,
                    started_at=at + timedelta(minutes=17 * i),
                    source="machine",
                    reason_code="JAM" if state == "down" else None,
                    available=state in ("running", "idle"),
                    occurred_at=at + timedelta(minutes=17 * i),
                )
            )
    for n, (lot, hold) in enumerate([("R-1", True), ("R-1", False), ("R-2", True), ("R-1", True)]):
        kind = LotHoldRequested if hold else LotReleaseRequested
        events.append(
            kind(
                lot_code=lot,
                reason="suspect moisture" if hold else "retest passed",
                reference=f"NCR-{n}",
                requested_by="qe-anna",
                occurred_at=at + timedelta(minutes=5 * n),
            )
        )
    for n, (wo, hold) in enumerate(
        [("WO-1", True), ("WO-1", False), ("WO-2", True), ("WO-2", False), ("WO-2", True)]
    ):
        kind = WorkOrderHoldRequested if hold else WorkOrderReleaseRequested
        events.append(
            kind(
                work_order=wo,
                reason="first article failed" if hold else "rework accepted",
                reference=f"NCR-W{n}",
                requested_by="qe-anna",
                occurred_at=at + timedelta(minutes=7 * n),
            )
        )
    return events


async def _send(h: Harness, events: Sequence[Event]) -> None:
    """Straight onto the bus, as a redelivering or reordering broker would hand them over."""
    for event in events:
        producer = event.topic.split(".", 1)[0]
        envelope = Envelope(
            str(event.event_id), event.topic, event.aggregate_id, producer, event.model_dump_json().encode()
        )
        await h.runtimes["work-orders"].bus.publish(envelope)


async def _read_models(h: Harness) -> dict[str, list[tuple[object, ...]]]:
    async with h.db("work-orders").transaction() as s:
        equipment = [
            tuple(r)
            for r in await s.execute(
                text("SELECT code, state, available, since, reason_code FROM equipment_state ORDER BY code")
            )
        ]
        orders = [
            tuple(r)
            for r in await s.execute(text("SELECT number, quality_hold FROM work_order ORDER BY number"))
        ]
    async with h.db("material").transaction() as s:
        lots = [
            tuple(r) for r in await s.execute(text("SELECT code, status, hold_reason FROM lot ORDER BY code"))
        ]
    return {"equipment": equipment, "orders": orders, "lots": lots}


async def _forget(h: Harness) -> None:
    """Back to before the history: no equipment view, no quality decisions, nothing in the inbox."""
    async with h.db("work-orders").transaction() as s:
        await s.execute(text("DELETE FROM equipment_state"))
        await s.execute(text("UPDATE work_order SET quality_hold = NULL, quality_decided_at = NULL"))
        await s.execute(
            text(
                "DELETE FROM inbox WHERE handler LIKE 'quality.%' OR handler LIKE 'resource.equipment_state%'"
            )
        )
    async with h.db("material").transaction() as s:
        await s.execute(
            text("UPDATE lot SET status = 'available', hold_reason = NULL, quality_decided_at = NULL")
        )
        await s.execute(text("DELETE FROM inbox WHERE handler LIKE 'quality.%'"))


async def test_duplicated_reordered_and_replayed_events_equal_a_clean_rebuild(harness: Harness) -> None:
    h = harness
    await _plant(h)
    history = _history()
    await _send(h, history)
    clean = await _read_models(h)
    # the clean history's outcome, as the plant lived it
    assert [(c, s) for c, s, *_ in clean["equipment"]] == [("IMM-1", "down"), ("IMM-2", "running")]
    assert [(n, q is not None) for n, q in clean["orders"]] == [("WO-1", False), ("WO-2", True)]
    assert [(c, s) for c, s, _ in clean["lots"]] == [("R-1", "on_hold"), ("R-2", "on_hold")]

    for seed in SEEDS:
        await _forget(h)
        rng = random.Random(seed)
        messy = history + rng.sample(history, len(history) // 2)  # half of them twice
        rng.shuffle(messy)
        await _send(h, messy)
        assert await _read_models(h) == clean, f"seed {seed}"
        # a replay of everything, as after a consumer's offset was reset, changes nothing more
        await _send(h, list(reversed(history)))
        assert await _read_models(h) == clean, f"seed {seed}, replayed"

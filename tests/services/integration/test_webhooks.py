"""Outbound webhooks and ERP performance messages, against a real HTTP receiver that goes down."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from mes.contracts import material as mat
from mes.contracts import work_orders as wo
from mes.platform.events import Event, record_event
from mes.platform.testing import Harness, free_port
from mes.services.integration.models import b2mml
from mes.services.integration.models import webhooks as wh
from mes.services.integration.service.webhooks import send_due

from .conftest import call
from .receiver import Receiver

TOPICS = [
    "work_orders.work_order_created.v1",
    "work_orders.work_order_started.v1",
    "work_orders.work_order_completed.v1",
]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(free_port())
    yield r
    r.down()


async def publish(h: Harness, *events: Event) -> None:
    for e in events:
        producer = e.topic.split(".", 1)[0]
        async with h.db(producer).transaction() as session:
            await record_event(session, e)
        await h.deliver()  # one by one: events of two producers keep their order


def order_events(n: str) -> list[Event]:
    return [
        wo.WorkOrderCreated(
            work_order=n,
            product="KIT-100",
            actor="planner",
            quantity=Decimal(10),
            uom="pcs",
            due=datetime(2026, 12, 10, tzinfo=UTC),
            priority=5,
            erp_ref="SCHED-1",
        ),
        wo.WorkOrderStarted(work_order=n, product="KIT-100", actor="op-ana", operation="10"),
        wo.WorkOrderCompleted(
            work_order=n,
            product="KIT-100",
            actor="op-ana",
            quantity=Decimal(10),
            good=Decimal(9),
            scrap=Decimal(1),
            process_loss=Decimal(0),
            short=False,
            reason=None,
        ),
    ]


async def test_a_receiver_down_for_a_while_gets_every_event_in_order_signed(
    harness: Harness, receiver: Receiver
) -> None:
    sub = await call(
        harness,
        "POST",
        "/subscriptions",
        {
            "name": "erp-hooks",
            "url": receiver.url,
            "event_types": TOPICS,
            "retry_base_s": 0.01,
            "retry_max_s": 0.05,
            "max_attempts": 1000,
        },
    )
    secret = sub["secret"]
    assert secret.startswith("whsec_")
    assert "secret" not in await call(harness, "GET", "/subscriptions/erp-hooks")  # shown once

    # the receiver is down while three orders go through, their events interleaved
    streams = [order_events(n) for n in ("WO-1", "WO-2", "WO-3")]
    for step in range(3):
        await publish(harness, *(s[step] for s in streams))
    db = harness.db("integration")
    for _ in range(5):
        assert await send_due(db) == 0
    log = await call(harness, "GET", "/subscriptions/erp-hooks/deliveries?status=pending")
    assert log["total"] == 9 and all(d["last_error"] for d in log["items"] if d["attempts"])

    receiver.up()
    while len(receiver.received) < 9:
        await send_due(db, datetime(2100, 1, 1, tzinfo=UTC))  # whatever the backoff, they are due
    assert len(receiver.received) == 9
    by_order: dict[str, list[str]] = {}
    ids = set()
    for headers, body in receiver.received:
        assert wh.verify(secret, headers, body)
        assert headers["webhook-signature"].startswith("v1,")
        ids.add(headers["webhook-id"])
        doc = json.loads(body)
        by_order.setdefault(doc["data"]["work_order"], []).append(doc["type"])
    assert len(ids) == 9
    assert by_order == {n: TOPICS for n in ("WO-1", "WO-2", "WO-3")}
    delivered = await call(harness, "GET", "/subscriptions/erp-hooks/deliveries?status=delivered")
    assert delivered["total"] == 9


async def test_dead_after_max_attempts_then_replayed(harness: Harness, receiver: Receiver) -> None:
    await call(
        harness,
        "POST",
        "/subscriptions",
        {
            "name": "fragile",
            "url": receiver.url,
            "event_types": TOPICS[:1],
            "filters": {"product": ["KIT-100"]},
            "retry_base_s": 0.01,
            "retry_max_s": 0.01,
            "max_attempts": 2,
        },
    )
    other = wo.WorkOrderCreated(
        work_order="WO-X",
        product="OTHER",
        actor="p",
        quantity=Decimal(1),
        uom="pcs",
        due=datetime(2026, 12, 10, tzinfo=UTC),
        priority=5,
        erp_ref=None,
    )
    await publish(harness, order_events("WO-5")[0], other)  # the filter keeps only KIT-100
    db = harness.db("integration")
    far = datetime(2100, 1, 1, tzinfo=UTC)
    await send_due(db, far)
    await send_due(db, far.replace(year=2101))  # past any backoff
    (letter,) = (await call(harness, "GET", "/message-dead-letters?source=webhook"))["items"]
    assert letter["reason"].startswith("gave up after 2 attempts")
    receiver.up()
    assert (await call(harness, "POST", f"/message-dead-letters/{letter['id']}/replay"))[
        "status"
    ] == "replayed"
    await send_due(db, far)
    (only,) = receiver.received
    assert json.loads(only[1])["data"]["work_order"] == "WO-5"
    r = await harness.client.post(
        f"/api/v1/integration/message-dead-letters/{letter['id']}/replay",
        headers=harness.auth("integration:write"),
    )
    assert r.status_code == 409 and r.json()["code"] == "dead_letter_closed"


async def test_operations_performance_to_the_erp_is_valid_b2mml(harness: Harness, receiver: Receiver) -> None:
    receiver.up()
    await call(
        harness,
        "POST",
        "/subscriptions",
        {
            "name": "sap-performance",
            "url": receiver.url,
            "format": "b2mml",
            "event_types": [
                "work_orders.work_order_completed.v1",
                "work_orders.operation_completed.v1",
                "work_orders.work_order_created.v1",
            ],
        },
    )
    created, started, completed = order_events("WO-8")
    consumed = mat.LotConsumed(
        lot_code="R-001",
        item_code="PP-RESIN",
        uom="kg",
        actor="op-ana",
        quantity=Decimal("4.5"),
        remaining=Decimal("95.5"),
        work_order="WO-8",
        operation="10",
        location="L1-SIDE",
    )
    produced = mat.LotProduced(
        lot_code="FG-8",
        item_code="KIT-100",
        uom="pcs",
        actor="op-ana",
        quantity=Decimal(9),
        location="FG",
        work_order="WO-8",
        operation="10",
        inputs=[],
    )
    op_done = wo.OperationCompleted(
        work_order="WO-8",
        product="KIT-100",
        actor="op-ana",
        operation="10",
        name="Mould",
        work_center="WC-MOULD",
        equipment="PRESS-4",
        good=Decimal(9),
        scrap=Decimal(1),
        scrap_reasons=[],
        rework=Decimal(0),
        process_loss=Decimal(0),
        started_at=datetime(2026, 12, 1, 8, tzinfo=UTC),
        completed_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
        elapsed_minutes=Decimal(60),
        paused_minutes=Decimal(0),
        run_minutes=Decimal(60),
        labour=[],
        operators=["op-ana"],
    )
    await publish(harness, created, started, consumed, produced, op_done, completed)
    await send_due(harness.db("integration"))
    assert len(receiver.received) == 2  # progress and completion; creation is no performance
    ns = {"b": b2mml.NS}
    states = []
    for headers, body in receiver.received:
        assert headers["content-type"] == "application/xml"
        doc = b2mml.parse(body)
        b2mml.validate(doc, "OperationsPerformance")
        states.append(
            doc.findtext(
                "b:DataArea/b:OperationsPerformance/b:OperationsResponse/b:ResponseState", namespaces=ns
            )
        )
    assert states == ["Running", "Completed"]
    last = b2mml.parse(receiver.received[1][1])
    actuals = [
        (
            a.findtext("b:MaterialDefinitionID", namespaces=ns),
            a.findtext("b:MaterialLotID", namespaces=ns),
            a.findtext("b:MaterialUse", namespaces=ns),
            a.findtext("b:Quantity/b:QuantityString", namespaces=ns),
        )
        for a in last.iterfind(".//b:MaterialActual", namespaces=ns)
    ]
    assert actuals == [
        ("KIT-100", None, "Produced", "9"),
        ("KIT-100", None, "Produced", "1"),
        ("PP-RESIN", "R-001", "Consumed", "4.5"),
        ("KIT-100", "FG-8", "Produced", "9"),
    ]


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    import random

    rng = random.Random(1)
    waits = [wh.backoff_s(n, 1.0, 30.0, rng) for n in range(1, 9)]
    for n, w in enumerate(waits, start=1):
        ceiling = min(30.0, 2 ** (n - 1))
        assert ceiling / 2 <= w <= ceiling
    assert len({round(w, 6) for w in waits}) == len(waits)

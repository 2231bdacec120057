from collections.abc import Awaitable, Callable
from decimal import Decimal

from sqlalchemy import event, text

from mes.contracts.quality import LotHoldRequested, LotReleaseRequested
from mes.platform.events import Envelope
from mes.platform.testing import Harness

from .conftest import ALL, M

Seed = Callable[[], Awaitable[None]]


async def _receive(h: Harness, code: str = "R-001", qty: str = "100", **extra: object) -> dict:  # type: ignore[type-arg]
    body = {
        "code": code,
        "item": "PP-RESIN",
        "quantity": qty,
        "location": "L1-SIDE",
        "supplier": "Borealis",
        "supplier_lot": "BX-7781",
        **extra,
    }
    r = await h.client.post(f"{M}/lots", json=body, headers=h.auth(*ALL, sub="receiver-joe"))
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _consume(h: Harness, code: str, qty: str, key: str, wo: str = "WO-1001", **extra: object):  # type: ignore[no-untyped-def]
    return h.client.post(
        f"{M}/lots/{code}/consume",
        json={"quantity": qty, "work_order": wo, "operation": "10", **extra},
        headers={**h.auth(*ALL, sub="op-ana"), "Idempotency-Key": key},
    )


async def _ledger_sum(h: Harness, code: str) -> Decimal:
    async with h.db("material").transaction() as s:
        return Decimal(
            (
                await s.execute(
                    text(
                        "SELECT sum(m.quantity) FROM movement m JOIN lot l ON l.id = m.lot_id WHERE l.code = :c"
                    ),
                    {"c": code},
                )
            ).scalar()
        )


async def test_receive_and_scan_a_lot(harness: Harness, plant: Seed) -> None:
    await plant()
    lot = await _receive(harness, qty="25000", uom="g")
    assert lot["quantity"] == "25"
    assert lot["uom"] == "kg"
    r = await harness.client.get(f"{M}/lots/R-001", headers=harness.auth("material:read"))
    assert r.json()["supplier_lot"] == "BX-7781"
    assert r.json()["status"] == "available"


async def test_a_consumption_reads_its_lot_item_location_and_unit_in_one_round_trip(
    harness: Harness, plant: Seed
) -> None:
    """Issue 11, B2: the hot write sends the key claim, the order's status (known since the first
    consumption: no call to work orders, ADR 49), one SELECT (the lot locked with its item, location
    and unit), the balance and the movement in one statement, the event and the stored answer:
    nothing else (six round trips)."""
    await plant()
    await _receive(harness)
    assert (await _consume(harness, "R-001", "1", key="warm-up")).status_code == 200
    sent: list[str] = []
    engine = harness.db("material").engine.sync_engine

    def record(_c: object, _cur: object, statement: str, *_: object) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        r = await _consume(harness, "R-001", "2.5", key="scan-b2")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert r.status_code == 200, r.text
    work = [s for s in sent if not s.startswith(("SAVEPOINT", "RELEASE"))]  # the test's transaction
    kinds = ["INSERT", "SELECT", "SELECT", "WITH", "INSERT", "UPDATE"]
    assert [s.split()[0] for s in work] == kinds, sent
    assert "FROM work_order" in work[1], work[1]
    assert work[2].endswith("FOR UPDATE OF lot"), work[2]  # the lot alone is locked, not its item
    assert "UPDATE lot" in work[3] and "INSERT INTO movement" in work[3], work[3]
    assert work[4].startswith("INSERT INTO outbox"), work[4]
    assert r.json()["remaining"] == "96.5"
    # the balance, the ledger line and the status as the next reader sees them
    lot = (await harness.client.get(f"{M}/lots/R-001", headers=harness.auth("material:read"))).json()
    assert lot["quantity"] == "96.5" and lot["status"] == "available"


async def test_retried_consumption_returns_the_first_result_and_books_once(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await _receive(harness)
    first = await _consume(harness, "R-001", "3", key="scan-7f3a")
    again = await _consume(harness, "R-001", "3", key="scan-7f3a")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["remaining"] == "97"
    lot = (await harness.client.get(f"{M}/lots/R-001", headers=harness.auth("material:read"))).json()
    assert Decimal(lot["quantity"]) == 97
    assert await _ledger_sum(harness, "R-001") == 97
    other = await _consume(harness, "R-001", "5", key="scan-7f3a")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    async with harness.db("material").transaction() as s:
        events = (
            await s.execute(text("SELECT count(*) FROM outbox WHERE topic = 'material.lot_consumed.v1'"))
        ).scalar()
    assert events == 1


async def test_quality_hold_blocks_consumption_until_released(harness: Harness, plant: Seed) -> None:
    await plant()
    await _receive(harness)
    bus = harness.runtimes["material"].bus

    async def publish(event: LotHoldRequested | LotReleaseRequested) -> None:
        await bus.publish(
            Envelope(
                str(event.event_id),
                event.topic,
                event.aggregate_id,
                "quality",
                event.model_dump_json().encode(),
            )
        )

    await publish(
        LotHoldRequested(
            lot_code="R-001",
            reason="Melt flow index out of spec",
            reference="NCR-2026-118",
            requested_by="qe-lena",
        )
    )
    refused = await _consume(harness, "R-001", "3", key="k1")
    assert refused.status_code == 409
    assert refused.json()["code"] == "lot_not_consumable"
    assert "on hold" in refused.json()["detail"]
    assert "NCR-2026-118" in refused.json()["detail"]
    await publish(
        LotReleaseRequested(
            lot_code="R-001", reason="Retest passed", reference="NCR-2026-118", requested_by="qe-lena"
        )
    )
    ok = await _consume(harness, "R-001", "3", key="k2")
    assert ok.status_code == 200
    movements = (
        await harness.client.get(f"{M}/lots/R-001/movements", headers=harness.auth("material:read"))
    ).json()
    # the lot's history shows the hold and the release with their reasons; quantities are unchanged
    assert [m["kind"] for m in movements] == ["receive", "hold", "release", "consume"]
    assert [(m["quantity"], m["reason"]) for m in movements[1:3]] == [
        ("0", "Melt flow index out of spec (NCR-2026-118)"),
        ("0", "Retest passed (NCR-2026-118)"),
    ]
    async with harness.db("material").transaction() as s:
        statuses = (
            (
                await s.execute(
                    text(
                        "SELECT payload->>'new_status' FROM outbox WHERE topic = 'material.lot_status_changed.v1' ORDER BY id"
                    )
                )
            )
            .scalars()
            .all()
        )
        audit = (await s.execute(text("SELECT actor, reason FROM audit_log WHERE action = 'lot.hold'"))).one()
    assert statuses == ["on_hold", "available"]
    assert audit.actor == "quality:qe-lena"


async def test_expired_wrong_item_and_insufficient_are_refused_with_reasons(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await _receive(harness, code="OLD-1", expires_on="2020-01-31")
    r = await _consume(harness, "OLD-1", "1", key="a")
    assert r.status_code == 409
    assert "expired on 2020-01-31" in r.json()["detail"]
    await _receive(harness, code="R-002", qty="2")
    r = await _consume(harness, "R-002", "1", key="b", item="MB-BLUE")
    assert r.json()["code"] == "wrong_item"
    r = await _consume(harness, "R-002", "3", key="c")
    assert r.status_code == 409
    assert r.json()["code"] == "insufficient_quantity"
    assert await _ledger_sum(harness, "R-002") == 2


async def test_produce_split_scrap_adjust_and_fefo(harness: Harness, plant: Seed) -> None:
    await plant()
    await _receive(harness, code="R-A", qty="10", expires_on="2031-06-30")
    await _receive(harness, code="R-B", qty="10", expires_on="2030-01-31")
    auth = harness.auth(*ALL, sub="op-ana")
    r = await harness.client.get(f"{M}/suggestions?item=PP-RESIN&quantity=15", headers=auth)
    assert [(s["lot"], s["take"]) for s in r.json()["lots"]] == [("R-B", "10"), ("R-A", "5")]
    await _consume(harness, "R-B", "4", key="c1")
    r = await harness.client.post(
        f"{M}/lots/produce",
        headers={**auth, "Idempotency-Key": "p1"},
        json={
            "code": "CAP-0001",
            "item": "CAP-32",
            "quantity": 500,
            "location": "L1-SIDE",
            "work_order": "WO-1001",
            "operation": "10",
            "inputs": [{"lot": "R-B"}, {"lot": "R-A", "quantity": "1.5"}],
        },
    )
    assert r.status_code == 201, r.text
    async with harness.db("material").transaction() as s:
        inputs = (
            await s.execute(
                text("SELECT payload->'inputs' FROM outbox WHERE topic = 'material.lot_produced.v1'")
            )
        ).scalar()
    assert [(i["lot_code"], i["quantity"]) for i in inputs] == [("R-B", "4"), ("R-A", "1.5")]
    r = await harness.client.post(
        f"{M}/lots/CAP-0001/split", headers=auth, json={"quantity": 200, "new_code": "CAP-0002"}
    )
    assert r.json()["parent_lot"] == "CAP-0001"
    r = await harness.client.post(
        f"{M}/lots/CAP-0001/scrap", headers=auth, json={"quantity": 300, "reason": "short shots"}
    )
    assert r.json()["status"] == "scrapped"
    r = await harness.client.post(
        f"{M}/lots/CAP-0002/adjust", headers=auth, json={"delta": -250, "reason": "count"}
    )
    assert r.status_code == 409
    r = await harness.client.post(
        f"{M}/lots/CAP-0002/adjust", headers=auth, json={"delta": -2, "reason": "cycle count"}
    )
    assert Decimal(r.json()["quantity"]) == 198
    assert await _ledger_sum(harness, "CAP-0001") == 0
    assert await _ledger_sum(harness, "CAP-0002") == 198


async def test_three_level_bom_explosion_with_scrap_units_and_effectivity(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    auth = harness.auth(*ALL)
    # cap: 2.5 g resin per piece, 2 % scrap; 40 g masterbatch per 1000 caps
    r = await harness.client.post(
        f"{M}/items/CAP-32/boms",
        headers=auth,
        json={
            "version": "A",
            "base_quantity": 1000,
            "valid_from": "2026-01-01",
            "lines": [
                {"component": "PP-RESIN", "quantity": 2500, "uom": "g", "scrap_factor": "0.02"},
                {"component": "MB-BLUE", "quantity": 40, "uom": "g"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    # bottle v1 until 2026-07-01: 1 cap + 45 g resin; v2 from then: 1 cap + 40 g resin, 5 % scrap on caps
    for version, frm, to, resin, cap_scrap in (
        ("1", "2026-01-01", "2026-07-01", 45, "0"),
        ("2", "2026-07-01", None, 40, "0.05"),
    ):
        r = await harness.client.post(
            f"{M}/items/BOTTLE-1L/boms",
            headers=auth,
            json={
                "version": version,
                "valid_from": frm,
                "valid_to": to,
                "lines": [
                    {"component": "CAP-32", "quantity": 1, "uom": "pcs", "scrap_factor": cap_scrap},
                    {"component": "PP-RESIN", "quantity": resin, "uom": "g"},
                ],
            },
        )
        assert r.status_code == 201, r.text

    r = await harness.client.get(f"{M}/items/BOTTLE-1L/explosion?quantity=10000&on=2026-03-15", headers=auth)
    body = r.json()
    lines = {(ln["path"], ln["quantity"], ln["uom"]) for ln in body["lines"]}
    assert ("BOTTLE-1L/CAP-32", "10000", "pcs") in lines
    assert ("BOTTLE-1L/CAP-32/PP-RESIN", "25.5", "kg") in lines  # 10000 x 2.5 g x 1.02
    assert ("BOTTLE-1L/CAP-32/MB-BLUE", "400", "g") in lines
    assert ("BOTTLE-1L/PP-RESIN", "450", "kg") in lines
    totals = {t["component"]: t["quantity"] for t in body["totals"]}
    assert totals == {"PP-RESIN": "475.5", "MB-BLUE": "400"}

    r = await harness.client.get(f"{M}/items/BOTTLE-1L/explosion?quantity=10000&on=2026-09-01", headers=auth)
    totals = {t["component"]: t["quantity"] for t in r.json()["totals"]}
    # 10500 caps x 2.55 g = 26.775 kg, plus 400 kg for the bottles
    assert totals == {"PP-RESIN": "426.775", "MB-BLUE": "420"}
    r = await harness.client.get(f"{M}/items/BOTTLE-1L/explosion?quantity=1&on=2025-12-31", headers=auth)
    assert r.status_code == 404
    assert r.json()["code"] == "no_effective_bom"
    r = await harness.client.post(
        f"{M}/items/CAP-32/boms",
        headers=auth,
        json={
            "version": "B",
            "valid_from": "2027-01-01",
            "lines": [{"component": "PP-RESIN", "quantity": 1, "uom": "pcs"}],
        },
    )
    assert r.json()["code"] == "incompatible_units"


async def test_bad_input_is_a_problem_and_books_nothing(harness: Harness, plant: Seed) -> None:
    await plant()
    await _receive(harness)
    auth = harness.auth(*ALL)
    cases = [
        ({"quantity": "3", "work_order": "WO-1", "operation": "10"}, {}, 422),  # no Idempotency-Key
        ({"quantity": "-3", "work_order": "WO-1", "operation": "10"}, {"Idempotency-Key": "n1"}, 422),
        ({"quantity": "abc", "work_order": "WO-1", "operation": "10"}, {"Idempotency-Key": "n2"}, 422),
        (
            {"quantity": "3", "uom": "parsec", "work_order": "WO-1", "operation": "10"},
            {"Idempotency-Key": "n3"},
            422,
        ),
        (
            {"quantity": "3", "uom": "m", "work_order": "WO-1", "operation": "10"},
            {"Idempotency-Key": "n4"},
            422,
        ),
        (
            {"quantity": "3", "work_order": "WO-1", "operation": "10", "extra": 1},
            {"Idempotency-Key": "n5"},
            422,
        ),
    ]
    for body, headers, status in cases:
        r = await harness.client.post(f"{M}/lots/R-001/consume", json=body, headers={**auth, **headers})
        assert r.status_code == status, (body, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    r = await harness.client.post(
        f"{M}/lots/NO-SUCH/consume", json=cases[0][0], headers={**auth, "Idempotency-Key": "n6"}
    )
    assert r.json()["code"] == "lot_not_found"
    assert await _ledger_sum(harness, "R-001") == 100
    async with harness.db("material").transaction() as s:
        assert (await s.execute(text("SELECT count(*) FROM idempotency_key"))).scalar() == 0
        assert (
            await s.execute(text("SELECT count(*) FROM outbox WHERE topic <> 'material.lot_received.v1'"))
        ).scalar() == 0


async def test_issue_to_a_work_order_and_merge(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth(*ALL, sub="stores-max")
    assert (
        await harness.client.post(
            f"{M}/locations", headers=auth, json={"code": "WIP-1", "name": "Line 1 WIP", "kind": "wip"}
        )
    ).status_code == 201
    await _receive(harness, code="R-1", qty="100")
    r = await harness.client.post(
        f"{M}/lots/R-1/issue",
        headers=auth,
        json={"work_order": "WO-1001", "to_location": "WIP-1", "quantity": 30, "new_code": "R-1-WO"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["code"], r.json()["location"], r.json()["work_order"], r.json()["quantity"]) == (
        "R-1-WO",
        "WIP-1",
        "WO-1001",
        "30",
    )
    assert await _ledger_sum(harness, "R-1") == 70
    await harness.client.post(f"{M}/lots/R-1/hold", headers=auth, json={"reason": "supplier recall"})
    r = await harness.client.post(
        f"{M}/lots/R-1/issue", headers=auth, json={"work_order": "WO-1002", "to_location": "WIP-1"}
    )
    assert r.json()["code"] == "lot_not_consumable"
    await harness.client.post(f"{M}/lots/R-1/release", headers=auth, json={"reason": "recall not ours"})

    await _receive(harness, code="R-2", qty="5")
    r = await harness.client.post(f"{M}/lots/R-1/merge", headers=auth, json={"sources": ["R-2"]})
    assert r.json()["quantity"] == "75"
    src = (await harness.client.get(f"{M}/lots/R-2", headers=auth)).json()
    assert (src["quantity"], src["status"]) == ("0", "consumed")
    r = await harness.client.post(f"{M}/lots/R-1/merge", headers=auth, json={"sources": ["R-1-WO", "R-1-WO"]})
    assert r.json()["code"] == "invalid_merge"
    async with harness.db("material").transaction() as s:
        merged = (
            await s.execute(
                text("SELECT payload->'sources' FROM outbox WHERE topic = 'material.lot_merged.v1'")
            )
        ).scalar()
    assert merged == [{"lot_code": "R-2", "quantity": "5"}]


async def test_serials_are_lots_of_one(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth(*ALL, sub="op-ana")
    r = await harness.client.post(
        f"{M}/items",
        headers=auth,
        json={
            "code": "PUMP-X2",
            "name": "Dosing pump",
            "kind": "finished",
            "uom": "pcs",
            "tracking": "serial",
        },
    )
    assert r.json()["tracking"] == "serial"
    await _receive(harness, code="R-1", qty="10")
    for serial, resin in (("SN-0001", "0.4"), ("SN-0002", "0.4")):
        r = await harness.client.post(
            f"{M}/lots/produce",
            headers={**auth, "Idempotency-Key": serial},
            json={
                "code": serial,
                "item": "PUMP-X2",
                "quantity": 1,
                "location": "L1-SIDE",
                "work_order": "WO-7",
                "operation": "20",
                "inputs": [{"lot": "R-1", "quantity": resin}],
            },
        )
        assert r.status_code == 201, r.text
    r = await harness.client.post(
        f"{M}/lots/produce",
        headers={**auth, "Idempotency-Key": "x"},
        json={
            "item": "PUMP-X2",
            "quantity": 2,
            "location": "L1-SIDE",
            "work_order": "WO-7",
            "operation": "20",
        },
    )
    assert r.status_code == 422
    assert r.json()["code"] == "serial_quantity"
    r = await harness.client.post(f"{M}/lots/SN-0001/split", headers=auth, json={"quantity": "0.5"})
    assert r.json()["code"] == "serial_quantity"
    async with harness.db("material").transaction() as s:
        per_serial = (
            await s.execute(
                text(
                    "SELECT payload->>'lot_code', payload->'inputs' FROM outbox WHERE topic = 'material.lot_produced.v1' ORDER BY id"
                )
            )
        ).all()
    assert [(sn, [i["quantity"] for i in inputs]) for sn, inputs in per_serial] == [
        ("SN-0001", ["0.4"]),
        ("SN-0002", ["0.4"]),
    ]


async def test_lots_past_their_date_become_expired_and_say_so_in_their_history(
    harness: Harness, plant: Seed
) -> None:
    from datetime import date

    from mes.services.material.service import expire_lots

    await plant()
    await _receive(harness, code="OLD-2", expires_on="2026-01-31")
    await _receive(harness, code="HELD-1", expires_on="2026-01-31")
    await _receive(harness, code="FRESH-1", expires_on="2031-06-30")
    auth = harness.auth(*ALL)
    await harness.client.post(f"{M}/lots/HELD-1/hold", headers=auth, json={"reason": "supplier recall"})
    async with harness.db("material").transaction() as s:
        assert await expire_lots(s, date(2026, 2, 1)) == ["OLD-2"]  # a held lot waits for quality
    async with harness.db("material").transaction() as s:
        assert await expire_lots(s, date(2026, 2, 1)) == []  # once
    lot = (await harness.client.get(f"{M}/lots/OLD-2", headers=auth)).json()
    assert lot["status"] == "expired" and lot["quantity"] == "100"
    history = (await harness.client.get(f"{M}/lots/OLD-2/movements", headers=auth)).json()
    assert [(m["kind"], m["reason"], m["actor"]) for m in history][-1] == (
        "expire",
        "Expired on 2026-01-31",
        "system",
    )
    assert (await harness.client.get(f"{M}/lots/FRESH-1", headers=auth)).json()["status"] == "available"
    async with harness.db("material").transaction() as s:
        changes = (
            await s.execute(
                text(
                    "SELECT payload->>'lot_code', payload->>'new_status' FROM outbox"
                    " WHERE topic = 'material.lot_status_changed.v1' ORDER BY id"
                )
            )
        ).all()
    assert changes[-1] == ("OLD-2", "expired")


def test_material_runs_lot_expiry_as_a_worker() -> None:
    from mes.services.material.app import spec
    from mes.services.material.service.status import LotExpiry

    assert LotExpiry in spec.workers

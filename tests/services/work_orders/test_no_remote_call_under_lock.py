"""No call to another service while a row lock is held (ADR 35).

The platform's `row_lock_watch` records every `ServiceClient` call with the row locks the
transactions in flight held at that moment: the order's `FOR UPDATE`, or a row a flush changed.
Before ADR 35 authorize (start, join), consume, produce, the unit lookup of a yield and the due
inspections of a completion all ran under the order's lock, and this test failed on each."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from mes.platform.http import ServiceDirectory
from mes.platform.testing import RowLockWatch
from mes.services.work_orders.clients import Caller, lot
from mes.services.work_orders.queries.orders import order_by_number

from .conftest import Plant, ok


def _calls(watch: RowLockWatch) -> list[tuple[str, str, str]]:
    return [(c.target, c.method, c.path) for c in watch.calls]


def _under_lock(watch: RowLockWatch) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.method, c.path, c.locks) for c in watch.under_lock]


async def test_an_order_run_through_calls_other_services_with_no_row_locked(
    plant: Plant, row_lock_watch: RowLockWatch
) -> None:
    await plant.order("WO-1", "10")
    row_lock_watch.calls.clear()  # what set-up called is not the subject
    ok(await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await plant.op("WO-1", "10", "consume", {"lot": "R-001", "quantity": "5"}, key_header="scan-1"))
    ok(await plant.op("WO-1", "10", "yield", {"good": "4"}))
    ok(await plant.op("WO-1", "10", "complete", {"good": "6"}, key_header="done-1"))
    ok(await plant.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    ok(await plant.op("WO-1", "20", "join", {}, who="op-ben"))
    ok(await plant.op("WO-1", "20", "consume", {"lot": "L-001", "quantity": "10"}, key_header="scan-2"))
    body = {"code": "KIT-LOT-1", "quantity": "10", "location": "FG", "inputs": [{"lot": "L-001"}]}
    ok(await plant.op("WO-1", "20", "produce", body, key_header="make-1"), 201)
    ok(await plant.op("WO-1", "20", "complete", {"good": "10"}))

    calls = _calls(row_lock_watch)
    # the watch saw the calls the use cases make: it is not vacuously empty
    assert ("resource", "POST", "/api/v1/resource/authorizations/check") in calls
    assert ("material", "POST", "/api/v1/material/lots/R-001/consume") in calls
    assert ("material", "POST", "/api/v1/material/lots/produce") in calls
    assert ("quality", "GET", "/api/v1/quality/blocking") in calls
    assert ("material", "GET", "/api/v1/material/items/KIT-100") in calls
    assert _under_lock(row_lock_watch) == []


async def test_a_refused_start_is_audited_and_called_resource_with_no_row_locked(
    plant: Plant, row_lock_watch: RowLockWatch
) -> None:
    await plant.order("WO-1", "10")
    row_lock_watch.calls.clear()
    r = await plant.op("WO-1", "10", "start", {"equipment": "IMM-1"}, who="op-carl")
    assert r.status_code == 409 and r.json()["code"] == "operator_not_qualified", r.text
    assert ("resource", "POST", "/api/v1/resource/authorizations/check") in _calls(row_lock_watch)
    assert _under_lock(row_lock_watch) == []


async def test_the_watch_sees_a_call_made_under_the_orders_lock(
    plant: Plant, row_lock_watch: RowLockWatch
) -> None:
    """The watch itself: a call made while the order is locked is reported with the lock."""
    await plant.order("WO-1", "10")
    row_lock_watch.calls.clear()
    token = plant.planner()["Authorization"].removeprefix("Bearer ")
    directory = ServiceDirectory(asgi_app=plant.h.app)
    caller = Caller("planner-kim", token, directory)
    try:
        async with plant.h.db("work-orders").transaction() as session:
            await order_by_number(session, "WO-1", lock=True)
            await lot(caller, "R-001")
        await lot(caller, "R-001")
    finally:
        await directory.close()
    locked, after = row_lock_watch.calls
    assert locked.path == after.path == "/api/v1/material/lots/R-001"
    assert len(locked.locks) == 1 and locked.locks[0].startswith("SELECT FOR UPDATE"), locked.locks
    assert after.locks == ()  # the lock ended with its transaction
    row_lock_watch.calls.clear()  # made on purpose: not a finding of the conftest's check


async def test_a_machine_changed_while_resource_was_asked_is_asked_again(
    plant: Plant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the authorization was given for is checked again under the lock: a start for a
    machine the operation no longer runs on is refused (409 changed_meanwhile), nothing started."""
    from mes.services.work_orders.service import common

    await plant.order("WO-1", "10")
    db = plant.h.db("work-orders")
    move = text(
        "UPDATE wo_operation SET equipment = :e WHERE key = '10' AND work_order_id ="
        " (SELECT id FROM work_order WHERE number = 'WO-1')"
    )
    async with db.transaction() as s:
        await s.execute(move, {"e": "IMM-1"})  # dispatched to press 1
    ask = common.clients.authorize

    async def meanwhile(*args: Any, **kw: Any) -> Any:
        answer = await ask(*args, **kw)
        async with db.transaction() as s:  # a dispatcher moves it to press 2 before the lock
            await s.execute(move, {"e": "IMM-2"})
        return answer

    monkeypatch.setattr(common.clients, "authorize", meanwhile)
    r = await plant.op("WO-1", "10", "start", {})
    assert r.status_code == 409 and r.json()["code"] == "changed_meanwhile", r.text
    order = await plant.get_order("WO-1")
    first = order["operations"][0]
    # (in the tests every session shares one connection: the refusal's rollback undoes the move too)
    assert (first["key"], first["status"], first["labour"]) == ("10", "pending", [])
    assert order["status"] == "released"

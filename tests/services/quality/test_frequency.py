"""In-process sampling every n parts and every t minutes (ADR 41), through the HTTP API and the
work orders' events; every expectation is counted by hand in the test's comment."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from mes.contracts.work_orders import (
    OperationCompleted,
    OperationPaused,
    OperationResumed,
    OperationStarted,
    YieldReported,
)
from mes.services.quality.service.frequency import TimedSampling

from .conftest import ASSEMBLY_PLAN, QualityPlant, ok, problem

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OP = {
    "work_order": "WO-F1",
    "product": "KIT-100",
    "actor": "op-ana",
    "operation": "20",
    "name": "Assembly",
    "work_center": "WC-ASSY",
    "equipment": "ASSY-1",
}


def _plan(**sampling: Any) -> dict[str, Any]:
    return ASSEMBLY_PLAN | {"sampling": {"on_start": False, **sampling}}


def _report(good: str, report_id: str, at: datetime = T0, scrap: str = "0") -> YieldReported:
    return YieldReported(
        **OP, report_id=report_id, at=at, good=Decimal(good), scrap=Decimal(scrap), scrap_reasons=[],
        rework=Decimal(0), occurred_at=at,
    )  # fmt: skip


async def _due(qp: QualityPlant, work_order: str = "WO-F1") -> list[tuple[str, Any]]:
    """The order's tasks in creation order: (trigger, the multiple that made it due)."""
    items = ok(await qp.q("GET", f"/tasks?work_order={work_order}&limit=500"))["items"]
    items.sort(key=lambda t: t["number"])
    return [(t["sampling"].get("trigger"), t["sampling"].get("at")) for t in items]


async def test_every_n_parts_counts_good_and_scrap_once_per_report(qp: QualityPlant) -> None:
    await qp.plan(_plan(every_n_parts=25))
    # 10, 20: below the first multiple
    await qp.h.publish(_report("10", "r1"))
    await qp.h.publish(_report("8", "r2", scrap="2"))
    assert await _due(qp) == []
    # 30: crosses 25
    await qp.h.publish(_report("10", "r3"))
    assert await _due(qp) == [("every_n_parts", 25)]
    # 60: crosses 50 (one task), not yet 75
    fourth = _report("30", "r4", at=T0 + timedelta(minutes=5))
    await qp.h.publish(fourth)
    assert await _due(qp) == [("every_n_parts", 25), ("every_n_parts", 50)]
    # the same report again under another event id, and the same event redelivered: still 60
    await qp.h.publish(fourth.model_copy(update={"event_id": uuid.uuid4()}))
    async with qp.h.db("work-orders").transaction() as s:
        await s.execute(
            text("UPDATE outbox SET published_at = NULL WHERE topic = 'work_orders.yield_reported.v1'")
        )
    assert await qp.h.deliver() >= 5  # every report delivered again
    assert len(await _due(qp)) == 2
    # a correction of r4 (same id, later): 30 -> 45, the total 75 crosses 75
    await qp.h.publish(_report("45", "r4", at=T0 + timedelta(minutes=9)))
    assert await _due(qp) == [("every_n_parts", 25), ("every_n_parts", 50), ("every_n_parts", 75)]
    # a stale copy of r4 (earlier than the correction) changes nothing
    await qp.h.publish(_report("30", "r4", at=T0 + timedelta(minutes=6)))
    await qp.h.publish(_report("1", "r5"))  # 76: no new multiple
    assert len(await _due(qp)) == 3
    # a report of 60 from 76 reaches 136: crosses 100 and 125, one task each
    await qp.h.publish(_report("60", "r6"))
    assert [at for _, at in await _due(qp)] == [25, 50, 75, 100, 125]
    blocking = ok(await qp.q("GET", "/blocking?work_order=WO-F1&operation=20"))
    assert len(blocking["tasks"]) == 5


async def test_reports_in_any_order_give_the_same_tasks(qp: QualityPlant) -> None:
    await qp.plan(_plan(every_n_parts=25))
    # 30 first, then three tens: totals 30, 40, 50, 60 -> due at 25 and 50, as in the other order
    for i, good in enumerate(("30", "10", "10", "10")):
        await qp.h.publish(_report(good, f"x{i}", at=T0 - timedelta(minutes=i)))
    assert await _due(qp) == [("every_n_parts", 25), ("every_n_parts", 50)]


async def test_a_new_plan_version_goes_on_counting(qp: QualityPlant) -> None:
    await qp.plan(_plan(every_n_parts=25))
    await qp.h.publish(_report("30", "v1"))
    assert len(await _due(qp)) == 1
    await qp.plan(_plan(every_n_parts=25))  # v2 supersedes v1
    await qp.h.publish(_report("5", "v2"))  # 35: 25 was done under v1, nothing new
    assert len(await _due(qp)) == 1
    await qp.h.publish(_report("15", "v3"))  # 50
    assert await _due(qp) == [("every_n_parts", 25), ("every_n_parts", 50)]


async def test_a_part_count_task_blocks_completion_through_work_orders(qp: QualityPlant) -> None:
    p = qp.wo
    await qp.plan(_plan(every_n_parts=5))
    await p.order("WO-1", quantity="10")
    ok(await p.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await p.op("WO-1", "10", "complete", {"good": "10"}))
    ok(await p.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    await qp.h.deliver()
    assert await _due(qp, "WO-1") == []  # no first piece (on_start false), nothing counted yet
    # 6 parts: crosses 5
    ok(await p.op("WO-1", "20", "yield", {"good": "6"}))
    await qp.h.deliver()
    assert await _due(qp, "WO-1") == [("every_n_parts", 5)]
    task = ok(await qp.q("GET", "/tasks?work_order=WO-1&status=due"))["items"][0]
    assert (task["source"], task["operation"], task["equipment"]) == (
        "work_orders.yield_reported.v1",
        "20",
        "ASSY-1",
    )
    refused = problem(await p.op("WO-1", "20", "complete", {"good": "4"}), 409, "inspection_due")
    assert refused["inspections"] == [task["number"]]
    ok(
        await qp.record(
            task["number"], {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.0]}]}
        )
    )
    assert ok(await p.op("WO-1", "20", "complete", {"good": "4"}))["status"] == "completed"


def _started(at: datetime) -> OperationStarted:
    return OperationStarted(**OP, operator="op-ana", occurred_at=at)


async def test_every_t_minutes_counts_running_minutes_from_the_start(qp: QualityPlant) -> None:
    await qp.plan(_plan(every_t_minutes=30))
    await qp.h.publish(_started(T0))
    worker = TimedSampling(qp.h.db("quality"))
    assert (await worker.once(T0 + timedelta(minutes=29))).tasks == []
    first = await worker.once(T0 + timedelta(minutes=31))
    assert len(first.tasks) == 1
    assert await _due(qp) == [("every_t_minutes", 30)]
    # the same round again, and a new worker after a restart: nothing twice
    assert (await worker.once(T0 + timedelta(minutes=31))).tasks == []
    assert (await TimedSampling(qp.h.db("quality")).once(T0 + timedelta(minutes=45))).tasks == []
    # paused 08:40-09:00 (20 min): at 09:15 it has run 55 min, at 09:21 61 min
    await qp.h.publish(OperationPaused(**OP, reason="material", occurred_at=T0 + timedelta(minutes=40)))
    paused = await worker.once(T0 + timedelta(minutes=59))
    assert (paused.operations, paused.tasks) == (0, [])  # a paused operation is no candidate
    await qp.h.publish(
        OperationResumed(
            **OP, reason=None, paused_minutes=Decimal(20), occurred_at=T0 + timedelta(minutes=60)
        )
    )
    assert (await worker.once(T0 + timedelta(minutes=75))).tasks == []
    assert len((await worker.once(T0 + timedelta(minutes=81))).tasks) == 1
    assert await _due(qp) == [("every_t_minutes", 30), ("every_t_minutes", 60)]
    # a round that missed several multiples catches them all up: 3 h 21 min run -> 90 .. 180
    late = await worker.once(T0 + timedelta(minutes=200))
    assert [at for _, at in await _due(qp)] == [30, 60, 90, 120, 150, 180]
    assert len(late.tasks) == 4
    # completed: no more tasks, however long after
    await qp.h.publish(
        OperationCompleted(
            **OP, good=Decimal(10), scrap=Decimal(0), scrap_reasons=[], rework=Decimal(0),
            process_loss=Decimal(0), started_at=T0, completed_at=T0 + timedelta(minutes=205),
            elapsed_minutes=Decimal(205), paused_minutes=Decimal(20), run_minutes=Decimal(185), labour=[],
            operators=["op-ana"], occurred_at=T0 + timedelta(minutes=205),
        )
    )  # fmt: skip
    done = await worker.once(T0 + timedelta(hours=10))
    assert (done.operations, done.tasks) == (0, [])
    assert len(await _due(qp)) == 6


async def test_tasks_due_before_a_pause_are_opened_at_the_pause(qp: QualityPlant) -> None:
    await qp.plan(_plan(every_t_minutes=10))
    await qp.h.publish(_started(T0))
    # no worker round ran; the pause at 08:25 opens the 10 and 20 minute tasks
    await qp.h.publish(OperationPaused(**OP, reason="break", occurred_at=T0 + timedelta(minutes=25)))
    assert await _due(qp) == [("every_t_minutes", 10), ("every_t_minutes", 20)]


async def test_a_timed_task_that_fell_due_between_rounds_blocks_completion(qp: QualityPlant) -> None:
    p = qp.wo
    await qp.plan(_plan(every_t_minutes=30))
    await p.order("WO-1", quantity="10")
    ok(await p.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await p.op("WO-1", "10", "complete", {"good": "10"}))
    ok(await p.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    await qp.h.deliver()
    assert await _due(qp, "WO-1") == []
    # the operation has been running for 35 minutes, and no worker round has run since
    async with qp.h.db("quality").transaction() as s:
        await s.execute(
            text(
                "UPDATE operation_run SET started_at = now() - interval '35 minutes' WHERE work_order = 'WO-1'"
            )
        )
    refused = problem(await p.op("WO-1", "20", "complete", {"good": "10"}), 409, "inspection_due")
    assert await _due(qp, "WO-1") == [("every_t_minutes", 30)]
    task = ok(await qp.q("GET", "/tasks?work_order=WO-1&status=due"))["items"][0]
    assert refused["inspections"] == [task["number"]]
    assert task["source"] == "quality.every_t_minutes"
    ok(
        await qp.record(
            task["number"], {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.0]}]}
        )
    )
    assert ok(await p.op("WO-1", "20", "complete", {"good": "10"}))["status"] == "completed"
    await qp.h.deliver()
    assert (await TimedSampling(qp.h.db("quality")).once(datetime.now(UTC) + timedelta(hours=2))).tasks == []


@pytest.mark.parametrize(
    "sampling",
    [
        {"every_n_parts": 0},
        {"every_n_parts": -5},
        {"every_t_minutes": 0},
        {"every_n_parts": "many"},
        {"every_t_minutes": 20_000},  # more than a week
        {"every_n_parts": 25, "method": "iso2859", "aql": "1.0"},  # lot sampling has no lot here
    ],
)
async def test_bad_frequencies_are_refused(qp: QualityPlant, sampling: dict[str, Any]) -> None:
    problem(await qp.q("POST", "/plans", _plan(**sampling)), 422, "validation_failed")
    assert ok(await qp.q("GET", "/plans"))["total"] == 0


@pytest.mark.parametrize("kind", ["incoming", "final"])
@pytest.mark.parametrize("sampling", [{"every_n_parts": 25}, {"every_t_minutes": 30}])
async def test_frequencies_are_for_in_process_plans_only(
    qp: QualityPlant, kind: str, sampling: dict[str, Any]
) -> None:
    body = ASSEMBLY_PLAN | {"kind": kind, "operation": None, "sampling": sampling}
    refused = problem(await qp.q("POST", "/plans", body), 422, "validation_failed")
    assert "in-process" in str(refused)
    assert ok(await qp.q("GET", "/plans"))["total"] == 0

"""On-time completion and schedule start adherence, from work orders' events (hand-computed cases)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from mes.contracts.work_orders import OperationStarted, WorkOrderCompleted
from mes.services.reporting.models.kpis import schedule_figures

from .conftest import Plant, at


def test_start_adherence_counts_early_late_and_on_time_within_the_tolerance() -> None:
    t0 = datetime(2026, 3, 2, 7)
    m = timedelta(minutes=1)
    f = schedule_figures(
        [(t0, t0), (t0 + m, t0)],  # on the due minute: on time; one minute after: late
        [(t0 + 15 * m, t0), (t0 - 15 * m, t0), (t0 + 16 * m, t0), (t0 - 16 * m, t0)],
        timedelta(minutes=15),
    )
    assert (f.orders_completed, f.orders_on_time, f.on_time_completion) == (2, 1, Decimal("0.5"))
    assert (f.operations_on_time, f.operations_late, f.operations_early) == (2, 1, 1)
    assert f.start_adherence == Decimal("0.5")
    empty = schedule_figures([], [], timedelta(0))
    assert empty.on_time_completion is None and empty.start_adherence is None


def _started(wo: str, op: str, wc: str, started: datetime, planned: datetime | None) -> OperationStarted:
    return OperationStarted(
        work_order=wo,
        product="CAP",
        actor="op-ana",
        operation=op,
        name="Mould",
        work_center=wc,
        equipment=None,
        operator="op-ana",
        planned_start=planned,
        planned_end=None if planned is None else planned + timedelta(hours=1),
        occurred_at=started,
    )


def _completed(wo: str, done: datetime, due: datetime | None) -> WorkOrderCompleted:
    return WorkOrderCompleted(
        work_order=wo,
        product="CAP",
        actor="sup",
        quantity=Decimal(10),
        good=Decimal(10),
        scrap=Decimal(0),
        process_loss=Decimal(0),
        short=False,
        reason=None,
        operation="10",
        due=due,
        occurred_at=done,
    )


async def test_schedule_report_per_work_center_from_the_events(plant: Plant) -> None:
    # early shift Monday 06:00-14:00, tolerance 15 min
    for e in (
        _started("WO-1", "10", "WC-1", at(7, 10), at(7)),  # 10 min late: within tolerance
        _started("WO-2", "10", "WC-1", at(8, 20), at(8)),  # 20 min late
        _started("WO-3", "10", "WC-1", at(8, 30), at(9)),  # 30 min early
        _started("WO-4", "10", "WC-1", at(15), at(15)),  # planned in the late shift: not counted
        _started("WO-5", "10", "WC-1", at(9), None),  # not scheduled: not counted
        _started("WO-1", "20", "WC-2", at(10), at(10)),  # exactly on time
        _completed("WO-1", at(11), at(12)),  # before its due date
        _completed("WO-2", at(13), at(9)),  # after
        _completed("WO-3", at(15), at(16)),  # completed in the late shift: not counted
        _completed("WO-5", at(12), None),  # an event from before due dates: not counted
    ):
        await plant.publish(e)
    r = await plant.get("/schedule", start=at(6).isoformat(), end=at(14).isoformat(), tolerance_min=15)
    total = r["total"]
    assert (total["operations_scheduled"], total["operations_on_time"]) == (4, 2)
    assert (total["operations_late"], total["operations_early"]) == (1, 1)
    assert total["start_adherence"] == 50.0
    assert (total["orders_completed"], total["orders_on_time"], total["on_time_completion"]) == (2, 1, 50.0)
    rows = {row["work_center"]: row for row in r["items"]}
    assert rows["WC-1"]["start_adherence"] == 33.3333  # 1 of 3
    assert rows["WC-2"]["start_adherence"] == 100.0
    assert rows["WC-1"]["on_time_completion"] == 50.0  # WO-1 and WO-2 both ran on WC-1
    assert rows["WC-2"]["on_time_completion"] == 100.0  # only WO-1 ran on WC-2
    one = await plant.get("/schedule", start=at(6).isoformat(), end=at(14).isoformat(), work_center="WC-2")
    assert one["total"]["operations_scheduled"] == 1 and [i["work_center"] for i in one["items"]] == ["WC-2"]


async def test_schedule_refuses_a_reversed_interval(plant: Plant) -> None:
    r = await plant.get("/schedule", 422, start=at(14).isoformat(), end=at(6).isoformat())
    assert r["status"] == 422

"""Pure rules: the order and operation state machines and the finite-capacity scheduler."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mes.services.work_orders.errors import InvalidTransition
from mes.services.work_orders.models.orders import ORDER_TRANSITIONS, op_next_status, order_next_status
from mes.services.work_orders.models.scheduling import Job, Step, schedule

ALLOWED = {
    ("planned", "release"): "released",
    ("released", "start"): "in_progress",
    ("in_progress", "complete"): "completed",
    ("completed", "close"): "closed",
    ("planned", "hold"): "on_hold",
    ("released", "hold"): "on_hold",
    ("in_progress", "hold"): "on_hold",
    ("planned", "cancel"): "cancelled",
    ("released", "cancel"): "cancelled",
}
STATUSES = ("planned", "released", "in_progress", "on_hold", "completed", "closed", "cancelled")


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", [a for a in ORDER_TRANSITIONS if a != "resume"])
def test_order_state_machine_allows_exactly_the_documented_moves(status: str, action: str) -> None:
    expected = ALLOWED.get((status, action))
    if status == "on_hold" and action == "cancel":
        expected = "cancelled"
    if expected is None:
        with pytest.raises(InvalidTransition) as e:
            order_next_status(status, action, "released")
        assert e.value.code == "invalid_transition"
    else:
        assert order_next_status(status, action, "released") == expected


def test_resume_goes_back_to_where_the_hold_came_from_and_started_work_cant_be_cancelled() -> None:
    assert order_next_status("on_hold", "resume", "in_progress") == "in_progress"
    assert order_next_status("on_hold", "resume", "planned") == "planned"
    with pytest.raises(InvalidTransition):
        order_next_status("on_hold", "cancel", "in_progress")


def test_operation_state_machine() -> None:
    assert op_next_status("pending", "start", "10") == "in_progress"
    assert op_next_status("in_progress", "pause", "10") == "paused"
    assert op_next_status("paused", "resume", "10") == "in_progress"
    for status, action in (
        ("pending", "complete"),
        ("completed", "start"),
        ("paused", "complete"),
        ("in_progress", "skip"),
    ):
        with pytest.raises(InvalidTransition):
            op_next_status(status, action, "10")


def _t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


def test_scheduler_fills_shift_windows_runs_split_parts_in_parallel_and_flags_late() -> None:
    windows = {wc: [(_t(d, 6), _t(d, 14)) for d in (7, 8)] for wc in ("M", "A")}
    jobs = [
        Job(
            "J1",
            _t(7, 9),
            [
                Step("10-A", 10, "M", Decimal(60)),
                Step("10-B", 10, "A", Decimal(30)),
                Step("20", 20, "A", Decimal(450)),
            ],
        ),
        Job("J2", _t(9, 0), [Step("10", 10, "M", Decimal(600))]),
    ]
    plan = schedule(jobs, windows, _t(7, 6))
    assert (plan.steps[("J1", "10-A")].start, plan.steps[("J1", "10-A")].end) == (_t(7, 6), _t(7, 7))
    assert (plan.steps[("J1", "10-B")].start, plan.steps[("J1", "10-B")].end) == (_t(7, 6), _t(7, 6, 30))
    # waits for both parts, then 450 min: 420 on Monday, 30 on Tuesday
    assert (plan.steps[("J1", "20")].start, plan.steps[("J1", "20")].end) == (_t(7, 7), _t(8, 6, 30))
    assert plan.late["J1"] is True
    # M is free from 07:00: 420 min on Monday, 180 on Tuesday
    assert (plan.steps[("J2", "10")].start, plan.steps[("J2", "10")].end) == (_t(7, 7), _t(8, 9))
    assert plan.late["J2"] is False
    # beyond the horizon: not planned, and late
    plan = schedule([Job("J3", _t(9, 0), [Step("10", 10, "M", Decimal(2000))])], windows, _t(7, 6))
    assert plan.steps[("J3", "10")].end is None and plan.late["J3"] is True
    # not placeable within a 28-day horizon, but due years later: not (yet) late
    far = schedule(
        [Job("J4", _t(9, 0) + timedelta(days=1500), [Step("10", 10, "M", Decimal(2000))])],
        windows,
        _t(7, 6),
        _t(7, 6) + timedelta(days=28),
    )
    assert far.late["J4"] is False

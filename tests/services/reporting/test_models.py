"""Pure rules: OEE per ISO 22400-2 against published worked examples, shifts, the history, KPIs.

Worked examples (figures as published; we match them to 0.01 percentage points):
- W1, Vorne, "OEE Calculation" (https://www.oee.com/calculating-oee/, "Example"): an 8 h shift
  (480 min) with 60 min of breaks, 47 min down, ideal cycle time 1.0 s, total count 19,271,
  reject 423: availability 88.81 %, performance 86.11 %, quality 97.80 %, OEE 74.79 %.
- W2, CNC Optimization, "OEE guide" (https://www.cncoptimization.com/resources/guides/oee-guide,
  "Example Calculation"): 480 min shift, 60 min breaks, 42 min breakdown, 300 parts, 6 scrap,
  ideal cycle time 1.0 min: availability 90.00 %, performance 79.37 %, quality 98.00 %, OEE 70.00 %.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from mes.services.reporting.models.kpis import Reliability, final_yield, fpy, pareto, rty
from mes.services.reporting.models.oee import Counts, count, oee
from mes.services.reporting.models.shifts import Pattern, instances, period_key
from mes.services.reporting.models.timeline import Interval, Segment, Stop, elements, intersect, resolve

PARIS = ZoneInfo("Europe/Paris")
D = Decimal


def at(h: int, m: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 3, day, h, m, tzinfo=UTC)  # 2 March 2026 is a Monday


def run(start: datetime, minutes: float, state: str = "running") -> Interval:
    element = {"running": "APT", "down": "ADOT", "idle": "ADET", "setup": "AUST"}[state]
    return Interval(start, start + timedelta(minutes=minutes), state, element, None)


def history(start: datetime, *parts: tuple[str, float]) -> list[Interval]:
    out, t = [], start
    for state, minutes in parts:
        out.append(run(t, minutes, state))
        t += timedelta(minutes=minutes)
    return out


def pct(x: float | None) -> float:
    assert x is not None
    return x * 100


def assert_figures(f: object, a: float, p: float, q: float, o: float) -> None:
    assert pct(f.availability) == pytest.approx(a, abs=0.01)  # type: ignore[attr-defined]
    assert pct(f.effectiveness) == pytest.approx(p, abs=0.01)  # type: ignore[attr-defined]
    assert pct(f.quality) == pytest.approx(q, abs=0.01)  # type: ignore[attr-defined]
    assert pct(f.oee) == pytest.approx(o, abs=0.01)  # type: ignore[attr-defined]


def day_shift() -> tuple[list[tuple[datetime, datetime]], datetime]:
    """06:00-14:00 with breaks 09:00-09:15, 11:30-12:00, 12:45-13:00: 420 planned minutes."""
    breaks = [(at(9), at(9, 15)), (at(11, 30), at(12)), (at(12, 45), at(13))]
    windows, t = [], at(6)
    for bs, be in breaks:
        windows.append((t, bs))
        t = be
    windows.append((t, at(14)))
    return windows, at(14)


def test_w1_vorne_example_on_a_day_shift() -> None:
    windows, end = day_shift()
    # 47 min down at 07:00, running otherwise (the history goes on through the breaks)
    hist = history(at(6), ("running", 60), ("down", 47), ("running", 480 - 107))
    t = elements(hist, windows, [], end)
    assert (t.pot, t.adot, t.apt) == (420 * 60, 47 * 60, 373 * 60)
    c = count(D(19271 - 423), D(423), D(0), D("1.0"))
    assert_figures(oee(t, c), 88.81, 86.11, 97.80, 74.79)


def test_w1_micro_stops_are_performance_loss_not_availability_loss() -> None:
    windows, end = day_shift()
    # the same shift, but 20 of the running minutes were 40 micro-stops of 30 s at 13:00-13:20
    micro = [run(at(13) + timedelta(seconds=30 * i), 0.5, "down") for i in range(40)]
    stops = [Stop(m.started_at, m.ended_at or end, True, False) for m in micro]
    hist = [*history(at(6), ("running", 60), ("down", 47), ("running", 480 - 107 - 60)), *micro]
    hist.append(run(at(13, 20), 40))
    t = elements(hist, windows, stops, end)
    assert (t.apt, t.micro, t.adot) == (373 * 60, 20 * 60, 47 * 60)
    f = oee(t, count(D(19271 - 423), D(423), D(0), D("1.0")))
    assert_figures(f, 88.81, 86.11, 97.80, 74.79)
    assert f.losses["performance_loss_micro_stops"] == pytest.approx(20)
    assert f.losses["performance_loss_speed"] == pytest.approx(373 - 20 - 19271 / 60)
    assert f.losses["quality_loss"] == pytest.approx(423 / 60)
    assert f.losses["fully_productive_time"] == pytest.approx(18848 / 60)


def test_w2_example_on_a_night_shift_across_midnight() -> None:
    night = Pattern("night", frozenset({1}), time(22), time(6))
    (shift,) = instances([night], ZoneInfo("UTC"), at(20), at(8, day=3))
    assert (shift.start, shift.end, shift.day) == (at(22), at(6, day=3), date(2026, 3, 2))
    windows = [(shift.start, at(2, day=3)), (at(3, day=3), shift.end)]  # a 60 min break at 02:00
    hist = history(at(22), ("running", 180), ("down", 42), ("running", 258))
    t = elements(hist, windows, [], shift.end)
    assert (t.pot, t.apt) == (420 * 60, 378 * 60)
    assert_figures(oee(t, count(D(294), D(6), D(0), D(60))), 90.00, 79.37, 98.00, 70.00)
    assert period_key(shift, "shift") == "2026-03-02/night" and period_key(shift, "week") == "2026-W10"


def test_w2_example_on_the_night_the_clocks_go_back() -> None:
    # Europe/Paris leaves summer time on Sunday 25 October 2026, 03:00 -> 02:00
    night = Pattern("night", frozenset({6}), time(22), time(5))
    (shift,) = instances(
        [night], PARIS, datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC)
    )
    assert shift.end - shift.start == timedelta(hours=8)  # 7 h on the wall clock, plus the repeated hour
    assert shift.start == datetime(2026, 10, 24, 20, tzinfo=UTC)
    brk = (datetime(2026, 10, 25, 0, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC))
    windows = [(shift.start, brk[0]), (brk[1], shift.end)]
    hist = history(shift.start, ("running", 100), ("down", 42), ("running", 338))
    t = elements(hist, windows, [], shift.end)
    assert t.pot == 420 * 60
    assert_figures(oee(t, count(D(294), D(6), D(0), D(60))), 90.00, 79.37, 98.00, 70.00)


def test_a_spring_forward_night_is_one_hour_shorter() -> None:
    night = Pattern("night", frozenset({6}), time(22), time(6))
    (shift,) = instances([night], PARIS, datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC))
    assert shift.end - shift.start == timedelta(hours=7)


def test_planned_reasons_setup_idle_and_no_data_split_the_planned_time() -> None:
    windows = [(at(6), at(7, 40))]
    hist = history(at(6), ("setup", 10), ("running", 30), ("down", 20), ("idle", 10), ("running", 30))
    planned = [Stop(at(6, 40), at(7), False, True)]  # the stop was classified as planned
    t = elements(hist[:-1], windows, planned, at(8))  # the last 30 min: no state known
    assert (t.aust, t.apt, t.pdot, t.adet, t.unknown) == (600, 1800, 1200, 600, 1800)
    assert t.pbt == 4800 and pct(oee(t, Counts()).availability) == pytest.approx(37.5)


def test_time_after_now_is_not_planned_yet() -> None:
    hist = [Interval(at(6), None, "running", "APT", None)]
    t = elements(hist, [(at(6), at(14))], [], at(7))
    assert (t.pot, t.apt) == (3600, 3600)


def test_the_history_is_the_same_whatever_order_the_events_came_in() -> None:
    t0 = at(6)

    def seg(minute: int, state: str, until: int | None = None, pub: int = 0) -> Segment:
        end = t0 + timedelta(minutes=until) if until is not None else None
        return Segment(
            t0 + timedelta(minutes=minute), end, at(20) + timedelta(minutes=pub), str(pub), state, "X", None
        )

    # running from 0, down from 60 (current), then a late report: idle 20-30 (until the next report)
    segs = [seg(0, "running", pub=1), seg(60, "down", pub=2), seg(20, "idle", until=30, pub=3)]
    want = [(0, 20, "running"), (20, 30, "idle"), (30, 60, "running"), (60, None, "down")]
    for order in (segs, list(reversed(segs)), [segs[2], segs[0], segs[1]]):
        got = resolve(order, t0, None)
        assert [
            (
                int((i.started_at - t0).total_seconds() // 60),
                None if i.ended_at is None else int((i.ended_at - t0).total_seconds() // 60),
                i.state,
            )
            for i in got
        ] == want


def test_intersect() -> None:
    assert intersect([(at(6), at(8)), (at(9), at(10))], [(at(7), at(9, 30))]) == [
        (at(7), at(8)),
        (at(9), at(9, 30)),
    ]


def test_fpy_rty_and_final_yield_by_hand() -> None:
    # op 10: 100 in, 90 good, 6 scrap, 4 rework -> FPY 0.9; op 20: 90 in, 81 good, 9 scrap -> 0.9
    assert fpy(D(90), D(6), D(4)) == D("0.9") and fpy(D(81), D(9), D(0)) == D("0.9")
    assert rty([D("0.9"), D("0.9")]) == D("0.81")
    assert final_yield(D(100), D(81)) == D("0.81")
    assert fpy(D(0), D(0), D(0)) is None and rty([None]) is None


def test_mtbf_and_mttr_by_hand() -> None:
    # 420 min running with 3 failures of 10, 20 and 30 min: MTBF 140 min, MTTR 20 min
    r = Reliability(3, 420 * 60, 60 * 60)
    assert (r.mtbf_min, r.mttr_min) == (140, 20)
    assert r.inherent_availability == pytest.approx(140 / 160)
    assert Reliability(0, 100, 0).mtbf_min is None


def test_pareto_sorts_and_accumulates() -> None:
    rows = pareto({"burr": 2, "short shot": 6, "flash": 2, "none": 0})
    assert [(r.key, r.value) for r in rows] == [("short shot", 6), ("burr", 2), ("flash", 2)]
    assert [round(r.cumulative, 2) for r in rows] == [0.6, 0.8, 1.0]


@pytest.mark.parametrize(
    ("announced", "state", "element"),
    [
        ("AUST", "running", "AUST"),  # the event's own element wins over its state's
        (None, "down", "ADOT"),
        (None, "maintenance", "PDOT"),
        ("XYZ", "setup", "AUST"),  # an element that is none of ISO 22400's counts by the state
        (None, "warming_up", "ADET"),  # a state reporting doesn't know yet is a delay
    ],
)
def test_a_state_event_counts_to_an_iso_22400_element(
    announced: str | None, state: str, element: str
) -> None:
    from mes.services.reporting.vocabulary import element_of

    assert element_of(announced, state) == element

"""Planned windows as pure functions: additive over any split of the interval, sorted, disjoint."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from mes.services.resource.models.calendar_math import Shift, minutes, planned_windows

SHIFTS = [
    Shift(frozenset({1, 2, 3, 4, 5}), time(6), time(14), ((time(10), time(10, 30)),)),
    Shift(frozenset({1, 2, 3, 4, 5}), time(14), time(22), ((time(18), time(18, 30)),)),
    Shift(frozenset({5, 6, 7}), time(22), time(6), ((time(2, 15), time(2, 45)),)),
]
BASE = datetime(2026, 1, 1, tzinfo=UTC)
instants = st.integers(min_value=0, max_value=400 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m))
zones = st.sampled_from(["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"])


@settings(max_examples=150, deadline=None)
@given(a=instants, b=instants, c=instants, zone=zones)
def test_windows_add_up_over_any_split(a: datetime, b: datetime, c: datetime, zone: str) -> None:
    start, middle, end = sorted((a, b, c))
    tz = ZoneInfo(zone)
    holidays = {date(2026, 5, 1), date(2026, 12, 25)}
    stops = [(datetime(2026, 7, 1, 8, tzinfo=UTC), datetime(2026, 7, 3, 8, tzinfo=UTC))]
    whole = planned_windows(SHIFTS, holidays, stops, tz, start, end)
    left = planned_windows(SHIFTS, holidays, stops, tz, start, middle)
    right = planned_windows(SHIFTS, holidays, stops, tz, middle, end)
    assert minutes(whole) == minutes(left) + minutes(right)  # everything is whole minutes here
    assert all(start <= s < e <= end for s, e in whole)
    assert all(e1 < s2 for (_, e1), (s2, _) in itertools.pairwise(whole))


def test_a_break_in_the_skipped_hour_still_lasts_its_time() -> None:
    """02:15 doesn't exist on the spring night: read as before the jump (PEP 495 fold=0), i.e.
    03:15 CEST, so the crew still gets its 30 minutes."""
    night = Shift(frozenset({6}), time(22), time(6), ((time(2, 15), time(2, 45)),))
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2026, 3, 28, 12, tzinfo=UTC)
    wins = planned_windows([night], set(), [], paris, start, start + timedelta(days=1))
    assert minutes(wins) == 7 * 60 - 30  # 22:00 CET to 06:00 CEST is 7 h
    assert wins[0][1] == datetime(2026, 3, 29, 1, 15, tzinfo=UTC)

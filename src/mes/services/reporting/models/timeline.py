"""An equipment's state history rebuilt from state events, and its time split into ISO 22400 elements.

Resource publishes one event per change: the state holds from `started_at` until `ended_at` when
that is set (a late report placed in the past), otherwise until a later state starts. At any
instant the state is the one of the latest-starting event still in force there (ties: the later
published wins), so the history is the same whatever order the events arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from mes.services.reporting.models.oee import TimeElements
from mes.services.reporting.vocabulary import TimeElement

Window = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Segment:
    started_at: datetime
    ended_at: datetime | None
    occurred_at: datetime
    event_id: str
    state: str
    element: TimeElement
    reason_code: str | None


@dataclass(frozen=True, slots=True)
class Interval:
    started_at: datetime
    ended_at: datetime | None  # None: still going on
    state: str
    element: TimeElement
    reason_code: str | None


def resolve(segments: Iterable[Segment], start: datetime, end: datetime | None) -> list[Interval]:
    """The history within [start, end) (end None: open), from the segments that may be in force there."""
    segs = sorted(segments, key=lambda s: (s.started_at, s.occurred_at, s.event_id))
    points = {start}
    for s in segs:
        for p in (s.started_at, s.ended_at):
            if p is not None and p > start and (end is None or p < end):
                points.add(p)
    cuts = sorted(points)
    out: list[Interval] = []
    for i, p in enumerate(cuts):
        q = cuts[i + 1] if i + 1 < len(cuts) else end
        winner = None
        for s in segs:  # sorted ascending: the last one in force wins
            if s.started_at <= p and (s.ended_at is None or s.ended_at > p):
                winner = s
        if winner is None:
            continue
        if (
            out
            and out[-1].ended_at == p
            and out[-1].state == winner.state
            and (out[-1].reason_code == winner.reason_code)
        ):
            out[-1] = Interval(out[-1].started_at, q, winner.state, winner.element, winner.reason_code)
        else:
            out.append(Interval(p, q, winner.state, winner.element, winner.reason_code))
    return out


def intersect(a: Sequence[Window], b: Sequence[Window]) -> list[Window]:
    """The overlap of two sorted, disjoint window lists."""
    out: list[Window] = []
    i = j = 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


@dataclass(frozen=True, slots=True)
class Stop:
    """A closed downtime as resource recorded it: micro-stops are performance loss, planned reasons PDOT."""

    started_at: datetime
    ended_at: datetime
    micro_stop: bool
    planned: bool


def _seconds(ws: Iterable[Window]) -> float:
    return sum((e - s).total_seconds() for s, e in ws)


def _clip(span: Window, windows: Sequence[Window], start_at: int) -> tuple[list[Window], int]:
    """`span` within the sorted `windows`, scanning from index `start_at`; returns where the next span may start."""
    s, e = span
    i = start_at
    while i < len(windows) and windows[i][1] <= s:
        i += 1
    out: list[Window] = []
    k = i
    while k < len(windows) and windows[k][0] < e:
        a, b = max(s, windows[k][0]), min(e, windows[k][1])
        if a < b:
            out.append((a, b))
        k += 1
    return out, i


def elements(
    intervals: Sequence[Interval], planned: Sequence[Window], stops: Sequence[Stop], now: datetime
) -> TimeElements:
    """Seconds per ISO 22400 element of the history (sorted by start) within the planned windows (POT), up to `now`."""
    planned = sorted((s, min(e, now)) for s, e in planned if s < now)
    pot = _seconds(planned)
    acc: dict[TimeElement, float] = {"APT": 0.0, "AUST": 0.0, "ADET": 0.0, "ADOT": 0.0, "PDOT": 0.0}
    micro = 0.0
    micro_w = sorted((s.started_at, s.ended_at) for s in stops if s.micro_stop)
    planned_w = sorted((s.started_at, s.ended_at) for s in stops if s.planned and not s.micro_stop)
    j = 0
    for iv in sorted(intervals, key=lambda i: i.started_at):
        inside, j = _clip((iv.started_at, iv.ended_at or now), planned, j)
        secs = _seconds(inside)
        if not secs:
            continue
        if iv.element == "ADOT":
            m = _seconds(intersect(inside, micro_w))
            p = _seconds(intersect(inside, planned_w))
            micro += m
            acc["APT"] += m
            acc["PDOT"] += p
            acc["ADOT"] += secs - m - p
        else:
            acc[iv.element] += secs
    known = sum(acc.values())
    return TimeElements(
        pot=pot,
        pdot=acc["PDOT"],
        apt=acc["APT"],
        aust=acc["AUST"],
        adet=acc["ADET"],
        adot=acc["ADOT"],
        micro=micro,
        unknown=max(pot - known, 0.0),
    )

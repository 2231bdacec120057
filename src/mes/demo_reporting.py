"""The demo plant's recent past: machine states, stops with reasons, micro-stops and yields over several shifts.

Everything goes through the public APIs: states placed in the past through resource (as a late
machine report would), stops reported with a reason of the site's tree, ideal cycle times, and
the yield history imported into reporting (as a plant going live imports its legacy counts).
A fixed seed makes every demo the same plant; one CNC mill is left stopped by an electrical fault.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import monotonic
from typing import Any, Protocol
from zoneinfo import ZoneInfo

R, P = "/api/v1/resource", "/api/v1/reporting"
TZ = ZoneInfo("Europe/Paris")
SHIFTS = (("early", time(6), time(14)), ("late", time(14), time(22)))
PAST_SHIFTS = 4

REASONS = [
    ("MECH", "Mechanical", None),
    ("MECH.JAM", "Part jammed", "MECH"),
    ("MECH.MOULD", "Mould repair", "MECH"),
    ("MECH.TOOL", "Tool change", "MECH"),
    ("ELEC", "Electrical fault", None),
    ("MAT", "Material missing", None),
    ("QUAL", "Quality check", None),
    ("PLANNED", "Planned", None),
    ("PLANNED.CHANGEOVER", "Planned changeover", "PLANNED"),
]
STOP_REASONS = ["MECH.JAM", "MECH.JAM", "MECH.TOOL", "MAT", "MAT", "ELEC", "QUAL", "PLANNED.CHANGEOVER"]
# machine: product, operation, work center, ideal cycle time (s), scrap reasons
MACHINES: dict[str, tuple[str, str, str, str, list[str]]] = {
    **{
        f"IMM-1{i}": ("BOX-S", "10", "L1-MOULD", "30", ["Short shot", "Flash", "Sink mark"])
        for i in (1, 2, 3)
    },
    **{f"ASM-1{i}": ("BOX-S", "20", "L1-ASSY", "18", ["Missing hinge", "Scratch"]) for i in (1, 2)},
    **{f"CNC-2{i}": ("BRACKET", "10", "L2-CNC", "75", ["Out of tolerance", "Burr"]) for i in (1, 2)},
    **{f"PCK-2{i}": ("BRACKET", "20", "L2-PACK", "12", ["Damaged carton"]) for i in (1, 2, 3)},
}
STOPPED = ("CNC-22", "ELEC", timedelta(minutes=25))


class Caller(Protocol):
    async def call(
        self, method: str, path: str, body: Any, who: dict[str, str], *, key: str | None = None
    ) -> Any: ...


class Admin:
    """The administrator's headers, signed in again before the access token may run out."""

    def __init__(self, login: Callable[[], Awaitable[dict[str, str]]], every_s: float = 20.0) -> None:
        self._login, self._every = login, every_s
        self._headers: dict[str, str] = {}
        self._at = 0.0

    async def __call__(self) -> dict[str, str]:
        if not self._headers or monotonic() - self._at > self._every:
            self._headers, self._at = await self._login(), monotonic()
        return self._headers


def shifts_until(now: datetime, count: int) -> list[tuple[str, datetime, datetime]]:
    """The last `count` shifts (Mon-Fri) that started before now, the running one included, oldest first."""
    out: list[tuple[str, datetime, datetime]] = []
    day: date = now.astimezone(TZ).date()
    while len(out) < count:
        if day.isoweekday() <= 5:
            for name, s, e in reversed(SHIFTS):
                start = datetime.combine(day, s, tzinfo=TZ).astimezone(UTC)
                if start < now and len(out) < count:
                    out.append((f"{day}/{name}", start, datetime.combine(day, e, tzinfo=TZ).astimezone(UTC)))
        day -= timedelta(days=1)
    return list(reversed(out))


def timeline(rng: random.Random, start: datetime, end: datetime) -> list[tuple[datetime, str, str | None]]:
    """A shift of one machine: setup, running with stops, a few micro-stops, an idle spell."""
    t = start + timedelta(minutes=rng.randint(0, 3))
    out: list[tuple[datetime, str, str | None]] = [(t, "setup", None)]
    t += timedelta(minutes=rng.randint(8, 20))
    while True:
        out.append((t, "running", None))
        t += timedelta(minutes=rng.randint(35, 110))
        kind = rng.random()
        if kind < 0.45:
            state, reason, dur = "down", rng.choice(STOP_REASONS), timedelta(minutes=rng.randint(5, 35))
        elif kind < 0.8:
            state, reason, dur = "down", None, timedelta(seconds=rng.randint(40, 100))  # a micro-stop
        else:
            state, reason, dur = "idle", None, timedelta(minutes=rng.randint(5, 15))
        if t + dur >= end - timedelta(minutes=5):
            return out
        out.append((t, state, reason))
        t += dur


def _running_seconds(events: list[tuple[datetime, str, str | None]], end: datetime, h0: datetime) -> float:
    h1 = h0 + timedelta(hours=1)
    total = 0.0
    for i, (t, state, _) in enumerate(events):
        nxt = events[i + 1][0] if i + 1 < len(events) else end
        if state == "running":
            s, e = max(t, h0), min(nxt, h1)
            total += max((e - s).total_seconds(), 0.0)
    return total


async def seed_history(
    s: Caller,
    login: Callable[[], Awaitable[dict[str, str]]],
    say: Callable[[str], None],
    settle: Callable[[], Awaitable[Any]],
    *,
    one_at_a_time: bool = False,
) -> None:
    """Seeds the history; `login` signs the administrator in (again: the run outlasts a token).
    `one_at_a_time` for a plant served in this process by the tests, whose services share one
    test transaction per database and so take one request at a time."""
    fresh = Admin(login)
    now = datetime.now(UTC).replace(microsecond=0)
    for code, name, parent in REASONS:
        await s.call(
            "POST",
            f"{R}/sites/LYON/reason-codes",
            {"code": code, "name": name, "parent_code": parent},
            await fresh(),
        )
    for machine, (product, _, _, ict, _) in MACHINES.items():
        await s.call(
            "PUT",
            f"{R}/equipment/{machine}/cycle-times/{product}",
            {"ideal_cycle_time_s": ict},
            await fresh(),
        )
    shifts = shifts_until(now, PAST_SHIFTS)
    say(f"  history of {len(MACHINES)} machines over {len(shifts)} shifts ...")
    lines: list[dict[str, Any]] = []

    async def one(machine: str) -> None:
        product, op, wc, ict, scrap_reasons = MACHINES[machine]
        rng = random.Random(f"demo:{machine}")
        for key, start, end in shifts:
            until = min(end, now - timedelta(minutes=1))
            events = [e for e in timeline(rng, start, end) if e[0] < until]
            if end > now:  # the shift running now: every machine available, but the stopped one
                while events and events[-1][1] != "running":
                    events.pop()
                if machine == STOPPED[0]:
                    events = [e for e in events if e[0] < now - STOPPED[2]]
                    events.append((now - STOPPED[2], "down", STOPPED[1]))
            for t, state, reason in events:
                await s.call(
                    "POST",
                    f"{R}/equipment/{machine}/state",
                    {"state": state, "at": t.isoformat(), "reason_code": reason},
                    await fresh(),
                )
            if end <= now and key.endswith("late"):  # the plant closes for the night
                await s.call(
                    "POST",
                    f"{R}/equipment/{machine}/state",
                    {"state": "idle", "at": end.isoformat()},  # no shift at night: outside planned time
                    await fresh(),
                )
            hour = start
            speed = Decimal(str(round(rng.uniform(0.82, 0.97), 3)))
            while hour < until:
                run_s = _running_seconds(events, until, hour)
                produced = int(Decimal(run_s) * speed / Decimal(ict))
                if produced > 0:
                    scrap = int(produced * rng.uniform(0.005, 0.04))
                    reason = rng.choice(scrap_reasons)
                    lines.append(
                        {
                            "report_id": f"demo-{machine}-{hour:%Y%m%d%H}",
                            "work_order": f"HIST-{product}-{key[:10].replace('-', '')}",
                            "product": product,
                            "operation": op,
                            "work_center": wc,
                            "equipment": machine,
                            "at": min(hour + timedelta(minutes=59), until - timedelta(seconds=1)).isoformat(),
                            "good": str(produced - scrap),
                            "scrap": [{"reason": reason, "quantity": str(scrap)}] if scrap else [],
                        }
                    )
                hour += timedelta(hours=1)

    # machines one after the other would outlast a demo's patience: each machine is its own history
    if one_at_a_time:
        for m in MACHINES:
            await one(m)
    else:
        await asyncio.gather(*(one(m) for m in MACHINES))
    for i in range(0, len(lines), 500):
        await s.call("POST", f"{P}/imports/yields", {"lines": lines[i : i + 500]}, await fresh())
    await settle()
    say(f"  {len(lines)} hourly yield reports; {STOPPED[0]} stopped now, reason {STOPPED[1]}")

"""The demo plant's recent past: machine states, stops with reasons, micro-stops and yields over several shifts.

Everything goes through the public APIs: states placed in the past through resource (as a late
machine report would), stops reported with a reason of the site's tree, ideal cycle times, and
the yield history imported into reporting (as a plant going live imports its legacy counts).
Each hourly line carries its operators' labour minutes (one or two per machine, each booking a
little more than the running time) and the standard minutes earned (ideal cycle time x produced x
crew), so labour efficiency reads a plant's figure, not the live orders' seconds.
A fixed seed makes every demo the same plant; one CNC mill is left stopped by an electrical fault.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import monotonic
from typing import Any, Protocol
from urllib.parse import quote
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
# who runs a machine (the demo's operators by skill) and its crew: assembly takes two
CREWS: dict[str, tuple[list[str], int]] = {
    "IMM": (["ana.moreau", "dev.patel"], 1),
    "ASM": (["ana.moreau", "ben.okafor", "eli.novak"], 2),
    "CNC": (["carla.ruiz", "dev.patel"], 1),
    "PCK": (["ben.okafor", "carla.ruiz", "eli.novak"], 1),
}
# minutes an operator books per minute the machine runs (handling, checks, micro-stops clocked in)
BOOKED = {"ana.moreau": 1.02, "ben.okafor": 1.08, "carla.ruiz": 1.0, "dev.patel": 1.12, "eli.novak": 1.05}


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


@dataclass
class MachinePlan:
    states: list[list[tuple[datetime, str, str | None]]]  # per shift, the state reports to make
    lines: list[dict[str, Any]]  # hourly yield reports to import


def plan_machine(
    machine: str, shifts: list[tuple[str, datetime, datetime]], now: datetime, live: Decimal = Decimal(0)
) -> MachinePlan:
    """One machine's history (deterministic: seeded by its code). In the shift running now, `live`
    (what the demo's orders reported there already) is taken off the modelled production, latest
    hour first, so the shift counts what the machine made once, not the history and the orders twice."""
    product, op, wc, ict, scrap_reasons = MACHINES[machine]
    rng = random.Random(f"demo:{machine}")
    people = random.Random(f"demo:{machine}:labour")  # its own draws: the states and yields stay as they were
    qualified, crew_size = CREWS[machine[:3]]
    out = MachinePlan([], [])
    for key, start, end in shifts:
        until = min(end, now - timedelta(minutes=1))
        events = [e for e in timeline(rng, start, end) if e[0] < until]
        if end > now:  # the shift running now: every machine available, but the stopped one
            while events and events[-1][1] != "running":
                events.pop()
            if machine == STOPPED[0]:
                events = [e for e in events if e[0] < now - STOPPED[2]]
                events.append((now - STOPPED[2], "down", STOPPED[1]))
        reports = list(events)
        if end <= now and key.endswith("late"):  # the plant closes for the night
            reports.append((end, "idle", None))  # no shift at night: outside planned time
        out.states.append(reports)
        hour = start
        speed = Decimal(str(round(rng.uniform(0.82, 0.97), 3)))
        crew = people.sample(qualified, crew_size)
        hours: list[tuple[datetime, int, int, str]] = []
        running: dict[datetime, tuple[float, int]] = {}  # hour -> running seconds, modelled production
        while hour < until:
            run_s = _running_seconds(events, until, hour)
            produced = int(Decimal(run_s) * speed / Decimal(ict))
            if produced > 0:
                scrap = int(produced * rng.uniform(0.005, 0.04))
                hours.append((hour, produced, scrap, rng.choice(scrap_reasons)))
                running[hour] = (run_s, produced)
            hour += timedelta(hours=1)
        if end > now:
            hours = _less_live(hours, int(live))
        for hour, produced, scrap, reason in hours:
            if produced <= 0:
                continue
            run_s, modelled = running[hour]
            share = produced / modelled  # of the hour's running time, what the history made (not the orders)
            labour = [
                {
                    "operator": who,
                    "minutes": str(
                        round(min(60.0, run_s / 60 * share * BOOKED[who] * people.uniform(0.98, 1.05)), 2)
                    ),
                }
                for who in crew
            ]
            out.lines.append(
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
                    # each operator on the machine while it ran; earned: the crew x ideal cycle x produced
                    "labour": labour,
                    "standard_minutes": str(round(Decimal(ict) * produced * crew_size / 60, 2)),
                }
            )
    return out


def _less_live(
    hours: list[tuple[datetime, int, int, str]], live: int
) -> list[tuple[datetime, int, int, str]]:
    out = []
    for hour, produced, scrap, reason in reversed(hours):
        take = min(live, produced)
        live -= take
        produced -= take
        out.append((hour, produced, min(scrap, produced), reason))
    return list(reversed(out))


async def live_quantity(
    s: Caller, who: dict[str, str], machine: str, shift: tuple[str, datetime, datetime], now: datetime
) -> Decimal:
    """Good + scrap + rework reporting counted on `machine` in `shift` up to now (the orders' yields)."""
    _, start, end = shift
    if end <= now:
        return Decimal(0)
    q = f"?scope={machine}&start={quote(start.isoformat())}&end={quote((now + timedelta(hours=1)).isoformat())}"
    page = await s.call("GET", f"{P}/production{q}&limit=1000", None, who)
    return sum(
        (
            Decimal(str(r["good"])) + Decimal(str(r["scrap"])) + Decimal(str(r["rework"]))
            for r in page["items"]
            if r["source"] == "operator"
        ),
        Decimal(0),
    )


async def seed_history(
    s: Caller,
    login: Callable[[], Awaitable[dict[str, str]]],
    say: Callable[[str], None],
    settle: Callable[[], Awaitable[Any]],
    *,
    one_at_a_time: bool = False,
    now: datetime | None = None,
) -> None:
    """Seeds the history; `login` signs the administrator in (again: the run outlasts a token).
    `one_at_a_time` for a plant served in this process by the tests, whose services share one
    test transaction per database and so take one request at a time."""
    fresh = Admin(login)
    now = now or datetime.now(UTC).replace(microsecond=0)
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
    # what the demo's work orders already reported this shift (their yields are live events): the
    # history fills the current shift up to the modelled production, it doesn't add to them
    await settle()
    live = {m: await live_quantity(s, await fresh(), m, shifts[-1], now) for m in MACHINES}
    lines: list[dict[str, Any]] = []

    async def one(machine: str) -> None:
        plan = plan_machine(machine, shifts, now, live[machine])
        for events in plan.states:
            for t, state, reason in events:
                await s.call(
                    "POST",
                    f"{R}/equipment/{machine}/state",
                    {"state": state, "at": t.isoformat(), "reason_code": reason},
                    await fresh(),
                )
        lines.extend(plan.lines)

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

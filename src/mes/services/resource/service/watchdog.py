"""Periodic checks: silent machines, expired certifications, maintenance due by time or hours.

`run_checks(session, now)` is one pass, callable from a test with any `now`; `Watchdog` runs the
same steps every `interval_s` in a server process. Replicas may overlap: each step re-checks
under the equipment's row lock (or skips locked rows), so nothing is done twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.db import Database
from mes.platform.workers import Periodic
from mes.services.resource import queries
from mes.services.resource.models import Equipment, MaintenancePlan
from mes.services.resource.models.states import NO_SIGNAL_REASON
from mes.services.resource.service.authorization import expire_qualifications
from mes.services.resource.service.maintenance import raise_due_orders
from mes.services.resource.service.states import Change, change_state

# a machine already stopped, switched off or planned out doesn't go "down" for being silent
_QUIET_STATES = ("down", "offline", "planned_stop", "maintenance")


@dataclass(frozen=True)
class CheckResult:
    silent: list[str]
    expired: int
    orders: list[str]


async def silent_candidates(session: AsyncSession, now: datetime) -> list[str]:
    rows = await session.scalars(
        select(Equipment.code)
        .where(
            Equipment.last_signal_at.is_not(None),
            Equipment.last_signal_at < now,
            (Equipment.state.is_(None)) | (Equipment.state.not_in(_QUIET_STATES)),
        )
        .order_by(Equipment.code)
    )
    return list(rows)


async def stop_if_silent(session: AsyncSession, code: str, now: datetime) -> bool:
    """Unqualified downtime if the machine was silent longer than its timeout; starts when it ran out."""
    eq = await queries.equipment(session, code, lock=True)
    _, timeout_s = await queries.thresholds(session, eq)
    if eq.last_signal_at is None or eq.state in _QUIET_STATES:
        return False
    since = eq.last_signal_at + timedelta(seconds=timeout_s)
    if since > now:
        return False
    change = Change(
        state="down",
        at=since,
        source="system",
        actor="system:no-signal",
        reason_code=NO_SIGNAL_REASON,
        unqualified=True,
        comment=f"No signal since {eq.last_signal_at.isoformat()} ({timeout_s} s timeout)",
    )
    return await change_state(session, eq, change)


async def planned_candidates(session: AsyncSession) -> list[str]:
    """Equipment with plans that fall due by time (calendar days or operating hours)."""
    rows = await session.scalars(
        select(Equipment.code)
        .where(
            Equipment.id.in_(
                select(MaintenancePlan.equipment_id).where(
                    MaintenancePlan.active.is_(True), MaintenancePlan.trigger != "cycles"
                )
            )
        )
        .order_by(Equipment.code)
    )
    return list(rows)


async def raise_due(session: AsyncSession, code: str, now: datetime) -> list[str]:
    return await raise_due_orders(session, await queries.equipment(session, code, lock=True), now)


async def run_checks(session: AsyncSession, now: datetime) -> CheckResult:
    """One pass in one transaction (tests); the Watchdog runs the same steps one equipment per transaction."""
    silent = [
        code for code in await silent_candidates(session, now) if await stop_if_silent(session, code, now)
    ]
    expired = await expire_qualifications(session, now)
    orders = [n for code in await planned_candidates(session) for n in await raise_due(session, code, now)]
    return CheckResult(silent, expired, orders)


class Watchdog(Periodic):
    """The periodic checks, every 30 s: silent machines, expired qualifications, due maintenance."""

    name = "resource-watchdog"

    def __init__(self, db: Database, interval_s: float = 30.0) -> None:
        super().__init__(db, interval_s)

    async def step(self) -> CheckResult:
        return await self.once()

    async def once(self) -> CheckResult:
        """Each equipment in its own short transaction: its row lock is never held while waiting
        for another's (requests lock one equipment and then the audit chain)."""
        now = datetime.now(UTC)
        async with self.db.transaction() as session:
            silent_codes = await silent_candidates(session, now)
            planned_codes = await planned_candidates(session)
        silent = []
        for code in silent_codes:
            async with self.db.transaction() as session:
                if await stop_if_silent(session, code, now):
                    silent.append(code)
        async with self.db.transaction() as session:
            expired = await expire_qualifications(session, now)
        orders = []
        for code in planned_codes:
            async with self.db.transaction() as session:
                orders += await raise_due(session, code, now)
        return CheckResult(silent, expired, orders)

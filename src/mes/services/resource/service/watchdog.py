"""Periodic checks: silent machines, expired certifications, maintenance due by time or hours.

`run_checks(session, now)` is one pass, callable from a test with any `now`; `Watchdog` runs it
every `interval_s` in a server process. Replicas take turns through an advisory lock, so one
pass runs at a time across all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.db import Database
from mes.services.resource import queries
from mes.services.resource.models import Equipment, MaintenancePlan
from mes.services.resource.models.states import NO_SIGNAL_REASON
from mes.services.resource.service.authorization import expire_qualifications
from mes.services.resource.service.maintenance import raise_due_orders
from mes.services.resource.service.states import Change, change_state

log = structlog.get_logger("mes.resource.watchdog")
_LOCK = zlib.crc32(b"mes.resource.watchdog") & 0x7FFFFFFF
# a machine already stopped, switched off or planned out doesn't go "down" for being silent
_QUIET_STATES = ("down", "offline", "planned_stop", "maintenance")


@dataclass(frozen=True)
class CheckResult:
    silent: list[str]
    expired: int
    orders: list[str]


async def stop_silent_machines(session: AsyncSession, now: datetime) -> list[str]:
    """Unqualified downtime for each machine silent longer than its no-signal timeout; starts when it ran out."""
    stopped = []
    candidates = await session.scalars(
        select(Equipment).where(
            Equipment.last_signal_at.is_not(None),
            Equipment.last_signal_at < now,
            (Equipment.state.is_(None)) | (Equipment.state.not_in(_QUIET_STATES)),
        )
    )
    for eq in list(candidates):
        _, timeout_s = await queries.thresholds(session, eq)
        eq = await queries.equipment(session, eq.code, lock=True)
        assert eq.last_signal_at is not None
        since = eq.last_signal_at + timedelta(seconds=timeout_s)
        if since > now or eq.state in _QUIET_STATES:
            continue
        change = Change(
            state="down",
            at=since,
            source="system",
            actor="system:no-signal",
            reason_code=NO_SIGNAL_REASON,
            unqualified=True,
            comment=f"No signal since {eq.last_signal_at.isoformat()} ({timeout_s} s timeout)",
        )
        if await change_state(session, eq, change):
            stopped.append(eq.code)
    return stopped


async def run_checks(session: AsyncSession, now: datetime) -> CheckResult:
    silent = await stop_silent_machines(session, now)
    expired = await expire_qualifications(session, now)
    orders: list[str] = []
    planned = await session.scalars(
        select(Equipment).where(
            Equipment.id.in_(
                select(MaintenancePlan.equipment_id).where(
                    MaintenancePlan.active.is_(True), MaintenancePlan.trigger != "cycles"
                )
            )
        )
    )
    for eq in list(planned):
        orders += await raise_due_orders(session, await queries.equipment(session, eq.code, lock=True), now)
    return CheckResult(silent, expired, orders)


class Watchdog:
    def __init__(self, db: Database, interval_s: float = 30.0) -> None:
        self.db = db
        self.interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    async def once(self) -> CheckResult | None:
        async with self.db.transaction() as session:
            got = (await session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _LOCK})).scalar()
            if not got:
                return None  # another replica is checking
            return await run_checks(session, datetime.now(UTC))

    async def run(self) -> None:
        while True:
            try:
                await self.once()
            except asyncio.CancelledError:
                raise
            except Exception as e:
                log.warning("resource_checks_failed", error=str(e))
            await asyncio.sleep(self.interval_s)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="resource-watchdog")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None

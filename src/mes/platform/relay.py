"""The outbox relay: publishes committed outbox rows in order, marks them published afterwards.

At most one relay per service database drains at a time (a transaction-scoped advisory lock), so
rows leave in id order. A crash between publishing and marking re-sends those rows on restart;
the bus and the consumers' inbox make that harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from typing import Any

import structlog
from prometheus_client import Counter, Gauge
from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.bus import Bus
from mes.platform.db import Database
from mes.platform.events import envelope_from_row
from mes.platform.settings import get_settings

log = structlog.get_logger("mes.relay")
PUBLISHED = Counter("mes_outbox_published_total", "Outbox events published", ["service"])

_SELECT = text(
    "SELECT id, event_id, topic, aggregate_id, producer, payload::text AS payload, headers::text AS headers,"
    " attempts FROM outbox"
    " WHERE published_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT :limit"
)
_MARK = text("UPDATE outbox SET published_at = now() WHERE id = ANY(:ids)")
_FAILED = text(
    "UPDATE outbox SET attempts = attempts + 1, last_error = :error, last_attempt_at = now(),"
    " dead_at = CASE WHEN :dead THEN now() END WHERE id = :id"
)
_BACKLOG = text(
    "SELECT count(*) FILTER (WHERE dead_at IS NULL) AS pending,"
    " extract(epoch FROM now() - min(created_at) FILTER (WHERE dead_at IS NULL)) AS age,"
    " count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead"
    " FROM outbox WHERE published_at IS NULL"
)
# published events and handled-event ids are kept a while (for inspection, and so a late
# redelivery is still recognised), then pruned; pending events are never touched
_PRUNE_OUTBOX = text(
    "WITH gone AS (DELETE FROM outbox WHERE published_at IS NOT NULL"
    " AND published_at < now() - make_interval(secs => :keep) RETURNING 1) SELECT count(*) FROM gone"
)
_PRUNE_INBOX = text(
    "WITH gone AS (DELETE FROM inbox WHERE handled_at < now() - make_interval(secs => :keep) RETURNING 1)"
    " SELECT count(*) FROM gone"
)
PRUNED = Counter(
    "mes_outbox_pruned_total", "Published outbox and handled inbox rows pruned", ["service", "table"]
)
PENDING = Gauge("mes_outbox_pending", "Outbox rows waiting to be published", ["service"])
AGE = Gauge(
    "mes_outbox_oldest_age_seconds", "Age of the oldest outbox row waiting to be published", ["service"]
)
DEAD = Gauge("mes_outbox_dead", "Outbox rows set aside after failing to publish", ["service"])


class PublishFailed(Exception):
    """The bus refused or did not acknowledge a row; the relay retries after a backoff."""


def _distinct_aggregates_prefix(rows: list[Row[Any]]) -> list[Row[Any]]:
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row.aggregate_id in seen:
            return rows[:i]
        seen.add(row.aggregate_id)
    return rows


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        *,
        service: str,
        batch: int = 500,
        poll_s: float = 0.5,
        max_attempts: int | None = None,
    ) -> None:
        self.db = db
        self.bus = bus
        self.service = service
        self.batch = batch
        self.poll_s = poll_s
        self._lock_key = zlib.crc32(f"mes.relay.{service}".encode()) & 0x7FFFFFFF
        self._task: asyncio.Task[None] | None = None
        self._pruned_at = float("-inf")
        self.max_attempts = max_attempts

    async def drain_once(self) -> int:
        """Publish up to one batch; returns how many rows were published.

        The batch goes out in waves: the longest run of rows (in id order) with no aggregate twice
        is published at once, its acknowledgements awaited together, then the next run (ADR 36).
        A row the bus refuses stops the batch after its wave (order per aggregate is kept, as a
        later row of its aggregate is always in a later wave): what was published is
        marked, the failure is recorded on the row (attempts, last error), and PublishFailed is
        raised after the commit. A row that keeps failing while the bus answers a ping is set
        aside as an outbox dead letter, so it can't block the rows behind it forever."""
        published: list[int] = []
        failure: BaseException | None = None
        async with self.db.transaction() as conn:
            got = (
                await conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": self._lock_key})
            ).scalar()
            if not got:
                return 0  # another replica's relay is draining
            rows = list((await conn.execute(_SELECT, {"limit": self.batch})).all())
            while rows and failure is None:
                wave = _distinct_aggregates_prefix(rows)
                results = await self.bus.publish_many([envelope_from_row(row) for row in wave])
                for row, result in zip(wave, results, strict=False):
                    if result is None:
                        published.append(row.id)
                        continue
                    failure = failure or result
                    dead = row.attempts + 1 >= self._max_attempts() and await self._bus_answers()
                    await conn.execute(
                        _FAILED,
                        {"id": row.id, "error": f"{type(result).__name__}: {result}"[:4000], "dead": dead},
                    )
                    if dead:
                        log.error(
                            "outbox_row_dead_lettered", service=self.service, id=row.id, error=str(result)
                        )
                del rows[: len(wave)]
            if published:
                await conn.execute(_MARK, {"ids": published})
                PUBLISHED.labels(self.service).inc(len(published))
            await self._measure(conn)
        if failure is not None:
            raise PublishFailed(str(failure)) from failure
        return len(published)

    def _max_attempts(self) -> int:
        return self.max_attempts if self.max_attempts is not None else get_settings().outbox_max_attempts

    async def _bus_answers(self) -> bool:
        try:
            await self.bus.ping()
        except Exception:
            return False
        return True

    async def _measure(self, conn: AsyncSession) -> None:
        row = (await conn.execute(_BACKLOG)).one()
        PENDING.labels(self.service).set(row.pending or 0)
        AGE.labels(self.service).set(float(row.age or 0.0))
        DEAD.labels(self.service).set(row.dead or 0)

    async def prune_once(self, outbox_keep_s: float, inbox_keep_s: float) -> tuple[int, int]:
        """Deletes published outbox rows and inbox entries older than their retention."""
        async with self.db.transaction() as conn:
            outbox = int((await conn.execute(_PRUNE_OUTBOX, {"keep": outbox_keep_s})).scalar_one())
            inbox = int((await conn.execute(_PRUNE_INBOX, {"keep": inbox_keep_s})).scalar_one())
        PRUNED.labels(self.service, "outbox").inc(outbox)
        PRUNED.labels(self.service, "inbox").inc(inbox)
        return outbox, inbox

    async def _prune_when_due(self) -> None:
        settings = get_settings()
        now = time.monotonic()
        if now - self._pruned_at < settings.prune_every_s:
            return
        self._pruned_at = now
        await self.prune_once(settings.outbox_retention_s, settings.inbox_retention_s)

    async def run(self) -> None:
        backoff = 0.2
        signal = self.db.outbox_signal
        while True:
            try:
                await self._prune_when_due()
                n = await self.drain_once()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as e:
                log.warning("relay_publish_failed", service=self.service, error=str(e), retry_in_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if n >= self.batch:
                continue
            signal.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), timeout=self.poll_s)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=f"relay-{self.service}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None

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

import structlog
from prometheus_client import Counter
from sqlalchemy import text

from mes.platform.bus import Bus
from mes.platform.db import Database
from mes.platform.events import envelope_from_row
from mes.platform.settings import get_settings

log = structlog.get_logger("mes.relay")
PUBLISHED = Counter("mes_outbox_published_total", "Outbox events published", ["service"])

_SELECT = text(
    "SELECT id, event_id, topic, aggregate_id, producer, payload::text AS payload FROM outbox"
    " WHERE published_at IS NULL ORDER BY id LIMIT :limit"
)
_MARK = text("UPDATE outbox SET published_at = now() WHERE id = ANY(:ids)")
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


class OutboxRelay:
    def __init__(
        self, db: Database, bus: Bus, *, service: str, batch: int = 500, poll_s: float = 0.5
    ) -> None:
        self.db = db
        self.bus = bus
        self.service = service
        self.batch = batch
        self.poll_s = poll_s
        self._lock_key = zlib.crc32(f"mes.relay.{service}".encode()) & 0x7FFFFFFF
        self._task: asyncio.Task[None] | None = None
        self._pruned_at = float("-inf")

    async def drain_once(self) -> int:
        """Publish up to one batch; returns how many rows were published."""
        published: list[int] = []
        async with self.db.transaction() as conn:
            got = (
                await conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": self._lock_key})
            ).scalar()
            if not got:
                return 0  # another replica's relay is draining
            rows = (await conn.execute(_SELECT, {"limit": self.batch})).all()
            try:
                for row in rows:
                    await self.bus.publish(envelope_from_row(row))
                    published.append(row.id)
            finally:
                if published:
                    await conn.execute(_MARK, {"ids": published})
                    PUBLISHED.labels(self.service).inc(len(published))
        return len(published)

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

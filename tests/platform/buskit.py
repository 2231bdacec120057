"""A counting consumer for the bus conformance tests, shared by the tests and the worker process.

Its effect table has no unique key on purpose: a duplicated effect shows as a second row.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.app import ServiceSpec
from mes.platform.events import Event
from mes.platform.registry import ServiceInfo
from mes.services import load_spec

TOPIC = "test.counted.v1"


class Counted(Event):
    topic: ClassVar[str] = TOPIC
    aggregate_field: ClassVar[str] = "aggregate"

    aggregate: str
    seq: int


async def count(session: AsyncSession, event: Counted) -> None:
    await session.execute(
        text("INSERT INTO effect (event_id, aggregate, seq) VALUES (:e, :a, :s)"),
        {"e": event.event_id, "a": event.aggregate, "s": event.seq},
    )


def spec() -> ServiceSpec:
    """A consumer group 'bus-test' on a database migrated like the resource service's."""
    migrations: Path = load_spec("resource").migrations
    return ServiceSpec(
        info=ServiceInfo("bus-test", "bus_test", 0, "bustest", "bus_test"),
        description="bus conformance consumer",
        migrations=migrations,
        handlers={Counted: count},
    )


EFFECT_DDL = (
    "CREATE TABLE IF NOT EXISTS effect (id bigserial PRIMARY KEY, event_id uuid, aggregate text, seq int)"
)

# 10,000 committed outbox rows in one statement; the payload carries the same event id as the row
BULK_OUTBOX = """
INSERT INTO outbox (event_id, topic, aggregate_id, producer, payload)
SELECT u, 'test.counted.v1', 'agg-' || (i % 10), 'bus-test',
       jsonb_build_object('event_id', u, 'occurred_at', now(), 'aggregate', 'agg-' || (i % 10), 'seq', i)
FROM (SELECT gen_random_uuid() AS u, i FROM generate_series(1, :n) AS i) AS t
ORDER BY i
"""


async def count_renamed(session: AsyncSession, event: Counted) -> None:
    """The same handler after a refactoring renamed it: its deliveries are remembered all the same."""
    await count(session, event)


# events whose `seq` is listed here make `flaky` fail, as a handler with a bug would
FAILING: set[int] = set()


async def flaky(session: AsyncSession, event: Counted) -> None:
    if event.seq in FAILING:
        raise RuntimeError(f"handler bug on seq {event.seq}")
    await count(session, event)


def spec_with(name: str, handler: object) -> ServiceSpec:
    """Another consumer group `name` with its own handler for the counted events."""
    base = spec()
    return ServiceSpec(
        info=ServiceInfo(name, name.replace("-", "_"), 0, name.replace("-", ""), name.replace("-", "_")),
        description=f"{name} consumer",
        migrations=base.migrations,
        handlers={Counted: handler},  # type: ignore[dict-item]
    )

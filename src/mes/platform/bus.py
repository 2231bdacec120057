"""Event bus backends behind one interface: in process (embedded), NATS JetStream or Kafka (distributed).

Delivery is at least once in both; consumers de-duplicate with the inbox. A consumer group is a
service: every event is handled once per group, however many replicas of the service run.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog

from mes.platform.events import Envelope
from mes.platform.tracing import TRACE_HEADERS

Handler = Callable[[Envelope], Awaitable[None]]
log = structlog.get_logger("mes.bus")


class Bus(abc.ABC):
    @abc.abstractmethod
    async def connect(self) -> None: ...

    @abc.abstractmethod
    async def publish(self, envelope: Envelope) -> None:
        """Return only once the bus holds the event durably (or, in process, it has been handled)."""

    async def publish_many(self, envelopes: Sequence[Envelope]) -> list[BaseException | None]:
        """Publish events of distinct aggregates; one result per event attempted, in order (None:
        held durably). This default publishes one at a time and stops at the first failure, so
        the list may be shorter than `envelopes`; a broker backend sends them all at once and
        awaits the acknowledgements together (ADR 36)."""
        results: list[BaseException | None] = []
        for envelope in envelopes:
            try:
                await self.publish(envelope)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                results.append(e)
                break
            results.append(None)
        return results

    async def _publish_together(self, envelopes: Sequence[Envelope]) -> list[BaseException | None]:
        # the events belong to distinct aggregates, so the order they reach the broker is free
        outcomes = await asyncio.gather(*(self.publish(e) for e in envelopes), return_exceptions=True)
        results: list[BaseException | None] = []
        for outcome in outcomes:
            if isinstance(outcome, asyncio.CancelledError):
                raise outcome
            results.append(outcome if isinstance(outcome, BaseException) else None)
        return results

    @abc.abstractmethod
    async def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None: ...

    @abc.abstractmethod
    async def ping(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...


class InProcessBus(Bus):
    """Delivers by calling each group's handler before `publish` returns.

    The relay marks an outbox row published only after that, so a crash mid-delivery means the
    event is delivered again on restart (and de-duplicated by the inbox), never lost.
    """

    def __init__(self) -> None:
        self._groups: dict[str, dict[str, Handler]] = {}  # topic -> group -> handler

    async def connect(self) -> None:
        return None

    async def publish(self, envelope: Envelope) -> None:
        for handler in list(self._groups.get(envelope.topic, {}).values()):
            await handler(envelope)

    async def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        for topic in topics:
            # a second replica of a group in one process would only repeat the work
            self._groups.setdefault(topic, {}).setdefault(group, handler)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._groups.clear()


def subject_for(topic: str) -> str:
    return f"mes.{topic}"


class NatsBus(Bus):
    """JetStream: one file-backed stream for all topics, one durable pull consumer per group."""

    def __init__(
        self,
        url: str,
        *,
        stream: str = "MES",
        retention_s: float = 7 * 24 * 3600,
        publish_timeout_s: float = 5.0,
    ) -> None:
        self.url = url
        self.stream = stream
        self.retention_s = retention_s
        self.publish_timeout_s = publish_timeout_s
        self._nc: Any = None
        self._js: Any = None
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False

    async def connect(self) -> None:
        import nats
        from nats.js import api

        async def _err(e: Exception) -> None:
            log.warning("nats_error", error=str(e))

        async def _disc() -> None:
            log.warning("nats_disconnected", url=self.url)

        async def _reconn() -> None:
            log.info("nats_reconnected", url=self.url)

        self._nc = await nats.connect(
            self.url,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            error_cb=_err,
            disconnected_cb=_disc,
            reconnected_cb=_reconn,
            allow_reconnect=True,
        )
        self._js = self._nc.jetstream()
        config = api.StreamConfig(
            name=self.stream,
            subjects=["mes.>"],
            storage=api.StorageType.FILE,
            duplicate_window=120.0,
            max_age=self.retention_s,
        )
        try:
            await self._js.add_stream(config)
        except Exception:  # already exists with another config: update it
            await self._js.update_stream(config)

    async def publish(self, envelope: Envelope) -> None:
        headers = {
            "Nats-Msg-Id": envelope.event_id,  # server-side de-duplication of relay retries
            "Mes-Topic": envelope.topic,
            "Mes-Aggregate": envelope.aggregate_id,
            "Mes-Producer": envelope.producer,
            **{name: value for name, value in envelope.headers.items() if name in TRACE_HEADERS},
        }
        await self._js.publish(
            subject_for(envelope.topic),
            envelope.payload,
            timeout=self.publish_timeout_s,
            stream=self.stream,
            headers=headers,
        )

    async def publish_many(self, envelopes: Sequence[Envelope]) -> list[BaseException | None]:
        return await self._publish_together(envelopes)

    async def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        from nats.js import api

        durable = group.replace(".", "_")
        config = api.ConsumerConfig(
            durable_name=durable,
            ack_policy=api.AckPolicy.EXPLICIT,
            deliver_policy=api.DeliverPolicy.ALL,
            filter_subjects=[subject_for(t) for t in topics],
            ack_wait=30.0,
            max_ack_pending=1000,
        )
        try:
            await self._js.add_consumer(self.stream, config)
        except Exception:
            await self._js.add_consumer(self.stream, config)  # raced with a replica; second one wins
        sub = await self._js.pull_subscribe_bind(durable=durable, stream=self.stream)
        self._tasks.append(asyncio.create_task(self._consume(sub, handler), name=f"nats-{group}"))

    async def _consume(self, sub: Any, handler: Handler) -> None:
        import nats.errors

        while not self._closing:
            try:
                msgs = await sub.fetch(batch=100, timeout=1.0)
            except (TimeoutError, nats.errors.TimeoutError):
                continue
            except asyncio.CancelledError:
                raise
            except Exception as e:  # disconnected: the client reconnects by itself
                log.warning("nats_fetch_failed", error=str(e))
                await asyncio.sleep(0.5)
                continue
            for i, msg in enumerate(msgs):
                hdr = msg.headers or {}
                env = Envelope(
                    event_id=hdr.get("Nats-Msg-Id", ""),
                    topic=hdr.get("Mes-Topic", msg.subject.removeprefix("mes.")),
                    aggregate_id=hdr.get("Mes-Aggregate", ""),
                    producer=hdr.get("Mes-Producer", ""),
                    payload=msg.data,
                    headers={name: hdr[name] for name in TRACE_HEADERS if name in hdr},
                )
                try:
                    await handler(env)
                    await msg.ack()
                except asyncio.CancelledError:
                    raise
                except Exception as e:
                    log.error("event_handler_failed", topic=env.topic, event_id=env.event_id, error=str(e))
                    # keep order: hand this and the rest of the batch back, retry shortly
                    for rest in msgs[i:]:
                        with contextlib.suppress(Exception):
                            await rest.nak(delay=1.0)
                    await asyncio.sleep(0.5)
                    break

    async def ping(self) -> None:
        if self._nc is None or not self._nc.is_connected:
            raise ConnectionError("not connected to NATS")
        await self._nc.flush(timeout=2)

    async def close(self) -> None:
        self._closing = True
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(BaseException):
                await t
        self._tasks.clear()
        if self._nc is not None:
            # the consumers are stopped and every publish was acknowledged already: nothing to
            # drain (a pull subscription's drain waits out its whole timeout, ~30 s)
            with contextlib.suppress(Exception):
                await self._nc.close()
            self._nc = None


class KafkaBus(Bus):
    """Kafka: one topic for all events (the stream's name), keyed by aggregate id, so events of one
    aggregate keep their order across event types as on JetStream; a consumer group per service.

    `publish` returns once the partition's in-sync replicas hold the record (acks=all), through an
    idempotent producer where the broker offers one. A group commits a partition's offsets only
    after its handler finished with the records before them (at least once; the inbox de-duplicates),
    and, when a rebalance takes a partition away, only after the batch in hand is done.
    """

    HEADERS = ("Mes-Event-Id", "Mes-Topic", "Mes-Aggregate", "Mes-Producer")

    def __init__(
        self,
        url: str,
        *,
        stream: str = "MES",
        retention_s: float = 7 * 24 * 3600,
        partitions: int = 12,
        replication: int = 1,
        publish_timeout_s: float = 5.0,
    ) -> None:
        self.url = url
        self.bootstrap = [h for h in url.split("://", 1)[1].rstrip("/").split(",") if h]
        self.topic = stream
        self.retention_s = retention_s
        self.partitions = partitions
        self.replication = replication
        self.publish_timeout_s = publish_timeout_s
        self.idempotent = False
        self._producer: Any = None
        self._admin: Any = None
        self._consumers: list[Any] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False

    async def connect(self) -> None:
        from aiokafka import AIOKafkaProducer
        from aiokafka.admin import AIOKafkaAdminClient
        from aiokafka.errors import KafkaConnectionError

        self._admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=10_000)
        await self._admin.start()
        await self._ensure_topic()
        for idempotent in (True, False):
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap,
                acks="all",
                enable_idempotence=idempotent,
                # a record not acknowledged by then fails its publish; the relay retries the row
                request_timeout_ms=int(self.publish_timeout_s * 1000),
                retry_backoff_ms=200,
                linger_ms=0,
            )
            try:
                await producer.start()
            except Exception as e:
                await producer.stop()
                if not idempotent or isinstance(e, KafkaConnectionError):
                    raise  # no broker to be had: the caller fails, as with NATS
                # brokers without producer ids (some Kafka-compatible ones): acks=all, and aiokafka
                # keeps one request in flight per broker, so a retry never overtakes an earlier one
                log.warning("kafka_idempotence_unavailable", url=self.url, error=repr(e))
                continue
            self._producer = producer
            self.idempotent = idempotent
            break

    async def _ensure_topic(self) -> None:
        from aiokafka.admin import NewTopic
        from aiokafka.errors import TopicAlreadyExistsError

        if self.topic in await self._admin.list_topics():
            return
        topic = NewTopic(
            self.topic,
            num_partitions=self.partitions,
            replication_factor=self.replication,
            topic_configs={"retention.ms": str(int(self.retention_s * 1000))},
        )
        try:
            response = await self._admin.create_topics([topic])
        except TopicAlreadyExistsError:
            return  # a replica created it first
        for _, code, message in getattr(response, "topic_errors", []):
            if code not in (0, TopicAlreadyExistsError.errno):
                raise ConnectionError(f"cannot create Kafka topic {self.topic}: {code} {message}")

    async def publish(self, envelope: Envelope) -> None:
        headers = [
            ("Mes-Event-Id", envelope.event_id.encode()),
            ("Mes-Topic", envelope.topic.encode()),
            ("Mes-Aggregate", envelope.aggregate_id.encode()),
            ("Mes-Producer", envelope.producer.encode()),
            # the producer's trace goes on with the consumer (W3C trace context, ADR 22)
            *((name, value.encode()) for name, value in envelope.headers.items() if name in TRACE_HEADERS),
        ]
        sent = await self._producer.send(
            self.topic, envelope.payload, key=envelope.aggregate_id.encode(), headers=headers
        )
        # the producer expires an unacknowledged record after request_timeout_ms; this bounds a
        # publish even when no connection to the broker can be made at all
        await asyncio.wait_for(sent, timeout=2 * self.publish_timeout_s + 1)

    async def publish_many(self, envelopes: Sequence[Envelope]) -> list[BaseException | None]:
        return await self._publish_together(envelopes)

    async def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener

        wanted = frozenset(topics)
        lock = asyncio.Lock()
        state = {"generation": 0}
        handled: dict[Any, int] = {}  # partition -> next offset to commit

        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=100,
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
        )

        async def commit() -> None:
            if not handled:
                return
            offsets = dict(handled)
            try:
                await consumer.commit(offsets)
            except Exception as e:  # redelivered later, and the inbox recognises it
                log.warning("kafka_commit_failed", group=group, error=str(e))
                return
            for tp, offset in offsets.items():
                if handled.get(tp) == offset:
                    del handled[tp]

        class Listener(ConsumerRebalanceListener):  # type: ignore[misc]
            async def on_partitions_revoked(self, revoked: Any) -> None:
                # wait for the batch in hand, then commit it, so the next owner starts after it
                async with lock:
                    state["generation"] += 1
                    await commit()
                    handled.clear()

            async def on_partitions_assigned(self, assigned: Any) -> None:
                return None

        consumer.subscribe([self.topic], listener=Listener())
        await consumer.start()  # returns once the group gave this member its first partitions
        self._consumers.append(consumer)
        self._tasks.append(
            asyncio.create_task(
                self._consume(consumer, group, wanted, handler, lock, state, handled, commit),
                name=f"kafka-{group}",
            )
        )

    async def _consume(
        self,
        consumer: Any,
        group: str,
        wanted: frozenset[str],
        handler: Handler,
        lock: asyncio.Lock,
        state: dict[str, int],
        handled: dict[Any, int],
        commit: Callable[[], Awaitable[None]],
    ) -> None:
        while not self._closing:
            try:
                generation = state["generation"]
                batches = await consumer.getmany(timeout_ms=1000, max_records=100)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the broker is away: the client reconnects by itself
                log.warning("kafka_fetch_failed", group=group, error=str(e))
                await asyncio.sleep(0.5)
                continue
            if not batches:
                continue
            async with lock:
                if state["generation"] != generation:
                    continue  # a rebalance came between: positions restart from the commits
                for tp, records in batches.items():
                    for record in records:
                        hdr = {
                            k: v.decode()
                            for k, v in (record.headers or ())
                            if k in self.HEADERS or k in TRACE_HEADERS
                        }
                        topic = hdr.get("Mes-Topic", "")
                        if topic in wanted:
                            env = Envelope(
                                event_id=hdr.get("Mes-Event-Id", ""),
                                topic=topic,
                                aggregate_id=hdr.get("Mes-Aggregate", ""),
                                producer=hdr.get("Mes-Producer", ""),
                                payload=record.value or b"",
                                headers={name: hdr[name] for name in TRACE_HEADERS if name in hdr},
                            )
                            try:
                                await handler(env)
                            except asyncio.CancelledError:
                                raise
                            except Exception as e:
                                log.error(
                                    "event_handler_failed", topic=topic, event_id=env.event_id, error=str(e)
                                )
                                # keep order: this partition starts again from this record
                                consumer.seek(tp, record.offset)
                                await asyncio.sleep(0.5)
                                break
                        handled[tp] = record.offset + 1
                await commit()

    async def ping(self) -> None:
        if self._admin is None:
            raise ConnectionError("not connected to Kafka")
        await asyncio.wait_for(self._admin.describe_cluster(), timeout=2)

    async def close(self) -> None:
        self._closing = True
        # a consumer ends after its batch in hand (and commits it); one stuck longer is cancelled
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), timeout=5)
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(BaseException):
                await t
        self._tasks.clear()
        for consumer in self._consumers:
            with contextlib.suppress(Exception):
                await consumer.stop()  # leaves the group: the other replicas take over at once
        self._consumers.clear()
        for client in (self._producer, self._admin):
            if client is not None:
                with contextlib.suppress(Exception):
                    await (client.stop() if client is self._producer else client.close())
        self._producer = self._admin = None


def make_bus(url: str, *, stream: str = "MES", retention_s: float = 7 * 24 * 3600) -> Bus:
    if url.startswith("memory"):
        return InProcessBus()
    if url.startswith(("nats://", "tls://")):
        return NatsBus(url, stream=stream, retention_s=retention_s)
    if url.startswith("kafka://"):
        from mes.platform.settings import get_settings

        settings = get_settings()
        return KafkaBus(
            url,
            stream=stream,
            retention_s=retention_s,
            partitions=settings.bus_partitions,
            replication=settings.bus_replication,
        )
    raise SystemExit(f"unsupported MES_BUS_URL {url!r}: use memory://, nats://host:port or kafka://host:port")

"""Event bus backends behind one interface: in process (embedded) and NATS JetStream (distributed).

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


def make_bus(url: str, *, stream: str = "MES", retention_s: float = 7 * 24 * 3600) -> Bus:
    if url.startswith("memory"):
        return InProcessBus()
    if url.startswith(("nats://", "tls://")):
        return NatsBus(url, stream=stream, retention_s=retention_s)
    raise SystemExit(f"unsupported MES_BUS_URL {url!r}: use memory:// or nats://host:port")

"""An MQTT session on a broker (aiomqtt): connect with a last will, subscribe, yield messages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import aiomqtt


@dataclass(frozen=True)
class Will:
    topic: str
    payload: bytes
    retain: bool = True


@dataclass(frozen=True)
class Incoming:
    topic: str
    payload: bytes
    retain: bool


class MqttLink:
    def __init__(self, client: aiomqtt.Client) -> None:
        self._client = client

    async def publish(self, topic: str, payload: bytes, *, retain: bool = False, qos: int = 1) -> None:
        await self._client.publish(topic, payload, qos=qos, retain=retain)

    async def subscribe(self, *topics: str) -> None:
        for t in topics:
            await self._client.subscribe(t, qos=1)

    async def messages(self) -> AsyncIterator[Incoming]:
        async for m in self._client.messages:
            payload = m.payload if isinstance(m.payload, bytes | bytearray) else str(m.payload or "").encode()
            yield Incoming(m.topic.value, bytes(payload), bool(m.retain))


@asynccontextmanager
async def connect(
    host: str,
    port: int,
    *,
    client_id: str | None = None,
    username: str | None = None,
    password: str | None = None,
    will: Will | None = None,
    keepalive: int = 10,
) -> AsyncIterator[MqttLink]:
    import aiomqtt  # imported when a connector first connects, not at every start

    client = aiomqtt.Client(
        host,
        port,
        identifier=client_id,
        username=username,
        password=password,
        will=aiomqtt.Will(will.topic, will.payload, qos=1, retain=will.retain) if will else None,
        keepalive=keepalive,
        timeout=5,
    )
    async with client:
        yield MqttLink(client)


OnConnect = Callable[[MqttLink], Awaitable[None]]

"""Integration events: the Event base, the wire envelope, and writing to the outbox.

An event is recorded in the same transaction as the change it describes (the outbox); the relay
publishes it after commit, so a rolled-back change never announces itself.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.db import mark_outbox_dirty
from mes.platform.tracing import current_headers


def utcnow() -> datetime:
    return datetime.now(UTC)


CONTRACTS: dict[str, type[Event]] = {}


class Event(BaseModel):
    """Base of every contract in mes.contracts: frozen, versioned topic, fields only ever added."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    topic: ClassVar[str]
    # name of the field that identifies the aggregate; events of one aggregate keep their order
    aggregate_field: ClassVar[str]

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    occurred_at: datetime = Field(default_factory=utcnow)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        topic = cls.__dict__.get("topic")
        if isinstance(topic, str):
            if topic in CONTRACTS and CONTRACTS[topic] is not cls:
                raise TypeError(f"topic {topic} is defined twice")
            CONTRACTS[topic] = cls

    @property
    def aggregate_id(self) -> str:
        return str(getattr(self, self.aggregate_field))


@dataclass(frozen=True, slots=True)
class Envelope:
    """What travels on the bus: the event's JSON plus the metadata routing needs."""

    event_id: str
    topic: str
    aggregate_id: str
    producer: str
    payload: bytes
    # trace context (W3C traceparent, tracestate) of the request that recorded the event
    headers: dict[str, str] = field(default_factory=dict)

    def decode(self) -> Event:
        cls = CONTRACTS.get(self.topic)
        if cls is None:
            raise LookupError(f"no contract for topic {self.topic}")
        return cls.model_validate_json(self.payload)


_OUTBOX_INSERT = text(
    "INSERT INTO outbox (event_id, topic, aggregate_id, producer, payload, headers)"
    " VALUES (:event_id, :topic, :aggregate_id, :producer, CAST(:payload AS jsonb),"
    " CAST(:headers AS jsonb))"
)


async def record_event(session: AsyncSession, event: Event, *, producer: str | None = None) -> None:
    """Add `event` to the outbox of the service whose transaction `session` is, with the
    current trace context (when tracing is on) as its headers."""
    trace = current_headers()
    await session.execute(
        _OUTBOX_INSERT,
        {
            "event_id": event.event_id,
            "topic": event.topic,
            "aggregate_id": event.aggregate_id,
            "producer": producer or session.info.get("service", "unknown"),
            "payload": event.model_dump_json(),
            "headers": json.dumps(trace) if trace else None,
        },
    )
    mark_outbox_dirty(session)


async def claim_inbox(session: AsyncSession, event_id: str, handler: str) -> bool:
    """True the first time (event, handler) is seen in this database; False for a redelivery."""
    result = await session.execute(
        text(
            "INSERT INTO inbox (event_id, handler) VALUES (:event_id, :handler)"
            " ON CONFLICT DO NOTHING RETURNING 1"
        ),
        {"event_id": uuid.UUID(event_id), "handler": handler},
    )
    return result.scalar() is not None


def envelope_from_row(row: Any) -> Envelope:
    payload = row.payload
    if not isinstance(payload, (bytes, str)):
        payload = json.dumps(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    headers = getattr(row, "headers", None)
    if isinstance(headers, str):
        headers = json.loads(headers)
    return Envelope(
        event_id=str(row.event_id),
        topic=row.topic,
        aggregate_id=row.aggregate_id,
        producer=row.producer,
        payload=payload,
        headers={str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {},
    )

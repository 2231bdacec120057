"""Tables of the integration service (database mes_integration)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mes.contracts.integration import MachineState
from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables
from mes.services.integration.vocabulary import (
    CONNECTOR_KINDS,
    DEAD_LETTER_SOURCES,
    DEAD_LETTER_STATUSES,
    DELIVERY_STATUSES,
    MESSAGE_FORMATS,
    ConnectorKind,
    DeadLetterSource,
    DeadLetterStatus,
    DeliveryStatus,
    MessageFormat,
)

metadata = new_metadata()
platform_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


def _now() -> Any:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


class Connector(Base):
    """A machine connection: an MQTT broker (plain JSON topics and/or Sparkplug B) or an OPC UA server."""

    __tablename__ = "connector"
    __table_args__ = (CheckConstraint(f"kind IN {CONNECTOR_KINDS}", name="kind"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[ConnectorKind] = mapped_column(String(16))
    config: Mapped[dict[str, Any]] = mapped_column(JSONB)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped on each change: runners restart
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()


class ConnectorStatus(Base):
    """What the connector's runner last saw: written by the worker, read by the status screen."""

    __tablename__ = "connector_status"

    connector_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    connected: Mapped[bool] = mapped_column(Boolean, default=False)
    last_message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    messages: Mapped[int] = mapped_column(BigInteger, default=0)
    errors: Mapped[int] = mapped_column(BigInteger, default=0)
    rebirths: Mapped[int] = mapped_column(BigInteger, default=0)
    reconnects: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = _now()


class CounterBaseline(Base):
    """The last raw value of a machine counter, so increments survive reconnects and restarts."""

    __tablename__ = "counter_baseline"

    connector_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    equipment_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    counter: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    total: Mapped[int] = mapped_column(BigInteger, default=0)  # increments published so far


class LiveState(Base):
    """The last live (not historical) state published for a machine."""

    __tablename__ = "live_state"

    equipment_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[MachineState] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source_ref: Mapped[str | None] = mapped_column(String(400))


class DeadLetter(Base):
    """A message that could not be taken in (or delivered), with the exact reason; replayable."""

    __tablename__ = "message_dead_letter"
    __table_args__ = (
        CheckConstraint(f"source IN {DEAD_LETTER_SOURCES}", name="source"),
        CheckConstraint(f"status IN {DEAD_LETTER_STATUSES}", name="status"),
        Index("ix_message_dead_letter_open", "status", "received_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    source: Mapped[DeadLetterSource] = mapped_column(String(16))
    connector_id: Mapped[uuid.UUID | None] = mapped_column()
    ref: Mapped[str | None] = mapped_column(String(400))  # topic, node, message id, subscription
    content_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # text, or base64 for binary payloads
    reason: Mapped[str] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(String(400))
    line: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[DeadLetterStatus] = mapped_column(String(16), default="open")
    received_at: Mapped[datetime] = _now()
    replayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ErpMessage(Base):
    """An inbound ERP message taken in once, by its id; a resend gets the same acknowledgement."""

    __tablename__ = "erp_message"

    message_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    verb: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    request_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSONB)
    acknowledgement: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = _now()
    sender: Mapped[str] = mapped_column(String(200))


class Subscription(Base):
    """An outbound endpoint: a webhook receiver (JSON, Standard Webhooks) or an ERP endpoint that
    takes ProcessOperationsPerformance (B2MML); the events it wants; its secret, sealed."""

    __tablename__ = "subscription"
    __table_args__ = (CheckConstraint(f"format IN {MESSAGE_FORMATS}", name="format"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    format: Mapped[MessageFormat] = mapped_column(String(8))
    event_types: Mapped[list[str]] = mapped_column(JSONB)
    filters: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)  # payload field -> allowed values
    sealed_secret: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    max_attempts: Mapped[int] = mapped_column(Integer, default=15)
    retry_base_s: Mapped[float] = mapped_column(default=2.0)
    retry_max_s: Mapped[float] = mapped_column(default=600.0)
    created_at: Mapped[datetime] = _now()


class Delivery(Base):
    """One event to one subscription: pending until the receiver answers 2xx, retried with
    exponential backoff and jitter, dead after `max_attempts`; in order per aggregate."""

    __tablename__ = "delivery"
    __table_args__ = (
        CheckConstraint(f"status IN {DELIVERY_STATUSES}", name="status"),
        Index("ix_delivery_pending", "status", "next_attempt_at"),
        Index("ix_delivery_aggregate", "subscription_id", "aggregate_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)  # webhook-id, the same on retries
    subscription_id: Mapped[uuid.UUID] = mapped_column()
    event_id: Mapped[uuid.UUID] = mapped_column()
    topic: Mapped[str] = mapped_column(String(200))
    aggregate_id: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = _now()
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OrderTrace(Base):
    """What the integration service heard of a work order, to report its performance to the ERP."""

    __tablename__ = "order_trace"

    work_order: Mapped[str] = mapped_column(String(64), primary_key=True)
    product: Mapped[str] = mapped_column(String(64))
    uom: Mapped[str | None] = mapped_column(String(16))
    erp_ref: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    materials: Mapped[list[Any]] = mapped_column(JSONB, default=list)  # [use, item, qty, uom, lot]

"""Tables of the traceability service (database mes_traceability): the genealogy graph.

Everything here is a projection of material's and work orders' events, keyed by natural ids, so a
late, duplicated or reordered event, or a replay into an empty database, gives the same rows.

- `node`: a lot or serial (`lot:<code>`), a work order (`wo:<number>`), an operation
  (`op:<number>/<key>`). An attribute is written only by the event that owns it (the receipt, the
  production, the release, the start), so arrival order does not matter.
- `edge`: material flow, `src` into `dst`: consumed (lot → operation), part_of (operation → work
  order), produced (work order → lot), attributed (input lot → output lot, named when the output was
  made), split (parent → child), merged (source → target). Its quantity is the sum of `edge_part`,
  one row per event, so a duplicate adds nothing.
- `lot_flow`: every quantity and state change of a lot, one row per event and kind: the mass balance.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables
from mes.services.traceability.vocabulary import EdgeKind, FlowKind, NodeKind, Origin

metadata = new_metadata()
platform_tables(metadata)

Qty = Numeric(18, 6)


class Base(DeclarativeBase):
    metadata = metadata


class Node(Base):
    __tablename__ = "node"
    __table_args__ = (Index("ix_node_code", "code"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[NodeKind] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(140))
    item: Mapped[str | None] = mapped_column(String(64))
    uom: Mapped[str | None] = mapped_column(String(16))
    quantity: Mapped[Decimal | None] = mapped_column(Qty)  # received, produced, split off; ordered
    origin: Mapped[Origin | None] = mapped_column(String(16))
    work_order: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    work_center: Mapped[str | None] = mapped_column(String(64))
    equipment: Mapped[str | None] = mapped_column(String(64))
    operator: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(64))  # where it was received or produced
    supplier: Mapped[str | None] = mapped_column(String(200))
    supplier_lot: Mapped[str | None] = mapped_column(String(64))
    expires_on: Mapped[date | None] = mapped_column(Date)
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # made, received, started
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str | None] = mapped_column(String(16))  # work orders: the latest one announced
    status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    planned: Mapped[bool | None] = mapped_column(Boolean)  # an operation the release named


class Edge(Base):
    __tablename__ = "edge"
    __table_args__ = (
        Index("ix_edge_dst", "dst", "kind"),
        Index("ix_edge_src_kind_work_order", "src", "kind", "work_order"),
    )

    src: Mapped[str] = mapped_column(String(200), primary_key=True)
    dst: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[EdgeKind] = mapped_column(String(16), primary_key=True)
    quantity: Mapped[Decimal | None] = mapped_column(Qty)  # in the source's unit
    work_order: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the first such flow
    # a consumption the order's serials attribute one by one: traces follow it only through them
    per_unit: Mapped[bool] = mapped_column(Boolean, server_default="false")


class EdgePart(Base):
    """One event's share of an edge's quantity: the key makes a second delivery add nothing."""

    __tablename__ = "edge_part"

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    src: Mapped[str] = mapped_column(String(200), primary_key=True)
    dst: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[EdgeKind] = mapped_column(String(16), primary_key=True)
    quantity: Mapped[Decimal | None] = mapped_column(Qty)


class LotFlow(Base):
    __tablename__ = "lot_flow"
    __table_args__ = (Index("ix_lot_flow_lot", "lot", "at"),)

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    lot: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[FlowKind] = mapped_column(String(16), primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Qty)  # magnitude; `adjusted` is signed
    location: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    party: Mapped[str | None] = mapped_column(String(200))  # shipped: the customer (location: destination)


class OperationStart(Base):
    """A start of an operation (a restarted one has several): who, on which machine, when."""

    __tablename__ = "operation_start"
    __table_args__ = (Index("ix_operation_start_order", "work_order", "operation"),)

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    work_order: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    equipment: Mapped[str | None] = mapped_column(String(64))
    operator: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OperationCompletion(Base):
    """An operation's completion as work orders announced it: the as-built's counts and operators."""

    __tablename__ = "operation_completion"
    __table_args__ = (Index("ix_operation_completion_order", "work_order", "operation"),)

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    work_order: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    equipment: Mapped[str | None] = mapped_column(String(64))
    good: Mapped[Decimal] = mapped_column(Qty)
    scrap: Mapped[Decimal] = mapped_column(Qty)
    rework: Mapped[Decimal] = mapped_column(Qty)
    scrap_reasons: Mapped[list[dict[str, str]]] = mapped_column(JSONB)
    operators: Mapped[list[str]] = mapped_column(JSONB)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StepValue(Base):
    """A value recorded at a step of an operation's work instruction (one row per event)."""

    __tablename__ = "step_value"
    __table_args__ = (Index("ix_step_value_order", "work_order", "operation"),)

    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    work_order: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(16))
    passed: Mapped[bool | None] = mapped_column(Boolean)
    required: Mapped[bool] = mapped_column(Boolean)
    corrected: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Inspection(Base):
    """An inspection quality recorded (task, verdict) and, when it failed, what failed."""

    __tablename__ = "inspection"
    __table_args__ = (
        Index("ix_inspection_work_order", "work_order"),
        Index("ix_inspection_lot_code", "lot_code"),
        Index("ix_inspection_serial", "serial"),
    )

    task: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan: Mapped[str | None] = mapped_column(String(64))
    plan_version: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(16))
    item: Mapped[str | None] = mapped_column(String(64))
    lot_code: Mapped[str | None] = mapped_column(String(64))
    serial: Mapped[str | None] = mapped_column(String(64))
    work_order: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(64))
    equipment: Mapped[str | None] = mapped_column(String(64))
    operator: Mapped[str | None] = mapped_column(String(200))
    verdict: Mapped[str | None] = mapped_column(String(16))
    failed: Mapped[list[dict[str, object]] | None] = mapped_column(JSONB)
    ncr: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Recall(Base):
    __tablename__ = "recall"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    lot: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    window_from: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    window_to: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RecallHold(Base):
    """What hold-all did to one lot of a recall: held, already held, or refused by material."""

    __tablename__ = "recall_hold"

    recall_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    lot: Mapped[str] = mapped_column(String(64), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

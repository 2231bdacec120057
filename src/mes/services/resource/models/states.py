"""Equipment state history, downtime records and the reason-code tree.

The history of one piece of equipment is a gap-free, overlap-free sequence of half-open
intervals [started_at, ended_at); the last one is open (ended_at NULL). PostgreSQL keeps the
"no overlap" half (an EXCLUDE constraint) and a deferred constraint trigger the "no gap" half.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mes.services.resource.models.base import Base
from mes.services.resource.vocabulary import SOURCES, STATES, Source, State

UNAVAILABLE: frozenset[State] = frozenset({"down", "maintenance", "offline"})
NO_SIGNAL_REASON = "no_signal"


@dataclass(frozen=True, slots=True)
class StateMeaning:
    opc_item_state: str  # OPC 40001-1 MachineryItemState
    opc_operation_mode: str  # OPC 40001-1 MachineryOperationMode
    iso22400: str  # ISO 22400-2 time element the interval counts to
    planned_busy: bool  # part of planned busy time (PBT)


MEANING: dict[str, StateMeaning] = {
    "running": StateMeaning("Executing", "Processing", "APT", True),
    "idle": StateMeaning("NotExecuting", "Processing", "ADET", True),
    "setup": StateMeaning("Executing", "Setup", "AUST", True),
    "planned_stop": StateMeaning("NotExecuting", "None", "PDOT", False),
    "down": StateMeaning("OutOfService", "Processing", "ADOT", True),
    "maintenance": StateMeaning("OutOfService", "Maintenance", "PDOT", False),
    "offline": StateMeaning("NotAvailable", "None", "PDOT", False),
}


class EquipmentState(Base):
    __tablename__ = "equipment_state"
    __table_args__ = (
        CheckConstraint(f"state IN {STATES}", name="state"),
        CheckConstraint(f"source IN {SOURCES}", name="source"),
        CheckConstraint("ended_at IS NULL OR ended_at > started_at", name="positive"),
        ExcludeConstraint(
            ("equipment_id", "="),
            (text("tstzrange(started_at, ended_at, '[)')"), "&&"),
            name="ex_equipment_state_no_overlap",
            using="gist",
        ),
        Index("ix_equipment_state_equipment_id_started_at", "equipment_id", "started_at", unique=True),
        Index("ix_equipment_state_equipment_id_ended_at", "equipment_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    equipment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("equipment.id", ondelete="CASCADE"))
    state: Mapped[State] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[Source] = mapped_column(String(16))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    source_ref: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReasonCode(Base):
    """A node of a site's downtime reason tree, e.g. MECH > MECH.HYD > MECH.HYD.LEAK."""

    __tablename__ = "reason_code"
    __table_args__ = (UniqueConstraint("site_id", "code", name="uq_reason_code_site_id_code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("equipment.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reason_code.id"))
    path: Mapped[str] = mapped_column(String(1000))


class Downtime(Base):
    """An unplanned stop: one `down` interval of the history, classified after the fact."""

    __tablename__ = "downtime"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    state_id: Mapped[int] = mapped_column(ForeignKey("equipment_state.id", ondelete="CASCADE"), unique=True)
    equipment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), index=True
    )
    unqualified: Mapped[bool] = mapped_column(Boolean, default=False)
    reason_code: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    classified_by: Mapped[str | None] = mapped_column(String(200))
    classified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StateReport(Base):
    """Every state report as received (one per instant): where a late report's interval ends.

    The history merges repeated reports of one state; this log keeps their instants, so a report
    that arrives late ends at the next report after it, not at the next change of state.
    """

    __tablename__ = "state_report"

    equipment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    state: Mapped[State] = mapped_column(String(20))
    source: Mapped[Source] = mapped_column(String(16))

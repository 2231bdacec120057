"""The ISA-95 equipment hierarchy, its attributes and its usage counters."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, Numeric, String, func
from sqlalchemy.orm import Mapped, mapped_column

from mes.platform.errors import a_an
from mes.services.resource.models.base import Base
from mes.services.resource.vocabulary import LEVELS, Level

# ISA-95 role-based equipment hierarchy, top to bottom
DEFAULT_MICRO_STOP_S = 120
DEFAULT_NO_SIGNAL_S = 300


class Equipment(Base):
    __tablename__ = "equipment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[Level] = mapped_column(String(20))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("equipment.id"), index=True)
    path: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))
    # IANA zone of a site; equipment below it inherits it
    time_zone: Mapped[str | None] = mapped_column(String(64))
    capacity: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    capacity_uom: Mapped[str | None] = mapped_column(String(16))
    # thresholds; None inherits from the parent, then the defaults above
    micro_stop_s: Mapped[int | None] = mapped_column(Integer)
    no_signal_s: Mapped[int | None] = mapped_column(Integer)
    # the open interval of the state history, kept here under the row lock for fast reads
    state: Mapped[str | None] = mapped_column(String(20))
    state_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_signal_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @classmethod
    def place(
        cls, *, code: str, name: str, level: Level, parent: Equipment | None, created_by: str
    ) -> Equipment:
        """A new node under `parent`; ValueError when the ISA-95 hierarchy forbids it."""
        depth = LEVELS.index(level)
        if depth == 0 and parent is not None:
            raise ValueError("an enterprise is the top of the hierarchy and has no parent")
        if depth > 0 and parent is None:
            raise ValueError(f"{a_an(level)} needs a parent")
        if parent is not None and LEVELS.index(parent.level) >= depth:
            raise ValueError(f"{a_an(level)} can't sit under {a_an(parent.level)}")
        path = f"{parent.path}/{code}" if parent is not None else code
        return cls(
            code=code,
            name=name,
            level=level,
            parent_id=parent.id if parent else None,
            path=path,
            created_by=created_by,
        )

    def ancestor_codes(self) -> list[str]:
        """This node's code and its ancestors', nearest first."""
        return list(reversed(self.path.split("/")))


class CycleTime(Base):
    """Ideal cycle time of a product on a piece of equipment (ISO 22400 PBT/ideal rate)."""

    __tablename__ = "cycle_time"

    equipment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), primary_key=True
    )
    product_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    ideal_cycle_time_s: Mapped[Decimal] = mapped_column(Numeric(18, 6))


class UsageCounter(Base):
    """Running totals of a machine's counters (cycles, good, scrap) as machines report them."""

    __tablename__ = "usage_counter"

    equipment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), primary_key=True
    )
    counter: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

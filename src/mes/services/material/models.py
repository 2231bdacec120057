"""Tables of the material service (database mes_material) and the rules they keep.

Stock is an append-only ledger (`movement`); a lot's `quantity` is the sum of its movements,
kept in the same transaction under the lot's row lock and never below zero.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables
from mes.services.material.vocabulary import (
    ITEM_KINDS,
    LOCATION_KINDS,
    LOT_STATUSES,
    MOVEMENT_KINDS,
    TRACKING,
    ItemKind,
    LocationKind,
    LotStatus,
    MovementKind,
    Tracking,
)

metadata = new_metadata()
platform_tables(metadata)

Qty = Numeric(18, 6)


class Base(DeclarativeBase):
    metadata = metadata


class Uom(Base):
    """A unit of measure: `factor` converts it to its dimension's base unit exactly (Decimal)."""

    __tablename__ = "uom"
    __table_args__ = (CheckConstraint("decimals BETWEEN 0 AND 6", name="decimals"),)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16))
    factor: Mapped[Decimal] = mapped_column(Numeric(24, 12))
    # the most decimal places a quantity in this unit may have: 0 for a unit counted whole (pcs)
    decimals: Mapped[int] = mapped_column(SmallInteger, server_default="6", default=6)

    def refusal(self, quantity: Decimal) -> str | None:
        """Why `quantity` can't be booked in this unit (too fine for it), or None."""
        if quantity == quantity.quantize(Decimal(1).scaleb(-self.decimals)):
            return None
        if self.decimals == 0:
            return (
                f"{self.code} is counted in whole units: {format(quantity.normalize(), 'f')} is a fraction."
            )
        return f"{self.code} takes at most {self.decimals} decimals: {format(quantity.normalize(), 'f')} has more."


class Item(Base):
    """A material. Serial-tracked items are kept as lots of exactly one unit, the lot code being the serial."""

    __tablename__ = "item"
    __table_args__ = (
        CheckConstraint(f"kind IN {ITEM_KINDS}", name="kind"),
        CheckConstraint(f"tracking IN {TRACKING}", name="tracking"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ItemKind] = mapped_column(String(16))
    uom: Mapped[str] = mapped_column(ForeignKey("uom.code"))
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    tracking: Mapped[Tracking] = mapped_column(String(8), server_default="lot")
    # set by quality while an incoming inspection plan is released: receipts start in quarantine
    inspect_on_receipt: Mapped[bool] = mapped_column(Boolean, server_default="false", default=False)
    # how produced lots (serials) of the item are named; DEFAULT_LOT_PATTERN when None
    lot_pattern: Mapped[str | None] = mapped_column(String(100))
    gtin: Mapped[str | None] = mapped_column(String(14))  # GS1 trade item number, printed as AI (01)
    # counted up by every edit; an edit made on an older version is refused (ADR 39)
    version: Mapped[int] = mapped_column(Integer, server_default="1", default=1)


class Location(Base):
    __tablename__ = "location"
    __table_args__ = (CheckConstraint(f"kind IN {LOCATION_KINDS}", name="kind"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[LocationKind] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, server_default="1", default=1)  # as the item's


class Bom(Base):
    """One version of an item's bill of materials, valid from `valid_from` until `valid_to` (exclusive)."""

    __tablename__ = "bom"
    __table_args__ = (UniqueConstraint("item_id", "version", name="uq_bom_item_version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), index=True)
    version: Mapped[str] = mapped_column(String(16))
    base_quantity: Mapped[Decimal] = mapped_column(Qty)  # in the item's unit
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class BomLine(Base):
    __tablename__ = "bom_line"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    bom_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bom.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    component_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    uom: Mapped[str] = mapped_column(ForeignKey("uom.code"))
    scrap_factor: Mapped[Decimal] = mapped_column(Numeric(8, 6), default=Decimal(0))
    # lines sharing an alternate group are substitutes; priority 1 is the one planned
    alternate_group: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=1)


class Lot(Base):
    __tablename__ = "lot"
    __table_args__ = (
        CheckConstraint(f"status IN {LOT_STATUSES}", name="status"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # what the barcode carries
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), index=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("location.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Qty)
    status: Mapped[LotStatus] = mapped_column(String(16))
    supplier: Mapped[str | None] = mapped_column(String(200))
    supplier_lot: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_on: Mapped[date | None] = mapped_column(Date)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    # when quality's latest applied hold or release was asked for: an older request arriving
    # late (the bus redelivers and reorders) is superseded and changes nothing
    quality_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    parent_lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lot.id"))
    work_order: Mapped[str | None] = mapped_column(String(64))  # set when issued to a work order

    def refusal_to_consume(self, today: date) -> str | None:
        """Why this lot can't be consumed now, or None."""
        if self.status != "available":
            reason = f" ({self.hold_reason})" if self.hold_reason else ""
            return f"Lot {self.code} is {self.status.replace('_', ' ')}{reason}."
        if self.expires_on is not None and self.expires_on < today:
            return f"Lot {self.code} expired on {self.expires_on.isoformat()}."
        return None


class Movement(Base):
    """One line of the stock ledger; never updated or deleted."""

    __tablename__ = "movement"
    __table_args__ = (
        CheckConstraint(f"kind IN {MOVEMENT_KINDS}", name="kind"),
        Index("ix_movement_lot_id_id", "lot_id", "id"),
        Index("ix_movement_work_order", "work_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    kind: Mapped[MovementKind] = mapped_column(String(16))
    lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lot.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)  # signed, in the item's unit
    from_location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("location.id"))
    to_location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("location.id"))
    work_order: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    related_lot_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lot.id"))
    # a shipment: to whom and where the stock went
    customer: Mapped[str | None] = mapped_column(String(200))
    destination: Mapped[str | None] = mapped_column(String(200))


class LotInput(Base):
    """How much of an input lot went into an output lot; written when the output is produced, never changed.

    A lot consumed in an operation is attributed to its outputs at most once in total, so when one
    operation makes several outputs, their inputs add up to what it consumed.
    """

    __tablename__ = "lot_input"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_lot_input_input_lot_id_work_order_operation", "input_lot_id", "work_order", "operation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    output_lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lot.id"), index=True)
    input_lot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("lot.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)  # in the input item's unit
    work_order: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str | None] = mapped_column(String(64))


class LotSequence(Base):
    """The last number `{seq}` took for an item within one rendering of its pattern (e.g. one day)."""

    __tablename__ = "lot_sequence"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class OrderState(Base):
    """What material knows of a work order's status (ADR 49): written by work orders' close and
    cancel events, and by the first answer work orders gave for the order, so that booking
    against an order material already knows asks no other service."""

    __tablename__ = "work_order"

    number: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LabelPrinter(Base):
    """A network label printer that takes ZPL on a raw TCP port (9100 by convention)."""

    __tablename__ = "label_printer"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_by: Mapped[str] = mapped_column(String(200))


DEFAULT_LOT_PATTERN = "{item}-{yyMMdd}-{seq}"
_TOKEN = re.compile(r"\{([A-Za-z]+)(?::(\d))?\}")
_DATE_TOKENS = {"yy": "%y", "yyyy": "%Y", "MM": "%m", "dd": "%d", "yyMMdd": "%y%m%d", "yyyyMMdd": "%Y%m%d"}
TOKENS = (*_DATE_TOKENS, "item", "wo", "seq")


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` can't name lots (unknown token, no {seq}, characters a lot code can't hold), or None."""
    tokens = [m.group(1) for m in _TOKEN.finditer(pattern)]
    unknown = [t for t in tokens if t not in TOKENS]
    if unknown:
        return f"unknown token {{{unknown[0]}}}; use {', '.join('{' + t + '}' for t in TOKENS)}"
    if tokens.count("seq") != 1:
        return "the pattern holds {seq} exactly once, so every lot gets its own code"
    literal = _TOKEN.sub("", pattern)
    if not re.fullmatch(r"[A-Za-z0-9./-]*", literal):
        return "outside its tokens a pattern holds letters, digits and . / - only"
    return None


def render_lot_code(pattern: str, item: str, work_order: str | None, on: date, seq: int | None) -> str:
    """The pattern with its tokens filled; `seq` None leaves `{seq}` as "#" (the counter's scope)."""

    def fill(m: re.Match[str]) -> str:
        name, width = m.group(1), int(m.group(2) or 4)
        if name == "seq":
            return "#" if seq is None else str(seq).zfill(width)
        if name == "item":
            return item
        if name == "wo":
            return work_order or "NOWO"
        return on.strftime(_DATE_TOKENS[name])

    return _TOKEN.sub(fill, pattern)


def gtin_problem(gtin: str) -> str | None:
    """A GTIN is 14 digits whose last is the GS1 check digit of the others."""
    if not re.fullmatch(r"\d{14}", gtin):
        return "a GTIN here is 14 digits (pad a GTIN-8, -12 or -13 with leading zeros)"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(gtin[:-1])))
    if (10 - total % 10) % 10 != int(gtin[-1]):
        return f"the check digit of {gtin} is wrong"
    return None

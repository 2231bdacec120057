"""Products and their routing versions: the plan a work order is released with."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, SmallInteger, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mes.services.work_orders.models.base import Base, Minutes


class WorkCenterRef(Base):
    """Work centers as the resource service announced them: where operations can be routed."""

    __tablename__ = "work_center_ref"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EquipmentState(Base):
    """The last state the resource service announced for a piece of equipment."""

    __tablename__ = "equipment_state"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(String(2000))
    state: Mapped[str] = mapped_column(String(40))
    available: Mapped[bool]
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason_code: Mapped[str | None] = mapped_column(String(64))


class Product(Base):
    """A product made by work orders: an item of the material service, with its unit."""

    __tablename__ = "product"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uom: Mapped[str] = mapped_column(String(16))
    # decimals a quantity in the unit may have (0: whole pieces); None until material was asked
    uom_decimals: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))


class Routing(Base):
    """One version of a product's routing; a released order keeps a snapshot of it."""

    __tablename__ = "routing"
    __table_args__ = (UniqueConstraint("product", "version", name="uq_routing_product_version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    product: Mapped[str] = mapped_column(ForeignKey("product.code"), index=True)
    version: Mapped[str] = mapped_column(String(16))
    bom_version: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))


class RoutingOperation(Base):
    __tablename__ = "routing_operation"
    __table_args__ = (UniqueConstraint("routing_id", "seq", name="uq_routing_operation_seq"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    routing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("routing.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    work_center: Mapped[str] = mapped_column(String(64))
    setup_minutes: Mapped[Decimal] = mapped_column(Minutes)
    run_minutes: Mapped[Decimal] = mapped_column(Minutes)  # per unit
    # [{"code": "WELD", "min_level": 2}]
    skills: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # [{"item": "PP-RESIN", "quantity": "0.25", "uom": "kg"}] per unit of product, from the BOM
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    output_item: Mapped[str | None] = mapped_column(String(64))
    # work instructions, in order: [{"code": "S1", "title": ..., "field": {"kind": "number", ...}}]
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")

"""Request and response bodies: the equipment hierarchy and its attributes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from mes.platform.schemas import Page, Quantity, Schema
from mes.services.resource.vocabulary import Level

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", examples=["LINE-1"])]


class EquipmentCreate(Schema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    level: Level
    parent_code: Code | None = None


class EquipmentRead(Schema):
    code: str
    name: str
    level: Level
    parent_code: str | None
    path: str
    created_at: datetime
    created_by: str


EquipmentPage = Page[EquipmentRead]


class EquipmentAttributes(Schema):
    """Attributes to set; fields left out stay as they are."""

    time_zone: Annotated[str | None, Field(max_length=64, examples=["Europe/Paris"])] = None
    capacity: Annotated[Decimal | None, Field(ge=0, max_digits=18, decimal_places=6)] = None
    capacity_uom: Annotated[str | None, Field(min_length=1, max_length=16)] = None
    micro_stop_s: Annotated[int | None, Field(ge=1, le=86_400)] = None
    no_signal_s: Annotated[int | None, Field(ge=1, le=86_400)] = None


class CycleTimeSet(Schema):
    ideal_cycle_time_s: Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6)]


class CycleTimeRead(Schema):
    equipment_code: str
    product_code: str
    ideal_cycle_time_s: Quantity


class EquipmentDetail(EquipmentRead):
    time_zone: str | None
    capacity: Quantity | None
    capacity_uom: str | None
    micro_stop_s: int
    no_signal_s: int
    cycle_times: list[CycleTimeRead]
    counters: dict[str, int]

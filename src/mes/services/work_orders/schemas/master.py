"""Products and routings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from mes.platform.schemas import Page, Quantity, Schema
from mes.services.work_orders.schemas.common import Code, Minutes, Name, Positive, Version
from mes.services.work_orders.schemas.steps import StepIn


class ProductCreate(Schema):
    code: Code  # an item of the material service
    name: Name | None = None  # the item's name when absent


class ProductRead(Schema):
    code: str
    name: str
    uom: str
    uom_decimals: int | None = None  # 0: counted in whole units
    created_at: datetime
    created_by: str


ProductPage = Page[ProductRead]


class SkillRequirement(Schema):
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    min_level: Annotated[int, Field(ge=1, le=9)] = 1  # as resource grades qualifications


class MaterialIn(Schema):
    item: Code  # a component of the product's BOM
    quantity: Positive | None = None  # per unit of product; the BOM's when absent


class MaterialRead(Schema):
    item: str
    quantity: Quantity  # per unit of product, BOM scrap included
    uom: str


class RoutingOperationIn(Schema):
    seq: Annotated[int, Field(ge=1, le=9999)]
    name: Name
    work_center: Code
    setup_minutes: Minutes
    run_minutes_per_unit: Minutes
    skills: Annotated[list[SkillRequirement], Field(max_length=20)] = []
    materials: Annotated[list[MaterialIn], Field(max_length=100)] = []
    output_item: Code | None = None  # the last operation makes the product when absent
    steps: Annotated[list[StepIn], Field(max_length=50)] = []  # work instructions, in order


class RoutingCreate(Schema):
    version: Version
    operations: Annotated[list[RoutingOperationIn], Field(min_length=1, max_length=100)]


class RoutingOperationRead(Schema):
    seq: int
    name: str
    work_center: str
    setup_minutes: Quantity
    run_minutes_per_unit: Quantity
    skills: list[SkillRequirement]
    materials: list[MaterialRead]
    output_item: str | None
    steps: list[StepIn] = []


class RoutingRead(Schema):
    product: str
    version: str
    bom_version: str | None
    created_at: datetime
    created_by: str
    operations: list[RoutingOperationRead]


class WorkCenterRead(Schema):
    code: str
    name: str
    path: str
    updated_at: datetime


WorkCenterPage = Page[WorkCenterRead]

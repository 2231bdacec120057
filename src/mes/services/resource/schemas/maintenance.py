"""Request and response bodies: maintenance plans and orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from mes.platform.schemas import Quantity, Schema
from mes.services.resource.schemas.equipment import Code
from mes.services.resource.vocabulary import PlanTrigger


class PlanCreate(Schema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    equipment_code: Code
    trigger: PlanTrigger
    interval: Annotated[
        Decimal, Field(gt=0, max_digits=18, decimal_places=6, description="Days, cycles or operating hours")
    ]


class PlanRead(Schema):
    code: str
    name: str
    equipment_code: str
    trigger: str
    interval: Quantity
    baseline: Quantity
    used: Quantity = Field(description="Cycles or hours since the last maintenance (days for calendar plans)")
    last_done_at: datetime
    active: bool


class OrderCreate(Schema):
    equipment_code: Code
    description: Annotated[str, Field(min_length=1, max_length=2000)]


class OrderAssign(Schema):
    assignee: Annotated[str, Field(min_length=1, max_length=200)]


class OrderComplete(Schema):
    comment: Annotated[str | None, Field(max_length=2000)] = None


class OrderRead(Schema):
    number: str
    plan_code: str | None
    equipment_code: str
    status: str
    trigger: str
    due_at: datetime
    counter_value: Quantity | None
    description: str | None
    assigned_to: str | None
    started_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    comment: str | None


class OrderList(Schema):
    items: list[OrderRead]
    total: int | None = Field(default=None, description="Orders matching the filters, over all pages")
    limit: int | None = None
    offset: int | None = None

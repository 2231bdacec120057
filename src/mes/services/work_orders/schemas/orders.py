"""Work orders, their operations and what happens at them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field

from mes.platform.schemas import Page, Quantity, Schema
from mes.services.work_orders.schemas.common import (
    Code,
    NonNegative,
    Percent,
    Positive,
    Reason,
    Version,
)
from mes.services.work_orders.schemas.master import MaterialRead, SkillRequirement
from mes.services.work_orders.vocabulary import FloorChangeKind, OpStatus, OrderStatus, Origin


class WorkOrderCreate(Schema):
    number: Code
    product: Code
    quantity: Positive
    due: AwareDatetime
    priority: Annotated[int, Field(ge=1, le=9, description="1 is the most urgent")] = 5
    erp_ref: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    routing_version: Version | None = None  # the product's latest routing at release when absent
    over_tolerance_pct: Percent | None = None  # the service default when absent
    under_tolerance_pct: Percent | None = None


class WorkOrderUpdate(Schema):
    """Changes to a planned order; a field left out stays as it is. `erp_ref` and `routing_version`
    may be set to null (the latest routing at release)."""

    quantity: Positive | None = None
    due: AwareDatetime | None = None
    priority: Annotated[int, Field(ge=1, le=9)] | None = None
    erp_ref: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    routing_version: Version | None = None
    over_tolerance_pct: Percent | None = None
    under_tolerance_pct: Percent | None = None
    reason: Reason | None = None


OrderSort = Literal[
    "number",
    "-number",
    "product",
    "-product",
    "due",
    "-due",
    "priority",
    "-priority",
    "status",
    "-status",
    "quantity",
    "-quantity",
    "created_at",
    "-created_at",
    "planned_end",
    "-planned_end",
    "erp_ref",
    "-erp_ref",
]


class HistoryEntry(Schema):
    """One entry of the order's audit trail (or one of its operations')."""

    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    old: Any
    new: Any
    reason: str | None


class LabourRead(Schema):
    operator: str
    clock_in: datetime
    clock_out: datetime | None
    minutes: Quantity | None  # when clocked out


class OperationRead(Schema):
    work_order: str
    work_order_status: OrderStatus
    key: str
    step: int
    position: int
    branch: int
    name: str
    work_center: str
    equipment: str | None
    quantity: Quantity
    status: OpStatus
    origin: Origin
    parent_key: str | None
    reason: str | None
    setup_minutes: Quantity
    run_minutes_per_unit: Quantity
    skills: list[SkillRequirement]
    materials: list[MaterialRead]
    output_item: str | None
    good: Quantity
    scrap: Quantity
    rework: Quantity
    process_loss: Quantity
    started_at: datetime | None
    completed_at: datetime | None
    paused_minutes: Quantity
    pause_reason: str | None = Field(None, description="Why it is paused, while it is")
    planned_start: datetime | None
    planned_end: datetime | None
    labour: list[LabourRead]


class WorkOrderRead(Schema):
    number: str
    product: str
    quantity: Quantity
    uom: str
    uom_decimals: int | None = Field(None, description="Decimals a quantity in the unit may have (0: whole)")
    due: datetime
    priority: int
    erp_ref: str | None
    routing_version: str | None
    status: OrderStatus
    hold_reason: str | None
    quality_hold: str | None
    over_tolerance_pct: Quantity
    under_tolerance_pct: Quantity
    good: Quantity
    scrap: Quantity
    process_loss: Quantity
    short: bool
    created_at: datetime
    created_by: str
    released_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    planned_start: datetime | None
    planned_end: datetime | None
    late: bool
    operations: list[OperationRead]


WorkOrderPage = Page[WorkOrderRead]


class Transition(Schema):
    reason: Reason | None = None


class ReasonRequired(Schema):
    reason: Reason


class Start(Schema):
    equipment: Code | None = None  # the operation's assigned machine, else its work center


class ScrapLine(Schema):
    quantity: Positive
    reason: Reason


class Yield(Schema):
    good: NonNegative = Decimal(0)
    scrap: Annotated[list[ScrapLine], Field(max_length=50)] = []


class Complete(Yield):
    """Final quantities (added to those reported) and, under the tolerance, the decision to complete short."""

    accept_short: bool = False
    reason: Reason | None = None


class Consume(Schema):
    lot: Code  # as scanned
    quantity: Positive
    uom: Annotated[str, Field(min_length=1, max_length=16)] | None = None


class ConsumptionRead(Schema):
    work_order: str
    operation: str
    lot: str
    item: str
    quantity: Quantity
    uom: str
    remaining: Quantity


class ProduceInput(Schema):
    lot: Code
    quantity: Positive | None = None  # consumed now when given; else a consumption of this operation


class Produce(Schema):
    code: Code | None = None  # the serial number or lot code; generated when absent
    quantity: Positive
    location: Code  # where the output is put (a material location)
    inputs: Annotated[list[ProduceInput], Field(max_length=200)] = []


class ComponentRead(Schema):
    lot: str
    item: str
    quantity: Quantity
    uom: str


class OutputRead(Schema):
    work_order: str
    operation: str
    code: str
    item: str
    quantity: Quantity
    uom: str
    serial: bool
    components: list[ComponentRead]


class FloorChangeRead(Schema):
    kind: FloorChangeKind
    operation: str
    reason: str
    detail: dict[str, Any]
    actor: str
    at: datetime


class ConsumedRead(Schema):
    """A lot consumed at an operation; `output` is the finished unit it went into, once bound."""

    operation: str
    lot: str
    item: str
    quantity: Quantity
    uom: str
    actor: str
    at: datetime
    output: str | None


class PlannedStep(Schema):
    seq: int
    name: str
    work_center: str


class AsBuiltRead(Schema):
    work_order: str
    routing_version: str | None
    planned: list[PlannedStep]  # the routing as released
    as_built: list[OperationRead]  # what was and is being done
    changes: list[FloorChangeRead]
    outputs: list[OutputRead]  # each finished unit with exactly the components that went into it
    consumed: list[ConsumedRead] = []  # every lot consumed, bound to an output or not

"""Floor changes, the dispatch list and the schedule."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, Field

from mes.platform.schemas import Quantity, Schema
from mes.services.work_orders.schemas.common import Code, Minutes, Name, OpKey, Positive, Reason
from mes.services.work_orders.schemas.master import SkillRequirement


class InsertOperation(Schema):
    after: OpKey
    name: Name
    work_center: Code
    setup_minutes: Minutes = Decimal(0)
    run_minutes_per_unit: Minutes
    skills: Annotated[list[SkillRequirement], Field(max_length=20)] = []
    reason: Reason


class SplitPart(Schema):
    quantity: Positive
    equipment: Code | None = None  # the parallel machine this part runs on


class Split(Schema):
    parts: Annotated[list[SplitPart], Field(min_length=2, max_length=20)]
    reason: Reason


class Rework(Schema):
    to_operation: OpKey  # an earlier operation the parts go back to
    quantity: Positive
    reason: Reason


class Blocker(Schema):
    code: str  # order_on_hold, quality_hold, previous_operation_open, equipment_unavailable, material_short
    detail: str


class MaterialNeed(Schema):
    item: str
    required: Quantity
    available: Quantity
    uom: str
    short: bool


class DispatchItem(Schema):
    work_order: str
    product: str
    priority: int
    due: datetime
    operation: str
    name: str
    work_center: str
    equipment: str | None
    status: str
    quantity: Quantity
    remaining: Quantity
    planned_start: datetime | None
    planned_end: datetime | None
    late: bool
    can_start: bool
    blocked_by: list[Blocker]
    materials: list[MaterialNeed]


class DispatchList(Schema):
    work_center: str
    items: list[DispatchItem]


class ScheduleRecompute(Schema):
    start: AwareDatetime | None = None  # now when absent
    horizon_days: Annotated[int, Field(ge=1, le=90)] = 28


class ScheduledOperation(Schema):
    key: str
    work_center: str
    minutes: Quantity
    planned_start: datetime | None
    planned_end: datetime | None
    name: str = ""
    status: str = "pending"
    equipment: str | None = Field(
        None,
        description="The machine it is planned on; None for a work center without known machines or when not placed",
    )


class ScheduledOrder(Schema):
    work_order: str
    priority: int
    due: datetime
    planned_start: datetime | None
    planned_end: datetime | None
    late: bool
    operations: list[ScheduledOperation]
    product: str = ""
    status: str = "released"


class PlanWindow(Schema):
    start: datetime
    end: datetime


class ScheduleUnit(Schema):
    """One unit of capacity as the last computation saw it: a machine, or a work center without known machines."""

    work_center: str
    equipment: str | None
    available: bool  # false: down, in maintenance or offline, so nothing was planned on it
    state: str | None
    windows: list[PlanWindow]


class ScheduleRead(Schema):
    orders: list[ScheduledOrder]
    computed_at: datetime | None = None
    computed_by: str | None = None
    origin: datetime | None = None
    horizon_end: datetime | None = None
    stale: bool = Field(
        False, description="Orders changed since it was computed; the schedule worker replans soon"
    )
    stale_since: datetime | None = None
    recomputations: int = Field(0, description="How many times the schedule was computed")
    last_error: str | None = Field(
        None, description="Why the last background recompute could not run, until one does"
    )
    units: list[ScheduleUnit] = []

"""Events the work orders service publishes: the life of an order and of its operations.

Every event's aggregate is the order number, so one order's events keep their order on the bus.
Quantities are decimal strings in the order's unit, durations decimal minutes, never floats.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from mes.platform.events import Event
from mes.platform.schemas import Quantity


class _OrderEvent(Event):
    aggregate_field: ClassVar[str] = "work_order"

    work_order: str
    product: str
    actor: str


class WorkOrderCreated(_OrderEvent):
    topic: ClassVar[str] = "work_orders.work_order_created.v1"

    quantity: Quantity
    uom: str
    due: datetime
    priority: int
    erp_ref: str | None


class ReleasedOperation(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    name: str
    work_center: str


class WorkOrderReleased(_OrderEvent):
    topic: ClassVar[str] = "work_orders.work_order_released.v1"

    quantity: Quantity
    routing_version: str
    operations: list[ReleasedOperation]


class WorkOrderStarted(_OrderEvent):
    topic: ClassVar[str] = "work_orders.work_order_started.v1"

    operation: str  # the first operation started


class WorkOrderPutOnHold(_OrderEvent):
    topic: ClassVar[str] = "work_orders.work_order_on_hold.v1"

    previous_status: str
    reason: str


class WorkOrderResumed(_OrderEvent):
    topic: ClassVar[str] = "work_orders.work_order_resumed.v1"

    status: str
    reason: str | None


class WorkOrderCompleted(_OrderEvent):
    topic: ClassVar[str] = "work_orders.work_order_completed.v1"

    quantity: Quantity  # ordered
    good: Quantity  # good at the last step
    scrap: Quantity  # over all operations
    process_loss: Quantity  # neither good nor scrap: counted, not lost
    short: bool  # completed under the tolerance, by decision
    reason: str | None
    # added for the finished lot (absent from earlier events): the last operation completed
    operation: str | None = None
    # added for on-time completion in reporting (absent from earlier events): the order's due date
    due: datetime | None = None


class WorkOrderClosed(_OrderEvent):
    topic: ClassVar[str] = "work_orders.work_order_closed.v1"

    reason: str | None


class WorkOrderCancelled(_OrderEvent):
    topic: ClassVar[str] = "work_orders.work_order_cancelled.v1"

    previous_status: str
    reason: str


class _OperationEvent(_OrderEvent):
    operation: str  # the operation's key within the order, e.g. "20" or "20-R1"
    name: str
    work_center: str
    equipment: str | None


class OperationStarted(_OperationEvent):
    topic: ClassVar[str] = "work_orders.operation_started.v1"

    operator: str
    # added for schedule adherence in reporting (absent from earlier events): the schedule's
    # planned start and end of this operation when it was started, None when it was not scheduled
    planned_start: datetime | None = None
    planned_end: datetime | None = None


class OperationPaused(_OperationEvent):
    topic: ClassVar[str] = "work_orders.operation_paused.v1"

    reason: str


class OperationResumed(_OperationEvent):
    topic: ClassVar[str] = "work_orders.operation_resumed.v1"

    reason: str | None
    paused_minutes: Quantity


class ScrapReason(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: str
    quantity: Quantity


class LabourTime(BaseModel):
    model_config = ConfigDict(frozen=True)

    operator: str
    minutes: Quantity


class OperationCompleted(_OperationEvent):
    topic: ClassVar[str] = "work_orders.operation_completed.v1"

    good: Quantity
    scrap: Quantity
    scrap_reasons: list[ScrapReason]
    rework: Quantity
    process_loss: Quantity
    started_at: datetime
    completed_at: datetime
    elapsed_minutes: Quantity
    paused_minutes: Quantity
    run_minutes: Quantity  # elapsed less paused
    labour: list[LabourTime]  # one line per operator, each on their own clock
    operators: list[str]
    # added for labour efficiency in reporting (absent from earlier events): the operation's
    # standard times as the order carries them, setup once and run per unit, in minutes
    standard_setup_minutes: Quantity | None = None
    standard_run_minutes_per_unit: Quantity | None = None


class YieldReported(_OperationEvent):
    """One yield report (good, scrap with reasons, rework) at `at`, on the operation's equipment.

    Published for every report, completion included, so counts are known as they happen;
    `report_id` names the report: a correction would carry the same id and a later `occurred_at`.
    """

    topic: ClassVar[str] = "work_orders.yield_reported.v1"

    report_id: str
    at: datetime
    good: Quantity
    scrap: Quantity
    scrap_reasons: list[ScrapReason]
    rework: Quantity
    # added for labour efficiency of imported history (absent from earlier events, never set by
    # work orders, whose labour travels with the operation's completion): the operators' labour
    # minutes on this report's quantities and the standard minutes they earned (ADR 42)
    labour: list[LabourTime] = []
    standard_minutes: Quantity | None = None


class StepRecorded(_OperationEvent):
    """A value recorded at a work instruction step (recording again corrects it: `corrected`)."""

    topic: ClassVar[str] = "work_orders.step_recorded.v1"

    step: str  # the step's code within the operation
    title: str
    kind: str  # number, pass_fail, text, choice, scan, or confirm (a step without a field)
    value: str | None  # a decimal string, "true"/"false", the text, choice or code; None when confirmed
    unit: str | None
    passed: bool | None  # pass/fail steps: the verdict; numbers: inside the limits (always, else refused)
    required: bool
    corrected: bool
    at: datetime

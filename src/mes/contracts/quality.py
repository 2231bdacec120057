"""Events the quality service publishes."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from mes.platform.events import Event


class LotHoldRequested(Event):
    """Quality asks that a lot be put on hold (e.g. a non-conformance was opened)."""

    topic: ClassVar[str] = "quality.lot_hold_requested.v1"
    aggregate_field: ClassVar[str] = "lot_code"

    lot_code: str
    reason: str
    reference: str | None = None  # e.g. the NCR number
    requested_by: str


class LotReleaseRequested(Event):
    """Quality releases a lot it held."""

    topic: ClassVar[str] = "quality.lot_release_requested.v1"
    aggregate_field: ClassVar[str] = "lot_code"

    lot_code: str
    reason: str
    reference: str | None = None
    requested_by: str


class WorkOrderHoldRequested(Event):
    """Quality asks that a work order's operations stop (e.g. a non-conformance on its product)."""

    topic: ClassVar[str] = "quality.work_order_hold_requested.v1"
    aggregate_field: ClassVar[str] = "work_order"

    work_order: str
    reason: str
    reference: str | None = None  # e.g. the NCR number
    requested_by: str


class WorkOrderReleaseRequested(Event):
    """Quality lifts the hold it put on a work order."""

    topic: ClassVar[str] = "quality.work_order_release_requested.v1"
    aggregate_field: ClassVar[str] = "work_order"

    work_order: str
    reason: str
    reference: str | None = None
    requested_by: str


class IncomingInspectionChanged(Event):
    """An item now needs (or no longer needs) incoming inspection: its receipts go to quarantine."""

    topic: ClassVar[str] = "quality.incoming_inspection_changed.v1"
    aggregate_field: ClassVar[str] = "item_code"

    item_code: str
    required: bool
    plan: str | None  # the released incoming plan, e.g. "IP-RESIN v2"
    requested_by: str


class InspectionRecorded(Event):
    """An inspection task's results were recorded; `verdict` is the task's outcome."""

    topic: ClassVar[str] = "quality.inspection_recorded.v1"
    aggregate_field: ClassVar[str] = "task"

    task: str
    plan: str
    plan_version: int
    kind: str  # incoming | in_process | final
    item: str
    lot_code: str | None
    serial: str | None
    work_order: str | None
    operation: str | None
    equipment: str | None
    operator: str
    verdict: str  # passed | failed | waived


class FailedCharacteristic(BaseModel):
    model_config = ConfigDict(frozen=True)

    characteristic: str
    values: list[float]
    lsl: float | None
    usl: float | None
    defects: dict[str, int]


class InspectionFailed(Event):
    topic: ClassVar[str] = "quality.inspection_failed.v1"
    aggregate_field: ClassVar[str] = "task"

    task: str
    item: str
    lot_code: str | None
    work_order: str | None
    operation: str | None
    equipment: str | None
    operator: str
    failed: list[FailedCharacteristic]
    ncr: str | None


class SpcRuleViolated(Event):
    topic: ClassVar[str] = "quality.spc_rule_violated.v1"
    aggregate_field: ClassVar[str] = "characteristic"

    characteristic: str  # "<plan code>/<characteristic code>"
    rule: str  # "1".."8" (Western Electric 1-4, Nelson 5-8)
    description: str
    point: float
    center: float
    ucl: float
    lcl: float
    task: str
    work_order: str | None
    operation: str | None
    equipment: str | None
    ncr: str | None


class NcrOpened(Event):
    topic: ClassVar[str] = "quality.ncr_opened.v1"
    aggregate_field: ClassVar[str] = "ncr"

    ncr: str
    title: str
    item: str | None
    work_order: str | None
    operation: str | None
    held_lots: list[str]
    opened_by: str


class NcrDispositioned(Event):
    topic: ClassVar[str] = "quality.ncr_dispositioned.v1"
    aggregate_field: ClassVar[str] = "ncr"

    ncr: str
    disposition: str  # use_as_is | rework | scrap | return_to_supplier | partial
    lots: list[str]
    signature_id: str
    signed_by: str


class NcrClosed(Event):
    topic: ClassVar[str] = "quality.ncr_closed.v1"
    aggregate_field: ClassVar[str] = "ncr"

    ncr: str
    closed_by: str


class CapaOpened(Event):
    """A corrective and preventive action was opened for one or more NCRs."""

    topic: ClassVar[str] = "quality.capa_opened.v1"
    aggregate_field: ClassVar[str] = "capa"

    capa: str
    title: str
    ncrs: list[str]
    owner: str
    due_on: str  # ISO date
    opened_by: str


class CapaClosed(Event):
    """A CAPA was closed after its actions were done and its effectiveness was confirmed."""

    topic: ClassVar[str] = "quality.capa_closed.v1"
    aggregate_field: ClassVar[str] = "capa"

    capa: str
    ncrs: list[str]
    effective: bool
    signature_id: str
    closed_by: str

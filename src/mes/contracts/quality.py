"""Events the quality service publishes."""

from __future__ import annotations

from typing import ClassVar

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

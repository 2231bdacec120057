"""Events the resource service publishes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from mes.platform.events import Event


class EquipmentRegistered(Event):
    """A piece of equipment (any ISA-95 level) was added to the plant model."""

    topic: ClassVar[str] = "resource.equipment_registered.v1"
    aggregate_field: ClassVar[str] = "code"

    code: str
    name: str
    level: str
    parent_code: str | None
    path: str


class EquipmentStateChanged(Event):
    """The equipment is in `state` from `started_at` on (a late machine report may place it in the past).

    `available` is false for down, maintenance and offline: no production may be dispatched to it.
    """

    topic: ClassVar[str] = "resource.equipment_state_changed.v1"
    aggregate_field: ClassVar[str] = "equipment_id"

    equipment_id: uuid.UUID
    equipment_code: str
    path: str
    state: str
    previous_state: str | None
    started_at: datetime
    source: Literal["operator", "machine", "system"]
    reason_code: str | None
    available: bool
    ended_at: datetime | None = None  # set when a late report lands before a later known state
    opc_state: str | None = None  # OPC 40001-1 MachineStatus
    iso22400_element: str | None = None


class _DowntimeEvent(Event):
    aggregate_field: ClassVar[str] = "downtime_id"

    downtime_id: uuid.UUID
    equipment_id: uuid.UUID
    equipment_code: str
    path: str


class DowntimeRecorded(_DowntimeEvent):
    """An unplanned stop ended (or its end moved); micro-stops count as performance, not availability, loss."""

    topic: ClassVar[str] = "resource.downtime_recorded.v1"

    started_at: datetime
    ended_at: datetime
    duration_s: int
    micro_stop: bool
    unqualified: bool
    reason_code: str | None


class DowntimeClassified(_DowntimeEvent):
    topic: ClassVar[str] = "resource.downtime_classified.v1"

    reason_code: str
    previous_reason_code: str | None
    comment: str | None
    actor: str


class _QualificationEvent(Event):
    aggregate_field: ClassVar[str] = "username"

    username: str
    skill_code: str
    actor: str


class QualificationGranted(_QualificationEvent):
    topic: ClassVar[str] = "resource.qualification_granted.v1"

    level: int
    expires_on: date | None


class QualificationRevoked(_QualificationEvent):
    topic: ClassVar[str] = "resource.qualification_revoked.v1"

    reason: str | None


class QualificationExpired(_QualificationEvent):
    topic: ClassVar[str] = "resource.qualification_expired.v1"

    expires_on: date


class _MaintenanceEvent(Event):
    aggregate_field: ClassVar[str] = "order_number"

    order_number: str
    plan_code: str | None
    equipment_id: uuid.UUID
    equipment_code: str


class MaintenanceDue(_MaintenanceEvent):
    topic: ClassVar[str] = "resource.maintenance_due.v1"

    trigger: Literal["calendar", "cycles", "operating_hours", "manual"]
    due_at: datetime


class MaintenanceCompleted(_MaintenanceEvent):
    topic: ClassVar[str] = "resource.maintenance_completed.v1"

    started_at: datetime
    completed_at: datetime
    completed_by: str


class CalendarChanged(Event):
    """The shift calendar held AT `equipment_code` changed (patterns set, an exception added).

    Planned time of that equipment and of everything below it that inherits the calendar changes
    with it; readers that cache calendars or planned windows drop them (ADR 30).
    """

    topic: ClassVar[str] = "resource.calendar_changed.v1"
    aggregate_field: ClassVar[str] = "equipment_code"

    equipment_code: str
    change: Literal["patterns_set", "exception_added"]


class EquipmentDetailsChanged(Event):
    """An equipment's details changed: its attributes (time zone, capacity, thresholds) or a cycle time."""

    topic: ClassVar[str] = "resource.equipment_details_changed.v1"
    aggregate_field: ClassVar[str] = "equipment_code"

    equipment_code: str
    change: Literal["attributes", "cycle_time"]

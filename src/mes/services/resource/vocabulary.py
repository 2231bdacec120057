"""The words of the resource service, once: hierarchy levels, equipment states and their sources,
maintenance triggers and order states, calendar exceptions (ADR 35).

Models, schemas and use cases take these types, so mypy (strict: `strict_equality`) refuses a
word that is not one of them. Events carry them as strings or as the contract's own Literal
(`mes.contracts.resource`), which lists the same words.
"""

from __future__ import annotations

from typing import Literal, get_args

Level = Literal["enterprise", "site", "area", "work_center", "equipment"]
State = Literal["running", "idle", "setup", "planned_stop", "down", "maintenance", "offline"]
Source = Literal["operator", "machine", "system"]
PlanTrigger = Literal["calendar", "cycles", "operating_hours"]
# an order is due by its plan's trigger, or made by hand
OrderTrigger = Literal["calendar", "cycles", "operating_hours", "manual"]
MaintenanceStatus = Literal["open", "assigned", "in_progress", "completed"]
ExceptionKind = Literal["holiday", "non_production"]
# why an authorization check refuses (`AuthorizationResult.reasons[].code`, a string on the wire)
RefusalReason = Literal[
    "equipment_not_a_machine",
    "equipment_not_in_work_center",
    "person_unknown",
    "skill_missing",
    "certification_expired",
    "equipment_unavailable",
]

LEVELS: tuple[Level, ...] = get_args(Level)
STATES: tuple[State, ...] = get_args(State)
SOURCES: tuple[Source, ...] = get_args(Source)
PLAN_TRIGGERS: tuple[PlanTrigger, ...] = get_args(PlanTrigger)
MAINTENANCE_STATUSES: tuple[MaintenanceStatus, ...] = get_args(MaintenanceStatus)

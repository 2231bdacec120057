"""Tables of the resource service (database mes_resource) and the rules they keep."""

from mes.services.resource.models.base import Base, metadata
from mes.services.resource.models.calendars import CalendarException, ShiftCalendar, ShiftPattern
from mes.services.resource.models.equipment import CycleTime, Equipment, UsageCounter
from mes.services.resource.models.maintenance import MaintenanceOrder, MaintenancePlan
from mes.services.resource.models.people import Person, Qualification, Skill, SkillRequirement
from mes.services.resource.models.states import Downtime, EquipmentState, ReasonCode, StateReport
from mes.services.resource.vocabulary import LEVELS

__all__ = [
    "LEVELS",
    "Base",
    "CalendarException",
    "CycleTime",
    "Downtime",
    "Equipment",
    "EquipmentState",
    "MaintenanceOrder",
    "MaintenancePlan",
    "Person",
    "Qualification",
    "ReasonCode",
    "ShiftCalendar",
    "ShiftPattern",
    "Skill",
    "SkillRequirement",
    "StateReport",
    "UsageCounter",
    "metadata",
]

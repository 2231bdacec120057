"""Tables of the quality service (database mes_quality) and its pure rules (SPC, sampling)."""

from mes.services.quality.models.base import Base, metadata
from mes.services.quality.models.tables import (
    CHAR_KINDS,
    DISPOSITIONS,
    PLAN_KINDS,
    Capa,
    CapaAction,
    Characteristic,
    ControlLimits,
    Counter,
    DefectCode,
    Gauge,
    Ncr,
    OrderPlan,
    Plan,
    ProducedLot,
    Result,
    Switching,
    Task,
)

__all__ = [
    "CHAR_KINDS",
    "DISPOSITIONS",
    "PLAN_KINDS",
    "Base",
    "Capa",
    "CapaAction",
    "Characteristic",
    "ControlLimits",
    "Counter",
    "DefectCode",
    "Gauge",
    "Ncr",
    "OrderPlan",
    "Plan",
    "ProducedLot",
    "Result",
    "Switching",
    "Task",
    "metadata",
]

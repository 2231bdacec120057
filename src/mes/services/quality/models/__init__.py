"""Tables of the quality service (database mes_quality) and its pure rules (SPC, sampling)."""

from mes.services.quality.models.base import Base, metadata
from mes.services.quality.models.tables import (
    Capa,
    CapaAction,
    Characteristic,
    ControlLimits,
    Counter,
    DefectCode,
    Gauge,
    Ncr,
    OperationRun,
    OrderPlan,
    Plan,
    ProducedLot,
    Result,
    SamplingPoint,
    Switching,
    Task,
    YieldCount,
)
from mes.services.quality.vocabulary import CHAR_KINDS, DISPOSITIONS, PLAN_KINDS

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
    "OperationRun",
    "OrderPlan",
    "Plan",
    "ProducedLot",
    "Result",
    "SamplingPoint",
    "Switching",
    "Task",
    "YieldCount",
    "metadata",
]

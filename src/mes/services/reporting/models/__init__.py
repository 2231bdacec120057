"""Tables of the reporting service and its pure rules (OEE, timeline, shifts, KPIs)."""

from mes.services.reporting.models.tables import (
    Base,
    DowntimeRecord,
    EquipmentNode,
    LabourTime,
    MachineCount,
    OperationResult,
    OperationRun,
    OrderCompletion,
    ProductionHour,
    ReceivedEvent,
    ShiftSnapshot,
    StateHour,
    StateInterval,
    StateSegment,
    YieldReport,
    metadata,
)

__all__ = [
    "Base",
    "DowntimeRecord",
    "EquipmentNode",
    "LabourTime",
    "MachineCount",
    "OperationResult",
    "OperationRun",
    "OrderCompletion",
    "ProductionHour",
    "ReceivedEvent",
    "ShiftSnapshot",
    "StateHour",
    "StateInterval",
    "StateSegment",
    "YieldReport",
    "metadata",
]

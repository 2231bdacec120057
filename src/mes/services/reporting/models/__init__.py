"""Tables of the reporting service and its pure rules (OEE, timeline, shifts, KPIs)."""

from mes.services.reporting.models.tables import (
    Base,
    DowntimeRecord,
    EquipmentNode,
    MachineCount,
    OperationResult,
    OperationRun,
    ProductionHour,
    ReceivedEvent,
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
    "MachineCount",
    "OperationResult",
    "OperationRun",
    "ProductionHour",
    "ReceivedEvent",
    "StateHour",
    "StateInterval",
    "StateSegment",
    "YieldReport",
    "metadata",
]

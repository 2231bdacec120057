"""Tables of the work orders service (database mes_work_order) and the rules they keep."""

from mes.services.work_orders.models.base import Base, metadata
from mes.services.work_orders.models.master import (
    EquipmentState,
    Product,
    Routing,
    RoutingOperation,
    WorkCenterRef,
)
from mes.services.work_orders.models.orders import (
    Consumption,
    FloorChange,
    Labour,
    Operation,
    OutputUnit,
    Pause,
    WorkOrder,
    YieldRecord,
)
from mes.services.work_orders.models.plan import MachineRef, ScheduleChange, ScheduleRun
from mes.services.work_orders.models.steps import Attachment, StepValue

__all__ = [
    "Attachment",
    "Base",
    "Consumption",
    "EquipmentState",
    "FloorChange",
    "Labour",
    "MachineRef",
    "Operation",
    "OutputUnit",
    "Pause",
    "Product",
    "Routing",
    "RoutingOperation",
    "ScheduleChange",
    "ScheduleRun",
    "StepValue",
    "WorkCenterRef",
    "WorkOrder",
    "YieldRecord",
    "metadata",
]

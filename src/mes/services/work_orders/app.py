"""Wiring of the work-orders service: routes, event handlers, the schedule worker, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.work_orders import event_handlers, routes
from mes.services.work_orders.service.schedule import ScheduleWorker

spec = ServiceSpec(
    info=service_info("work-orders"),
    description="Routings, work orders, operations, execution records and dispatch lists.",
    migrations=Path(__file__).parent / "migrations",
    routers=routes.routers,
    handlers=event_handlers.HANDLERS,
    # replans the stale schedule a moment after orders changed, off the request path (ADR 24)
    workers=[ScheduleWorker],
)

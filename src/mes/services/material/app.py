"""Wiring of the material service: routes, event handlers, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.material import event_handlers, routes
from mes.services.material.service.status import LotExpiry

spec = ServiceSpec(
    info=service_info("material"),
    description="Items, BOMs, lots, serials, locations, stock and movements.",
    migrations=Path(__file__).parent / "migrations",
    routers=[routes.router],
    handlers=event_handlers.HANDLERS,
    workers=[LotExpiry],  # lots past their expiry date become `expired`
)

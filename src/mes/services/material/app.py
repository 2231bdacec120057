"""Wiring of the material service: routes, event handlers, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.material import event_handlers, routes

spec = ServiceSpec(
    info=service_info("material"),
    description="Items, BOMs, lots, serials, locations, stock and movements.",
    migrations=Path(__file__).parent / "migrations",
    routers=[routes.router],
    handlers=event_handlers.HANDLERS,
)

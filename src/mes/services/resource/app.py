"""Wiring of the resource service: routes, event handlers, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.resource import event_handlers, routes

spec = ServiceSpec(
    info=service_info("resource"),
    description="ISA-95 equipment hierarchy, equipment states, downtime, shifts, personnel qualifications and maintenance.",
    migrations=Path(__file__).parent / "migrations",
    routers=[routes.router],
    handlers=event_handlers.HANDLERS,
)

"""Wiring of the traceability service: routes, event handlers, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.traceability import event_handlers, routes

spec = ServiceSpec(
    info=service_info("traceability"),
    description="Genealogy graph, as-built records, trace and recall queries.",
    migrations=Path(__file__).parent / "migrations",
    routers=[routes.router],
    handlers=event_handlers.HANDLERS,
)

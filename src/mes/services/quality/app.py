"""Wiring of the quality service: routes, event handlers, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.quality import event_handlers, routes

spec = ServiceSpec(
    info=service_info("quality"),
    description="Inspection plans, results, SPC, non-conformances and CAPA.",
    migrations=Path(__file__).parent / "migrations",
    routers=[routes.router],
    handlers=event_handlers.HANDLERS,
)

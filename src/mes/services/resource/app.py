"""Wiring of the resource service: routes, event handlers, migrations, periodic checks."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.resource import event_handlers, routes
from mes.services.resource.service.watchdog import Watchdog

spec = ServiceSpec(
    info=service_info("resource"),
    description="ISA-95 equipment hierarchy, equipment states, downtime, shifts, personnel qualifications and maintenance.",
    migrations=Path(__file__).parent / "migrations",
    routers=[routes.router],
    handlers=event_handlers.HANDLERS,
    # no-signal stops, expired qualifications, due maintenance: under `mes up` and `mes serve`
    workers=[Watchdog],
)

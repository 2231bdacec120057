"""Wiring of the quality service: routes, event handlers, workers, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.quality import event_handlers, routes
from mes.services.quality.service.frequency import TimedSampling

spec = ServiceSpec(
    info=service_info("quality"),
    description="Inspection plans, results, SPC, non-conformances and CAPA.",
    migrations=Path(__file__).parent / "migrations",
    routers=[routes.router],
    handlers=event_handlers.HANDLERS,
    workers=[TimedSampling],  # every-t-minutes in-process tasks of running operations
)

"""Wiring of the reporting service: routes, event handlers, workers, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.reporting import event_handlers, routes
from mes.services.reporting.service.shift_record import ShiftSnapshotWorker

spec = ServiceSpec(
    info=service_info("reporting"),
    description="Read models: OEE, throughput, yield, Paretos and WIP.",
    migrations=Path(__file__).parent / "migrations",
    routers=[routes.router],
    handlers=event_handlers.HANDLERS,
    workers=[ShiftSnapshotWorker],  # each read shift's figures kept at its end (ADR 42)
)

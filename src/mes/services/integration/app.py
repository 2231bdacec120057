"""Wiring of the integration service: routes, event handlers, workers, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.integration import event_handlers, routes
from mes.services.integration.service.runners import Connectors
from mes.services.integration.service.webhooks import Dispatcher

spec = ServiceSpec(
    info=service_info("integration"),
    description="ERP exchange (B2MML), machine connectivity (MQTT, OPC UA) and webhooks.",
    migrations=Path(__file__).parent / "migrations",
    routers=[routes.router],
    handlers=event_handlers.HANDLERS,
    # keeps every enabled MQTT and OPC UA connector connected; sends webhook and ERP deliveries
    workers=[Connectors, Dispatcher],
)

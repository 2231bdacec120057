"""Wiring of the auth service: routes, event handlers, migrations."""

from pathlib import Path

from mes.platform.app import ServiceSpec
from mes.platform.registry import service_info
from mes.services.auth import event_handlers, routes

spec = ServiceSpec(
    info=service_info("auth"),
    description="Users, roles, permissions, tokens, API keys and e-signatures.",
    migrations=Path(__file__).parent / "migrations",
    routers=routes.routers,
    handlers=event_handlers.HANDLERS,
)

"""HTTP routes of the resource service, one module per area, and the periodic checks' lifespan."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, FastAPI

from mes.platform.app import PROTECTED_RESPONSES
from mes.services.resource.routes import calendars, downtime, equipment, maintenance, people, states
from mes.services.resource.service.watchdog import Watchdog


@contextlib.asynccontextmanager
async def _checks(app: FastAPI) -> AsyncIterator[None]:
    """`mes serve resource`: the periodic checks run beside the service (the app's state is set by then)."""
    watchdog = Watchdog(app.state.db)
    watchdog.start()
    try:
        yield
    finally:
        await watchdog.stop()


router = APIRouter(tags=["resource"], responses=PROTECTED_RESPONSES, lifespan=_checks)
for _module in (equipment, states, downtime, calendars, people, maintenance):
    router.include_router(_module.router)

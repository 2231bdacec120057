"""HTTP routes of the resource service, one module per area."""

from fastapi import APIRouter

from mes.platform.app import PROTECTED_RESPONSES
from mes.services.resource.routes import calendars, downtime, equipment, maintenance, people, states

router = APIRouter(tags=["resource"], responses=PROTECTED_RESPONSES)
for _module in (equipment, states, downtime, calendars, people, maintenance):
    router.include_router(_module.router)

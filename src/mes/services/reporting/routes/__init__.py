"""HTTP routes of the reporting service, one module per area."""

from fastapi import APIRouter

from mes.platform.app import PROTECTED_RESPONSES
from mes.services.reporting.routes import admin, kpis, live, oee

router = APIRouter(tags=["reporting"], responses=PROTECTED_RESPONSES)
for _module in (oee, kpis, live, admin):
    router.include_router(_module.router)

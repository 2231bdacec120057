"""HTTP routes of the quality service."""

from fastapi import APIRouter

from mes.platform.app import PROTECTED_RESPONSES
from mes.services.quality.routes import capas, master, ncrs, plans, tasks

router = APIRouter(tags=["quality"], responses=PROTECTED_RESPONSES)
for _r in (plans.router, tasks.router, ncrs.router, capas.router, master.router):
    router.include_router(_r)

"""HTTP routes of the quality service."""

from fastapi import APIRouter

from mes.platform.app import PROTECTED_RESPONSES
from mes.services.quality.routes import master, ncrs, plans, tasks

router = APIRouter(tags=["quality"], responses=PROTECTED_RESPONSES)
for _r in (plans.router, tasks.router, ncrs.router, master.router):
    router.include_router(_r)

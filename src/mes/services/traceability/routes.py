"""HTTP routes of the traceability service."""

from fastapi import APIRouter

router = APIRouter(tags=["traceability"])

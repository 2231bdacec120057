"""HTTP routes of the integration service."""

from fastapi import APIRouter

router = APIRouter(tags=["integration"])

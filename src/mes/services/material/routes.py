"""HTTP routes of the material service."""

from fastapi import APIRouter

router = APIRouter(tags=["material"])

"""HTTP routes of the quality service."""

from fastapi import APIRouter

router = APIRouter(tags=["quality"])

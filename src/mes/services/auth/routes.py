"""HTTP routes of the auth service."""

from fastapi import APIRouter

router = APIRouter(tags=["auth"])

"""HTTP routes of the reporting service."""

from fastapi import APIRouter

router = APIRouter(tags=["reporting"])

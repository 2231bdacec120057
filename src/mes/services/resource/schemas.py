"""Request and response bodies of the resource service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from mes.platform.schemas import Page, Schema

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", examples=["LINE-1"])]
Level = Literal["enterprise", "site", "area", "work_center", "equipment"]


class EquipmentCreate(Schema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    level: Level
    parent_code: Code | None = None


class EquipmentRead(Schema):
    code: str
    name: str
    level: Level
    parent_code: str | None
    path: str
    created_at: datetime
    created_by: str


EquipmentPage = Page[EquipmentRead]

"""Request and response bodies of the work orders service."""

from __future__ import annotations

from datetime import datetime

from mes.platform.schemas import Page, Schema


class WorkCenterRead(Schema):
    code: str
    name: str
    path: str
    updated_at: datetime


WorkCenterPage = Page[WorkCenterRead]

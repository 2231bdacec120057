"""The quality service's metadata and declarative base (database mes_quality)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables_v1

metadata = new_metadata()
platform_tables_v1(metadata)


class Base(DeclarativeBase):
    metadata = metadata

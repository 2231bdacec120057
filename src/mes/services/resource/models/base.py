"""The resource service's metadata and declarative base (database mes_resource)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables

metadata = new_metadata()
platform_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata

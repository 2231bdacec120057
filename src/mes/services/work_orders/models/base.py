"""Metadata and declarative base of the work orders database (mes_work_order)."""

from __future__ import annotations

from sqlalchemy import Numeric
from sqlalchemy.orm import DeclarativeBase

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables

metadata = new_metadata()
platform_tables(metadata)

Qty = Numeric(18, 6)  # quantities, in the order's unit
Minutes = Numeric(18, 6)  # durations in decimal minutes


class Base(DeclarativeBase):
    metadata = metadata

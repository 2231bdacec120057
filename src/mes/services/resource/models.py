"""Tables of the resource service (database mes_resource) and the rules they keep."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables_v1

metadata = new_metadata()
platform_tables_v1(metadata)

# ISA-95 role-based equipment hierarchy, top to bottom
LEVELS = ("enterprise", "site", "area", "work_center", "equipment")


class Base(DeclarativeBase):
    metadata = metadata


class Equipment(Base):
    __tablename__ = "equipment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("equipment.id"), index=True)
    path: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))

    @classmethod
    def place(
        cls, *, code: str, name: str, level: str, parent: Equipment | None, created_by: str
    ) -> Equipment:
        """A new node under `parent`; ValueError when the ISA-95 hierarchy forbids it."""
        depth = LEVELS.index(level)
        if depth == 0 and parent is not None:
            raise ValueError("an enterprise is the top of the hierarchy and has no parent")
        if depth > 0 and parent is None:
            raise ValueError(f"a {level} needs a parent")
        if parent is not None and LEVELS.index(parent.level) >= depth:
            raise ValueError(f"a {level} can't sit under a {parent.level}")
        path = f"{parent.path}/{code}" if parent is not None else code
        return cls(
            code=code,
            name=name,
            level=level,
            parent_id=parent.id if parent else None,
            path=path,
            created_by=created_by,
        )

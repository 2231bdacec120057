"""Personnel linked to auth users, their skills and certifications, and what work requires."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from mes.services.resource.models.base import Base


class Person(Base):
    __tablename__ = "person"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(200), unique=True)  # the auth service's user name
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Skill(Base):
    __tablename__ = "skill"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Qualification(Base):
    """A person's skill at a level; a certification is valid through `expires_on` (inclusive)."""

    __tablename__ = "qualification"
    __table_args__ = (
        UniqueConstraint("person_id", "skill_id", name="uq_qualification_person_id_skill_id"),
        CheckConstraint("level BETWEEN 1 AND 9", name="level"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    skill_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("skill.id"))
    level: Mapped[int] = mapped_column(Integer)
    expires_on: Mapped[date | None] = mapped_column(Date)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    granted_by: Mapped[str] = mapped_column(String(200))
    # set once QualificationExpired was published for the current expires_on
    expiry_announced: Mapped[bool] = mapped_column(Boolean, default=False)


class SkillRequirement(Base):
    """Running work on a work center (or any equipment below it) or an operation needs a skill."""

    __tablename__ = "skill_requirement"
    __table_args__ = (
        CheckConstraint("equipment_id IS NOT NULL OR operation IS NOT NULL", name="scope"),
        CheckConstraint("min_level BETWEEN 1 AND 9", name="min_level"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    equipment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("equipment.id", ondelete="CASCADE"), index=True
    )
    operation: Mapped[str | None] = mapped_column(String(64))
    skill_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("skill.id"))
    min_level: Mapped[int] = mapped_column(Integer)

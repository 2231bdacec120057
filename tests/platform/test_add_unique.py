"""The platform's unique insert: a unique violation is the service's 409, anything else is a defect."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mes.platform.db import add_unique
from mes.platform.errors import Conflict
from mes.platform.testing import scratch_databases


class _Base(DeclarativeBase):
    pass


class _Parent(_Base):
    __tablename__ = "parent"
    id: Mapped[int] = mapped_column(primary_key=True)


class _Thing(_Base):
    __tablename__ = "thing"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parent.id"))


class _Duplicate(Conflict):
    code = "duplicate_code"


async def test_a_unique_violation_is_the_given_conflict_and_the_transaction_goes_on() -> None:
    async with scratch_databases("unique") as urls:
        engine = create_async_engine(urls["unique"])
        try:
            async with engine.begin() as conn:
                await conn.run_sync(_Base.metadata.create_all)
            async with AsyncSession(engine) as session, session.begin():
                await add_unique(session, _Thing(code="A-1"), _Duplicate("Thing A-1 already exists."))
                with pytest.raises(_Duplicate, match="A-1 already exists"):
                    await add_unique(session, _Thing(code="A-1"), _Duplicate("Thing A-1 already exists."))
                # the savepoint was rolled back, not the transaction: it still works and keeps A-1
                await add_unique(session, _Thing(code="A-2"), _Duplicate("Thing A-2 already exists."))
                codes = (await session.scalars(sa.select(_Thing.code).order_by(_Thing.code))).all()
                assert codes == ["A-1", "A-2"]
                # a foreign key pointing nowhere is not a duplicate: it propagates as the defect it is
                with pytest.raises(IntegrityError):
                    await add_unique(session, _Thing(code="A-3", parent_id=42), _Duplicate("never"))
        finally:
            await engine.dispose()

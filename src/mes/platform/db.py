"""Async SQLAlchemy: one transaction per request or consumed event, committed here, never by services."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import MetaData, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from mes.platform.errors import DomainError

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING)


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        # no overflow: connections opened and closed under load cost more than waiting for one
        max_overflow=0,
        pool_pre_ping=False,  # a dropped connection fails one request and is replaced; a ping would cost every request a round trip
        connect_args={"server_settings": {"application_name": "mes"}},
    )


class Database:
    """A service's database: the engine, the unit of work, and a signal for the outbox relay."""

    def __init__(
        self, engine: AsyncEngine, *, service: str = "", bind: AsyncConnection | None = None
    ) -> None:
        self.engine = engine
        self.service = service
        if bind is None:
            self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        else:
            # tests: everything runs inside the caller's outer transaction, commits become savepoints
            self._sessions = async_sessionmaker(
                bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
        self.outbox_signal = asyncio.Event()

    @classmethod
    def from_url(cls, url: str, *, service: str = "", pool_size: int = 10) -> Database:
        return cls(make_engine(url, pool_size=pool_size), service=service)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits when the block ends normally, rolls back on any exception
        except a DomainError that `keeps_changes` (committed, then raised on)."""
        kept: DomainError | None = None
        async with self._sessions() as session:
            session.info["service"] = self.service
            async with session.begin():
                try:
                    yield session
                except DomainError as e:
                    if not e.keeps_changes:
                        raise
                    kept = e
            if session.info.pop("outbox_dirty", False):
                self.outbox_signal.set()
        if kept is not None:
            raise kept

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    db: Database = request.app.state.db
    async with db.transaction() as session:
        yield session


# scope="function": the commit happens before the response is sent, so a 2xx means it is stored.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]


def mark_outbox_dirty(session: AsyncSession) -> None:
    session.info["outbox_dirty"] = True


UNIQUE_VIOLATION = "23505"


async def add_unique(session: AsyncSession, row: object, duplicate: DomainError) -> None:
    """Adds `row` and flushes it in a savepoint: a unique violation raises `duplicate` (a 409 the
    client can act on) and leaves the transaction usable; any other integrity error (a foreign
    key, a check) is a defect, not a duplicate, and propagates as it is."""
    try:
        # begin_nested flushes what is pending first: the row is added inside the savepoint, so
        # that only it is undone by a violation
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as e:
        if getattr(e.orig, "sqlstate", None) == UNIQUE_VIOLATION:
            raise duplicate from None
        raise

"""Async SQLAlchemy: one transaction per request or consumed event, committed here, never by services."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, Row, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql import Executable

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


@dataclass(frozen=True)
class Deadlines:
    """How long a unit of work may wait on the database before it gives up (ADR 22): for a
    pooled connection, for a new connection, for one statement. Past one, the request is
    answered 503 with Retry-After, never left hanging."""

    pool_s: float = 5.0
    connect_s: float = 5.0
    statement_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Any) -> Deadlines:
        return cls(settings.db_pool_timeout_s, settings.db_connect_timeout_s, settings.db_statement_timeout_s)


def make_engine(url: str, *, pool_size: int = 10, deadlines: Deadlines | None = None) -> AsyncEngine:
    d = deadlines or Deadlines()
    return create_async_engine(
        url,
        pool_size=pool_size,
        # no overflow: connections opened and closed under load cost more than waiting for one
        max_overflow=0,
        pool_timeout=d.pool_s,
        pool_pre_ping=False,  # a dropped connection fails one request and is replaced; a ping would cost every request a round trip
        connect_args={
            "server_settings": {"application_name": "mes"},
            "timeout": d.connect_s,
            "command_timeout": d.statement_s,
        },
    )


# SQLSTATE classes and codes that say "the database is away or overloaded", not "the request is wrong"
# and, retryable as they are, a deadlock or a serialization failure: the transaction was rolled
# back whole, so the client's retry (with its Idempotency-Key) is safe
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300", "57014", "40P01", "40001")


def database_unavailable(exc: BaseException) -> bool:
    """True for an error that means the database can't be reached or answered too late: the
    server down or restarting, a connection lost, the pool's or a statement's deadline passed."""
    import asyncpg
    from sqlalchemy import exc as sa_exc

    if isinstance(exc, sa_exc.TimeoutError):  # no pooled connection in time
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        orig = exc.orig
        state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
        if state.startswith(_UNAVAILABLE_STATES):
            return True
        cause: BaseException | None = getattr(orig, "__cause__", None) or orig
        if cause is None:
            return False
        return _connection_trouble(cause) or isinstance(
            cause, asyncpg.exceptions.ConnectionDoesNotExistError | asyncpg.exceptions.InterfaceError
        )
    if isinstance(exc, asyncpg.exceptions.PostgresError):
        return str(getattr(exc, "sqlstate", "")).startswith(_UNAVAILABLE_STATES)
    if isinstance(exc, asyncpg.exceptions.ConnectionDoesNotExistError | asyncpg.exceptions.InterfaceError):
        return True
    # a bare socket error or timeout counts only when it came out of the database driver (a
    # machine connector's timeout, say, is not the database being away)
    return _connection_trouble(exc) and _raised_by_database_driver(exc)


def _raised_by_database_driver(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.startswith(("asyncpg", "sqlalchemy")):
            return True
        tb = tb.tb_next
    return False


def _connection_trouble(exc: BaseException) -> bool:
    # a connect refused or reset, a connect or statement deadline (TimeoutError), a name that
    # doesn't resolve; asyncio reports several failed addresses as a plain OSError
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True
    return type(exc) is OSError and ("Connect call failed" in str(exc) or "Multiple exceptions" in str(exc))


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
        self.reads = Reads(self, bound=bind is not None)

    @classmethod
    def from_url(
        cls, url: str, *, service: str = "", pool_size: int = 10, deadlines: Deadlines | None = None
    ) -> Database:
        return cls(make_engine(url, pool_size=pool_size, deadlines=deadlines), service=service)

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


class Reads:
    """A read that is one SQL statement, outside a unit of work: on a pooled connection in
    autocommit, so one round trip instead of BEGIN, the statement and COMMIT, and no ORM session
    (ADR 47). One statement sees one snapshot, so the answer is what a transaction around it
    would read. Only for statements that change nothing; anything that writes, or reads twice
    and needs both reads to agree, takes the unit of work (`SessionDep`). Core statements only:
    rows come back as rows, never as ORM objects."""

    def __init__(self, db: Database, *, bound: bool) -> None:
        self._db = db
        # tests bind the database to their outer transaction: reads must see its uncommitted rows
        self._bound = bound
        self._engine = db.engine.execution_options(isolation_level="AUTOCOMMIT")

    async def one(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Row[Any] | None:
        """The first row, or None. A statement built once with `bindparam`s and given its
        `params` here skips building it per request."""
        if self._bound:
            async with self._db.transaction() as session:
                return (await session.execute(statement, params)).first()
        async with self._engine.connect() as conn:
            return (await conn.execute(statement, params)).first()

    async def all(self, statement: Executable, params: Mapping[str, Any] | None = None) -> list[Row[Any]]:
        if self._bound:
            async with self._db.transaction() as session:
                return list((await session.execute(statement, params)).all())
        async with self._engine.connect() as conn:
            return list((await conn.execute(statement, params)).all())


async def _request_reads(request: Request) -> Reads:
    # async: FastAPI would run a plain function in its thread pool, a thread hop per request
    db: Database = request.app.state.db
    return db.reads


# a route whose whole read is one statement takes this instead of SessionDep
ReadsDep = Annotated[Reads, Depends(_request_reads)]


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


def ordered(sort: str, columns: dict[str, Any], tie: Any) -> list[Any]:
    """ORDER BY for a list's `sort` parameter: `name` ascending, `-name` descending (a column from
    the route's closed list, NULLs last); `tie` breaks ties so pages never overlap."""
    column = columns[sort.lstrip("-")]
    first = column.desc().nulls_last() if sort.startswith("-") else column.asc().nulls_last()
    return [first] if column is tie else [first, tie.asc()]

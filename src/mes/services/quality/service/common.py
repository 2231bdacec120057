"""Helpers every quality use case shares: readable numbers and the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit


async def next_number(session: AsyncSession, prefix: str) -> str:
    value = await session.scalar(
        text(
            "INSERT INTO counter (prefix, value) VALUES (:p, 1)"
            " ON CONFLICT (prefix) DO UPDATE SET value = counter.value + 1 RETURNING value"
        ),
        {"p": prefix},
    )
    return f"{prefix}-{int(value or 0):06d}"


async def audit(
    session: AsyncSession,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    *,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
) -> None:
    await append_audit(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        old=old,
        new=new,
        reason=reason,
    )

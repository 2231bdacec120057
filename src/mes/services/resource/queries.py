"""Read-side lookups shared by the use cases."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.resource.errors import EquipmentNotFound
from mes.services.resource.models import Equipment
from mes.services.resource.models.equipment import DEFAULT_MICRO_STOP_S, DEFAULT_NO_SIGNAL_S


async def equipment(session: AsyncSession, code: str, *, lock: bool = False) -> Equipment:
    """The equipment; with `lock`, its row is locked until the transaction ends (state changes queue here)."""
    query = select(Equipment).where(Equipment.code == code)
    if lock:
        query = query.with_for_update()
    eq = await session.scalar(query)
    if eq is None:
        raise EquipmentNotFound(f"No equipment with code {code}.")
    return eq


async def equipment_by_id(session: AsyncSession, eq_id: uuid.UUID, *, lock: bool = False) -> Equipment:
    query = select(Equipment).where(Equipment.id == eq_id)
    if lock:
        query = query.with_for_update()
    eq = await session.scalar(query)
    if eq is None:
        raise EquipmentNotFound(f"No equipment with id {eq_id}.")
    return eq


async def lineage(session: AsyncSession, eq: Equipment) -> list[Equipment]:
    """The equipment and its ancestors, nearest first."""
    codes = eq.ancestor_codes()
    rows = (await session.scalars(select(Equipment).where(Equipment.code.in_(codes)))).all()
    by_code = {r.code: r for r in rows}
    return [by_code[c] for c in codes if c in by_code]


def inherited(chain: list[Equipment], attr: str) -> object | None:
    for node in chain:
        value: object | None = getattr(node, attr)
        if value is not None:
            return value
    return None


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone") from None


async def thresholds(session: AsyncSession, eq: Equipment) -> tuple[int, int]:
    """(micro-stop threshold, no-signal timeout) in seconds, inherited down the hierarchy."""
    chain = await lineage(session, eq)
    micro = inherited(chain, "micro_stop_s")
    silent = inherited(chain, "no_signal_s")
    return (
        int(micro) if isinstance(micro, int) else DEFAULT_MICRO_STOP_S,
        int(silent) if isinstance(silent, int) else DEFAULT_NO_SIGNAL_S,
    )


async def under(session: AsyncSession, code: str | None) -> list[Equipment]:
    """Every equipment at or below `code` (everything when None), in path order."""
    query = select(Equipment).order_by(Equipment.path)
    if code is not None:
        root = await equipment(session, code)
        query = query.where(
            (Equipment.path == root.path) | Equipment.path.startswith(root.path + "/", autoescape=True)
        )
    return list((await session.scalars(query)).all())

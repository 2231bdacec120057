"""Use cases of the work orders service."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.resource import EquipmentRegistered
from mes.services.work_orders.models import WorkCenterRef
from mes.services.work_orders.schemas import WorkCenterRead


async def remember_work_center(session: AsyncSession, event: EquipmentRegistered) -> None:
    if event.level != "work_center":
        return
    stmt = insert(WorkCenterRef).values(code=event.code, name=event.name, path=event.path)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[WorkCenterRef.code],
            set_={"name": stmt.excluded.name, "path": stmt.excluded.path, "updated_at": func.now()},
        )
    )


async def list_work_centers(
    session: AsyncSession, *, limit: int, offset: int
) -> tuple[list[WorkCenterRead], int]:
    rows = await session.scalars(
        select(WorkCenterRef).order_by(WorkCenterRef.path).limit(limit).offset(offset)
    )
    total = await session.scalar(select(func.count()).select_from(WorkCenterRef)) or 0
    return [WorkCenterRead.model_validate(r) for r in rows], total

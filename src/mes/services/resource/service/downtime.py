"""Downtime records: the reason-code tree of a site, classifying, commenting and splitting stops."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.resource import DowntimeClassified
from mes.platform.audit import append_audit
from mes.platform.db import add_unique, ordered
from mes.platform.errors import a_an
from mes.platform.events import record_event
from mes.services.resource import queries
from mes.services.resource.errors import DuplicateCode, InvalidStateChange, NotFoundHere
from mes.services.resource.models import Downtime, Equipment, EquipmentState, ReasonCode, StateReport
from mes.services.resource.schemas.states import (
    DowntimeClassify,
    DowntimeRead,
    DowntimeSplit,
    ReasonCodeCreate,
    ReasonCodeRead,
)
from mes.services.resource.service.states import announce_downtime


async def _site(session: AsyncSession, eq: Equipment) -> Equipment:
    site = next((n for n in await queries.lineage(session, eq) if n.level == "site"), None)
    if site is None:
        raise InvalidStateChange(f"{eq.code} is not under a site.", code="no_site")
    return site


async def add_reason(
    session: AsyncSession, site_code: str, body: ReasonCodeCreate, actor: str
) -> ReasonCodeRead:
    site = await queries.equipment(session, site_code)
    if site.level != "site":
        raise InvalidStateChange(
            f"{site_code} is {a_an(site.level)}; reason trees belong to sites.", code="not_a_site"
        )
    parent = None
    if body.parent_code is not None:
        parent = await session.scalar(
            select(ReasonCode).where(ReasonCode.site_id == site.id, ReasonCode.code == body.parent_code)
        )
        if parent is None:
            raise NotFoundHere(
                f"No reason code {body.parent_code} at {site_code}.", code="reason_code_not_found"
            )
    node = ReasonCode(
        site_id=site.id,
        code=body.code,
        name=body.name,
        parent_id=parent.id if parent else None,
        path=f"{parent.path}/{body.code}" if parent else body.code,
    )
    await add_unique(session, node, DuplicateCode(f"Reason code {body.code} already exists at {site_code}."))
    read = ReasonCodeRead(
        site_code=site_code, code=node.code, name=node.name, parent_code=body.parent_code, path=node.path
    )
    await append_audit(
        session,
        actor=actor,
        action="reason_code.added",
        entity_type="reason_code",
        entity_id=f"{site_code}:{node.code}",
        new=read.model_dump(mode="json"),
    )
    return read


async def reason_tree(
    session: AsyncSession, site_code: str, *, parent: str | None = None, q: str | None = None
) -> list[ReasonCodeRead]:
    """The site's reason codes in tree order; `parent`: only the codes below that one (at any
    depth); `q`: only codes whose code or name contains it, any case, LIKE wildcards literal."""
    site = await queries.equipment(session, site_code)
    rows = (await session.scalars(select(ReasonCode).where(ReasonCode.site_id == site.id))).all()
    by_id = {r.id: r.code for r in rows}
    query = select(ReasonCode).where(ReasonCode.site_id == site.id)
    if parent is not None:
        root = next((r for r in rows if r.code == parent), None)
        if root is None:
            raise NotFoundHere(f"No reason code {parent} at {site_code}.", code="reason_code_not_found")
        query = query.where(ReasonCode.path.startswith(root.path + "/", autoescape=True))
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(ReasonCode.code.ilike(pattern, escape="\\"), ReasonCode.name.ilike(pattern, escape="\\"))
        )
    if parent is not None or q:
        rows = (await session.scalars(query)).all()
    return [
        ReasonCodeRead(
            site_code=site_code,
            code=r.code,
            name=r.name,
            parent_code=by_id.get(r.parent_id) if r.parent_id else None,
            path=r.path,
        )
        for r in sorted(rows, key=lambda r: r.path)
    ]


async def _read(session: AsyncSession, dt: Downtime, row: EquipmentState, eq: Equipment) -> DowntimeRead:
    micro_s, _ = await queries.thresholds(session, eq)
    duration = int((row.ended_at - row.started_at).total_seconds()) if row.ended_at else None
    micro = duration is not None and duration < micro_s
    return DowntimeRead(
        id=str(dt.id),
        equipment_code=eq.code,
        started_at=row.started_at,
        ended_at=row.ended_at,
        duration_s=duration,
        micro_stop=micro,
        unqualified=dt.unqualified,
        reason_code=dt.reason_code,
        comment=dt.comment,
        classified_by=dt.classified_by,
        # a micro-stop is a performance loss inside production time, not down time (ISO 22400)
        iso22400_element="APT" if micro else "ADOT",
    )


_DOWNTIME_SORT = {
    "started_at": EquipmentState.started_at,
    "ended_at": EquipmentState.ended_at,
    "duration_s": EquipmentState.ended_at - EquipmentState.started_at,
    "reason_code": Downtime.reason_code,
}


async def list_downtimes(
    session: AsyncSession,
    code: str,
    start: datetime | None,
    end: datetime | None,
    *,
    classified: bool | None = None,
    sort: str = "started_at",
    limit: int = 5000,
    offset: int = 0,
) -> tuple[list[DowntimeRead], int]:
    """One page of the machine's stops overlapping [start, end) and how many match; `sort` is a
    column of `_DOWNTIME_SORT`, `-` descending (open stops have no end: last either way)."""
    eq = await queries.equipment(session, code)
    query = (
        select(Downtime, EquipmentState)
        .join(EquipmentState, EquipmentState.id == Downtime.state_id)
        .where(Downtime.equipment_id == eq.id)
    )
    if start is not None:
        query = query.where((EquipmentState.ended_at.is_(None)) | (EquipmentState.ended_at > start))
    if end is not None:
        query = query.where(EquipmentState.started_at < end)
    if classified is not None:
        query = query.where(
            Downtime.reason_code.is_not(None) if classified else Downtime.reason_code.is_(None)
        )
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(*ordered(sort, _DOWNTIME_SORT, EquipmentState.id)).limit(limit).offset(offset)
    return [await _read(session, dt, row, eq) for dt, row in (await session.execute(query)).all()], total


async def _downtime(
    session: AsyncSession, downtime_id: uuid.UUID
) -> tuple[Downtime, EquipmentState, Equipment]:
    found = (
        await session.execute(
            select(Downtime, EquipmentState, Equipment)
            .join(EquipmentState, EquipmentState.id == Downtime.state_id)
            .join(Equipment, Equipment.id == Downtime.equipment_id)
            .where(Downtime.id == downtime_id)
        )
    ).first()
    if found is None:
        raise NotFoundHere(f"No downtime {downtime_id}.", code="downtime_not_found")
    # the equipment's lock: splits and late reports on the same history queue behind each other
    await queries.equipment(session, found[2].code, lock=True)
    return found[0], found[1], found[2]


async def classify(
    session: AsyncSession, downtime_id: uuid.UUID, body: DowntimeClassify, actor: str
) -> DowntimeRead:
    dt, row, eq = await _downtime(session, downtime_id)
    site = await _site(session, eq)
    known = await session.scalar(
        select(ReasonCode.id).where(ReasonCode.site_id == site.id, ReasonCode.code == body.reason_code)
    )
    if known is None:
        raise InvalidStateChange(
            f"{body.reason_code} is not in the reason-code tree of {site.code}.", code="unknown_reason_code"
        )
    old = {"reason_code": dt.reason_code, "comment": dt.comment}
    dt.reason_code, dt.classified_by, dt.classified_at = body.reason_code, actor, datetime.now(UTC)
    if body.comment is not None:
        dt.comment = body.comment
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action="downtime.classified",
        entity_type="downtime",
        entity_id=str(dt.id),
        old=old,
        new={"reason_code": dt.reason_code, "comment": dt.comment},
    )
    await record_event(
        session,
        DowntimeClassified(
            downtime_id=dt.id,
            equipment_id=eq.id,
            equipment_code=eq.code,
            path=eq.path,
            reason_code=body.reason_code,
            previous_reason_code=old["reason_code"],
            comment=dt.comment,
            actor=actor,
        ),
    )
    return await _read(session, dt, row, eq)


async def comment(session: AsyncSession, downtime_id: uuid.UUID, text_: str, actor: str) -> DowntimeRead:
    dt, row, eq = await _downtime(session, downtime_id)
    old, dt.comment = dt.comment, text_
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action="downtime.commented",
        entity_type="downtime",
        entity_id=str(dt.id),
        old={"comment": old},
        new={"comment": text_},
    )
    return await _read(session, dt, row, eq)


async def split(
    session: AsyncSession, downtime_id: uuid.UUID, body: DowntimeSplit, actor: str
) -> list[DowntimeRead]:
    """One stop becomes two at `at` (e.g. waiting for the technician, then the repair)."""
    dt, row, eq = await _downtime(session, downtime_id)
    end = row.ended_at or datetime.now(UTC)
    if not row.started_at < body.at < end:
        raise InvalidStateChange("The split must fall strictly inside the stop.", code="split_outside")
    second = EquipmentState(
        equipment_id=eq.id,
        state="down",
        started_at=body.at,
        ended_at=row.ended_at,
        source="operator",
        reason_code=body.reason_code,
        actor=actor,
    )
    row.ended_at = body.at
    await session.flush()
    session.add(second)
    session.add(StateReport(equipment_id=eq.id, at=body.at, state="down", source="operator"))
    await session.flush()
    new = Downtime(
        equipment_id=eq.id, state_id=second.id, unqualified=dt.unqualified, reason_code=body.reason_code
    )
    session.add(new)
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action="downtime.split",
        entity_type="downtime",
        entity_id=str(dt.id),
        new={"at": body.at.isoformat(), "second": str(new.id), "reason_code": body.reason_code},
    )
    for r in (row, second):
        await announce_downtime(session, eq, r)
    return [await _read(session, dt, row, eq), await _read(session, new, second, eq)]

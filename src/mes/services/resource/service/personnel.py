"""Personnel, skills, qualifications, requirements and "may this person run this here, now?"."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.resource import QualificationGranted, QualificationRevoked
from mes.platform.audit import append_audit
from mes.platform.db import add_unique, ordered
from mes.platform.events import record_event
from mes.services.resource import queries
from mes.services.resource.errors import DuplicateCode, InvalidRequirement, NotFoundHere
from mes.services.resource.models import Equipment, Person, Qualification, Skill, SkillRequirement
from mes.services.resource.schemas.people import (
    PersonCreate,
    PersonRead,
    QualificationGrant,
    QualificationRead,
    RequirementCreate,
    RequirementRead,
    SkillCreate,
    SkillRead,
)

_PERSON_SORT = {"username": Person.username, "name": Person.name, "active": Person.active}


async def _person(session: AsyncSession, username: str) -> Person:
    p = await session.scalar(select(Person).where(Person.username == username))
    if p is None:
        raise NotFoundHere(f"No person with user name {username}.", code="person_not_found")
    return p


async def _skill(session: AsyncSession, code: str) -> Skill:
    s = await session.scalar(select(Skill).where(Skill.code == code))
    if s is None:
        raise NotFoundHere(f"No skill with code {code}.", code="skill_not_found")
    return s


async def _add(session: AsyncSession, row: object, what: str) -> None:
    await add_unique(session, row, DuplicateCode(f"{what} already exists."))


async def _reads(session: AsyncSession, persons: list[Person]) -> list[PersonRead]:
    """The persons with their qualifications, in one query."""
    quals: dict[uuid.UUID, list[QualificationRead]] = {p.id: [] for p in persons}
    rows = await session.execute(
        select(Qualification, Skill.code)
        .join(Skill, Skill.id == Qualification.skill_id)
        .where(Qualification.person_id.in_(list(quals)))
        .order_by(Skill.code)
    )
    for q, code in rows:
        quals[q.person_id].append(
            QualificationRead(
                skill=code,
                level=q.level,
                expires_on=q.expires_on,
                granted_at=q.granted_at,
                granted_by=q.granted_by,
            )
        )
    return [
        PersonRead(username=p.username, name=p.name, active=p.active, qualifications=quals[p.id])
        for p in persons
    ]


async def read_person(session: AsyncSession, username: str) -> PersonRead:
    return (await _reads(session, [await _person(session, username)]))[0]


async def list_persons(
    session: AsyncSession,
    *,
    active: bool | None,
    skill: str | None,
    expiring_by: date | None,
    limit: int,
    offset: int,
    sort: str = "username",
) -> tuple[list[PersonRead], int]:
    """People by user name; `skill`: who holds it, `expiring_by`: whose certification runs out by then."""
    query = select(Person)
    if active is not None:
        query = query.where(Person.active == active)
    if skill is not None or expiring_by is not None:
        held = select(Qualification.person_id).join(Skill, Skill.id == Qualification.skill_id)
        if skill is not None:
            held = held.where(Skill.code == skill)
        if expiring_by is not None:
            held = held.where(Qualification.expires_on <= expiring_by)
        query = query.where(Person.id.in_(held))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    persons = list(
        await session.scalars(
            query.order_by(*ordered(sort, _PERSON_SORT, Person.username)).limit(limit).offset(offset)
        )
    )
    return await _reads(session, persons), total


async def list_skills(session: AsyncSession) -> list[SkillRead]:
    return [
        SkillRead(code=s.code, name=s.name) for s in await session.scalars(select(Skill).order_by(Skill.code))
    ]


async def create_person(session: AsyncSession, body: PersonCreate, actor: str) -> PersonRead:
    await _add(
        session, Person(username=body.username, name=body.name, active=True), f"Person {body.username}"
    )
    await append_audit(
        session,
        actor=actor,
        action="person.created",
        entity_type="person",
        entity_id=body.username,
        new=body.model_dump(mode="json"),
    )
    return await read_person(session, body.username)


async def set_active(session: AsyncSession, username: str, active: bool, actor: str) -> PersonRead:
    p = await _person(session, username)
    old, p.active = p.active, active
    await append_audit(
        session,
        actor=actor,
        action="person.activity_changed",
        entity_type="person",
        entity_id=username,
        old={"active": old},
        new={"active": active},
    )
    return await read_person(session, username)


async def create_skill(session: AsyncSession, body: SkillCreate, actor: str) -> SkillRead:
    await _add(session, Skill(code=body.code, name=body.name), f"Skill {body.code}")
    await append_audit(
        session,
        actor=actor,
        action="skill.created",
        entity_type="skill",
        entity_id=body.code,
        new=body.model_dump(mode="json"),
    )
    return SkillRead(code=body.code, name=body.name)


async def grant(session: AsyncSession, username: str, body: QualificationGrant, actor: str) -> PersonRead:
    """Grants or renews: the level and the expiry replace the previous ones."""
    p = await _person(session, username)
    skill = await _skill(session, body.skill)
    q = await session.scalar(
        select(Qualification).where(Qualification.person_id == p.id, Qualification.skill_id == skill.id)
    )
    old = None
    if q is None:
        q = Qualification(person_id=p.id, skill_id=skill.id, granted_by=actor, expiry_announced=False)
        session.add(q)
    else:
        old = {"level": q.level, "expires_on": q.expires_on.isoformat() if q.expires_on else None}
        q.granted_at, q.granted_by = datetime.now(UTC), actor
    q.level, q.expires_on, q.expiry_announced = body.level, body.expires_on, False
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action="qualification.granted",
        entity_type="person",
        entity_id=username,
        old=old,
        new=body.model_dump(mode="json"),
    )
    await record_event(
        session,
        QualificationGranted(
            username=username,
            skill_code=skill.code,
            actor=actor,
            level=body.level,
            expires_on=body.expires_on,
        ),
    )
    return await read_person(session, username)


async def revoke(
    session: AsyncSession, username: str, skill_code: str, reason: str | None, actor: str
) -> None:
    p = await _person(session, username)
    skill = await _skill(session, skill_code)
    q = await session.scalar(
        select(Qualification).where(Qualification.person_id == p.id, Qualification.skill_id == skill.id)
    )
    if q is None:
        raise NotFoundHere(f"{username} holds no qualification {skill_code}.", code="qualification_not_found")
    await session.delete(q)
    await append_audit(
        session,
        actor=actor,
        action="qualification.revoked",
        entity_type="person",
        entity_id=username,
        old={"skill": skill_code, "level": q.level},
        reason=reason,
    )
    await record_event(
        session, QualificationRevoked(username=username, skill_code=skill_code, actor=actor, reason=reason)
    )


async def add_requirement(session: AsyncSession, body: RequirementCreate, actor: str) -> RequirementRead:
    if body.equipment_code is None and body.operation is None:
        raise InvalidRequirement(
            "Name the work center (equipment_code), the operation, or both.", code="no_scope"
        )
    eq = await queries.equipment(session, body.equipment_code) if body.equipment_code else None
    skill = await _skill(session, body.skill)
    req = SkillRequirement(
        equipment_id=eq.id if eq else None,
        operation=body.operation,
        skill_id=skill.id,
        min_level=body.min_level,
    )
    session.add(req)
    await session.flush()
    read = _requirement_read(req, body.equipment_code, body.skill)
    await append_audit(
        session,
        actor=actor,
        action="requirement.added",
        entity_type="skill_requirement",
        entity_id=str(req.id),
        new=read.model_dump(mode="json"),
    )
    return read


def _requirements() -> Select[SkillRequirement, str, str]:
    return (
        select(SkillRequirement, Equipment.code, Skill.code)
        .outerjoin(Equipment, Equipment.id == SkillRequirement.equipment_id)
        .join(Skill, Skill.id == SkillRequirement.skill_id)
    )


def _requirement_read(req: SkillRequirement, equipment_code: str | None, skill: str) -> RequirementRead:
    return RequirementRead(
        id=str(req.id),
        equipment_code=equipment_code,
        operation=req.operation,
        skill=skill,
        min_level=req.min_level,
    )


async def list_requirements(
    session: AsyncSession, *, equipment_code: str | None, operation: str | None
) -> list[RequirementRead]:
    """Requirements as declared (a work center's apply to the equipment below it as well)."""
    query = _requirements()
    if equipment_code is not None:
        query = query.where(Equipment.code == equipment_code)
    if operation is not None:
        query = query.where(SkillRequirement.operation == operation)
    rows = await session.execute(
        query.order_by(Equipment.code.nulls_first(), SkillRequirement.operation, Skill.code)
    )
    return [_requirement_read(req, eq, skill) for req, eq, skill in rows]


async def remove_requirement(session: AsyncSession, requirement_id: uuid.UUID, actor: str) -> None:
    row = (await session.execute(_requirements().where(SkillRequirement.id == requirement_id))).first()
    if row is None:
        raise NotFoundHere(f"No requirement {requirement_id}.", code="requirement_not_found")
    await session.delete(row[0])
    await append_audit(
        session,
        actor=actor,
        action="requirement.removed",
        entity_type="skill_requirement",
        entity_id=str(requirement_id),
        old=_requirement_read(row[0], row[1], row[2]).model_dump(mode="json"),
    )


async def follow_user(
    session: AsyncSession, username: str, *, active: bool, name: str | None = None, actor: str
) -> None:
    """Keeps the person of an auth user in step: created when first seen, deactivated with the user."""
    p = await session.scalar(select(Person).where(Person.username == username).with_for_update())
    if p is None:
        if not active:
            return
        session.add(Person(username=username, name=name or username, active=True))
        await session.flush()
        await append_audit(
            session,
            actor=actor,
            action="person.created",
            entity_type="person",
            entity_id=username,
            new={"username": username, "name": name or username, "from": "auth"},
        )
        return
    if p.active != active:
        p.active = active
        await append_audit(
            session,
            actor=actor,
            action="person.activity_changed",
            entity_type="person",
            entity_id=username,
            old={"active": not active},
            new={"active": active, "from": "auth"},
        )

"""May this person run this operation on this equipment at this time? And certifications running out."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.resource import QualificationExpired
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.services.resource import queries
from mes.services.resource.models import Equipment, Person, Qualification, Skill, SkillRequirement
from mes.services.resource.models.states import UNAVAILABLE
from mes.services.resource.schemas.people import AuthorizationCheck, AuthorizationResult, Reason
from mes.services.resource.vocabulary import RefusalReason


def _refused(*, code: RefusalReason, detail: str) -> Reason:
    """One reason a check refuses, by its code (a string on the wire, typed here: ADR 35)."""
    return Reason(code=code, detail=detail)


async def _placement(session: AsyncSession, eq: Equipment, work_center: str | None) -> list[Reason]:
    """Work runs on a machine (or a work center without machines) of the work center it is routed
    to: otherwise the requirements of that work center would not apply (issue 10, ADR 15)."""
    if eq.level not in ("work_center", "equipment"):
        return [
            _refused(
                code="equipment_not_a_machine",
                detail=f"{eq.code} is a node at the {eq.level} level of the plant, not a machine: "
                "name the machine the work runs on.",
            )
        ]
    if eq.level == "work_center":
        machine = await session.scalar(
            select(Equipment.code)
            .where(Equipment.path.startswith(eq.path + "/", autoescape=True), Equipment.level == "equipment")
            .order_by(Equipment.path)
            .limit(1)
        )
        if machine is not None:
            return [
                _refused(
                    code="equipment_not_a_machine",
                    detail=f"Work center {eq.code} has machines ({machine}, ...): name the one the work runs on.",
                )
            ]
    if work_center is not None and work_center not in eq.ancestor_codes():
        return [
            _refused(
                code="equipment_not_in_work_center",
                detail=f"{eq.code} is not part of work center {work_center}.",
            )
        ]
    return []


async def check(session: AsyncSession, body: AuthorizationCheck) -> AuthorizationResult:
    eq = await queries.equipment(session, body.equipment_code)
    chain = await queries.lineage(session, eq)
    reasons: list[Reason] = await _placement(session, eq, body.work_center)
    at = body.at or datetime.now(UTC)
    tz = queries.inherited(chain, "time_zone")
    today: date = at.astimezone(queries.zone(str(tz)) if tz else UTC).date()
    needed = {s.code: s.min_level for s in body.skills}
    in_scope = SkillRequirement.equipment_id.in_([n.id for n in chain])
    scope = and_(in_scope, SkillRequirement.operation.is_(None))
    if body.operation is not None:
        op_scope = and_(
            SkillRequirement.operation == body.operation,
            or_(SkillRequirement.equipment_id.is_(None), in_scope),
        )
        scope = or_(scope, op_scope)
    for code, level in await session.execute(
        select(Skill.code, SkillRequirement.min_level).join(Skill).where(scope)
    ):
        needed[code] = max(level, needed.get(code, 0))
    person = await session.scalar(select(Person).where(Person.username == body.username))
    if person is None or not person.active:
        what = "is not active" if person else "is not known to the resource service"
        reasons.append(_refused(code="person_unknown", detail=f"{body.username} {what}."))
    else:
        held = {
            code: q
            for q, code in await session.execute(
                select(Qualification, Skill.code).join(Skill).where(Qualification.person_id == person.id)
            )
        }
        for code, level in sorted(needed.items()):
            q = held.get(code)
            if q is None or q.level < level:
                has = f"has level {q.level}" if q else "doesn't have it"
                reasons.append(
                    _refused(
                        code="skill_missing",
                        detail=f"Skill {code} at level {level} is required; {body.username} {has}.",
                    )
                )
            elif q.expires_on is not None and q.expires_on < today:
                reasons.append(
                    _refused(
                        code="certification_expired",
                        detail=f"The certification for skill {code} expired on {q.expires_on.isoformat()}.",
                    )
                )
    if eq.state in UNAVAILABLE:
        reasons.append(
            _refused(code="equipment_unavailable", detail=f"{eq.code} is {eq.state}{_since(eq.state_since)}.")
        )
    return AuthorizationResult(allowed=not reasons, reasons=reasons)


async def expire_qualifications(session: AsyncSession, now: datetime) -> int:
    """Announces each certification that has run out (once per expiry date); returns how many."""
    rows = (
        await session.execute(
            select(Qualification, Skill.code, Person.username)
            .join(Skill, Skill.id == Qualification.skill_id)
            .join(Person, Person.id == Qualification.person_id)
            .where(Qualification.expires_on < now.date(), Qualification.expiry_announced.is_(False))
            .with_for_update(of=Qualification, skip_locked=True)
        )
    ).all()
    for q, code, username in rows:
        q.expiry_announced = True
        assert q.expires_on is not None
        await record_event(
            session,
            QualificationExpired(username=username, skill_code=code, actor="system", expires_on=q.expires_on),
        )
        await append_audit(
            session,
            actor="system",
            action="qualification.expired",
            entity_type="person",
            entity_id=username,
            new={"skill": code, "expires_on": q.expires_on.isoformat()},
        )
    return len(rows)


def _since(at: datetime | None) -> str:
    """' since 2026-12-01 15:50 UTC': to the minute, as a person reads it."""
    return f" since {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if at is not None else ""

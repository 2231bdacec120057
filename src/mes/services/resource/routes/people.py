"""HTTP routes: personnel, skills, qualifications, requirements and the authorization check."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from mes.platform.auth import bearer_token
from mes.platform.db import SessionDep
from mes.services.resource import clients
from mes.services.resource.errors import UnknownUser
from mes.services.resource.routes.common import CONFLICT, CanRead, CanWritePersonnel, Code64, Username
from mes.services.resource.schemas.people import (
    AuthorizationCheck,
    AuthorizationResult,
    PersonCreate,
    PersonPage,
    PersonRead,
    PersonUpdate,
    QualificationGrant,
    RequirementCreate,
    RequirementRead,
    SkillCreate,
    SkillRead,
)
from mes.services.resource.service import authorization
from mes.services.resource.service import personnel as service

router = APIRouter()

PersonSort = Annotated[
    Literal["username", "-username", "name", "-name", "active", "-active"],
    Query(description="Sort column; a leading - sorts descending"),
]


@router.post(
    "/persons",
    status_code=201,
    response_model=PersonRead,
    responses={
        **CONFLICT,
        422: {"description": "No auth user of that name", "content": {"application/problem+json": {}}},
    },
)
async def create_person(
    request: Request, body: PersonCreate, session: SessionDep, who: CanWritePersonnel
) -> PersonRead:
    """The person is a user of the auth service: auth is asked with the caller's token (which
    needs auth:user:read) whether that user name exists."""
    rid = getattr(request.state, "request_id", None)
    if not await clients.user_exists(
        request.app.state.directory,
        bearer_token(request),
        body.username,
        rid if isinstance(rid, str) else None,
    ):
        raise UnknownUser(f"No user {body.username} in auth: create the user first, then the person.")
    return await service.create_person(session, body, who.subject)


@router.get("/persons", response_model=PersonPage)
async def list_persons(
    session: SessionDep,
    _: CanRead,
    active: bool | None = None,
    skill: Annotated[str | None, Query(max_length=64, description="Only who holds this skill")] = None,
    expiring_by: Annotated[
        date | None, Query(description="Only who has a certification that expires on or before this day")
    ] = None,
    sort: PersonSort = "username",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PersonPage:
    items, total = await service.list_persons(
        session, active=active, skill=skill, expiring_by=expiring_by, limit=limit, offset=offset, sort=sort
    )
    return PersonPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/persons/{username}", response_model=PersonRead)
async def get_person(username: Username, session: SessionDep, _: CanRead) -> PersonRead:
    return await service.read_person(session, username)


@router.patch("/persons/{username}", response_model=PersonRead, summary="Activate or deactivate")
async def update_person(
    username: Username, body: PersonUpdate, session: SessionDep, who: CanWritePersonnel
) -> PersonRead:
    return await service.set_active(session, username, body.active, who.subject)


@router.post("/skills", status_code=201, response_model=SkillRead, responses=CONFLICT)
async def create_skill(body: SkillCreate, session: SessionDep, who: CanWritePersonnel) -> SkillRead:
    return await service.create_skill(session, body, who.subject)


@router.get("/skills", response_model=list[SkillRead])
async def list_skills(session: SessionDep, _: CanRead) -> list[SkillRead]:
    return await service.list_skills(session)


@router.post(
    "/persons/{username}/qualifications",
    response_model=PersonRead,
    summary="Grant or renew a qualification (level, certification expiry)",
)
async def grant_qualification(
    username: Username, body: QualificationGrant, session: SessionDep, who: CanWritePersonnel
) -> PersonRead:
    return await service.grant(session, username, body, who.subject)


@router.delete("/persons/{username}/qualifications/{skill}", status_code=204)
async def revoke_qualification(
    username: Username,
    skill: Code64,
    session: SessionDep,
    who: CanWritePersonnel,
    reason: Annotated[str | None, Query(max_length=500)] = None,
) -> None:
    await service.revoke(session, username, skill, reason, who.subject)


@router.post("/requirements", status_code=201, response_model=RequirementRead)
async def add_requirement(
    body: RequirementCreate, session: SessionDep, who: CanWritePersonnel
) -> RequirementRead:
    return await service.add_requirement(session, body, who.subject)


@router.get("/requirements", response_model=list[RequirementRead])
async def list_requirements(
    session: SessionDep,
    _: CanRead,
    equipment_code: Annotated[str | None, Query(max_length=64)] = None,
    operation: Annotated[str | None, Query(max_length=64)] = None,
) -> list[RequirementRead]:
    return await service.list_requirements(session, equipment_code=equipment_code, operation=operation)


@router.delete("/requirements/{requirement_id}", status_code=204)
async def remove_requirement(requirement_id: uuid.UUID, session: SessionDep, who: CanWritePersonnel) -> None:
    await service.remove_requirement(session, requirement_id, who.subject)


@router.post(
    "/authorizations/check",
    response_model=AuthorizationResult,
    summary="May this person run this operation on this equipment at this time? With the reasons when not",
)
async def check_authorization(
    body: AuthorizationCheck, session: SessionDep, _: CanRead
) -> AuthorizationResult:
    return await authorization.check(session, body)

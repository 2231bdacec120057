"""API keys, registered stations, badges and PINs: administered here, used at the public routes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, require
from mes.platform.db import SessionDep
from mes.platform.schemas import TOTAL_HEADER, TOTAL_RESPONSES
from mes.services.auth.routes.common import first_start
from mes.services.auth.routes.common import problem_response as _problem
from mes.services.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    BadgeRead,
    BadgeSet,
    StationCreate,
    StationCreated,
    StationRead,
    StatusChange,
)
from mes.services.auth.service import credentials

router = APIRouter(
    tags=["auth: credentials"], responses=PROTECTED_RESPONSES, dependencies=[Depends(first_start)]
)

CanManageKeys = Annotated[Principal, require("auth:apikey:manage")]
CanManageStations = Annotated[Principal, require("auth:station:manage")]
KeyIdPath = Annotated[str, Path(max_length=16)]
CodePath = Annotated[str, Path(max_length=64)]
UsernamePath = Annotated[str, Path(max_length=64)]


@router.post(
    "/api-keys",
    status_code=201,
    response_model=ApiKeyCreated,
    responses={**_problem(404, "No such owner"), **_problem(422, "Permission the owner does not hold")},
)
async def create_api_key(who: CanManageKeys, body: ApiKeyCreate, session: SessionDep) -> ApiKeyCreated:
    """The key is in this response only; store it in the client's secret store now."""
    return await credentials.create_api_key(session, body, who.subject)


@router.get("/api-keys", response_model=list[ApiKeyRead], responses=TOTAL_RESPONSES)
async def list_api_keys(
    _: CanManageKeys,
    session: SessionDep,
    response: Response,
    owner: Annotated[str | None, Query(max_length=64)] = None,
    sort: Annotated[
        Literal[
            "created_at",
            "-created_at",
            "name",
            "-name",
            "owner",
            "-owner",
            "expires_at",
            "-expires_at",
            "last_used_at",
            "-last_used_at",
            "revoked_at",
            "-revoked_at",
        ],
        Query(description="Sort column; a leading - sorts descending (default: oldest first)"),
    ] = "created_at",
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ApiKeyRead]:
    """A page of keys, still a bare list (without `limit` the first 1000, oldest first, as before
    paging existed); how many match over all pages is in the `X-Total-Count` header."""
    items, total = await credentials.list_api_keys(session, owner, sort=sort, limit=limit, offset=offset)
    response.headers[TOTAL_HEADER] = str(total)
    return items


@router.post(
    "/api-keys/{key_id}/revoke",
    response_model=ApiKeyRead,
    responses={**_problem(404, "No such key"), **_problem(409, "Revoked already")},
)
async def revoke_api_key(
    who: CanManageKeys, key_id: KeyIdPath, body: StatusChange, session: SessionDep
) -> ApiKeyRead:
    """The key can't be exchanged any more; tokens it got expire within minutes."""
    return await credentials.revoke_api_key(session, key_id, body.reason, who.subject)


@router.post(
    "/stations", status_code=201, response_model=StationCreated, responses=_problem(409, "Registered already")
)
async def register_station(
    who: CanManageStations, body: StationCreate, session: SessionDep
) -> StationCreated:
    """The station key is in this response only: install it on the terminal."""
    return await credentials.register_station(session, body, who.subject)


@router.get("/stations", response_model=list[StationRead])
async def list_stations(_: CanManageStations, session: SessionDep) -> list[StationRead]:
    return await credentials.list_stations(session)


@router.post(
    "/stations/{code}/deactivate",
    response_model=StationRead,
    responses={**_problem(404, "No such station"), **_problem(409, "Deactivated already")},
)
async def deactivate_station(
    who: CanManageStations, code: CodePath, body: StatusChange, session: SessionDep
) -> StationRead:
    return await credentials.deactivate_station(session, code, body.reason, who.subject)


@router.put(
    "/users/{username}/badge",
    status_code=204,
    response_class=Response,
    responses={**_problem(404, "No such user"), **_problem(409, "Badge belongs to someone else")},
)
async def set_badge(
    who: CanManageStations, username: UsernamePath, body: BadgeSet, session: SessionDep
) -> Response:
    """Enrols the user's badge and PIN (4 to 8 digits) for sign-in at registered stations."""
    await credentials.set_badge(session, username, body, who.subject)
    return Response(status_code=204)


@router.get("/badges", response_model=list[BadgeRead])
async def list_badges(_: CanManageStations, session: SessionDep) -> list[BadgeRead]:
    """Enrolled badges by number, with their users (PINs are never shown)."""
    return await credentials.list_badges(session)


@router.delete(
    "/users/{username}/badge",
    status_code=204,
    response_class=Response,
    responses=_problem(404, "No such user, or no badge enrolled"),
)
async def remove_badge(
    who: CanManageStations,
    username: UsernamePath,
    session: SessionDep,
    reason: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """A lost or returned badge: it signs nobody in any more, and its open station sessions end."""
    await credentials.remove_badge(session, username, reason, who.subject)
    return Response(status_code=204)

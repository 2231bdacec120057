"""Administration routes of the auth service: users, roles, permissions, signing keys.

Its audit trail is served by the platform, as every service's is (src/mes/platform/audit_routes.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, require
from mes.platform.db import SessionDep
from mes.services.auth import queries
from mes.services.auth.routes.common import first_start
from mes.services.auth.routes.common import problem_response as _problem
from mes.services.auth.schemas import (
    KeyRotate,
    PasswordReset,
    PermissionRead,
    RoleCreate,
    RolePermissionsUpdate,
    RoleRead,
    SigningKeyRead,
    StatusChange,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from mes.services.auth.service import keys, users

router = APIRouter(
    tags=["auth: administration"], responses=PROTECTED_RESPONSES, dependencies=[Depends(first_start)]
)

CanReadUsers = Annotated[Principal, require("auth:user:read")]
CanWriteUsers = Annotated[Principal, require("auth:user:write")]
CanWriteRoles = Annotated[Principal, require("auth:role:write")]
CanRotateKeys = Annotated[Principal, require("auth:key:rotate")]
UsernamePath = Annotated[str, Path(max_length=64)]
RolePath = Annotated[str, Path(max_length=64)]
UserSort = Annotated[
    Literal[
        "username",
        "-username",
        "display_name",
        "-display_name",
        "active",
        "-active",
        "created_at",
        "-created_at",
    ],
    Query(description="Sort column; a leading - sorts descending"),
]


@router.get("/users", response_model=UserPage)
async def list_users(
    _: CanReadUsers,
    session: SessionDep,
    active: bool | None = None,
    role: Annotated[str | None, Query(max_length=64)] = None,
    sort: UserSort = "username",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UserPage:
    items, total = await queries.list_users(
        session, active=active, role=role, limit=limit, offset=offset, sort=sort
    )
    return UserPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/users", status_code=201, response_model=UserRead, responses=_problem(409, "User name taken"))
async def create_user(who: CanWriteUsers, body: UserCreate, session: SessionDep) -> UserRead:
    return await users.create_user(session, body, who.subject)


@router.get("/users/{username}", response_model=UserRead)
async def get_user(_: CanReadUsers, username: UsernamePath, session: SessionDep) -> UserRead:
    return await users.get_user(session, username)


@router.patch("/users/{username}", response_model=UserRead, responses=_problem(409, "Last administrator"))
async def update_user(
    who: CanWriteUsers, username: UsernamePath, body: UserUpdate, session: SessionDep
) -> UserRead:
    return await users.update_user(session, username, body, who.subject)


@router.post(
    "/users/{username}/deactivate",
    response_model=UserRead,
    responses=_problem(409, "Already deactivated, or the last administrator"),
)
async def deactivate_user(
    who: CanWriteUsers, username: UsernamePath, body: StatusChange, session: SessionDep
) -> UserRead:
    """The user can't log in any more and their sessions end; the record stays, as author of their work."""
    return await users.deactivate_user(session, username, body.reason, who.subject)


@router.post(
    "/users/{username}/reactivate", response_model=UserRead, responses=_problem(409, "Already active")
)
async def reactivate_user(
    who: CanWriteUsers, username: UsernamePath, body: StatusChange, session: SessionDep
) -> UserRead:
    return await users.reactivate_user(session, username, body.reason, who.subject)


@router.post("/users/{username}/reset-password", status_code=204, response_class=Response)
async def reset_password(
    who: CanWriteUsers, username: UsernamePath, body: PasswordReset, session: SessionDep
) -> Response:
    """Sets a new password (checked against the policy) and ends the user's sessions."""
    await users.reset_password(session, username, body.new_password, body.reason, who.subject)
    return Response(status_code=204)


@router.get("/roles", response_model=list[RoleRead])
async def list_roles(_: CanReadUsers, session: SessionDep) -> list[RoleRead]:
    return await queries.list_roles(session)


@router.post("/roles", status_code=201, response_model=RoleRead, responses=_problem(409, "Role exists"))
async def create_role(who: CanWriteRoles, body: RoleCreate, session: SessionDep) -> RoleRead:
    return await users.create_role(session, body, who.subject)


@router.get("/roles/{name}", response_model=RoleRead)
async def get_role(_: CanReadUsers, name: RolePath, session: SessionDep) -> RoleRead:
    return await users.get_role(session, name)


@router.put(
    "/roles/{name}/permissions", response_model=RoleRead, responses=_problem(409, "Last administrator")
)
async def set_role_permissions(
    who: CanWriteRoles, name: RolePath, body: RolePermissionsUpdate, session: SessionDep
) -> RoleRead:
    """Replaces the role's permissions; users get them with their next access token."""
    return await users.set_role_permissions(session, name, body, who.subject)


@router.get("/permissions", response_model=list[PermissionRead])
async def list_permissions(_: CanReadUsers, session: SessionDep) -> list[PermissionRead]:
    return await queries.list_permissions(session)


@router.get("/keys", response_model=list[SigningKeyRead])
async def list_keys(_: CanRotateKeys, session: SessionDep) -> list[SigningKeyRead]:
    return [keys.key_read(k) for k in await keys.all_keys(session)]


@router.post("/keys/rotate", status_code=201, response_model=SigningKeyRead)
async def rotate_key(who: CanRotateKeys, body: KeyRotate, session: SessionDep) -> SigningKeyRead:
    """A new key signs from now on; tokens signed by the old one verify until they expire."""
    return keys.key_read(await keys.rotate(session, who.subject, body.reason))

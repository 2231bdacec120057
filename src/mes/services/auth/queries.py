"""Read-side selects of the auth service."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.db import ordered
from mes.services.auth.errors import UserNotFound
from mes.services.auth.models import Permission, Role, RolePermission, User, UserRole
from mes.services.auth.models.permissions import ADMINISTRATION
from mes.services.auth.schemas import PermissionRead, RoleRead, UserRead


async def roles_of(session: AsyncSession, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    ids = list(user_ids)
    out: dict[uuid.UUID, list[str]] = defaultdict(list)
    if ids:
        rows = await session.execute(
            select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(ids)).order_by(UserRole.role)
        )
        for user_id, role in rows:
            out[user_id].append(role)
    return out


async def permissions_of(session: AsyncSession, roles: Iterable[str]) -> list[str]:
    """The union of the roles' permissions."""
    names = list(roles)
    if not names:
        return []
    rows = await session.scalars(
        select(RolePermission.permission)
        .where(RolePermission.role.in_(names))
        .distinct()
        .order_by(RolePermission.permission)
    )
    return list(rows)


async def user_for_update(session: AsyncSession, username: str) -> User:
    """The user, row-locked until the transaction ends (changes to one user queue here)."""
    user = await session.scalar(select(User).where(User.username == username.lower()).with_for_update())
    if user is None:
        raise UserNotFound(f"No user {username}.")
    return user


def user_read(user: User, roles: list[str]) -> UserRead:
    return UserRead(
        username=user.username,
        display_name=user.display_name,
        roles=roles,
        active=user.active,
        created_at=user.created_at,
        created_by=user.created_by,
        updated_at=user.updated_at,
        password_changed_at=user.password_changed_at,
        deactivated_at=user.deactivated_at,
    )


_USER_SORT = {
    "username": User.username,
    "display_name": User.display_name,
    "active": User.active,
    "created_at": User.created_at,
    "password_changed_at": User.password_changed_at,
}


async def list_users(
    session: AsyncSession,
    *,
    active: bool | None,
    role: str | None,
    limit: int,
    offset: int,
    sort: str = "username",
) -> tuple[list[UserRead], int]:
    """One page of users; `sort` is a column of `_USER_SORT`, `-` first descending, ties by user name."""
    query = select(User)
    if active is not None:
        query = query.where(User.active.is_(active))
    if role is not None:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = list(
        await session.scalars(
            query.order_by(*ordered(sort, _USER_SORT, User.username)).limit(limit).offset(offset)
        )
    )
    roles = await roles_of(session, (u.id for u in users))
    return [user_read(u, roles[u.id]) for u in users], total


async def list_roles(session: AsyncSession, name: str | None = None) -> list[RoleRead]:
    query = select(Role).order_by(Role.name)
    if name is not None:
        query = query.where(Role.name == name)
    roles = list(await session.scalars(query))
    perms: dict[str, list[str]] = defaultdict(list)
    rows = await session.execute(
        select(RolePermission.role, RolePermission.permission).order_by(RolePermission.permission)
    )
    for role, permission in rows:
        perms[role].append(permission)
    return [
        RoleRead(name=r.name, description=r.description, builtin=r.builtin, permissions=perms[r.name])
        for r in roles
    ]


async def list_permissions(session: AsyncSession) -> list[PermissionRead]:
    rows = await session.scalars(select(Permission).order_by(Permission.name))
    return [PermissionRead(name=p.name, description=p.description) for p in rows]


async def administrators(session: AsyncSession) -> int:
    """Active users whose roles together grant every ADMINISTRATION permission."""
    granted = (
        select(UserRole.user_id)
        .join(RolePermission, RolePermission.role == UserRole.role)
        .join(User, User.id == UserRole.user_id)
        .where(User.active.is_(True), RolePermission.permission.in_(ADMINISTRATION))
        .group_by(UserRole.user_id)
        .having(func.count(func.distinct(RolePermission.permission)) == len(ADMINISTRATION))
    )
    return await session.scalar(select(func.count()).select_from(granted.subquery())) or 0

"""Use cases of the auth service: users and roles.

Every change is audited (who, what, old, new, why) without any secret in it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import SecretStr
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mes.contracts.auth import UserCreated, UserDeactivated, UserReactivated, UserRolesChanged
from mes.platform.audit import append_audit
from mes.platform.events import record_event
from mes.services.auth.errors import (
    DuplicateRole,
    DuplicateUsername,
    LastAdministrator,
    RoleNotFound,
    UnknownPermission,
    UnknownRole,
    UserNotFound,
    UserStateConflict,
)
from mes.services.auth.models import Permission, Role, RolePermission, TokenFamily, User, UserRole
from mes.services.auth.queries import administrators, list_roles, roles_of, user_for_update, user_read
from mes.services.auth.schemas import (
    RoleCreate,
    RolePermissionsUpdate,
    RoleRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from mes.services.auth.service import passwords


def _now() -> datetime:
    return datetime.now(UTC)


async def _known_roles(session: AsyncSession, roles: list[str]) -> list[str]:
    wanted = sorted(set(roles))
    found = set(await session.scalars(select(Role.name).where(Role.name.in_(wanted))))
    missing = [r for r in wanted if r not in found]
    if missing:
        raise UnknownRole(f"No such role: {', '.join(missing)}.", roles=missing)
    return wanted


async def _known_permissions(session: AsyncSession, permissions: list[str]) -> list[str]:
    wanted = sorted(set(permissions))
    found = set(await session.scalars(select(Permission.name).where(Permission.name.in_(wanted))))
    missing = [p for p in wanted if p not in found]
    if missing:
        raise UnknownPermission(f"No such permission: {', '.join(missing)}.", permissions=missing)
    return wanted


async def _keep_an_administrator(session: AsyncSession, before: int) -> None:
    if before > 0 and await administrators(session) == 0:
        raise LastAdministrator(
            "This would leave no active user who can manage users and roles.",
        )


async def revoke_sessions(session: AsyncSession, user: User, reason: str, at: datetime) -> None:
    await session.execute(
        update(TokenFamily)
        .where(TokenFamily.user_id == user.id, TokenFamily.revoked_at.is_(None))
        .values(revoked_at=at, revoked_reason=reason)
    )


def _snapshot(user: User, roles: list[str]) -> dict[str, object]:
    return {"display_name": user.display_name, "roles": roles, "active": user.active}


async def create_user(session: AsyncSession, data: UserCreate, actor: str) -> UserRead:
    password = data.password.get_secret_value()
    passwords.check_policy(password, data.username)
    roles = await _known_roles(session, data.roles)
    if await session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise DuplicateUsername(f"User {data.username} exists already.")
    now = _now()
    user = User(
        username=data.username,
        display_name=data.display_name,
        password_hash=await passwords.hash_password(password),
        active=True,
        created_at=now,
        created_by=actor,
        updated_at=now,
        password_changed_at=now,
    )
    session.add(user)
    await session.flush()
    if roles:
        await session.execute(insert(UserRole), [{"user_id": user.id, "role": r} for r in roles])
    await append_audit(
        session,
        actor=actor,
        action="user.created",
        entity_type="user",
        entity_id=user.username,
        new={"username": user.username, **_snapshot(user, roles)},
        reason=data.reason,
    )
    await record_event(
        session, UserCreated(username=user.username, actor=actor, display_name=user.display_name, roles=roles)
    )
    return user_read(user, roles)


async def get_user(session: AsyncSession, username: str) -> UserRead:
    user = await session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise UserNotFound(f"No user {username}.")
    return user_read(user, (await roles_of(session, [user.id]))[user.id])


async def update_user(session: AsyncSession, username: str, data: UserUpdate, actor: str) -> UserRead:
    user = await user_for_update(session, username)
    old_roles = (await roles_of(session, [user.id]))[user.id]
    old = _snapshot(user, old_roles)
    before = await administrators(session)
    roles = old_roles
    if data.display_name is not None:
        user.display_name = data.display_name
    if data.roles is not None:
        roles = await _known_roles(session, data.roles)
        if roles != old_roles:
            await session.execute(delete(UserRole).where(UserRole.user_id == user.id))
            if roles:
                await session.execute(insert(UserRole), [{"user_id": user.id, "role": r} for r in roles])
            await _keep_an_administrator(session, before)
    new = _snapshot(user, roles)
    if new == old:
        return user_read(user, roles)
    user.updated_at = _now()
    await append_audit(
        session,
        actor=actor,
        action="user.updated",
        entity_type="user",
        entity_id=user.username,
        old={k: v for k, v in old.items() if new[k] != v},
        new={k: v for k, v in new.items() if old[k] != v},
        reason=data.reason,
    )
    if roles != old_roles:
        await record_event(
            session,
            UserRolesChanged(
                username=user.username, actor=actor, old_roles=old_roles, roles=roles, reason=data.reason
            ),
        )
    return user_read(user, roles)


async def deactivate_user(session: AsyncSession, username: str, reason: str | None, actor: str) -> UserRead:
    user = await user_for_update(session, username)
    before = await administrators(session)
    now = _now()
    try:
        user.deactivate(now)
    except ValueError as e:
        raise UserStateConflict(str(e), code="already_deactivated") from None
    await session.flush()
    await _keep_an_administrator(session, before)
    await revoke_sessions(session, user, "user_deactivated", now)
    await append_audit(
        session,
        actor=actor,
        action="user.deactivated",
        entity_type="user",
        entity_id=user.username,
        old={"active": True},
        new={"active": False},
        reason=reason,
    )
    await record_event(session, UserDeactivated(username=user.username, actor=actor, reason=reason))
    return user_read(user, (await roles_of(session, [user.id]))[user.id])


async def reactivate_user(session: AsyncSession, username: str, reason: str | None, actor: str) -> UserRead:
    user = await user_for_update(session, username)
    try:
        user.reactivate(_now())
    except ValueError as e:
        raise UserStateConflict(str(e), code="already_active") from None
    await append_audit(
        session,
        actor=actor,
        action="user.reactivated",
        entity_type="user",
        entity_id=user.username,
        old={"active": False},
        new={"active": True},
        reason=reason,
    )
    await record_event(session, UserReactivated(username=user.username, actor=actor, reason=reason))
    return user_read(user, (await roles_of(session, [user.id]))[user.id])


async def reset_password(
    session: AsyncSession, username: str, new_password: SecretStr, reason: str | None, actor: str
) -> None:
    """An administrator sets a new password; the user's sessions end."""
    password = new_password.get_secret_value()
    user = await user_for_update(session, username)
    passwords.check_policy(password, user.username)
    now = _now()
    user.set_password_hash(await passwords.hash_password(password), now)
    await revoke_sessions(session, user, "password_reset", now)
    await append_audit(
        session,
        actor=actor,
        action="user.password_reset",
        entity_type="user",
        entity_id=user.username,
        new={"password_changed_at": now.isoformat()},
        reason=reason,
    )


async def get_role(session: AsyncSession, name: str) -> RoleRead:
    found = await list_roles(session, name)
    if not found:
        raise RoleNotFound(f"No role {name}.")
    return found[0]


async def create_role(session: AsyncSession, data: RoleCreate, actor: str) -> RoleRead:
    if await session.get(Role, data.name) is not None:
        raise DuplicateRole(f"Role {data.name} exists already.")
    permissions = await _known_permissions(session, data.permissions)
    session.add(Role(name=data.name, description=data.description, builtin=False, created_at=_now()))
    await session.flush()
    if permissions:
        await session.execute(
            insert(RolePermission), [{"role": data.name, "permission": p} for p in permissions]
        )
    await append_audit(
        session,
        actor=actor,
        action="role.created",
        entity_type="role",
        entity_id=data.name,
        new={"description": data.description, "permissions": permissions},
        reason=data.reason,
    )
    return await get_role(session, data.name)


async def set_role_permissions(
    session: AsyncSession, name: str, data: RolePermissionsUpdate, actor: str
) -> RoleRead:
    role = await session.get(Role, name, with_for_update=True)
    if role is None:
        raise RoleNotFound(f"No role {name}.")
    old = (await get_role(session, name)).permissions
    new = await _known_permissions(session, data.permissions)
    if new == old:
        return await get_role(session, name)
    before = await administrators(session)
    await session.execute(delete(RolePermission).where(RolePermission.role == name))
    if new:
        await session.execute(insert(RolePermission), [{"role": name, "permission": p} for p in new])
    await _keep_an_administrator(session, before)
    await append_audit(
        session,
        actor=actor,
        action="role.permissions_changed",
        entity_type="role",
        entity_id=name,
        old={"permissions": old, "removed": sorted(set(old) - set(new))},
        new={"permissions": new, "added": sorted(set(new) - set(old))},
        reason=data.reason,
    )
    return await get_role(session, name)

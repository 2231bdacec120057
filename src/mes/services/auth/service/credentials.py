"""Credentials other than passwords: API keys of machines and integrations, registered stations,
operators' badges and PINs. Secrets are shown once and only their hashes kept; all audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.db import ordered
from mes.services.auth.errors import (
    ApiKeyNotFound,
    ApiKeyRevoked,
    BadgeTaken,
    DuplicateStation,
    NoBadge,
    PermissionNotHeld,
    PinRejected,
    StationInactive,
    StationNotFound,
)
from mes.services.auth.models import ApiKey, Station, TokenFamily, User
from mes.services.auth.queries import permissions_of, roles_of, user_for_update
from mes.services.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    BadgeRead,
    BadgeSet,
    StationCreate,
    StationCreated,
    StationRead,
)
from mes.services.auth.service import passwords, tokens

PIN = re.compile(r"^[0-9]{4,8}$")
WEAK_PINS = {"0000", "1111", "1234", "4321", "12345", "123456", "1234567", "12345678"}


def _now() -> datetime:
    return datetime.now(UTC)


def api_key_read(key: ApiKey, owner: str) -> ApiKeyRead:
    return ApiKeyRead(
        id=key.key_id,
        name=key.name,
        owner=owner,
        permissions=sorted(key.permissions),
        created_at=key.created_at,
        created_by=key.created_by,
        expires_at=key.expires_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
        revoked_by=key.revoked_by,
        revoked_reason=key.revoked_reason,
    )


async def create_api_key(session: AsyncSession, data: ApiKeyCreate, actor: str) -> ApiKeyCreated:
    owner = await user_for_update(session, data.owner)
    held = set(await permissions_of(session, (await roles_of(session, [owner.id]))[owner.id]))
    missing = sorted(set(data.permissions) - held)
    if missing:
        raise PermissionNotHeld(
            f"{owner.username} does not hold {', '.join(missing)}; a key can't grant more than its owner has.",
            permissions=missing,
        )
    full, key_id, secret_hash = tokens.new_key(tokens.API_KEY_PREFIX)
    key = ApiKey(
        key_id=key_id,
        secret_hash=secret_hash,
        name=data.name,
        owner_id=owner.id,
        permissions=sorted(set(data.permissions)),
        created_at=_now(),
        created_by=actor,
        expires_at=data.expires_at,
    )
    session.add(key)
    await session.flush()
    read = api_key_read(key, owner.username)
    await append_audit(
        session,
        actor=actor,
        action="api_key.created",
        entity_type="api_key",
        entity_id=key_id,
        new=read.model_dump(mode="json", include={"name", "owner", "permissions", "expires_at"}),
        reason=data.reason,
    )
    return ApiKeyCreated(**read.model_dump(), api_key=full)


_KEY_SORT = {
    "created_at": ApiKey.created_at,
    "name": ApiKey.name,
    "owner": User.username,
    "expires_at": ApiKey.expires_at,
    "last_used_at": ApiKey.last_used_at,
    "revoked_at": ApiKey.revoked_at,
}


async def list_api_keys(
    session: AsyncSession,
    owner: str | None,
    *,
    sort: str = "created_at",
    limit: int = 1000,
    offset: int = 0,
) -> tuple[list[ApiKeyRead], int]:
    """One page of keys and how many match; `sort` is a column of `_KEY_SORT`, `-` descending,
    ties by key id."""
    query = select(ApiKey, User.username).join(User, User.id == ApiKey.owner_id)
    if owner is not None:
        query = query.where(User.username == owner.lower())
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(*ordered(sort, _KEY_SORT, ApiKey.key_id)).limit(limit).offset(offset)
    return [api_key_read(k, name) for k, name in (await session.execute(query)).all()], total


async def revoke_api_key(session: AsyncSession, key_id: str, reason: str | None, actor: str) -> ApiKeyRead:
    found = (
        await session.execute(
            select(ApiKey, User.username)
            .join(User, User.id == ApiKey.owner_id)
            .where(ApiKey.key_id == key_id)
            .with_for_update(of=ApiKey)
        )
    ).first()
    if found is None:
        raise ApiKeyNotFound(f"No API key {key_id}.")
    key, owner = found
    try:
        key.revoke(actor, reason, _now())
    except ValueError as e:
        raise ApiKeyRevoked(str(e)) from None
    await append_audit(
        session,
        actor=actor,
        action="api_key.revoked",
        entity_type="api_key",
        entity_id=key_id,
        old={"revoked": False},
        new={"revoked": True},
        reason=reason,
    )
    return api_key_read(key, owner)


def station_read(s: Station) -> StationRead:
    return StationRead(
        code=s.code,
        name=s.name,
        work_center=s.work_center,
        active=s.active,
        created_at=s.created_at,
        created_by=s.created_by,
        deactivated_at=s.deactivated_at,
    )


async def register_station(session: AsyncSession, data: StationCreate, actor: str) -> StationCreated:
    if await session.get(Station, data.code) is not None:
        raise DuplicateStation(f"Station {data.code} is registered already.")
    full, key_id, secret_hash = tokens.new_key(tokens.STATION_KEY_PREFIX)
    station = Station(
        code=data.code,
        name=data.name,
        work_center=data.work_center,
        key_id=key_id,
        secret_hash=secret_hash,
        active=True,
        created_at=_now(),
        created_by=actor,
    )
    session.add(station)
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action="station.registered",
        entity_type="station",
        entity_id=data.code,
        new={"name": data.name, "work_center": data.work_center},
        reason=data.reason,
    )
    return StationCreated(**station_read(station).model_dump(), station_key=full)


async def list_stations(session: AsyncSession) -> list[StationRead]:
    return [station_read(s) for s in await session.scalars(select(Station).order_by(Station.code))]


async def deactivate_station(session: AsyncSession, code: str, reason: str | None, actor: str) -> StationRead:
    station = await session.get(Station, code, with_for_update=True)
    if station is None:
        raise StationNotFound(f"No station {code}.")
    if not station.active:
        raise StationInactive(f"Station {code} is deactivated already.")
    station.active, station.deactivated_at = False, _now()
    await append_audit(
        session,
        actor=actor,
        action="station.deactivated",
        entity_type="station",
        entity_id=code,
        old={"active": True},
        new={"active": False},
        reason=reason,
    )
    return station_read(station)


async def set_badge(session: AsyncSession, username: str, data: BadgeSet, actor: str) -> None:
    """Enrols (or replaces) a user's badge and PIN for sign-in at stations."""
    pin = data.pin.get_secret_value()
    if not PIN.match(pin):
        raise PinRejected("The PIN must be 4 to 8 digits.", code="pin_format")
    if pin in WEAK_PINS or len(set(pin)) == 1:
        raise PinRejected("The PIN is too easy to guess.", code="pin_too_simple")
    user = await user_for_update(session, username)
    taken = await session.scalar(select(User.username).where(User.badge == data.badge, User.id != user.id))
    if taken is not None:
        raise BadgeTaken(f"Badge {data.badge} belongs to another user.")
    old = user.badge
    user.badge, user.pin_hash = data.badge, await passwords.hash_password(pin)
    user.updated_at = _now()
    await append_audit(
        session,
        actor=actor,
        action="user.badge_set",
        entity_type="user",
        entity_id=user.username,
        old={"badge": old},
        new={"badge": data.badge, "pin": "changed"},
        reason=data.reason,
    )


async def list_badges(session: AsyncSession) -> list[BadgeRead]:
    users = await session.scalars(select(User).where(User.badge.is_not(None)).order_by(User.badge))
    return [
        BadgeRead(badge=u.badge or "", username=u.username, display_name=u.display_name, active=u.active)
        for u in users
    ]


async def remove_badge(session: AsyncSession, username: str, reason: str | None, actor: str) -> None:
    """A lost or returned badge: it signs nobody in any more, and its open station sessions end."""
    user = await user_for_update(session, username)
    if user.badge is None:
        raise NoBadge(f"{user.username} has no badge enrolled.")
    old, user.badge, user.pin_hash = user.badge, None, None
    user.updated_at = _now()
    await session.execute(
        update(TokenFamily)
        .where(
            TokenFamily.user_id == user.id,
            TokenFamily.station_code.is_not(None),
            TokenFamily.revoked_at.is_(None),
        )
        .values(revoked_at=user.updated_at, revoked_reason="badge_removed")
    )
    await append_audit(
        session,
        actor=actor,
        action="user.badge_removed",
        entity_type="user",
        entity_id=user.username,
        old={"badge": old},
        reason=reason,
    )

"""Login, refresh-token rotation with reuse detection, logout.

A login starts a token family. Each refresh marks its token used and issues the next one in the
same family. A used token presented again means two parties hold the family (one of them stole
it): the whole family is revoked, so both must log in again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.identity import credential_matches
from mes.platform.limits import Strikes
from mes.platform.settings import get_settings
from mes.services.auth.config import auth_settings
from mes.services.auth.errors import (
    InvalidApiKey,
    InvalidCredentials,
    InvalidServiceCredential,
    StationNotRegistered,
)
from mes.services.auth.models import ApiKey, RefreshToken, Station, TokenFamily, User
from mes.services.auth.models.permissions import OPERATOR_ROLE, SERVICE_GRANTS
from mes.services.auth.queries import permissions_of, roles_of
from mes.services.auth.schemas import AccessToken, TokenPair
from mes.services.auth.service import guard, keys, passwords, tokens
from mes.services.auth.service.guard import Attempt

log = structlog.get_logger("mes.auth")


async def _issue(session: AsyncSession, user: User, family: TokenFamily, now: datetime) -> TokenPair:
    cfg, platform = auth_settings(), get_settings()
    refresh, refresh_hash = tokens.new_refresh_token()
    idle_s = cfg.auth_station_idle_s if family.station_code else cfg.auth_refresh_ttl_s
    expires = min(now + timedelta(seconds=idle_s), family.expires_at)
    session.add(RefreshToken(token_hash=refresh_hash, family_id=family.id, issued_at=now, expires_at=expires))
    roles = (await roles_of(session, [user.id]))[user.id]
    permissions = await permissions_of(session, roles)
    if family.station_code:  # a shared terminal: never more than an operator may do
        permissions = sorted(set(permissions) & set(await permissions_of(session, [OPERATOR_ROLE])))
    kid, key = await keys.signing_key(session)
    access = tokens.access_token(
        kid,
        key,
        subject=user.username,
        name=user.display_name,
        roles=roles,
        permissions=permissions,
        session_id=family.id,
        issuer=platform.jwt_issuer,
        audience=platform.jwt_audience,
        now=now,
        ttl_s=cfg.auth_access_ttl_s,
        extra={"station": family.station_code} if family.station_code else None,
    )
    await session.flush()
    return TokenPair(
        access_token=access,
        expires_in=cfg.auth_access_ttl_s,
        refresh_token=refresh,
        refresh_expires_in=int((expires - now).total_seconds()),
    )


async def login(
    session: AsyncSession, strikes: Strikes, username: str, password: str, client: str | None
) -> TokenPair:
    name = username.strip().lower()
    user = await session.scalar(select(User).where(User.username == name))
    attempt = Attempt("password", name, client, user.username if user else None)
    await guard.refuse_if_locked(session, strikes, attempt)
    ok, rehash = await passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        # the reason goes to the audit trail, never to the caller
        reason = "unknown_user" if user is None else ("inactive" if ok else "wrong_password")
        await guard.failed(session, strikes, attempt, reason)
        raise InvalidCredentials()
    await guard.succeeded(strikes, attempt)
    now = datetime.now(UTC)
    if rehash:  # hashing parameters were raised since this password was set
        user.password_hash = await passwords.hash_password(password)
    return await _start(session, user, now, auth_settings().auth_session_max_s)


async def _start(
    session: AsyncSession, user: User, now: datetime, max_s: int, station: str | None = None
) -> TokenPair:
    family = TokenFamily(
        user_id=user.id, created_at=now, expires_at=now + timedelta(seconds=max_s), station_code=station
    )
    session.add(family)
    await session.flush()
    pair = await _issue(session, user, family, now)
    log.info("login", username=user.username, session=str(family.id), station=station)
    return pair


async def station_login(
    session: AsyncSession, strikes: Strikes, station_key: str, badge: str, pin: str, client: str | None
) -> TokenPair:
    """Badge and PIN at a registered terminal: a short session with operator permissions only."""
    station = await _station(session, station_key)
    if station is None:
        terminal = Attempt("pin", "", client)  # nameless: counted against the client only
        await guard.refuse_if_locked(session, strikes, terminal)
        await guard.failed(session, strikes, terminal, "station_not_registered")
        raise StationNotRegistered("This terminal is not registered as a station.")
    user = await session.scalar(select(User).where(User.badge == badge.strip()))
    attempt = Attempt("pin", badge.strip(), client, user.username if user else None)
    await guard.refuse_if_locked(session, strikes, attempt)
    ok, _ = await passwords.verify_password(user.pin_hash if user else None, pin)
    if user is None or not ok or not user.active:
        reason = "unknown_badge" if user is None else ("inactive" if ok else "wrong_pin")
        await guard.failed(session, strikes, attempt, reason)
        raise InvalidCredentials("The badge or PIN is wrong.")
    await guard.succeeded(strikes, attempt)
    await append_audit(
        session,
        actor=user.username,
        action="station.signed_in",
        entity_type="station",
        entity_id=station.code,
        new={"username": user.username},
    )
    cfg = auth_settings()
    return await _start(session, user, datetime.now(UTC), cfg.auth_station_session_max_s, station.code)


async def _station(session: AsyncSession, station_key: str) -> Station | None:
    parsed = tokens.parse_key(tokens.STATION_KEY_PREFIX, station_key)
    if parsed is None:
        return None
    station = await session.scalar(select(Station).where(Station.key_id == parsed[0]))
    if station is None or not station.active or not tokens.same_digest(station.secret_hash, parsed[1]):
        return None
    return station


async def api_key_token(
    session: AsyncSession, strikes: Strikes, api_key: str, client: str | None
) -> AccessToken:
    """An access token for an API key: the key's permissions still held by its owner; no refresh."""
    parsed = tokens.parse_key(tokens.API_KEY_PREFIX, api_key)
    attempt = Attempt("api_key", parsed[0] if parsed else "malformed", client)
    await guard.refuse_if_locked(session, strikes, attempt)
    row = await session.scalar(select(ApiKey).where(ApiKey.key_id == parsed[0])) if parsed else None
    now = datetime.now(UTC)
    owner = await session.get(User, row.owner_id) if row else None
    refusal = "unknown_key"
    if row is not None and parsed is not None and owner is not None:
        refusal = "wrong_secret" if not tokens.same_digest(row.secret_hash, parsed[1]) else ""
        refusal = refusal or row.refusal(now) or ("owner_inactive" if not owner.active else "")
    if refusal or row is None or owner is None:
        await guard.failed(session, strikes, attempt, refusal or "unknown_key")
        raise InvalidApiKey("The API key is invalid, expired or revoked.")
    row.last_used_at = now
    cfg, platform = auth_settings(), get_settings()
    held = set(await permissions_of(session, (await roles_of(session, [owner.id]))[owner.id]))
    kid, key = await keys.signing_key(session)
    access = tokens.access_token(
        kid,
        key,
        subject=owner.username,
        name=row.name,
        roles=[],
        permissions=sorted(set(row.permissions) & held),
        session_id=None,
        issuer=platform.jwt_issuer,
        audience=platform.jwt_audience,
        now=now,
        ttl_s=cfg.auth_access_ttl_s,
        extra={"akid": row.key_id},
    )
    return AccessToken(access_token=access, expires_in=cfg.auth_access_ttl_s)


SERVICE_TOKEN_TTL_S = 300


async def service_token(session: AsyncSession, service: str, credential: str) -> AccessToken:
    """An access token for a service's own background work (ADR 44): `sub` is `service:<name>`,
    the permissions are the service's grants only; no refresh (the service asks again)."""
    grants = SERVICE_GRANTS.get(service)
    if grants is None or not credential_matches(service, credential):
        log.warning("service_token_refused", service=service[:64], known=grants is not None)
        raise InvalidServiceCredential("The service credential is invalid.")
    cfg, platform = auth_settings(), get_settings()
    ttl = min(SERVICE_TOKEN_TTL_S, cfg.auth_access_ttl_s)
    kid, key = await keys.signing_key(session)
    access = tokens.access_token(
        kid,
        key,
        subject=f"service:{service}",
        name=f"{service} service",
        roles=[],
        permissions=grants,
        session_id=None,
        issuer=platform.jwt_issuer,
        audience=platform.jwt_audience,
        now=datetime.now(UTC),
        ttl_s=ttl,
        extra={"svc": service},
    )
    return AccessToken(access_token=access, expires_in=ttl)


async def _find(session: AsyncSession, token: str) -> tuple[RefreshToken, TokenFamily] | None:
    row = await session.scalar(
        select(RefreshToken)
        .where(RefreshToken.token_hash == tokens.hash_refresh_token(token))
        .with_for_update()
    )
    if row is None:
        return None
    family = await session.get(TokenFamily, row.family_id, with_for_update=True)
    assert family is not None  # foreign key
    return row, family


async def refresh(session: AsyncSession, token: str) -> TokenPair | None:
    """A new pair for a valid refresh token; None when refused (revocations made meanwhile stay)."""
    found = await _find(session, token)
    if found is None:
        log.info("refresh_refused", reason="unknown")
        return None
    row, family = found
    now = datetime.now(UTC)
    refusal = row.exchange(family, now)
    user = await session.get(User, family.user_id)
    assert user is not None
    if refusal is None and not user.active:
        refusal = "inactive"
    if refusal is None:
        return await _issue(session, user, family, now)
    log.info("refresh_refused", reason=refusal, username=user.username, session=str(family.id))
    if refusal == "reused" and family.revoke("refresh_token_reused", now):
        log.warning("refresh_token_reuse_detected", username=user.username, session=str(family.id))
        await append_audit(
            session,
            actor="system",
            action="session.revoked",
            entity_type="user",
            entity_id=user.username,
            new={"session": str(family.id), "revoked_reason": "refresh_token_reused"},
            reason="A refresh token was presented a second time; every token of the session was revoked.",
        )
    elif refusal == "inactive":
        family.revoke("user_deactivated", now)
    return None


async def logout(session: AsyncSession, token: str) -> None:
    """Revokes the token's family; unknown tokens are ignored so the answer reveals nothing."""
    found = await _find(session, token)
    if found is None:
        return
    _, family = found
    if family.revoke("logout", datetime.now(UTC)):
        log.info("logout", session=str(family.id))

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
from mes.platform.settings import get_settings
from mes.services.auth import keys, passwords, tokens
from mes.services.auth.config import auth_settings
from mes.services.auth.errors import InvalidCredentials
from mes.services.auth.models import RefreshToken, TokenFamily, User
from mes.services.auth.queries import permissions_of, roles_of
from mes.services.auth.schemas import TokenPair

log = structlog.get_logger("mes.auth")


async def _issue(session: AsyncSession, user: User, family: TokenFamily, now: datetime) -> TokenPair:
    cfg, platform = auth_settings(), get_settings()
    refresh, refresh_hash = tokens.new_refresh_token()
    expires = min(now + timedelta(seconds=cfg.auth_refresh_ttl_s), family.expires_at)
    session.add(RefreshToken(token_hash=refresh_hash, family_id=family.id, issued_at=now, expires_at=expires))
    roles = (await roles_of(session, [user.id]))[user.id]
    kid, key = await keys.signing_key(session)
    access = tokens.access_token(
        kid,
        key,
        subject=user.username,
        name=user.display_name,
        roles=roles,
        permissions=await permissions_of(session, roles),
        session_id=family.id,
        issuer=platform.jwt_issuer,
        audience=platform.jwt_audience,
        now=now,
        ttl_s=cfg.auth_access_ttl_s,
    )
    await session.flush()
    return TokenPair(
        access_token=access,
        expires_in=cfg.auth_access_ttl_s,
        refresh_token=refresh,
        refresh_expires_in=int((expires - now).total_seconds()),
    )


async def login(session: AsyncSession, username: str, password: str) -> TokenPair:
    name = username.strip().lower()
    user = await session.scalar(select(User).where(User.username == name))
    ok, rehash = await passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        # the reason goes to the log, never to the caller; an unknown name is not logged, as it
        # may be a password typed into the wrong field
        if user is None:
            log.info("login_failed", reason="unknown_user")
        else:
            log.info("login_failed", username=user.username, reason="inactive" if ok else "wrong_password")
        raise InvalidCredentials()
    now = datetime.now(UTC)
    if rehash:  # hashing parameters were raised since this password was set
        user.password_hash = await passwords.hash_password(password)
    family = TokenFamily(
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(seconds=auth_settings().auth_session_max_s),
    )
    session.add(family)
    await session.flush()
    pair = await _issue(session, user, family, now)
    log.info("login", username=user.username, session=str(family.id))
    return pair


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

"""A signed-in person's own preferences: today the UI language (docs/adr/0031-languages.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.services.auth.errors import UserNotFound
from mes.services.auth.models import User
from mes.services.auth.queries import user_for_update
from mes.services.auth.schemas import Preferences, PreferencesUpdate


async def read(session: AsyncSession, username: str) -> Preferences:
    user = await session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise UserNotFound(f"No user {username}.")
    return Preferences(language=user.language)


async def update(session: AsyncSession, username: str, data: PreferencesUpdate) -> Preferences:
    """Only ever the caller's own record: the route passes the token's subject, never a parameter."""
    user = await user_for_update(session, username)
    if user.language != data.language:
        await append_audit(
            session,
            actor=username,
            action="user.preferences_changed",
            entity_type="user",
            entity_id=user.username,
            old={"language": user.language},
            new={"language": data.language},
            reason=None,
        )
        user.language = data.language
        user.updated_at = datetime.now(UTC)
    return Preferences(language=user.language)

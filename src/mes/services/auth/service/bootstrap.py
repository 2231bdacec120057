"""The first administrator: `mes create-admin`, or MES_ADMIN_USERNAME / MES_ADMIN_PASSWORD on first start."""

from __future__ import annotations

import structlog
from pydantic import SecretStr, ValidationError
from sqlalchemy import select, text

from mes.platform.db import Database
from mes.platform.errors import DomainError, Unprocessable
from mes.services.auth.config import auth_settings
from mes.services.auth.models import User
from mes.services.auth.models.permissions import ADMIN_ROLE
from mes.services.auth.schemas import UserCreate
from mes.services.auth.service import passwords
from mes.services.auth.service.users import create_user

log = structlog.get_logger("mes.auth")
BOOTSTRAP_ACTOR = "system:bootstrap"
_LOCK = 0x4D455342


async def bootstrap_admin(db: Database, username: str, password: str) -> bool:
    """Creates `username` as administrator unless that user exists (then changes nothing); True if created.

    Used by `mes create-admin` and by MES_ADMIN_USERNAME / MES_ADMIN_PASSWORD on first start.
    Raises PasswordRejected (or Unprocessable for a bad user name) when the policy refuses them.
    """
    async with db.transaction() as session:
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
        name = username.strip().lower()
        if await session.scalar(select(User.id).where(User.username == name)) is not None:
            return False
        passwords.check_policy(password, name)
        try:
            data = UserCreate(
                username=name,
                display_name="Administrator",
                password=SecretStr(password),
                roles=[ADMIN_ROLE],
                reason="first administrator",
            )
        except ValidationError:
            raise Unprocessable(
                "A user name has 2 to 64 letters, digits or . _ @ -, starting with a letter or digit.",
                code="invalid_username",
            ) from None
        await create_user(session, data, BOOTSTRAP_ACTOR)
    log.info("administrator_created", username=data.username)
    return True


async def bootstrap_from_environment(db: Database) -> bool:
    """MES_ADMIN_USERNAME and MES_ADMIN_PASSWORD, when both are set: `bootstrap_admin` with them."""
    cfg = auth_settings()
    password = cfg.admin_password.get_secret_value()
    if not cfg.admin_username or not password:
        return False
    try:
        return await bootstrap_admin(db, cfg.admin_username, password)
    except DomainError as e:
        log.error("administrator_not_created", username=cfg.admin_username, code=e.code, detail=e.detail)
        return False

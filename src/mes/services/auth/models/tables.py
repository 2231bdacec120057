"""Tables of the auth service (database mes_auth) and the rules they keep."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, LargeBinary, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables
from mes.services.auth.vocabulary import Meaning

metadata = new_metadata()
platform_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class User(Base):
    """A person or machine account; never deleted, so every record keeps its author."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # shop-floor sign-in at a registered station: badge number and an argon2id-hashed PIN
    badge: Mapped[str | None] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    # the UI language the person chose (en, de, es); None: the UI follows the browser
    language: Mapped[str | None] = mapped_column(String(8))

    def __repr__(self) -> str:  # never the hash, not even in a traceback
        return f"User({self.username!r}, active={self.active})"

    def deactivate(self, at: datetime) -> None:
        if not self.active:
            raise ValueError(f"{self.username} is already deactivated")
        self.active = False
        self.deactivated_at = at
        self.updated_at = at

    def reactivate(self, at: datetime) -> None:
        if self.active:
            raise ValueError(f"{self.username} is active")
        self.active = True
        self.deactivated_at = None
        self.updated_at = at

    def set_password_hash(self, password_hash: str, at: datetime) -> None:
        self.password_hash = password_hash
        self.password_changed_at = at
        self.updated_at = at


class Role(Base):
    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    description: Mapped[str] = mapped_column(String(500))
    builtin: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Permission(Base):
    __tablename__ = "permissions"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    description: Mapped[str] = mapped_column(String(500))


class RolePermission(Base):
    __tablename__ = "role_permissions"

    role: Mapped[str] = mapped_column(ForeignKey("roles.name"), primary_key=True)
    permission: Mapped[str] = mapped_column(ForeignKey("permissions.name"), primary_key=True)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(ForeignKey("roles.name"), primary_key=True, index=True)


class SigningKey(Base):
    """An Ed25519 key that signs access tokens; retired keys stay published until their tokens expire."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    # raw private key, AES-GCM sealed when MES_AUTH_KEY_SECRET is set (`encryption` says which)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)
    encryption: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"SigningKey({self.kid!r}, retired_at={self.retired_at})"


class TokenFamily(Base):
    """One login's chain of refresh tokens; revoking it ends the session on every device copy."""

    __tablename__ = "token_families"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(50))
    # set for a badge sign-in at a shared terminal: operator permissions only, short idle timeout
    station_code: Mapped[str | None] = mapped_column(String(64))
    # the session's last e-signature: later ones within the signing idle time need only the password
    last_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def continues_signing(self, at: datetime, idle: timedelta) -> bool:
        """A later signing in one continuous session: the password alone is enough (11.200(a)(1))."""
        if self.revoked_at is not None or at >= self.expires_at or self.last_signed_at is None:
            return False
        return at - self.last_signed_at <= idle

    def revoke(self, reason: str, at: datetime) -> bool:
        """True when this call revoked it; a family is revoked once, the first reason stays."""
        if self.revoked_at is not None:
            return False
        self.revoked_at = at
        self.revoked_reason = reason
        return True


class RefreshToken(Base):
    """Only the SHA-256 of the token is stored; `used_at` set means it was exchanged already."""

    __tablename__ = "refresh_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("token_families.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def exchange(self, family: TokenFamily, at: datetime) -> str | None:
        """Marks the token used; returns why it can't be exchanged instead (then nothing changed)."""
        if family.revoked_at is not None:
            return "revoked"
        if self.used_at is not None:
            return "reused"
        if at >= self.expires_at or at >= family.expires_at:
            return "expired"
        self.used_at = at
        return None


class ApiKey(Base):
    """A machine's or integration client's credential: `mesk_<key_id>_<secret>`, shown once.

    Only the SHA-256 of the secret is kept (256 random bits: a slow hash adds nothing). The key's
    permissions are a subset of its owner's, checked again each time it is used.
    """

    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    permissions: Mapped[list[str]] = mapped_column(ARRAY(String(100)))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    revoked_reason: Mapped[str | None] = mapped_column(String(500))

    def __repr__(self) -> str:
        return f"ApiKey({self.key_id!r}, revoked={self.revoked_at is not None})"

    def refusal(self, at: datetime) -> str | None:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and at >= self.expires_at:
            return "expired"
        return None

    def revoke(self, actor: str, reason: str | None, at: datetime) -> None:
        if self.revoked_at is not None:
            raise ValueError(f"API key {self.key_id} is revoked already")
        self.revoked_at, self.revoked_by, self.revoked_reason = at, actor, reason


class Station(Base):
    """A registered shop-floor terminal; its key (hashed here) lives on the terminal."""

    __tablename__ = "stations"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    work_center: Mapped[str | None] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"Station({self.code!r}, active={self.active})"


class Signature(Base):
    """An electronic signature (21 CFR 11.50/11.70): who, printed name, when, meaning, and the
    SHA-256 of the signed record's content, so it can't be moved to another record or version."""

    __tablename__ = "signatures"
    __table_args__ = (Index("ix_signatures_record", "record_type", "record_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str] = mapped_column(String(64))
    printed_name: Mapped[str] = mapped_column(String(200))
    meaning: Mapped[Meaning] = mapped_column(String(20))
    record_type: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[str] = mapped_column(String(200))
    record_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    session_id: Mapped[uuid.UUID | None] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)

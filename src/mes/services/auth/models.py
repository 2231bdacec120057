"""Tables of the auth service (database mes_auth) and the rules they keep."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, LargeBinary, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mes.platform.db import new_metadata
from mes.platform.migrations import platform_tables_v1

metadata = new_metadata()
platform_tables_v1(metadata)


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

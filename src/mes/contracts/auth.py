"""Events the auth service publishes: who may act, as other services need to know it.

No event ever carries a password, a hash or a token.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from mes.platform.events import Event


class _UserEvent(Event):
    aggregate_field: ClassVar[str] = "username"

    username: str
    actor: str


class UserCreated(_UserEvent):
    topic: ClassVar[str] = "auth.user_created.v1"

    display_name: str
    roles: list[str]


class UserDeactivated(_UserEvent):
    """The user can no longer log in; their sessions were revoked. Records keep them as author."""

    topic: ClassVar[str] = "auth.user_deactivated.v1"

    reason: str | None


class UserReactivated(_UserEvent):
    topic: ClassVar[str] = "auth.user_reactivated.v1"

    reason: str | None


class UserRolesChanged(_UserEvent):
    topic: ClassVar[str] = "auth.user_roles_changed.v1"

    old_roles: list[str]
    roles: list[str]
    reason: str | None


# the words of these events, named so the auth service types its code with the same ones (ADR 35)
Channel = Literal["password", "pin", "api_key", "signature"]
LockScope = Literal["account", "client", "badge"]


class _SecurityEvent(Event):
    """For a SIEM or a security dashboard: a refused sign-in, a lockout. `subject` is the account
    (a known user name) or the client address when the name is unknown, never a typed secret."""

    aggregate_field: ClassVar[str] = "subject"

    subject: str
    channel: Channel
    username: str | None = Field(description="Only when the name belongs to an account")
    client: str | None = Field(description="Network address the attempt came from")


class SignInFailed(_SecurityEvent):
    topic: ClassVar[str] = "auth.sign_in_failed.v1"

    reason: str = Field(examples=["wrong_password", "unknown_user", "locked", "wrong_pin"])
    failures: int = Field(description="Failures counted in the current window, including this one")


class SignInLocked(_SecurityEvent):
    """Too many failures: the account (or client, or badge) is refused until `locked_until`."""

    topic: ClassVar[str] = "auth.sign_in_locked.v1"

    scope: LockScope
    locked_until: datetime


class RecordSigned(Event):
    """An electronic signature was applied; `record_hash` binds it to the record's content."""

    topic: ClassVar[str] = "auth.record_signed.v1"
    aggregate_field: ClassVar[str] = "record_id"

    signature_id: uuid.UUID
    record_type: str
    record_id: str
    record_hash: str
    username: str
    printed_name: str
    meaning: str
    signed_at: datetime

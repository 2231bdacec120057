"""Events the auth service publishes: who may act, as other services need to know it.

No event ever carries a password, a hash or a token.
"""

from __future__ import annotations

from typing import ClassVar

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

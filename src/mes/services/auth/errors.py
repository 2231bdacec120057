"""Errors of the auth service."""

from mes.platform.errors import Conflict, NotFound, ServiceUnavailable, Unauthorized, Unprocessable

INVALID_CREDENTIALS = "The user name or password is wrong."
INVALID_REFRESH = "The refresh token is invalid, expired or revoked; log in again."


class InvalidCredentials(Unauthorized):
    """One answer for unknown user, wrong password and inactive user: it tells an attacker nothing."""

    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__(INVALID_CREDENTIALS)


class InvalidRefreshToken(Unauthorized):
    code = "invalid_refresh_token"

    def __init__(self) -> None:
        super().__init__(INVALID_REFRESH)


class UserNotFound(NotFound):
    code = "user_not_found"


class DuplicateUsername(Conflict):
    code = "duplicate_username"


class UserStateConflict(Conflict):
    code = "user_state_conflict"


class LastAdministrator(Conflict):
    """The change would leave no active user able to manage users and roles."""

    code = "last_administrator"


class RoleNotFound(NotFound):
    code = "role_not_found"


class DuplicateRole(Conflict):
    code = "duplicate_role"


class UnknownRole(Unprocessable):
    code = "unknown_role"


class UnknownPermission(Unprocessable):
    code = "unknown_permission"


class PasswordRejected(Unprocessable):
    """The password policy refused it; `code` names the rule (password_too_short, ...)."""

    code = "password_rejected"


class SigningKeyUnavailable(ServiceUnavailable):
    code = "signing_key_unavailable"

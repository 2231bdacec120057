"""Errors of the auth service."""

from mes.platform.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    TooManyAttempts,
    Unauthorized,
    Unprocessable,
)

INVALID_CREDENTIALS = "The user name or password is wrong."
INVALID_REFRESH = "The refresh token is invalid, expired or revoked; log in again."


class InvalidCredentials(Unauthorized):
    """One answer for unknown user, wrong password and inactive user: it tells an attacker nothing."""

    code = "invalid_credentials"
    keeps_changes = True  # the failed attempt stays in the audit trail

    def __init__(self, detail: str = INVALID_CREDENTIALS) -> None:
        super().__init__(detail)


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


class SignInLocked(TooManyAttempts):
    """Too many failures for this account, badge or client: refused even with the right secret."""

    code = "sign_in_locked"
    keeps_changes = True


class StationNotRegistered(Unauthorized):
    code = "station_not_registered"
    keeps_changes = True


class InvalidApiKey(Unauthorized):
    code = "invalid_api_key"
    keeps_changes = True


class InvalidServiceCredential(Unauthorized):
    code = "invalid_service_credential"


class SignatureRefused(Forbidden):
    """Wrong password, or credentials of someone other than the signed-in user (21 CFR 11.200)."""

    code = "signature_refused"
    keeps_changes = True


class SignatureUsernameRequired(Unprocessable):
    code = "signature_username_required"


class SignatureNotFound(NotFound):
    code = "signature_not_found"


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"


class ApiKeyRevoked(Conflict):
    code = "api_key_revoked"


class PermissionNotHeld(Unprocessable):
    """An API key can only carry permissions its owner holds."""

    code = "permission_not_held"


class StationNotFound(NotFound):
    code = "station_not_found"


class DuplicateStation(Conflict):
    code = "duplicate_station"


class StationInactive(Conflict):
    code = "station_inactive"


class BadgeTaken(Conflict):
    code = "badge_taken"


class NoBadge(NotFound):
    code = "no_badge"


class PinRejected(Unprocessable):
    code = "pin_rejected"

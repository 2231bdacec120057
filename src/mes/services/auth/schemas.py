"""Request and response bodies of the auth service; secrets come in as SecretStr and never go out."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, WithJsonSchema

from mes.platform.schemas import Page, Schema
from mes.services.auth.vocabulary import KeyStatus, Meaning


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# stored lower-case, so "JDoe" and "jdoe" can't be two people; never reused, never renamed
Username = Annotated[
    str,
    BeforeValidator(_lower),
    Field(pattern=r"^[a-z0-9][a-z0-9._@-]{1,63}$", examples=["jdoe"]),
]
RoleName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{1,63}$", examples=["operator"])]
PermissionName = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_-]*(:[a-z][a-z0-9_-]*){1,3}$", max_length=100, examples=["workorder:read"]),
]
DisplayName = Annotated[str, Field(min_length=1, max_length=200, examples=["Jane Doe"])]
Reason = Annotated[str | None, Field(max_length=500, description="Why (kept in the audit trail)")]
# the policy (service/passwords.py MIN_LENGTH, MAX_LENGTH) as the document states it; a shorter
# or longer one still reaches the policy, which answers with its own code (password_too_short...)
NewPassword = Annotated[
    SecretStr,
    Field(min_length=1, max_length=1024),
    WithJsonSchema(
        {
            "type": "string",
            "format": "password",
            "writeOnly": True,
            "minLength": 12,
            "maxLength": 128,
            "description": "12 to 128 characters, not containing the user name, not a common password",
        }
    ),
]


class LoginRequest(Schema):
    username: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[SecretStr, Field(min_length=1, max_length=1024)]


class RefreshRequest(Schema):
    refresh_token: Annotated[SecretStr, Field(min_length=1, max_length=200)]


class TokenPair(Schema):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (the scheme's name, not a secret)
    expires_in: int = Field(description="Seconds the access token is valid")
    refresh_token: str = Field(description="Opaque; exchange it once at /refresh for a new pair")
    refresh_expires_in: int


class UserCreate(Schema):
    username: Username
    display_name: DisplayName
    password: NewPassword
    roles: Annotated[list[RoleName], Field(max_length=20)] = []
    reason: Reason = None


class UserUpdate(Schema):
    display_name: DisplayName | None = None
    roles: Annotated[list[RoleName] | None, Field(max_length=20)] = None
    reason: Reason = None


class PasswordReset(Schema):
    new_password: NewPassword
    reason: Reason = None


class StatusChange(Schema):
    reason: Reason = None


class UserRead(Schema):
    username: str
    display_name: str
    roles: list[str]
    active: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    password_changed_at: datetime
    deactivated_at: datetime | None


UserPage = Page[UserRead]

# the languages the UI has catalogues for (web/src/i18n); None: follow the browser
Language = Literal["en", "de", "es"]


class Preferences(Schema):
    """The signed-in person's own settings."""

    language: Language | None = Field(None, description="UI language; null follows the browser")


class PreferencesUpdate(Schema):
    language: Language | None = Field(description="en, de or es; null to follow the browser again")


class RoleCreate(Schema):
    name: RoleName
    description: Annotated[str, Field(max_length=500)] = ""
    permissions: Annotated[list[PermissionName], Field(max_length=500)] = []
    reason: Reason = None


class RolePermissionsUpdate(Schema):
    permissions: Annotated[list[PermissionName], Field(max_length=500)]
    reason: Reason = None


class RoleRead(Schema):
    name: str
    description: str
    builtin: bool
    permissions: list[str]


class PermissionRead(Schema):
    name: str
    description: str


class Jwk(Schema):
    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    x: str
    kid: str
    alg: Literal["EdDSA"]
    use: Literal["sig"]


class Jwks(Schema):
    keys: list[Jwk]


class KeyRotate(Schema):
    reason: Reason = None


class SigningKeyRead(Schema):
    kid: str
    algorithm: str
    status: KeyStatus
    published: bool = Field(description="In the JWKS: tokens it signed still verify")
    sealed: bool = Field(description="Private half encrypted at rest (MES_AUTH_KEY_SECRET)")
    created_at: datetime
    created_by: str
    retired_at: datetime | None


class AccessToken(Schema):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (the scheme's name, not a secret)
    expires_in: int = Field(description="Seconds the access token is valid; then exchange the key again")


class ApiKeyExchange(Schema):
    api_key: Annotated[SecretStr, Field(min_length=1, max_length=200)]


class ServiceTokenRequest(Schema):
    service: Annotated[str, Field(min_length=1, max_length=64, examples=["work-orders"])]
    credential: Annotated[SecretStr, Field(min_length=1, max_length=200)]


Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", examples=["L1-ST01"])]


class ApiKeyCreate(Schema):
    name: Annotated[str, Field(min_length=1, max_length=200, examples=["ERP connector"])]
    owner: Username = Field(description="The account the key acts as, e.g. a machine account")
    permissions: Annotated[list[PermissionName], Field(min_length=1, max_length=100)]
    expires_at: datetime | None = None
    reason: Reason = None


class ApiKeyRead(Schema):
    id: str = Field(description="The key id: the part of the key after `mesak_` and before `_`")
    name: str
    owner: str
    permissions: list[str]
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoked_reason: str | None


class ApiKeyCreated(ApiKeyRead):
    api_key: str = Field(description="Shown this once; only a hash is kept")


class StationCreate(Schema):
    code: Code
    name: DisplayName
    work_center: Code | None = None
    reason: Reason = None


class StationRead(Schema):
    code: str
    name: str
    work_center: str | None
    active: bool
    created_at: datetime
    created_by: str
    deactivated_at: datetime | None


class BadgeRead(Schema):
    """An enrolled badge (the number printed on the card; the PIN is never shown)."""

    badge: str
    username: str
    display_name: str
    active: bool


class StationCreated(StationRead):
    station_key: str = Field(description="Install it on the terminal; shown this once")


class StationLogin(Schema):
    station_key: Annotated[SecretStr, Field(min_length=1, max_length=200)]
    badge: Annotated[str, Field(min_length=1, max_length=64)]
    pin: Annotated[SecretStr, Field(min_length=1, max_length=32)]


class BadgeSet(Schema):
    badge: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{3,64}$", examples=["0004711"])]
    pin: Annotated[SecretStr, Field(min_length=1, max_length=32, description="4 to 8 digits")]
    reason: Reason = None


RecordContent = Annotated[
    dict[str, Any], Field(description="The record as the signer sees it; its canonical JSON is hashed")
]


class SignatureCreate(Schema):
    record_type: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.-]{0,99}$", examples=["work_order"])]
    record_id: Annotated[str, Field(min_length=1, max_length=200, examples=["WO-2026-0042"])]
    content: RecordContent
    meaning: Meaning
    username: Annotated[str | None, Field(max_length=200)] = Field(
        None, description="Needed for the first signing of a session and after it timed out"
    )
    password: Annotated[SecretStr, Field(min_length=1, max_length=1024)]
    comment: Annotated[str | None, Field(max_length=2000)] = None


class SignatureRead(Schema):
    id: uuid.UUID
    record_type: str
    record_id: str
    record_hash: str = Field(description="SHA-256 of the record content's canonical JSON")
    meaning: str
    username: str
    printed_name: str
    signed_at: datetime
    comment: str | None


SignaturePage = Page[SignatureRead]


class SignatureCheck(Schema):
    content: RecordContent


class SignatureVerification(Schema):
    valid: bool
    reason: Literal["content_changed"] | None = None
    signature: SignatureRead

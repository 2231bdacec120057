"""Tables of the auth service (database mes_auth) and its permission catalog."""

from mes.services.auth.models.tables import (
    ApiKey,
    Permission,
    RefreshToken,
    Role,
    RolePermission,
    Signature,
    SigningKey,
    Station,
    TokenFamily,
    User,
    UserRole,
    metadata,
)

__all__ = [
    "ApiKey",
    "Permission",
    "RefreshToken",
    "Role",
    "RolePermission",
    "Signature",
    "SigningKey",
    "Station",
    "TokenFamily",
    "User",
    "UserRole",
    "metadata",
]

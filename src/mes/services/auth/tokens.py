"""Access tokens (EdDSA JWTs) and opaque refresh tokens; pure functions, no database."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# recognisable in a leaked log or paste, so secret scanners can find it
REFRESH_PREFIX = "mesrt_"


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, SHA-256 to store); 256 random bits, so a fast hash is enough."""
    token = REFRESH_PREFIX + secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_token(
    kid: str,
    key: Ed25519PrivateKey,
    *,
    subject: str,
    name: str,
    roles: Iterable[str],
    permissions: Iterable[str],
    session_id: uuid.UUID,
    issuer: str,
    audience: str,
    now: datetime,
    ttl_s: int,
) -> str:
    claims: dict[str, Any] = {
        "sub": subject,
        "name": name,
        "roles": sorted(roles),
        "perms": sorted(permissions),
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=ttl_s),
        "jti": uuid.uuid4().hex,
        "sid": str(session_id),
    }
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid, "typ": "JWT"})

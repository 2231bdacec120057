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


# API keys and station keys: `<prefix><key_id>_<secret>`; the key id finds the row, the secret's
# SHA-256 is compared in constant time
API_KEY_PREFIX = "mesak_"
STATION_KEY_PREFIX = "messt_"
_KEY_ID_LEN = 12


def new_key(prefix: str) -> tuple[str, str, str]:
    """(the whole key for the client, key id, SHA-256 of the secret to store)."""
    key_id = secrets.token_hex(_KEY_ID_LEN // 2)
    secret = secrets.token_urlsafe(32)
    return f"{prefix}{key_id}_{secret}", key_id, hashlib.sha256(secret.encode()).hexdigest()


def parse_key(prefix: str, key: str) -> tuple[str, str] | None:
    """(key id, SHA-256 of the secret) of a well-formed key, else None."""
    if not key.startswith(prefix):
        return None
    key_id, sep, secret = key[len(prefix) :].partition("_")
    if not sep or len(key_id) != _KEY_ID_LEN or not secret:
        return None
    return key_id, hashlib.sha256(secret.encode()).hexdigest()


def same_digest(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode(), b.encode())


def access_token(
    kid: str,
    key: Ed25519PrivateKey,
    *,
    subject: str,
    name: str,
    roles: Iterable[str],
    permissions: Iterable[str],
    session_id: uuid.UUID | None,
    issuer: str,
    audience: str,
    now: datetime,
    ttl_s: int,
    extra: dict[str, Any] | None = None,
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
        **({"sid": str(session_id)} if session_id else {}),
        **(extra or {}),
    }
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid, "typ": "JWT"})

"""Ed25519 signing keys: made when first needed, rotated by an admin, published as a JWKS."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.services.auth.config import auth_settings
from mes.services.auth.errors import SigningKeyUnavailable
from mes.services.auth.models import SigningKey
from mes.services.auth.schemas import SigningKeyRead

log = structlog.get_logger("mes.auth.keys")

ALGORITHM = "EdDSA"
_LOCK = 0x4D45534B  # serialises creating and rotating keys across replicas
_cache: dict[str, Ed25519PrivateKey] = {}  # kid -> key; a kid's key never changes


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def thumbprint(public_raw: bytes) -> str:
    """RFC 7638 JWK thumbprint: the kid follows from the key itself."""
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": _b64(public_raw)}, separators=(",", ":"))
    return _b64(hashlib.sha256(canonical.encode()).digest())


def publish_grace() -> timedelta:
    # a retired key's last tokens expire within the access TTL; the margin covers clock skew
    return timedelta(seconds=auth_settings().auth_access_ttl_s + 300)


def _aead() -> AESGCM | None:
    secret = auth_settings().auth_key_secret.get_secret_value()
    if not secret:
        return None
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mes-auth signing keys").derive(
        secret.encode()
    )
    return AESGCM(key)


def _seal(kid: str, raw: bytes) -> tuple[bytes, str]:
    aead = _aead()
    if aead is None:
        return raw, "none"
    nonce = os.urandom(12)
    return nonce + aead.encrypt(nonce, raw, kid.encode()), "aes256gcm"


def _private(key: SigningKey) -> Ed25519PrivateKey:
    cached = _cache.get(key.kid)
    if cached is not None:
        return cached
    raw = key.private_key
    if key.encryption == "aes256gcm":
        aead = _aead()
        if aead is None:
            raise SigningKeyUnavailable("The signing key is sealed and MES_AUTH_KEY_SECRET is not set.")
        try:
            raw = aead.decrypt(raw[:12], raw[12:], key.kid.encode())
        except InvalidTag:
            raise SigningKeyUnavailable(
                "The signing key can't be unsealed with MES_AUTH_KEY_SECRET."
            ) from None
    private = Ed25519PrivateKey.from_private_bytes(raw)
    _cache[key.kid] = private
    return private


async def _lock(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})


async def _current(session: AsyncSession) -> SigningKey | None:
    return await session.scalar(
        select(SigningKey)
        .where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc())
        .limit(1)
    )


async def _create(session: AsyncSession, actor: str, now: datetime) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = thumbprint(public_raw)
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    sealed, encryption = _seal(kid, raw)
    if encryption == "none":
        log.warning("signing_key_stored_unsealed", kid=kid, hint="set MES_AUTH_KEY_SECRET to seal it")
    key = SigningKey(
        kid=kid,
        algorithm=ALGORITHM,
        public_key=public_raw,
        private_key=sealed,
        encryption=encryption,
        created_at=now,
        created_by=actor,
    )
    session.add(key)
    await session.flush()
    _cache[kid] = private
    return key


async def _active(session: AsyncSession) -> SigningKey:
    key = await _current(session)
    if key is None:  # the service's first token: make its first key
        await _lock(session)
        key = await _current(session) or await _create(session, "system", datetime.now(UTC))
    return key


async def signing_key(session: AsyncSession) -> tuple[str, Ed25519PrivateKey]:
    """The active key (made on first use), as (kid, private key)."""
    key = await _active(session)
    return key.kid, _private(key)


async def rotate(session: AsyncSession, actor: str, reason: str | None) -> SigningKey:
    """A new key signs from now on; the old one stays published until its tokens have expired."""
    await _lock(session)
    now = datetime.now(UTC)
    old = await _current(session)
    if old is not None:
        old.retired_at = now
    key = await _create(session, actor, now)
    await append_audit(
        session,
        actor=actor,
        action="signing_key.rotated",
        entity_type="signing_key",
        entity_id=key.kid,
        old={"kid": old.kid} if old else None,
        new={"kid": key.kid, "algorithm": key.algorithm, "sealed": key.encryption != "none"},
        reason=reason,
    )
    log.info("signing_key_rotated", kid=key.kid, retired=old.kid if old else None, actor=actor)
    return key


async def published(session: AsyncSession) -> list[SigningKey]:
    """The active key and those retired recently enough that tokens they signed may still be valid."""
    await _active(session)
    since = datetime.now(UTC) - publish_grace()
    rows = await session.scalars(
        select(SigningKey)
        .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > since))
        .order_by(SigningKey.created_at.desc())
    )
    return list(rows)


async def all_keys(session: AsyncSession) -> list[SigningKey]:
    return list(await session.scalars(select(SigningKey).order_by(SigningKey.created_at.desc())))


def jwk(key: SigningKey) -> dict[str, Any]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64(key.public_key),
        "kid": key.kid,
        "alg": ALGORITHM,
        "use": "sig",
    }


def key_read(key: SigningKey) -> SigningKeyRead:
    since = datetime.now(UTC) - publish_grace()
    return SigningKeyRead(
        kid=key.kid,
        algorithm=key.algorithm,
        status="active" if key.retired_at is None else "retired",
        published=key.retired_at is None or key.retired_at > since,
        sealed=key.encryption != "none",
        created_at=key.created_at,
        created_by=key.created_by,
        retired_at=key.retired_at,
    )

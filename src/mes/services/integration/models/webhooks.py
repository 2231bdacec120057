"""Standard Webhooks signatures and the retry schedule (pure)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the secret's base64 part."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def verify(secret: str, headers_: dict[str, str], body: bytes) -> bool:
    expected = sign(secret, headers_["webhook-id"], int(headers_["webhook-timestamp"]), body)
    return any(hmac.compare_digest(expected, s) for s in headers_["webhook-signature"].split())


def backoff_s(attempts: int, base_s: float, max_s: float, rng: random.Random | None = None) -> float:
    """The wait after the `attempts`-th failure: exponential, capped, with full jitter in its upper half."""
    r = rng or random
    ceiling = min(max_s, base_s * 2 ** max(attempts - 1, 0))
    return float(ceiling / 2 + r.random() * ceiling / 2)


def seal(secret: str, key: str) -> str:
    from cryptography.fernet import Fernet

    return Fernet(key.encode()).encrypt(secret.encode()).decode()


def unseal(sealed: str, key: str) -> str:
    from cryptography.fernet import Fernet

    return Fernet(key.encode()).decrypt(sealed.encode()).decode()

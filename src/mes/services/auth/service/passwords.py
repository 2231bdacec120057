"""Password hashing (argon2id, off the event loop) and the password policy."""

from __future__ import annotations

import asyncio
import secrets
import threading
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mes.services.auth.errors import PasswordRejected

MIN_LENGTH = 12
MAX_LENGTH = 128  # OWASP ASVS 2.1.2: at least 64 allowed, more than 128 may be refused

# argon2-cffi's defaults are RFC 9106's second recommendation: argon2id, t=3, 64 MiB, p=4
_hasher = PasswordHasher()
# each hash takes 64 MiB and ~all cores for ~50 ms: a login storm queues instead of exhausting memory
_slots = threading.BoundedSemaphore(4)
_dummy_hash: str | None = None

# checked after lower-casing; short ones are refused by length already but stay for a lower minimum
COMMON_PASSWORDS = frozenset(
    {
        "123456", "123456789", "12345678", "password", "qwerty", "123123", "111111", "abc123",
        "iloveyou", "admin", "welcome", "letmein", "monkey", "dragon", "sunshine", "princess",
        "football", "baseball", "master", "shadow", "superman", "trustno1", "passw0rd", "changeme",
        "1234567890", "0987654321", "1q2w3e4r5t6y", "1qaz2wsx3edc", "qwertyuiop", "asdfghjkl",
        "123456789012", "1234567890123", "12345678901234", "111111111111", "000000000000",
        "123123123123", "qwertyuiopas", "qwerty123456", "qwertyqwerty", "asdfghjkl123",
        "password1234", "password12345", "password123456", "passwordpassword", "password1234!",
        "p@ssw0rd1234", "p@ssword1234", "passw0rd1234", "iloveyou1234", "iloveyou123456",
        "welcome12345", "welcome123456", "welcome@1234", "changeme1234", "changeme123!",
        "letmein12345", "letmein123456", "administrator", "administrator1", "admin1234567",
        "admin@123456", "adminadmin123", "superuser1234", "qazwsxedcrfv", "1qaz2wsx3edc4rfv",
        "zaq12wsxcde3", "football1234", "baseball1234", "sunshine1234", "princess1234",
        "trustno112345", "monkey123456", "dragon123456", "masterkey1234", "starwars1234",
        "summer2024!!", "winter2024!!", "spring2025!!", "autumn2025!!", "correcthorsebatterystaple",
        "manufacturing", "manufacturing1", "production123", "production1234", "operator1234",
        "supervisor123", "supervisor1234", "maintenance1", "maintenance123", "qualityquality",
    }
)  # fmt: skip


def normalise(password: str) -> str:
    # NFKC so that the same password typed on two keyboards (composed or not) hashes the same
    return unicodedata.normalize("NFKC", password)


def check_policy(password: str, username: str) -> None:
    """Raises PasswordRejected with a stable code naming the rule the password breaks."""
    pw = normalise(password)
    if len(pw) < MIN_LENGTH:
        raise PasswordRejected(
            f"The password needs at least {MIN_LENGTH} characters.",
            code="password_too_short",
            min_length=MIN_LENGTH,
        )
    if len(pw) > MAX_LENGTH:
        raise PasswordRejected(
            f"The password may have at most {MAX_LENGTH} characters.",
            code="password_too_long",
            max_length=MAX_LENGTH,
        )
    lowered = pw.casefold()
    # a two-letter user name would rule out too many good passwords to be worth it
    if len(username) >= 3 and username.casefold() in lowered:
        raise PasswordRejected(
            "The password must not contain the user name.", code="password_contains_username"
        )
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        raise PasswordRejected(
            "The password is too common or too simple; choose a longer phrase.", code="password_too_common"
        )


def _hash(password: str) -> str:
    with _slots:
        return _hasher.hash(normalise(password))


def _verify(password_hash: str, password: str) -> tuple[bool, bool]:
    with _slots:
        try:
            _hasher.verify(password_hash, normalise(password))
        except (VerificationError, InvalidHashError):
            return False, False
        return True, _hasher.check_needs_rehash(password_hash)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hash, password)


async def verify_password(password_hash: str | None, password: str) -> tuple[bool, bool]:
    """(matches, needs rehash). Without a hash it still spends the time, so unknown users don't show."""
    global _dummy_hash
    if password_hash is None:
        if _dummy_hash is None:
            _dummy_hash = await hash_password(secrets.token_urlsafe(16))
        await asyncio.to_thread(_verify, _dummy_hash, password)
        return False, False
    return await asyncio.to_thread(_verify, password_hash, password)

"""The words of the auth service, once: sign-in channels, lockout scopes, signature meanings,
signing key states (ADR 35).

Models, schemas and use cases take these types, so mypy (strict: `strict_equality`) refuses a
word that is not one of them. Channels and lockout scopes are the security events' own
(`mes.contracts.auth`), so what is published is exactly what the code uses.
"""

from __future__ import annotations

from typing import Literal

from mes.contracts.auth import Channel, LockScope

__all__ = ["Channel", "KeyStatus", "LockScope", "Meaning"]

# what a signer declares (21 CFR 11.50(a)(3)); a signature of another meaning is refused
Meaning = Literal["approved", "reviewed", "released", "rejected"]
KeyStatus = Literal["active", "retired"]

"""Verifying the auth service's EdDSA access tokens locally, and permission dependencies."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
import structlog
from fastapi import Depends, Request

from mes.platform.errors import Forbidden, Unauthorized

log = structlog.get_logger("mes.auth")

JwksFetcher = Callable[[], Awaitable[dict[str, Any]]]
# every permission some route requires, filled as routes are declared (for the role matrix and tests)
DECLARED_PERMISSIONS: set[str] = set()
_INVALID = "The access token is missing, invalid or expired."


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = field(default_factory=frozenset)
    token_id: str | None = None
    name: str | None = None
    session_id: str | None = None  # the auth session (sign-in) the token belongs to
    station: str | None = None  # set when signed in with badge and PIN at a shared terminal

    def has(self, permission: str) -> bool:
        return permission in self.permissions


class JwtVerifier:
    """Keys come from the JWKS; an unknown `kid` refreshes it, at most once per `min_refresh_s`.

    A verified token is remembered until its `exp` (at most `cache_size` of them, least recently
    used first out), so a terminal's requests pay the EdDSA check once per token, not per request.
    That changes no answer: access tokens are not revocable before they expire (ADR 8), and a
    token is only ever remembered after a full check of signature, issuer, audience and claims.
    """

    ALGORITHMS = ("EdDSA",)

    def __init__(
        self,
        fetch_jwks: JwksFetcher,
        *,
        issuer: str,
        audience: str,
        min_refresh_s: float = 30.0,
        cache_size: int = 4096,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._fetch = fetch_jwks
        self.issuer = issuer
        self.audience = audience
        self.min_refresh_s = min_refresh_s
        self._keys: dict[str, Any] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        self.cache_size = cache_size
        self._verified: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        self._clock = clock

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self.min_refresh_s:
                return
            self._fetched_at = time.monotonic()
            try:
                jwks = await self._fetch()
            except Exception as e:
                log.warning("jwks_fetch_failed", error=str(e))
                return
            keys = {}
            for jwk in jwks.get("keys", []):
                if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and "kid" in jwk:
                    keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm="EdDSA").key
            self._keys = keys

    async def _key(self, kid: str) -> Any:
        key = self._keys.get(kid)
        if key is None:
            await self._refresh()
            key = self._keys.get(kid)
        return key

    async def verify(self, token: str) -> Principal:
        hit = self._verified.get(token)
        if hit is not None:
            if self._clock() < hit[0]:
                self._verified.move_to_end(token)
                return hit[1]
            del self._verified[token]
        principal, exp = await self._verify(token)
        if self.cache_size > 0:
            self._verified[token] = (exp, principal)
            if len(self._verified) > self.cache_size:
                self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized(_INVALID, code="invalid_token") from None
        kid = header.get("kid")
        if header.get("alg") not in self.ALGORITHMS or not isinstance(kid, str):
            raise Unauthorized(_INVALID, code="invalid_token")
        key = await self._key(kid)
        if key is None:
            raise Unauthorized(_INVALID, code="invalid_token")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(self.ALGORITHMS),
                audience=self.audience,
                issuer=self.issuer,
                leeway=5,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError:
            raise Unauthorized(_INVALID, code="invalid_token") from None
        perms = claims.get("perms") or []
        roles = claims.get("roles") or []
        if not isinstance(perms, list) or not isinstance(roles, list):
            raise Unauthorized(_INVALID, code="invalid_token")
        principal = Principal(
            subject=str(claims["sub"]),
            roles=tuple(str(r) for r in roles),
            permissions=frozenset(str(p) for p in perms),
            token_id=claims.get("jti"),
            name=claims.get("name"),
            session_id=claims.get("sid"),
            station=claims.get("station"),
        )
        return principal, float(claims["exp"])


def bearer_token(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def current_principal(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    token = bearer_token(request)
    if token is None:
        raise Unauthorized(
            "Authentication required: send 'Authorization: Bearer <token>'.", code="authentication_required"
        )
    verifier: JwtVerifier = request.app.state.verifier
    principal = await verifier.verify(token)
    request.state.principal = principal
    return principal


def require(permission: str) -> Any:
    """Dependency: the caller must hold `permission`; returns the Principal."""
    DECLARED_PERMISSIONS.add(permission)

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        if not principal.has(permission):
            raise Forbidden(
                f"This action needs the permission '{permission}'.",
                code="permission_denied",
                permission=permission,
            )
        return principal

    dependency.__name__ = f"require_{permission.replace(':', '_')}"
    dependency.permission = permission  # type: ignore[attr-defined]
    return Depends(dependency)


def route_permissions(dependant: Any) -> list[str]:
    """The permissions a route's dependency tree requires (FastAPI's `route.dependant`)."""
    found = [p for p in [getattr(dependant.call, "permission", None)] if isinstance(p, str)]
    for sub in dependant.dependencies:
        found.extend(route_permissions(sub))
    return found

"""A service's own identity for background work (ADR 44): a short-lived access token that the auth
service issues to the service itself, carrying only the permissions auth grants that service.

The service proves who it is with a per-service credential, HMAC-SHA256 of the service's name
under the deployment's service secret (`MES_SERVICE_SECRET`), which only auth needs to hold: a
distributed deployment gives each service its own credential (`MES_SERVICE_CREDENTIAL`, printed by
`mes service-credential <service>`), so one service's credential can't be used to be another.
In one process (`mes up`, the tests) without a configured secret, a random one is made at start
and never leaves the process, so auth and the services agree on it for that run only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field

from pydantic import BaseModel

from mes.platform.http import ServiceDirectory
from mes.platform.registry import service_info
from mes.platform.settings import get_settings

_PROCESS_SECRET = secrets.token_urlsafe(32)
# a token is renewed this long before it expires, so a call never carries one about to lapse
_RENEW_BEFORE_S = 60


def service_secret() -> str:
    """The deployment's service secret, or this process's own when none is configured."""
    return get_settings().service_secret.get_secret_value() or _PROCESS_SECRET


def service_credential(service: str, secret: str | None = None) -> str:
    """The credential that proves to auth that the caller is `service` (its registry name)."""
    name = service_info(service).name
    key = (secret if secret is not None else service_secret()).encode()
    return hmac.new(key, f"mes-service:{name}".encode(), hashlib.sha256).hexdigest()


def credential_matches(service: str, presented: str) -> bool:
    return hmac.compare_digest(service_credential(service).encode(), presented.encode())


class _Issued(BaseModel):
    access_token: str
    expires_in: int


@dataclass
class ServiceIdentity:
    """Obtains (and keeps until shortly before it expires) the service's own access token."""

    service: str
    directory: ServiceDirectory
    _token: str | None = field(default=None, repr=False)
    _until: float = 0.0

    def _credential(self) -> str:
        configured = get_settings().service_credential.get_secret_value()
        return configured or service_credential(self.service)

    async def token(self) -> str:
        now = time.monotonic()
        if self._token is None or now >= self._until:
            body = {"service": service_info(self.service).name, "credential": self._credential()}
            resp = await self.directory.client("auth").request(
                "POST", "/api/v1/auth/service-token", json=body
            )
            issued = _Issued.model_validate_json(resp.content)
            self._token = issued.access_token
            self._until = now + max(issued.expires_in - _RENEW_BEFORE_S, 0)
        return self._token

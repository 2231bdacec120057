"""Typed service-to-service HTTP: the same client talks over the network or, embedded, in process."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from mes.platform.errors import DomainError, ServiceUnavailable
from mes.platform.registry import service_info
from mes.platform.tracing import inject

M = TypeVar("M", bound=BaseModel)


# members every problem has; the others (a lot's code, the quantity available...) are the answer's own
_PROBLEM_MEMBERS = frozenset(
    {"type", "title", "status", "detail", "code", "instance", "request_id", "headers"}
)


class RemoteError(DomainError):
    """Another service answered with a problem; its status, code and own members are passed on unchanged."""

    def __init__(self, status: int, code: str, detail: str, title: str, **extra: Any) -> None:
        super().__init__(detail, code=code, **extra)
        self.status = status
        self.title = title


class ServiceClient:
    def __init__(self, target: str, client: httpx.AsyncClient) -> None:
        self.target = target
        self._client = client

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        token: str | None = None,
        idempotency_key: str | None = None,
        request_id: str | None = None,
    ) -> httpx.Response:
        headers: dict[str, str] = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"  # the caller's identity travels on
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if request_id:
            headers["X-Request-ID"] = request_id
        inject(headers)  # the caller's trace goes on (W3C traceparent), when tracing is on
        try:
            resp = await self._client.request(method, path, json=json, params=params, headers=headers)
        except httpx.TimeoutException:
            raise ServiceUnavailable(
                f"The {self.target} service did not answer in time.", code="upstream_timeout"
            ) from None
        except httpx.TransportError:
            raise ServiceUnavailable(
                f"The {self.target} service is unreachable.", code="upstream_unreachable"
            ) from None
        if resp.status_code >= 400:
            try:
                body = resp.json()
            except ValueError:
                body = {}
            if not isinstance(body, dict):
                body = {}
            raise RemoteError(
                resp.status_code,
                str(body.get("code", "upstream_error")),
                str(body.get("detail", f"{self.target} answered {resp.status_code}")),
                str(body.get("title", "Upstream error")),
                **{k: v for k, v in body.items() if k not in _PROBLEM_MEMBERS and k.isidentifier()},
            )
        return resp

    async def get_model(self, path: str, model: type[M], **kw: Any) -> M:
        return model.model_validate_json((await self.request("GET", path, **kw)).content)

    async def post_model(self, path: str, body: BaseModel, model: type[M], **kw: Any) -> M:
        resp = await self.request("POST", path, json=body.model_dump(mode="json"), **kw)
        return model.model_validate_json(resp.content)

    async def get_json(self, path: str, **kw: Any) -> Any:
        return (await self.request("GET", path, **kw)).json()


class ServiceDirectory:
    """Resolves a service name to a client: in process when an ASGI app is given, else by URL."""

    def __init__(
        self,
        *,
        urls: dict[str, str] | None = None,
        asgi_app: Any = None,
        timeout_s: float = 5.0,
    ) -> None:
        self._urls = urls or {}
        self._asgi_app = asgi_app
        self._timeout = timeout_s
        self._clients: dict[str, ServiceClient] = {}

    def base_url(self, service: str) -> str:
        info = service_info(service)
        return self._urls.get(info.name) or self._urls.get(info.package) or f"http://127.0.0.1:{info.port}"

    def client(self, service: str) -> ServiceClient:
        info = service_info(service)
        if info.name not in self._clients:
            if self._asgi_app is not None:
                http = httpx.AsyncClient(
                    # a failing service answers 500 in process as it would over the network,
                    # instead of raising its exception into the calling service's request
                    transport=httpx.ASGITransport(app=self._asgi_app, raise_app_exceptions=False),
                    base_url="http://embedded",
                    timeout=self._timeout,
                )
            else:
                http = httpx.AsyncClient(base_url=self.base_url(info.name), timeout=self._timeout)
            self._clients[info.name] = ServiceClient(info.name, http)
        return self._clients[info.name]

    async def close(self) -> None:
        for c in self._clients.values():
            await c._client.aclose()
        self._clients.clear()

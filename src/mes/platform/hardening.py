"""HTTP hardening every service gets (ADR 22): security headers on each answer, and CORS for
the configured browser origins only (none by default: the UI is served from the API's origin).

Both are plain ASGI middlewares, so they cover every answer, problems and 429s included. A
header the app set itself (the UI's own Content-Security-Policy, a route's Cache-Control) wins.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mes.platform.errors import problem

# API answers are JSON, never a page: nothing may load from them, nobody may frame them
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
# the interactive API documentation is a page that loads its script and styles from a CDN
DOCS_CSP = b"frame-ancestors 'none'"
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
NO_STORE = b"no-store"
_SAFE = frozenset({"GET", "HEAD"})


class SecurityHeaders:
    """nosniff, no framing, no referrer and a strict CSP on every answer; `Cache-Control:
    no-store` on every answer to a request that carried credentials (Authorization, Cookie) or
    that changes something, so no shared or browser cache keeps a user's data or a token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = scope["method"] not in _SAFE or any(
            name in (b"authorization", b"cookie") for name, _ in scope["headers"]
        )
        path: str = scope["path"]
        csp = DOCS_CSP if path.endswith("/docs") or path.endswith("/docs/oauth2-redirect") else API_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*SECURITY_HEADERS, (b"content-security-policy", csp)]
                if private:
                    extra.append((b"cache-control", NO_STORE))
                headers += [(n, v) for n, v in extra if n not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# what a browser on an allowed origin may send and read
CORS_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE"
CORS_ALLOW_HEADERS = frozenset(
    {"authorization", "content-type", "idempotency-key", "x-request-id", "traceparent", "tracestate"}
)
CORS_EXPOSE_HEADERS = "Location, Retry-After, RateLimit, RateLimit-Policy, X-Request-ID"


class Cors:
    """CORS for the configured origins (exact `scheme://host[:port]` strings).

    A preflight (OPTIONS with Origin and Access-Control-Request-Method) from an allowed origin
    is answered 204 with the allow headers; from any other origin, or asking for a method or
    header the API doesn't take, it is refused with 403 problem+json and no allow header. An
    ordinary request from an allowed origin gets Access-Control-Allow-Origin on its answer; from
    another origin it is served without (the browser then withholds the answer from the page).
    No credentials mode: the API takes bearer tokens, never cookies."""

    def __init__(self, app: ASGIApp, *, origins: Iterable[str], max_age_s: int = 600) -> None:
        self.app = app
        self.origins = frozenset(o.rstrip("/") for o in origins)
        self.max_age = str(max_age_s).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name: value for name, value in scope["headers"]}
        origin = headers.get(b"origin", b"").decode("latin-1")
        requested = headers.get(b"access-control-request-method")
        if scope["method"] == "OPTIONS" and origin and requested is not None:
            await self._preflight(origin, requested, headers, scope, receive, send)
            return
        if not origin or origin not in self.origins:
            await self.app(scope, receive, send)
            return

        async def send_allowed(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                vary = [v for n, v in headers if n.lower() == b"vary"]
                message["headers"] = [
                    *[(n, v) for n, v in headers if n.lower() != b"vary"],
                    (b"access-control-allow-origin", origin.encode()),
                    (b"access-control-expose-headers", CORS_EXPOSE_HEADERS.encode()),
                    (b"vary", b", ".join([*vary, b"Origin"])),
                ]
            await send(message)

        await self.app(scope, receive, send_allowed)

    async def _preflight(
        self,
        origin: str,
        requested: bytes,
        headers: dict[bytes, bytes],
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        method = requested.decode("latin-1").strip().upper()
        asked = {
            h.strip().lower()
            for h in headers.get(b"access-control-request-headers", b"").decode("latin-1").split(",")
            if h.strip()
        }
        refusal = None
        if origin not in self.origins:
            refusal = f"The origin {origin} may not call this API from a browser."
        elif method not in CORS_METHODS.split(", "):
            refusal = f"{method} is not a method this API takes from a browser."
        elif not asked <= CORS_ALLOW_HEADERS:
            refusal = f"Headers not allowed from a browser: {', '.join(sorted(asked - CORS_ALLOW_HEADERS))}."
        if refusal is not None:
            await problem(403, "cors_refused", refusal, instance=scope["path"], headers={"Vary": "Origin"})(
                scope, receive, send
            )
            return
        await send(
            {
                "type": "http.response.start",
                "status": 204,
                "headers": [
                    (b"access-control-allow-origin", origin.encode()),
                    (b"access-control-allow-methods", CORS_METHODS.encode()),
                    (b"access-control-allow-headers", ", ".join(sorted(CORS_ALLOW_HEADERS)).encode()),
                    (b"access-control-max-age", self.max_age),
                    (b"vary", b"Origin"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

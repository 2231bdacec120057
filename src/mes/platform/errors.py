"""Domain errors and their RFC 9457 problem+json rendering; no request ever ends in a bare 500."""

from __future__ import annotations

import json
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://mes.example.org/problems/"

log = structlog.get_logger("mes.errors")
DEFAULT_RETRY_AFTER_S = 5


def a_an(word: str) -> str:
    """'an area', 'a work center': a state or level name with its article, as a message reads."""
    text = word.replace("_", " ")
    return ("an " if text[:1].lower() in "aeiou" else "a ") + text


class DomainError(Exception):
    """Base of every error a service raises on purpose; `code` is stable, clients branch on it."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"
    # a refusal whose record must stay (a failed sign-in's audit entry, a lockout): the unit of
    # work commits before the error is answered, instead of rolling back
    keeps_changes: bool = False

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.extra = extra


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class Unauthorized(DomainError):
    status, code, title = 401, "unauthorized", "Unauthorized"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Forbidden"


class Unprocessable(DomainError):
    status, code, title = 422, "unprocessable", "Unprocessable content"


class ServiceUnavailable(DomainError):
    status, code, title = 503, "service_unavailable", "Service unavailable"


class TooManyAttempts(DomainError):
    """Refused until `retry_after_s` has passed (answered with a Retry-After header)."""

    status, code, title = 429, "too_many_attempts", "Too many attempts"

    def __init__(self, detail: str, *, retry_after_s: int, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail, code=code, retry_after_s=retry_after_s, **extra)
        self.retry_after_s = retry_after_s


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return Response(
        json.dumps(body, default=str), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _request_id(request: Request) -> str | None:
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else None


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append({"field": ".".join(loc), "message": err.get("msg", ""), "type": err.get("type", "")})
    return out


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after_s)}
    elif exc.status in (429, 503):  # e.g. another service's answer, passed on: so is its Retry-After
        retry = exc.extra.get("retry_after_s")
        headers = {"Retry-After": str(retry if isinstance(retry, int) else DEFAULT_RETRY_AFTER_S)}
    return problem(
        exc.status,
        exc.code,
        exc.detail,
        title=exc.title,
        instance=request.url.path,
        headers=headers,
        request_id=_request_id(request),
        **exc.extra,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(
            400,
            "malformed_json",
            "The request body is not valid JSON.",
            instance=request.url.path,
            request_id=_request_id(request),
        )
    return problem(
        422,
        "validation_failed",
        "The request has invalid fields; see errors.",
        instance=request.url.path,
        request_id=_request_id(request),
        errors=_field_errors(exc),
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = _CODES.get(status, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(status, "Error")
    if status == 404 and detail == "Not Found":
        detail = f"No such resource: {request.method} {request.url.path}"
    elif status == 400 and detail == "There was an error parsing the body":
        # FastAPI's answer to a body it can't decode at all (e.g. not UTF-8)
        code, detail = "malformed_json", "The request body is not valid JSON."
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return problem(
        status,
        code,
        detail,
        instance=request.url.path,
        headers=dict(exc.headers) if exc.headers else None,
        request_id=_request_id(request),
    )


async def unexpected_error(request: Request, exc: Exception) -> Response:
    rid = _request_id(request)
    log.error("unhandled_exception", request_id=rid, path=request.url.path, exc_info=exc)
    return problem(
        500,
        "internal_error",
        "An unexpected error occurred; it has been logged with the request id.",
        instance=request.url.path,
        request_id=rid,
    )


def database_unavailable_problem(
    instance: str | None, request_id: str | None, retry_after_s: int = DEFAULT_RETRY_AFTER_S
) -> Response:
    """The answer while the database is away or too slow (ADR 22): 503 with Retry-After, never 500."""
    return problem(
        503,
        "database_unavailable",
        "The service's database is unreachable or too slow at the moment; try again shortly.",
        instance=instance,
        headers={"Retry-After": str(retry_after_s)},
        request_id=request_id,
        retry_after_s=retry_after_s,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, unexpected_error)

"""Wiring a service: the FastAPI app, its runtime (database, bus, relay, consumers) and the embedded root."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from prometheus_client import Counter, Histogram
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mes.platform.audit_routes import audit_router
from mes.platform.auth import JwtVerifier, route_permissions
from mes.platform.bus import Bus, make_bus
from mes.platform.db import Database, Deadlines, database_unavailable
from mes.platform.dead_letters import dead_letter_router, record_dead_letter
from mes.platform.errors import (
    database_unavailable_problem,
    install_error_handlers,
    problem,
    unexpected_error,
)
from mes.platform.events import Envelope, Event, claim_inbox, utcnow
from mes.platform.hardening import Cors, SecurityHeaders
from mes.platform.http import ServiceDirectory
from mes.platform.limits import MemoryStrikes, Strikes, make_strikes
from mes.platform.migrations import migrate
from mes.platform.observability import (
    RequestMiddleware,
    metrics_response,
)
from mes.platform.ratelimit import RateLimitMiddleware, RateLimits, make_limiter
from mes.platform.registry import ServiceInfo
from mes.platform.relay import OutboxRelay
from mes.platform.settings import Settings
from mes.platform.tracing import TracingMiddleware, span
from mes.platform.workers import Periodic, WorkerFactory

EventHandler = Callable[[AsyncSession, Any], Awaitable[None]]
E = TypeVar("E", bound=Event)
EVENTS_CONSUMED = Counter(
    "mes_events_consumed_total", "Events received by a consumer group", ["service", "topic", "outcome"]
)
EVENT_LAG = Histogram(
    "mes_event_lag_seconds",
    "From an event's occurrence to its handling by a consumer group",
    ["service", "topic"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600),
)
log = structlog.get_logger("mes.consumer")


def on(
    event: type[E], handler: Callable[[AsyncSession, E], Awaitable[None]]
) -> tuple[type[Event], EventHandler]:
    """One entry of a service's handler registry, type-checked: the handler takes that event class
    (or a base of it). The result names no E, so mypy infers E from the two arguments only."""
    return event, handler


def handlers(*entries: tuple[type[Event], EventHandler]) -> dict[type[Event], EventHandler]:
    """A service's handler registry: `handlers(on(LotHoldRequested, hold_lot), ...)`, one per event."""
    registry = dict(entries)
    if len(registry) != len(entries):
        raise TypeError("an event class is registered twice")
    return registry


def inbox_name(event: type[Event]) -> str:
    """The stable name a handler's deliveries are remembered under in the inbox: the topic it is
    registered for (a service has one handler per event), never the function's name (ADR 20)."""
    return event.topic


_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
# statuses any operation may answer; documented so clients (and schemathesis) know them
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed request", **_PROBLEM},
    404: {"description": "Not found", **_PROBLEM},
    413: {"description": "Body too large", **_PROBLEM},
    422: {"description": "Invalid fields", **_PROBLEM},
    # ADR 22: any operation may be refused for the client's request rate, or while the database is away
    429: {"description": "Too many requests: see Retry-After and the RateLimit fields", **_PROBLEM},
    503: {
        "description": "Unavailable for now (the database is away or too slow): see Retry-After",
        **_PROBLEM,
    },
}
PROTECTED_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or invalid token", **_PROBLEM},
    403: {"description": "Missing permission", **_PROBLEM},
}


@dataclass(frozen=True)
class ServiceSpec:
    info: ServiceInfo
    description: str
    migrations: Path
    routers: Sequence[APIRouter] = ()
    handlers: Mapping[type[Event], EventHandler] = field(default_factory=dict)
    # background loops (periodic checks) started beside the service, embedded or standalone
    workers: Sequence[WorkerFactory] = ()


class ServiceRuntime:
    """What a running service holds: started by its own lifespan, or by the embedded root."""

    def __init__(
        self,
        spec: ServiceSpec,
        db: Database,
        bus: Bus,
        *,
        relay: bool = True,
        relay_poll_s: float = 0.5,
        relay_batch: int = 500,
        handler_attempts: int = 5,
        handler_retry_s: float = 0.2,
    ) -> None:
        self.spec = spec
        self.db = db
        self.bus = bus
        self.relay = (
            OutboxRelay(db, bus, service=spec.info.name, batch=relay_batch, poll_s=relay_poll_s)
            if relay
            else None
        )
        self.workers = [make(db) for make in spec.workers]
        self.handler_attempts = max(1, handler_attempts)
        self.handler_retry_s = handler_retry_s
        self._by_topic = {cls.topic: (cls, fn) for cls, fn in spec.handlers.items()}

    async def handle_once(self, env: Envelope) -> bool:
        """Runs the event's handler in one transaction with its inbox claim; False for a duplicate."""
        cls, fn = self._by_topic[env.topic]
        event = cls.model_validate_json(env.payload)
        # the handler's span continues the trace of the request that recorded the event
        with span(
            f"consume {env.topic}",
            env.headers,
            kind="consumer",
            **{"mes.service": self.spec.info.name, "messaging.message.id": env.event_id},
        ):
            async with self.db.transaction() as session:
                first = await claim_inbox(session, env.event_id, inbox_name(cls))
                if first:
                    await fn(session, event)
        if first:
            lag = (utcnow() - event.occurred_at).total_seconds()
            EVENT_LAG.labels(self.spec.info.name, env.topic).observe(max(lag, 0.0))
        return first

    def consumer(self) -> Callable[[Envelope], Awaitable[None]]:
        """The service's consumer: a handler that fails is retried with backoff, then its event is
        set aside as a dead letter, so one bad event or handler never stops the others. Only when
        even the dead letter can't be written (the database is away) does the bus redeliver."""
        name = self.spec.info.name

        async def consume(env: Envelope) -> None:
            if env.topic not in self._by_topic:
                return
            error: BaseException | None = None
            for attempt in range(1, self.handler_attempts + 1):
                try:
                    first = await self.handle_once(env)
                except asyncio.CancelledError:
                    raise
                except Exception as e:
                    error = e
                    log.warning(
                        "event_handler_failed",
                        service=name,
                        topic=env.topic,
                        event_id=env.event_id,
                        attempt=attempt,
                        error=str(e),
                    )
                    if attempt < self.handler_attempts:
                        await asyncio.sleep(self.handler_retry_s * 2 ** (attempt - 1))
                    continue
                EVENTS_CONSUMED.labels(name, env.topic, "handled" if first else "duplicate").inc()
                return
            assert error is not None
            await record_dead_letter(
                self.db, env, inbox_name(self._by_topic[env.topic][0]), error, self.handler_attempts
            )
            EVENTS_CONSUMED.labels(name, env.topic, "dead_letter").inc()
            log.error(
                "event_dead_lettered", service=name, topic=env.topic, event_id=env.event_id, error=str(error)
            )

        return consume

    async def start(self) -> None:
        if self.spec.handlers:
            topics = [cls.topic for cls in self.spec.handlers]
            await self.bus.subscribe(self.spec.info.name, topics, self.consumer())
        if self.relay is not None:
            self.relay.start()
        for worker in self.workers:
            worker.start()

    async def stop(self) -> None:
        for worker in self.workers:
            await worker.stop()
        if self.relay is not None:
            await self.relay.stop()


def make_runtime(spec: ServiceSpec, db: Database, bus: Bus, settings: Settings) -> ServiceRuntime:
    """A service's runtime as configured (the same under `mes up` and `mes serve`)."""
    return ServiceRuntime(
        spec,
        db,
        bus,
        relay_poll_s=settings.relay_poll_s,
        relay_batch=settings.relay_batch,
        handler_attempts=settings.handler_attempts,
        handler_retry_s=settings.handler_retry_s,
    )


def make_verifier(settings: Settings, directory: ServiceDirectory) -> JwtVerifier:
    if settings.jwks_url:
        url = settings.jwks_url

        async def fetch() -> dict[str, Any]:
            async with httpx.AsyncClient(timeout=settings.http_timeout_s) as client:
                resp = await client.get(url)
                resp.raise_for_status()
                data: dict[str, Any] = resp.json()
                return data
    else:

        async def fetch() -> dict[str, Any]:
            data: dict[str, Any] = await directory.client("auth").get_json(
                "/api/v1/auth/.well-known/jwks.json"
            )
            return data

    return JwtVerifier(fetch, issuer=settings.jwt_issuer, audience=settings.jwt_audience)


def build_service_app(spec: ServiceSpec, settings: Settings, *, lifespan: Any = None) -> FastAPI:
    """The service's FastAPI app; `app.state` (db, bus, runtime, verifier, directory) is filled by the caller."""
    info = spec.info
    app = FastAPI(
        title=f"MES {info.name} service",
        description=spec.description,
        version="0.1.0",
        openapi_url=f"{info.api_root}/openapi.json",
        docs_url=f"{info.api_root}/docs",
        redoc_url=None,
        responses=COMMON_RESPONSES,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    install_database_unavailable(app, settings.unavailable_retry_after_s)
    app.add_middleware(RateLimitMiddleware, service=info.name)
    app.add_middleware(
        RequestMiddleware,
        service=info.name,
        max_body_bytes=settings.max_body_bytes,
        retry_after_s=settings.unavailable_retry_after_s,
    )

    ops = APIRouter(tags=["operations"])

    @ops.get("/health", summary="Liveness")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": info.name}

    @ops.get(
        "/ready",
        summary="Readiness: database and bus reachable",
        responses={503: {"description": "Not ready", **_PROBLEM}},
    )
    async def ready(request: Request) -> Response:
        return await readiness(request.app.state.db, request.app.state.bus, info.name)

    @ops.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics() -> Response:
        return metrics_response()

    app.include_router(ops, prefix=info.api_root)
    app.include_router(ops, include_in_schema=False)
    for platform_routes in (dead_letter_router(), audit_router(info)):
        _show_permissions(platform_routes)
        app.include_router(platform_routes, prefix=info.api_root, responses=PROTECTED_RESPONSES)
    for router in spec.routers:
        _show_permissions(router)
        app.include_router(router, prefix=info.api_root)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_openapi(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(CreatedLocation)
    # outermost last: every answer, a preflight's, a 429 or a 503 included, gets the headers
    app.add_middleware(TracingMiddleware, service=info.name)
    app.add_middleware(Cors, origins=settings.cors_origins, max_age_s=settings.cors_max_age_s)
    app.add_middleware(SecurityHeaders)
    return app


def install_database_unavailable(app: FastAPI, retry_after_s: int) -> None:
    """A request that meets the database away or too slow is answered 503 with Retry-After."""
    import asyncpg
    from sqlalchemy import exc as sa_exc

    async def answer(request: Request, exc: Exception) -> Response:
        if not database_unavailable(exc):
            return await unexpected_error(request, exc)
        rid = getattr(request.state, "request_id", None)
        log.warning("database_unavailable", path=request.url.path, request_id=rid, error=repr(exc)[:500])
        return database_unavailable_problem(request.url.path, rid, retry_after_s)

    for cls in (
        sa_exc.DBAPIError,
        sa_exc.TimeoutError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        OSError,
    ):
        app.add_exception_handler(cls, answer)


BEARER_SCHEME: dict[str, Any] = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "An access token from POST /api/v1/auth/login (or an API key's, or a station's)",
}


@dataclass(frozen=True)
class Created:
    """A POST answering 201 whose new resource is read back at `read` (a path template) with
    the answer's member `key`: POST /lots (or /lots/produce) answering a lot whose `code` is
    read back at GET /lots/{code}."""

    post: str
    read: str
    key: str


def created_resources(doc: dict[str, Any]) -> list[Created]:
    """Found in the OpenAPI document itself: the paths there are the ones served."""
    paths: dict[str, Any] = doc.get("paths", {})
    schemas: dict[str, Any] = doc.get("components", {}).get("schemas", {})
    found = []
    for path, item in paths.items():
        answer = item.get("post", {}).get("responses", {}).get("201", {})
        ref = answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        members = schemas.get(ref.rpartition("/")[2], {}).get("properties", {})
        head, _, last = path.rpartition("/")
        bases = [path] if last.startswith("{") else [path, head]  # an action beside: /lots/produce
        for base in bases:
            if "{" in base:
                continue
            key = next((k for k in members if "get" in paths.get(f"{base}/{{{k}}}", {})), None)
            if key is not None:
                found.append(Created(path, f"{base}/{{{key}}}", key))
                break
    return found


def describe_openapi(doc: dict[str, Any]) -> dict[str, Any]:
    """What tools need beyond FastAPI's document: the bearer scheme and which operations need it,
    the Location header of 201 answers, and links from a created resource to what acts on it
    (so stateful fuzzing can walk from POST /orders to GET and POST /orders/{number}/...)."""
    doc.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = BEARER_SCHEME
    paths: dict[str, Any] = doc.get("paths", {})
    for item in paths.values():
        for op in item.values():
            # public operations say `security: []` themselves; protected ones answer 403
            if (
                isinstance(op, dict)
                and "security" not in op
                and ("x-permission" in op or "403" in op["responses"])
            ):
                op["security"] = [{"bearer": []}]
    for c in created_resources(doc):
        links = {}
        for path, item in paths.items():
            if (path == c.read or path.startswith(c.read + "/")) and path.count("{") == 1:
                for op in item.values():
                    if isinstance(op, dict) and "operationId" in op:
                        links[op["operationId"]] = {
                            "operationId": op["operationId"],
                            "parameters": {c.key: f"$response.body#/{c.key}"},
                        }
        answer = paths[c.post]["post"]["responses"]["201"]
        answer.setdefault("headers", {})["Location"] = {
            "description": f"The new resource's URL: {c.read}",
            "schema": {"type": "string"},
        }
        answer["links"] = links
    return doc


class CreatedLocation:
    """A 201 answer gets a Location header: the created resource's own URL (RFC 9110 15.3.2).
    Which answers, and where their resource is read, comes from the service's OpenAPI document."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._rules: list[tuple[re.Pattern[str], Created]] | None = None

    def rules(self, scope: Scope) -> list[tuple[re.Pattern[str], Created]]:
        if self._rules is None:
            doc = scope["app"].openapi()
            self._rules = [
                (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(c.post)) + "$"), c)
                for c in created_resources(doc)
            ]
        return self._rules

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def send_located(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 201:
                held.append(message)  # until the body tells the new resource's key
                return
            if held and message["type"] == "http.response.body":
                start = held.pop()
                location = None
                if not message.get("more_body", False):
                    location = self._location(scope, message.get("body", b""))
                if location is not None:
                    start["headers"] = [*start.get("headers", []), (b"location", location.encode())]
                await send(start)
            await send(message)

        await self.app(scope, receive, send_located)

    def _location(self, scope: Scope, body: bytes) -> str | None:
        rule = next((c for pattern, c in self.rules(scope) if pattern.match(scope["path"])), None)
        if rule is None:
            return None
        try:
            value = json.loads(body).get(rule.key)
        except (ValueError, AttributeError):
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        return rule.read.replace("{" + rule.key + "}", quote(str(value), safe=""))


def _show_permissions(router: APIRouter) -> None:
    """Each operation's permission goes into the OpenAPI document as `x-permission`, for clients,
    the UI's menus and the test that walks every route with every role."""
    for route in router.routes:
        nested = getattr(route, "original_router", None)  # a router included into this one
        if isinstance(nested, APIRouter):
            _show_permissions(nested)
        if isinstance(route, APIRoute):
            permissions = route_permissions(route.dependant)
            if permissions:
                route.openapi_extra = {**(route.openapi_extra or {}), "x-permission": permissions[0]}


async def readiness(db: Database, bus: Bus, name: str) -> Response:
    checks: dict[str, str] = {}
    try:
        await db.ping()
        checks["database"] = "ok"
    except Exception as e:
        checks["database"] = f"failed: {type(e).__name__}"
    try:
        await bus.ping()
        checks["bus"] = "ok"
    except Exception as e:
        checks["bus"] = f"failed: {type(e).__name__}"
    if all(v == "ok" for v in checks.values()):
        return JSONResponse({"status": "ready", "service": name, "checks": checks})
    return problem(503, "not_ready", f"{name} is not ready: {checks}", checks=checks)


def attach(
    app: FastAPI,
    runtime: ServiceRuntime,
    directory: ServiceDirectory,
    verifier: JwtVerifier,
    strikes: Strikes | None = None,
    rate_limits: RateLimits | None = None,
) -> None:
    """Fills the app's state. Without `rate_limits` requests aren't limited (the test harness)."""
    app.state.db = runtime.db
    app.state.strikes = strikes or MemoryStrikes()
    app.state.rate_limits = rate_limits
    app.state.bus = runtime.bus
    app.state.runtime = runtime
    app.state.directory = directory
    app.state.verifier = verifier
    app.state.service = runtime.spec.info
    for worker in runtime.workers:
        if isinstance(worker, Periodic):
            worker.directory = directory


def create_standalone_app(spec: ServiceSpec, settings: Settings) -> FastAPI:
    """`mes serve <service>`: one service, its own database, the configured bus."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = settings.database_url_for(spec.info)
        if settings.migrate_on_start:
            await migrate(url, spec.migrations)
        db = Database.from_url(
            url,
            service=spec.info.name,
            pool_size=settings.db_pool_size,
            deadlines=Deadlines.from_settings(settings),
        )
        bus = make_bus(settings.bus_url, stream=settings.bus_stream, retention_s=settings.bus_retention_s)
        await bus.connect()
        directory = ServiceDirectory(urls=settings.service_urls, timeout_s=settings.http_timeout_s)
        runtime = make_runtime(spec, db, bus, settings)
        strikes = make_strikes(settings.redis_url, settings.redis_prefix)
        limiter = make_limiter(settings.redis_url, settings.redis_prefix)
        limits = RateLimits.from_settings(limiter, settings)
        attach(app, runtime, directory, make_verifier(settings, directory), strikes, limits)
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()
            await strikes.close()
            await limiter.close()
            await bus.close()
            await directory.close()
            await db.dispose()

    return build_service_app(spec, settings, lifespan=lifespan)


class PrefixDispatcher:
    """Embedded mode: routes /api/v1/<prefix>/... to that service's app, everything else to `root`."""

    def __init__(self, root: ASGIApp) -> None:
        self.root = root
        self.services: list[tuple[str, ASGIApp]] = []

    def add(self, api_root: str, app: ASGIApp) -> None:
        self.services.append((api_root, app))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path: str = scope["path"]
            for prefix, app in self.services:
                if path == prefix or path.startswith(prefix + "/"):
                    await app(scope, receive, send)
                    return
        await self.root(scope, receive, send)

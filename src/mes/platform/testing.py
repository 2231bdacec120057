"""Pytest plugin: real PostgreSQL databases per service, rolled-back tests, tokens, NATS and Kafka servers.

Tests talk to the services through their HTTP API (in process, over ASGI) and their events.
Each test runs inside one transaction per service database that is rolled back at the end.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from mes.platform.app import PrefixDispatcher, ServiceRuntime, ServiceSpec, attach, build_service_app
from mes.platform.auth import JwtVerifier
from mes.platform.bus import InProcessBus
from mes.platform.db import Database
from mes.platform.events import Event, record_event
from mes.platform.http import ServiceClient, ServiceDirectory
from mes.platform.migrations import migrate
from mes.platform.settings import Settings
from mes.platform.testservers import (
    KafkaServer,
    NatsServer,
    ServeProcess,
    free_port,
    kafka_server,
    nats_server,
    recreate_database,
    redis_url,
    scratch_databases,
    server_url,
    wait_until,
    worker_suffix,
)

# the plugin's fixtures and helpers, importable from one place
__all__ = [
    "AuthHarness",
    "Databases",
    "Harness",
    "KafkaServer",
    "NatsServer",
    "RemoteCall",
    "RowLockWatch",
    "ServeProcess",
    "TestKeys",
    "auth_harness",
    "bearer",
    "free_port",
    "harness",
    "jwks_url",
    "kafka_server",
    "migrated_database",
    "nats_server",
    "recreate_database",
    "redis_url",
    "row_lock_watch",
    "scratch_databases",
    "server_url",
    "service_databases",
    "test_keys",
    "wait_until",
    "worker_suffix",
]

ISSUER = "mes-auth"
AUDIENCE = "mes"


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


def serve_jwks(keys: TestKeys) -> tuple[str, Callable[[], None]]:
    """The keys' JWKS over real HTTP (a thread), as the auth service publishes it: (URL, stop)."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = json.dumps(keys.jwks()).encode()

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
    return f"http://127.0.0.1:{server.server_address[1]}/jwks.json", server.shutdown


@pytest.fixture(scope="session")
def jwks_url(test_keys: TestKeys) -> Iterator[str]:
    """The test key's JWKS for server processes."""
    url, stop = serve_jwks(test_keys)
    yield url
    stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------- PostgreSQL


async def migrated_database(server: str, name: str, spec: ServiceSpec) -> str:
    url = await recreate_database(server, name)
    await migrate(url, spec.migrations)
    return url


# ---------------------------------------------------------------- the in-process harness


H = TypeVar("H", bound="Harness")


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

    async def enrol(self, *usernames: str) -> None:
        """Auth users of these names, as a resource person must be one (their password is unused)."""
        writer = self.auth("auth:user:write")
        for username in usernames:
            body = {"username": username, "display_name": username, "password": "harness-user-2026-pass"}
            r = await self.client.post("/api/v1/auth/users", json=body, headers=writer)
            assert r.status_code in (201, 409), r.text

    async def publish(self, event: Event) -> int:
        """Publishes `event` as its producing service would (its outbox, then the bus), and
        delivers everything pending; returns how many events were delivered."""
        from mes.platform.registry import service_info

        producer = service_info(event.topic.split(".", 1)[0]).name
        async with self.db(producer).transaction() as session:
            await record_event(session, event)
        return await self.deliver()

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


@asynccontextmanager
async def _harness(
    cls: type[H], dbs: Databases, keys: TestKeys, verifier: Callable[[ServiceDirectory], JwtVerifier]
) -> AsyncIterator[H]:
    """Every service in process, each in a transaction rolled back at the end."""
    from mes.services import all_specs

    settings = Settings(jwks_url="")
    bus = InProcessBus()
    dispatcher = PrefixDispatcher(root=_not_found_app)
    directory = ServiceDirectory(asgi_app=dispatcher)
    verify = verifier(directory)
    runtimes: dict[str, ServiceRuntime] = {}
    conns = []
    for spec in all_specs():
        conn = await dbs.engines[spec.info.name].connect()
        await conn.begin()
        conns.append(conn)
        db = Database(dbs.engines[spec.info.name], service=spec.info.name, bind=conn)
        app = build_service_app(spec, settings)
        # a failing handler is retried at once, then dead-lettered: tests never wait on backoff
        runtime = ServiceRuntime(spec, db, bus, handler_attempts=2, handler_retry_s=0)
        attach(app, runtime, directory, verify)
        runtimes[spec.info.name] = runtime
        dispatcher.add(spec.info.api_root, app)
        if spec.handlers:
            await bus.subscribe(spec.info.name, [c.topic for c in spec.handlers], runtime.consumer())
    h = cls(runtimes, dispatcher, keys)
    try:
        yield h
    finally:
        await h.client.aclose()
        await directory.close()
        for conn in conns:
            await conn.rollback()
            await conn.close()


@pytest.fixture
async def harness(service_databases: Databases, test_keys: TestKeys) -> AsyncIterator[Harness]:
    """Services that accept tokens signed with the tests' own key (`harness.auth(*perms)`)."""
    async with _harness(Harness, service_databases, test_keys, lambda _: test_keys.verifier()) as h:
        yield h


class AuthHarness(Harness):
    """A Harness whose services verify tokens from the auth service's own JWKS, as in production."""

    async def login(self, username: str, password: str) -> dict[str, str]:
        """Bearer headers with an access token the auth service issued."""
        r = await self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return bearer(r.json()["access_token"])


def _auth_service_verifier(directory: ServiceDirectory) -> JwtVerifier:
    from mes.platform.app import make_verifier

    verifier = make_verifier(Settings(jwks_url=""), directory)
    verifier.min_refresh_s = 0  # a test rotates keys and uses the new kid at once
    return verifier


@pytest.fixture
async def auth_harness(service_databases: Databases, test_keys: TestKeys) -> AsyncIterator[AuthHarness]:
    """Like `harness`, but the verifier fetches the JWKS from the auth app through the service
    directory, so only tokens the auth service issued are accepted."""
    async with _harness(AuthHarness, service_databases, test_keys, _auth_service_verifier) as h:
        yield h


def _test_and_auth_keys(keys: TestKeys) -> Callable[[ServiceDirectory], JwtVerifier]:
    def make(directory: ServiceDirectory) -> JwtVerifier:
        async def fetch() -> dict[str, Any]:
            issued = await directory.client("auth").get_json("/api/v1/auth/.well-known/jwks.json")
            return {"keys": [*keys.jwks()["keys"], *issued["keys"]]}

        return JwtVerifier(fetch, issuer=ISSUER, audience=AUDIENCE, min_refresh_s=0)

    return make


@pytest.fixture
async def service_harness(service_databases: Databases, test_keys: TestKeys) -> AsyncIterator[Harness]:
    """Like `harness`, but the services also accept the tokens the auth service issues, such as
    a service's own token for background work (ADR 44)."""
    async with _harness(Harness, service_databases, test_keys, _test_and_auth_keys(test_keys)) as h:
        yield h


async def _not_found_app(scope: Any, receive: Any, send: Any) -> None:
    from mes.platform.errors import problem

    await problem(404, "not_found", f"No such resource: {scope.get('path')}")(scope, receive, send)


# ---------------------------------------------------------------- no remote call under a row lock


@dataclass(frozen=True)
class RemoteCall:
    """One call to another service, with the row locks the transactions in flight held then."""

    target: str
    method: str
    path: str
    locks: tuple[str, ...]


_LOCKING_CLAUSES = ("FOR UPDATE", "FOR NO KEY UPDATE", "FOR SHARE", "FOR KEY SHARE")


def _locking_sql(sql: str) -> str | None:
    """What a textual statement locks rows with, if it does."""
    upper = " ".join(sql.split()).upper()
    if upper.startswith(("UPDATE ", "DELETE ")):
        return upper.split(" ", 1)[0]
    return next((c for c in _LOCKING_CLAUSES if c in upper), None)


class RowLockWatch:
    """Test hook (ADR 35): which sessions hold row locks now, and every `ServiceClient` call made
    while one did. A session holds a row lock from a `SELECT ... FOR UPDATE` (or `FOR SHARE`),
    an `UPDATE` or `DELETE` statement, or a flush that changed or deleted a row, until its
    transaction ends. In process every service's sessions are watched, so a call made anywhere in
    a chain of in-flight requests sees the locks of the whole chain."""

    def __init__(self) -> None:
        self.held: dict[int, list[str]] = {}
        self.calls: list[RemoteCall] = []

    def _mark(self, session: Session, what: str) -> None:
        self.held.setdefault(id(session), []).append(what)

    def _on_execute(self, state: ORMExecuteState) -> None:
        stmt = state.statement
        if state.is_select and getattr(stmt, "_for_update_arg", None) is not None:
            froms: list[Any] = getattr(stmt, "get_final_froms", list)()
            self._mark(
                state.session, "SELECT FOR UPDATE " + ", ".join(getattr(f, "name", "?") for f in froms)
            )
        elif state.is_update or state.is_delete:
            self._mark(state.session, str(stmt).split("\n", 1)[0][:80])
        elif not state.is_select:
            found = _locking_sql(str(stmt))
            if found:
                self._mark(state.session, f"{found}: {str(stmt)[:80]}")

    def _after_flush(self, session: Session, _: UOWTransaction) -> None:
        changed = [o for o in session.dirty if session.is_modified(o)] + list(session.deleted)
        if changed:
            self._mark(session, f"flushed {type(changed[0]).__name__}")

    def _after_end(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            self.held.pop(id(session), None)

    @property
    def under_lock(self) -> list[RemoteCall]:
        return [c for c in self.calls if c.locks]

    @asynccontextmanager
    async def watching(self) -> AsyncIterator[RowLockWatch]:
        original = ServiceClient.request
        watch = self

        async def request(client: ServiceClient, method: str, path: str, **kw: Any) -> httpx.Response:
            locks = tuple(lock for held in watch.held.values() for lock in held)
            watch.calls.append(RemoteCall(client.target, method, path, locks))
            return await original(client, method, path, **kw)

        listeners = (
            ("do_orm_execute", self._on_execute),
            ("after_flush", self._after_flush),
            ("after_transaction_end", self._after_end),
        )
        for name, fn in listeners:
            event.listen(Session, name, fn)
        ServiceClient.request = request  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            ServiceClient.request = original  # type: ignore[method-assign]
            for name, fn in listeners:
                event.remove(Session, name, fn)


@pytest.fixture
async def row_lock_watch() -> AsyncIterator[RowLockWatch]:
    """Records every call to another service and the row locks held while it was made."""
    async with RowLockWatch().watching() as watch:
        yield watch

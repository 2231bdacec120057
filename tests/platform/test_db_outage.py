"""PostgreSQL away or too slow (issue 19, ADR 22): every request is answered 503 problem+json with
Retry-After (never 500, never a hang), readiness follows, and the service recovers by itself.

The services reach a real PostgreSQL through a small TCP proxy in the test: closing the proxy
(listener shut, every connection reset) is the server going away; opening it again, coming back.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mes.platform.app import ServiceRuntime, attach, build_service_app
from mes.platform.bus import InProcessBus
from mes.platform.db import Database, Deadlines, database_unavailable
from mes.platform.http import ServiceDirectory
from mes.platform.migrations import migrate
from mes.platform.settings import Settings
from mes.platform.testing import TestKeys, bearer, free_port, scratch_databases
from mes.services import load_spec


class PgProxy:
    """Forwards 127.0.0.1:port to the PostgreSQL server (TCP or its unix socket)."""

    def __init__(self, upstream_url: str) -> None:
        u = make_url(upstream_url)
        socket_dir = u.query.get("host")
        self.unix = f"{socket_dir}/.s.PGSQL.{u.port or 5432}" if isinstance(socket_dir, str) else None
        self.host, self.upstream_port = u.host or "127.0.0.1", u.port or 5432
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    def url_for(self, database_url: str) -> str:
        u = make_url(database_url)
        return u.set(host="127.0.0.1", port=self.port, query={}).render_as_string(hide_password=False)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)

    async def stop(self) -> None:
        """The server goes away: no new connection, every open one reset."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if self.unix:
                up_reader, up_writer = await asyncio.open_unix_connection(self.unix)
            else:
                up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._open -= {writer, up_writer}


@dataclass
class Outage:
    proxy: PgProxy
    clients: dict[str, httpx.AsyncClient]
    dbs: dict[str, Database]


DEADLINES = Deadlines(pool_s=1.0, connect_s=2.0, statement_s=5.0)


@pytest.fixture
async def outage(test_keys: TestKeys) -> AsyncIterator[Outage]:
    """The resource and auth services, each on its own scratch database behind one proxy."""
    async with scratch_databases("outage-resource", "outage-auth") as urls:
        proxy = PgProxy(urls["outage-resource"])
        await proxy.start()
        settings = Settings(jwks_url="", unavailable_retry_after_s=7)
        bus = InProcessBus()
        dbs: dict[str, Database] = {}
        clients: dict[str, httpx.AsyncClient] = {}
        directory = ServiceDirectory(urls={})
        for name, label in (("resource", "outage-resource"), ("auth", "outage-auth")):
            spec = load_spec(name)
            await migrate(urls[label], spec.migrations)
            db = Database.from_url(proxy.url_for(urls[label]), service=name, pool_size=3, deadlines=DEADLINES)
            app = build_service_app(spec, settings)
            attach(app, ServiceRuntime(spec, db, bus, relay=False), directory, test_keys.verifier())
            dbs[name] = db
            clients[name] = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                base_url="http://mes.test",
                timeout=30,
            )
        try:
            yield Outage(proxy, clients, dbs)
        finally:
            for c in clients.values():
                await c.aclose()
            await proxy.stop()
            for db in dbs.values():
                await db.dispose()


def unavailable(r: httpx.Response, retry_after: str = "7") -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["retry-after"] == retry_after
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_database_outage_is_503_with_retry_after_and_the_service_recovers_alone(
    outage: Outage, test_keys: TestKeys
) -> None:
    resource, auth = outage.clients["resource"], outage.clients["auth"]
    write = bearer(test_keys.token("resource:equipment:write", "resource:read", "resource:personnel:write"))
    site = {"code": "OUT-SITE", "name": "Outage enterprise", "level": "enterprise"}
    assert (await resource.post("/api/v1/resource/equipment", json=site, headers=write)).status_code == 201
    assert (await resource.get("/ready")).status_code == 200

    await outage.proxy.stop()
    login = {"username": "nobody", "password": "whatever-it-is-123"}
    during = {
        "read": await resource.get("/api/v1/resource/equipment", headers=write),
        "read again": await resource.get("/api/v1/resource/equipment/OUT-SITE", headers=write),
        "command": await resource.post(
            "/api/v1/resource/skills", json={"code": "WELD", "name": "Welding"}, headers=write
        ),
        "sign-in": await auth.post("/api/v1/auth/login", json=login),
    }
    for what, r in during.items():
        unavailable(r)
        assert r.json()["code"] == "database_unavailable", what
    ready = await resource.get("/ready")
    assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("failed")

    await outage.proxy.start()
    # nothing to restart: the next requests find the database again
    back = await resource.get("/api/v1/resource/equipment", headers=write)
    if back.status_code == 503:  # at most one more answer from a connection lost in the outage
        back = await resource.get("/api/v1/resource/equipment", headers=write)
    assert back.status_code == 200, back.text
    assert [e["code"] for e in back.json()["items"]] == ["OUT-SITE"]
    assert (await resource.get("/ready")).status_code == 200
    # the command refused during the outage changed nothing: made now, it is new
    skill = await resource.post(
        "/api/v1/resource/skills", json={"code": "WELD", "name": "Welding"}, headers=write
    )
    assert skill.status_code == 201, skill.text
    assert (await auth.post("/api/v1/auth/login", json=login)).status_code == 401


async def test_an_exhausted_pool_is_503_after_its_deadline_not_a_hang(
    outage: Outage, test_keys: TestKeys
) -> None:
    resource = outage.clients["resource"]
    read = bearer(test_keys.token("resource:read"))
    engine = outage.dbs["resource"].engine
    held = [await engine.connect() for _ in range(3)]  # every pooled connection busy elsewhere
    try:
        for conn in held:
            await conn.execute(text("SELECT 1"))
        started = time.monotonic()
        r = await resource.get("/api/v1/resource/equipment", headers=read)
        waited = time.monotonic() - started
        unavailable(r)
        assert r.json()["code"] == "database_unavailable"
        assert waited >= DEADLINES.pool_s  # it waited for its deadline, then answered
    finally:
        for conn in held:
            await conn.close()
    assert (await resource.get("/api/v1/resource/equipment", headers=read)).status_code == 200


async def test_a_statement_past_its_deadline_counts_as_the_database_unavailable(outage: Outage) -> None:
    slow = Database.from_url(
        outage.dbs["resource"].engine.url.render_as_string(hide_password=False),
        service="resource",
        pool_size=1,
        deadlines=Deadlines(pool_s=1.0, connect_s=2.0, statement_s=0.5),
    )
    try:
        with pytest.raises(Exception) as caught:
            async with slow.transaction() as session:
                await session.execute(text("SELECT pg_sleep(3)"))
        assert database_unavailable(caught.value), repr(caught.value)
    finally:
        await slow.dispose()


def test_a_timeout_that_is_not_the_databases_is_not_taken_for_an_outage() -> None:
    def connector() -> None:
        raise TimeoutError("the OPC UA server did not answer")

    with pytest.raises(TimeoutError) as caught:
        connector()
    assert not database_unavailable(caught.value)


async def test_a_deadlock_is_a_retryable_503_not_a_500(outage: Outage) -> None:
    """Two transactions that lock two rows in opposite orders: PostgreSQL aborts one of them, whole.
    That one is answered 503 with Retry-After (the client's retry with its key is safe), not 500."""
    db = Database.from_url(
        outage.dbs["resource"].engine.url.render_as_string(hide_password=False), service="resource"
    )
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE IF NOT EXISTS deadlock_probe (id int PRIMARY KEY)"))
            await session.execute(text("INSERT INTO deadlock_probe VALUES (1), (2) ON CONFLICT DO NOTHING"))
        both_locked_one = asyncio.Barrier(2)

        async def cross(first: int, second: int) -> None:
            async with db.transaction() as session:
                await session.execute(
                    text("SELECT 1 FROM deadlock_probe WHERE id = :i FOR UPDATE"), {"i": first}
                )
                await both_locked_one.wait()
                await session.execute(
                    text("SELECT 1 FROM deadlock_probe WHERE id = :i FOR UPDATE"), {"i": second}
                )

        outcomes = await asyncio.gather(cross(1, 2), cross(2, 1), return_exceptions=True)
        failed = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(failed) == 1, outcomes  # one aborted by the deadlock detector, the other committed
        assert database_unavailable(failed[0]), repr(failed[0])
        async with db.transaction() as session:
            await session.execute(text("DROP TABLE deadlock_probe"))
    finally:
        await db.dispose()

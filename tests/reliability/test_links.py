"""Slow and broken links (issue 19 §3): a small TCP proxy in the test sits between a service and
PostgreSQL, and between a client or another service and a service's HTTP port, and adds latency,
resets connections, or lets a request through and throws its answer away. No request hangs past
its deadline (the client's own timeout is far longer than the service's deadlines, so a hang fails
the test), the answers are 503 problem+json and never 500, and a command whose answer was lost,
sent again with its Idempotency-Key, gets the original answer with one effect.

The services run in this process (the proxy needs real sockets: resource and material behind uvicorn on
free ports, resource's database behind the proxy); `make reliability` sends ten times the requests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mes.platform.app import ServiceRuntime, attach, build_service_app
from mes.platform.bus import InProcessBus
from mes.platform.db import Database, Deadlines
from mes.platform.http import ServiceDirectory
from mes.platform.migrations import migrate
from mes.platform.settings import Settings
from mes.platform.testing import TestKeys, bearer, free_port, scratch_databases
from mes.services import load_spec

SCALE = int(os.environ.get("MES_RELIABILITY_SCALE", "1"))
CLIENT_TIMEOUT_S = 60.0  # far past every deadline below: reaching it is a hang


@dataclass
class Faults:
    latency_s: float = 0.0  # added before each chunk is passed on, both ways
    refuse: bool = False  # new connections are reset at once
    reset_share: float = 0.0  # each chunk sent upstream resets its connection with this probability
    lose_answers: bool = (
        False  # the request goes through, the first chunk of its answer is dropped and the connection reset
    )
    injected: int = 0  # faults applied, for the figures


@dataclass
class FaultProxy:
    """Forwards 127.0.0.1:port to a TCP address or a unix socket, with the faults set in `faults`."""

    upstream: tuple[str, int] | str
    faults: Faults = field(default_factory=Faults)
    port: int = field(default_factory=free_port)
    seed: int = 19
    _server: asyncio.Server | None = None
    _open: set[asyncio.StreamWriter] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    @classmethod
    def to_postgres(cls, database_url: str) -> FaultProxy:
        u = make_url(database_url)
        socket_dir = u.query.get("host")
        if isinstance(socket_dir, str):
            return cls(f"{socket_dir}/.s.PGSQL.{u.port or 5432}")
        return cls((u.host or "127.0.0.1", u.port or 5432))

    def url_for(self, database_url: str) -> str:
        u = make_url(database_url)
        return u.set(host="127.0.0.1", port=self.port, query={}).render_as_string(hide_password=False)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        f = self.faults
        if f.refuse:
            f.injected += 1
            writer.transport.abort()
            return
        try:
            if isinstance(self.upstream, str):
                up_reader, up_writer = await asyncio.open_unix_connection(self.upstream)
            else:
                up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, up_writer}

        def cut() -> None:
            f.injected += 1
            writer.transport.abort()
            up_writer.transport.abort()

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, answers: bool) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    if f.latency_s:
                        await asyncio.sleep(f.latency_s)
                    if answers and f.lose_answers:  # the server has done the work; its answer is lost
                        cut()
                        return
                    if not answers and f.reset_share and self._random.random() < f.reset_share:
                        cut()
                        return
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        try:
            await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))
        except asyncio.CancelledError:  # the test's event loop ends with this connection open
            writer.transport.abort()
            up_writer.transport.abort()
        self._open -= {writer, up_writer}


@dataclass
class Links:
    db_proxy: FaultProxy  # resource -> PostgreSQL
    http_proxy: FaultProxy  # clients -> resource's HTTP port
    service_proxy: FaultProxy  # work orders -> material's HTTP port
    resource: httpx.AsyncClient  # through http_proxy
    work_orders: httpx.AsyncClient  # in process; reaches material through service_proxy
    db: Database  # resource's database, directly (for the checks)
    write: dict[str, str]


DEADLINES = Deadlines(pool_s=1.0, connect_s=1.0, statement_s=1.0)
HTTP_TIMEOUT_S = 1.0


@pytest.fixture
async def links(test_keys: TestKeys) -> AsyncIterator[Links]:
    async with scratch_databases("links-resource", "links-wo", "links-material") as urls:
        settings = Settings(jwks_url="", unavailable_retry_after_s=3, rate_limits_enabled=False)
        bus = InProcessBus()
        db_proxy = FaultProxy.to_postgres(urls["links-resource"])
        await db_proxy.start()
        resource_spec, wo_spec, material_spec = (
            load_spec(n) for n in ("resource", "work-orders", "material")
        )
        await migrate(urls["links-resource"], resource_spec.migrations)
        await migrate(urls["links-wo"], wo_spec.migrations)
        await migrate(urls["links-material"], material_spec.migrations)
        resource_db = Database.from_url(
            db_proxy.url_for(urls["links-resource"]), service="resource", pool_size=4, deadlines=DEADLINES
        )
        resource_app = build_service_app(resource_spec, settings)
        attach(resource_app, ServiceRuntime(resource_spec, resource_db, bus, relay=False),
               ServiceDirectory(urls={}), test_keys.verifier())  # fmt: skip
        material_db = Database.from_url(urls["links-material"], service="material", pool_size=2)
        material_app = build_service_app(material_spec, settings)
        attach(material_app, ServiceRuntime(material_spec, material_db, bus, relay=False),
               ServiceDirectory(urls={}), test_keys.verifier())  # fmt: skip
        servers = [await _serve(resource_app), await _serve(material_app)]
        http_proxy = FaultProxy(("127.0.0.1", servers[0][0].config.port))
        service_proxy = FaultProxy(("127.0.0.1", servers[1][0].config.port))
        await http_proxy.start()
        await service_proxy.start()
        wo_db = Database.from_url(urls["links-wo"], service="work-orders", pool_size=2, deadlines=DEADLINES)
        wo_app = build_service_app(wo_spec, settings)
        directory = ServiceDirectory(
            urls={"material": f"http://127.0.0.1:{service_proxy.port}"}, timeout_s=HTTP_TIMEOUT_S
        )
        attach(wo_app, ServiceRuntime(wo_spec, wo_db, bus, relay=False), directory, test_keys.verifier())
        check_db = Database.from_url(urls["links-resource"], service="resource", pool_size=1)
        resource = httpx.AsyncClient(base_url=f"http://127.0.0.1:{http_proxy.port}", timeout=CLIENT_TIMEOUT_S)
        work_orders = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=wo_app, raise_app_exceptions=False),
            base_url="http://mes.test",
            timeout=CLIENT_TIMEOUT_S,
        )
        write = bearer(
            test_keys.token(
                "resource:equipment:write", "resource:read", "resource:state:write",
                "workorder:read", "workorder:routing:write", "material:read",
            )
        )  # fmt: skip
        try:
            yield Links(db_proxy, http_proxy, service_proxy, resource, work_orders, check_db, write)
        finally:
            await resource.aclose()
            await work_orders.aclose()
            await directory.close()
            await http_proxy.stop()
            await service_proxy.stop()
            for server, serving in servers:
                server.should_exit = True
                await serving
            await db_proxy.stop()
            for d in (resource_db, wo_db, material_db, check_db):
                await d.dispose()


async def _serve(app: object) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """The app behind uvicorn on a free port of this event loop (a real socket for the proxy)."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port(), lifespan="off", log_level="warning")  # type: ignore[arg-type]
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    return server, serving


def problem_503(r: httpx.Response, code: str | None = None) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "retry-after" in r.headers
    if code is not None:
        assert r.json()["code"] == code, r.text


async def _equipment(links: Links, code: str, level: str = "enterprise", parent: str | None = None) -> None:
    body = {"code": code, "name": code.title(), "level": level, "parent_code": parent}
    r = await links.resource.post("/api/v1/resource/equipment", json=body, headers=links.write)
    assert r.status_code == 201, r.text


async def test_a_slow_or_broken_database_link_is_503_within_the_deadline_never_a_hang(links: Links) -> None:
    await _equipment(links, "LNK-DB")
    read = "/api/v1/resource/equipment/LNK-DB"
    assert (await links.resource.get(read, headers=links.write)).status_code == 200

    links.db_proxy.faults.latency_s = 3 * DEADLINES.statement_s  # each answer of PostgreSQL late
    slow = await links.resource.get(read, headers=links.write)
    problem_503(slow, "database_unavailable")
    links.db_proxy.faults.latency_s = 0.0

    links.db_proxy.faults.refuse = True
    await links.db_proxy.stop()  # the open connections reset; new ones refused
    await links.db_proxy.start()
    refused = await links.resource.post(
        "/api/v1/resource/equipment/LNK-DB/state", json={"state": "running"}, headers=links.write
    )
    problem_503(refused, "database_unavailable")
    links.db_proxy.faults.refuse = False

    # one message in twenty to PostgreSQL resets its connection: each answer is a success or a 503,
    # never a 500
    links.db_proxy.faults.reset_share = 0.05
    await links.db_proxy.stop()
    await links.db_proxy.start()
    statuses: list[int] = []
    for i in range(20 * SCALE):
        if i % 2:
            r = await links.resource.get(read, headers=links.write)
        else:
            body = {"code": f"LNK-F{i:04d}", "name": "Flaky", "level": "enterprise"}
            r = await links.resource.post("/api/v1/resource/equipment", json=body, headers=links.write)
        statuses.append(r.status_code)
        if r.status_code == 503:
            problem_503(r, "database_unavailable")
        else:
            assert r.status_code in (200, 201), r.text
    links.db_proxy.faults.reset_share = 0.0
    await links.db_proxy.stop()
    await links.db_proxy.start()
    assert 500 not in statuses
    # nothing half-written: an equipment row exists exactly for each 201
    created = {f"LNK-F{i:04d}" for i, s in enumerate(statuses) if s == 201}
    async with links.db.transaction() as s:
        stored = set((await s.execute(text("SELECT code FROM equipment WHERE code LIKE 'LNK-F%'"))).scalars())
    assert stored == created
    # and the service is back by itself
    back = await links.resource.get(read, headers=links.write)
    if back.status_code == 503:  # one pooled connection may still be a reset one
        back = await links.resource.get(read, headers=links.write)
    assert back.status_code == 200, back.text
    print(
        f"\n[links/db] requests={len(statuses) + 2} faults={links.db_proxy.faults.injected}"
        f" 503={statuses.count(503) + 2} 5xx-other=0 lost=0 duplicated=0"
    )


async def test_a_slow_or_broken_link_to_another_service_is_503_problem_not_500(links: Links) -> None:
    """Work orders asks material whether an item exists before it makes it a product."""
    faults = links.service_proxy.faults
    plain = await _make_product(links)
    assert plain.status_code == 404 and plain.json()["code"] == "item_not_found", plain.text  # the link works
    answers = []
    faults.latency_s = 3 * HTTP_TIMEOUT_S  # past work orders' HTTP client deadline
    for _ in range(2 * SCALE):
        answers.append(await _make_product(links))
    faults.latency_s = 0.0
    faults.refuse = True
    for _ in range(2 * SCALE):
        answers.append(await _make_product(links))
    faults.refuse = False
    faults.reset_share = 1.0  # the request reaches the proxy, the connection is reset under it
    for _ in range(2 * SCALE):
        answers.append(await _make_product(links))
    faults.reset_share = 0.0
    for r in answers:
        problem_503(r)
    codes = [r.json()["code"] for r in answers]
    assert set(codes) == {"upstream_timeout", "upstream_unreachable"}, codes
    again = await _make_product(links)
    assert again.status_code == 404, again.text  # nothing to restart
    print(f"\n[links/http] requests={len(answers) + 2} faults={faults.injected} 503={len(answers)} 500=0")


async def _make_product(links: Links) -> httpx.Response:
    return await links.work_orders.post(
        "/api/v1/workorders/products", json={"code": "LNK-CUP"}, headers=links.write
    )


async def test_a_command_whose_answer_was_lost_retried_with_its_key_has_one_effect(links: Links) -> None:
    for code, level, parent in [
        ("LNK-ENT", "enterprise", None),
        ("LNK-SITE", "site", "LNK-ENT"),
        ("LNK-AREA", "area", "LNK-SITE"),
        ("LNK-CELL", "work_center", "LNK-AREA"),
        ("LNK-PRESS", "equipment", "LNK-CELL"),
    ]:
        await _equipment(links, code, level, parent)
    path = "/api/v1/resource/equipment/LNK-PRESS/state"
    n = 5 * SCALE
    lost = 0
    for i in range(n):
        key = {"Idempotency-Key": f"lnk-state-{i:04d}"}
        body = {"state": "running" if i % 2 == 0 else "idle", "comment": f"change {i}"}
        links.http_proxy.faults.lose_answers = True
        with pytest.raises(httpx.TransportError):
            await links.resource.post(path, json=body, headers=links.write | key)
        lost += 1
        links.http_proxy.faults.lose_answers = False
        first = await links.resource.post(path, json=body, headers=links.write | key)
        again = await links.resource.post(path, json=body, headers=links.write | key)
        assert first.status_code == 200, first.text
        assert again.json() == first.json()
        assert first.json()["state"] == body["state"]
    async with links.db.transaction() as s:
        changes = (
            await s.execute(
                text(
                    "SELECT count(*) FROM equipment_state st JOIN equipment e ON e.id = st.equipment_id"
                    " WHERE e.code = 'LNK-PRESS'"
                )
            )
        ).scalar_one()
        keys = (
            await s.execute(text("SELECT count(*) FROM idempotency_key WHERE key LIKE '%lnk-state-%'"))
        ).scalar_one()
    assert changes == n  # one state change per command, however often it was sent
    assert keys == n
    print(f"\n[links/lost-answer] commands={n} answers-lost={lost} applied={changes} duplicated=0")

"""deploy/start-all-services.sh, check-services-health.sh and stop-all-services.sh on one host, for
real: the eight services as `mes serve` processes (two replicas of work orders and of material),
each with its own PostgreSQL database, NATS JetStream from the wheel, Redis and Debian's nginx in
front. A production order goes through nginx from the master data to its completion; a stream of
consumptions with Idempotency-Keys survives a SIGKILL of one replica of each scaled service with
every acknowledged booking in the databases exactly once; stop leaves no process behind.

One deployment is started for the module (starting ten Python processes is the slow part); the
tests run in file order and the last one stops it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import signal
import ssl
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.registry import SERVICES
from mes.platform.settings import replace_database
from mes.platform.testservers import KafkaServer, free_port, server_url, tcp_open, wait_until, worker_suffix

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ADMIN, ADMIN_PASSWORD = "chief", "Deploy-Check-2026!"
OPERATOR, OPERATOR_PASSWORD = "olga.berg", "Shopfloor-2026!"
REPLICAS = {"work-orders": 2, "material": 2}
SCALE = int(os.environ.get("MES_RELIABILITY_SCALE", "1"))  # `make reliability` runs ten times longer
W, M, R, A, T = (f"/api/v1/{p}" for p in ("workorders", "material", "resource", "auth", "traceability"))


def _free_base_port() -> int:
    """A base port whose eight service ports and the replicas' (+100) are all free."""
    needed = [i + 100 * r for i in range(len(SERVICES)) for r in range(max(REPLICAS.values()))]
    # below the kernel's ephemeral range: an outgoing connection of another test (to PostgreSQL,
    # say) takes its local port from that range, and a port it holds can't be bound (seen once)
    low = 32768
    with contextlib.suppress(OSError, ValueError):
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    top = max(low - 100 * max(REPLICAS.values()) - len(SERVICES), 12000)
    for _ in range(200):
        base = random.randrange(10000, top, 10)
        if not any(tcp_open("127.0.0.1", base + n) for n in needed):
            return base
    raise AssertionError("no free block of ports for the services")


@dataclass
class Deployment:
    run_dir: Path
    env: dict[str, str]
    gateway: str  # https, nginx terminating TLS
    plain: str  # nginx's plain HTTP port, which redirects
    ca: ssl.SSLContext  # trusts the test's certificate
    databases: dict[str, str]  # service name -> URL
    started: list[int] = field(default_factory=list)  # every pid the start script recorded

    def script(self, name: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(DEPLOY / name)],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def pid(self, instance: str) -> int:
        return int((self.run_dir / "pids" / f"{instance}.pid").read_text())

    def instances(self) -> list[tuple[str, str, str, int]]:
        """(instance, service, prefix, port) of every service process started."""
        rows = [line.split() for line in (self.run_dir / "services").read_text().splitlines()]
        return [(i, s, p, int(port)) for i, s, p, port in rows]

    def log(self, instance: str) -> str:
        path = self.run_dir / "logs" / f"{instance}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else "(no log)"


def _alive(pid: int) -> bool:
    """A process that runs (a zombie waiting for its parent to reap it has stopped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def _drop(server: str, names: list[str]) -> None:
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        for name in names:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


@pytest.fixture(scope="module", params=["nats", "kafka"])
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[Deployment]:
    """The whole system on one host, once with NATS JetStream as the bus (started by the script
    from the wheel) and once with Kafka (a Kafka-compatible broker started here)."""
    assert shutil.which("nginx") or Path("/usr/sbin/nginx").exists(), (
        "nginx is needed: apt-get install nginx (.ci/run installs it)"
    )
    run_dir = tmp_path_factory.mktemp("mes-run")
    ui = tmp_path_factory.mktemp("ui")
    (ui / "assets").mkdir()
    (ui / "index.html").write_text("<!doctype html><title>MES</title><div id=root></div>")
    (ui / "assets" / "index-abc123.js").write_text("console.log('mes ui');\n" * 200)
    (ui / "assets" / "index-abc123.js.map").write_text("{}")
    # a certificate for 127.0.0.1 that the test's client trusts: TLS terminated by nginx, for real
    cert, key = run_dir / "tls.crt", run_dir / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True, check=True,
    )  # fmt: skip
    server = server_url()
    prefix = f"t_{worker_suffix()}_{uuid.uuid4().hex[:6]}_".lower()
    gateway_port, tls_port, internal_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "MES_RUN_DIR": str(run_dir),
        "MES_BASE_PORT": str(_free_base_port()),
        "MES_GATEWAY_PORT": str(gateway_port),
        "MES_GATEWAY_TLS_PORT": str(tls_port),
        "MES_GATEWAY_INTERNAL_PORT": str(internal_port),
        "MES_TLS_CERT": str(cert),
        "MES_TLS_KEY": str(key),
        "MES_NATS_PORT": str(free_port()),
        "MES_UI_DIR": str(ui),
        "MES_DATABASE_URL": server,
        "MES_DB_PREFIX": prefix,
        "MES_REDIS_URL": redis_url,
        "MES_REDIS_PREFIX": prefix.rstrip("_"),
        "MES_REPLICAS": " ".join(f"{name}={n}" for name, n in REPLICAS.items()),
        "MES_ADMIN_USERNAME": ADMIN,
        "MES_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "MES_LOG_LEVEL": "WARNING",
        "MES_RELAY_POLL_S": "0.1",
        "MES_START_TIMEOUT": "420",
    }
    env.pop("MES_BUS_URL", None)
    kafka = KafkaServer() if request.param == "kafka" else None
    if kafka is not None:
        kafka.start()
        env["MES_BUS_URL"] = kafka.url
    elif os.environ.get("MES_TEST_DEPLOY_BUS_URL"):  # another running bus instead of the script's NATS
        env["MES_BUS_URL"] = os.environ["MES_TEST_DEPLOY_BUS_URL"]
    for s in SERVICES:
        env.pop(f"MES_{s.env_key}_DATABASE_URL", None)
    dep = Deployment(
        run_dir,
        env,
        f"https://127.0.0.1:{tls_port}",
        f"http://127.0.0.1:{gateway_port}",
        ssl.create_default_context(cafile=str(cert)),
        {s.name: replace_database(server, prefix + s.database) for s in SERVICES},
    )
    try:
        started = dep.script("start-all-services.sh")
        dep.started = [int(p.read_text()) for p in (run_dir / "pids").glob("*.pid")]
        assert started.returncode == 0, started.stdout + started.stderr
        yield dep
    finally:
        if (run_dir / "pids").exists() and any((run_dir / "pids").iterdir()):
            dep.script("stop-all-services.sh")
        for pid in dep.started:  # a failed stop must not leave processes on the machine
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        names = [make_url(url).database or "" for url in dep.databases.values()]
        asyncio.run(_drop(server, names))
        if kafka is not None:
            kafka.stop()


# ---------------------------------------------------------------- the API, through nginx


class PoliteTransport(httpx.AsyncBaseTransport):
    """A client that honours a rate limit: a 429 is waited out (its Retry-After) and sent again."""

    def __init__(self, verify: ssl.SSLContext) -> None:
        self.inner = httpx.AsyncHTTPTransport(verify=verify)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(30):
            response = await self.inner.handle_async_request(request)
            if response.status_code != 429:
                return response
            await response.aread()
            await response.aclose()
            await asyncio.sleep(min(float(response.headers.get("retry-after", "1")), 5.0))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class Api:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.tokens: dict[str, dict[str, str]] = {}

    async def login(self, username: str, password: str) -> dict[str, str]:
        r = await self.http.post(f"{A}/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        self.tokens[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return self.tokens[username]

    async def call(self, method: str, path: str, body: Any = None, *, who: str = ADMIN, ok: int = 200) -> Any:
        r = await self.http.request(method, path, json=body, headers=self.tokens[who])
        assert r.status_code == ok, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None


@pytest.fixture(scope="module")
async def api(deployment: Deployment) -> AsyncIterator[Api]:
    transport = PoliteTransport(deployment.ca)
    async with httpx.AsyncClient(base_url=deployment.gateway, transport=transport, timeout=30) as http:
        a = Api(http)
        await a.login(ADMIN, ADMIN_PASSWORD)
        yield a


async def _plant(api: Api) -> None:
    """Master data in four services, as a plant engineer would enter it; events carry it on."""
    for code, level, parent in [
        ("DPL", "enterprise", None),
        ("DPL-SITE", "site", "DPL"),
        ("DPL-AREA", "area", "DPL-SITE"),
        ("DPL-MOULD", "work_center", "DPL-AREA"),
        ("DPL-IMM-1", "equipment", "DPL-MOULD"),
    ]:
        body = {"code": code, "name": code.title(), "level": level, "parent_code": parent}
        await api.call("POST", f"{R}/equipment", body, ok=201)
    await api.call("POST", f"{R}/skills", {"code": "MOULDING", "name": "Injection moulding"}, ok=201)
    user = {
        "username": OPERATOR,
        "display_name": "Olga Berg",
        "password": OPERATOR_PASSWORD,
        "roles": ["operator"],
    }
    await api.call("POST", f"{A}/users", user, ok=201)

    async def person_known() -> bool:  # auth's UserCreated -> NATS -> resource's person
        r = await api.http.get(f"{R}/persons/{OPERATOR}", headers=api.tokens[ADMIN])
        return r.status_code == 200

    await wait_until(person_known, timeout_s=120, interval_s=0.2)
    await api.call("POST", f"{R}/persons/{OPERATOR}/qualifications", {"skill": "MOULDING", "level": 2})
    await api.call(
        "POST", f"{M}/locations", {"code": "DPL-SIDE", "name": "Line side", "kind": "line_side"}, ok=201
    )
    await api.call(
        "POST", f"{M}/locations", {"code": "DPL-FG", "name": "Finished", "kind": "warehouse"}, ok=201
    )
    await api.call(
        "POST", f"{M}/items", {"code": "RESIN", "name": "Resin", "kind": "raw", "uom": "kg"}, ok=201
    )
    await api.call(
        "POST", f"{M}/items", {"code": "CUP", "name": "Cup", "kind": "finished", "uom": "pcs"}, ok=201
    )
    bom = {
        "version": "A",
        "valid_from": "2020-01-01",
        "lines": [{"component": "RESIN", "quantity": "0.5", "uom": "kg"}],
    }
    await api.call("POST", f"{M}/items/CUP/boms", bom, ok=201)
    for code in ("RES-1", "RES-2"):
        lot = {"code": code, "item": "RESIN", "quantity": "1000", "location": "DPL-SIDE", "supplier": "Acme"}
        await api.call("POST", f"{M}/lots", lot, ok=201)

    async def work_center_known() -> bool:
        page = await api.call("GET", f"{W}/work-centers?limit=100")
        return "DPL-MOULD" in {w["code"] for w in page["items"]}

    await wait_until(work_center_known, timeout_s=120, interval_s=0.2)  # resource -> NATS -> work orders
    await api.call("POST", f"{W}/products", {"code": "CUP"}, ok=201)
    routing = {
        "version": "1",
        "operations": [
            {
                "seq": 10,
                "name": "Mould cup",
                "work_center": "DPL-MOULD",
                "setup_minutes": "10",
                "run_minutes_per_unit": "0.5",
                "skills": [{"code": "MOULDING", "min_level": 1}],
                "materials": [{"item": "RESIN"}],
            }
        ],
    }
    await api.call("POST", f"{W}/products/CUP/routings", routing, ok=201)
    await api.login(OPERATOR, OPERATOR_PASSWORD)


async def _started_order(api: Api, number: str, quantity: str) -> str:
    """A released order whose operation the operator started on the press; its operation path."""
    body = {"number": number, "product": "CUP", "quantity": quantity, "due": "2030-01-01T00:00:00Z"}
    await api.call("POST", f"{W}/orders", body, ok=201)
    await api.call("POST", f"{W}/orders/{number}/release", {})
    op = f"{W}/orders/{number}/operations/10"
    started = await api.call("POST", f"{op}/start", {"equipment": "DPL-IMM-1"}, who=OPERATOR)
    assert started["status"] == "in_progress"
    return op


async def test_a_production_order_runs_through_nginx_and_every_service_reports_ready(
    deployment: Deployment, api: Api
) -> None:
    processes = deployment.instances()
    assert sorted(s for _, s, _, _ in processes) == sorted(
        [s.name for s in SERVICES] + ["work-orders", "material"]
    )
    await _plant(api)
    op = await _started_order(api, "DPL-WO-1", "20")
    consumed = await api.http.post(
        f"{op}/consume",
        json={"lot": "RES-1", "quantity": "10"},
        headers=api.tokens[OPERATOR] | {"Idempotency-Key": "dpl-wo-1-c"},
    )
    assert consumed.status_code == 200, consumed.text
    assert Decimal(consumed.json()["remaining"]) == 990
    out = {"code": "CUP-0001", "quantity": "20", "location": "DPL-FG", "inputs": [{"lot": "RES-1"}]}
    r = await api.http.post(
        f"{op}/produce", json=out, headers=api.tokens[OPERATOR] | {"Idempotency-Key": "dpl-wo-1-out"}
    )
    assert r.status_code == 201, r.text
    r = await api.http.post(
        f"{op}/complete", json={"good": "20"}, headers=api.tokens[OPERATOR] | {"Idempotency-Key": "dpl-wo-1"}
    )
    assert r.status_code == 200, r.text
    r = await api.http.get(f"{W}/orders/DPL-WO-1", headers=api.tokens[ADMIN])
    assert r.json()["status"] == "completed"
    assert r.headers["strict-transport-security"].startswith("max-age=")  # HSTS on API answers over TLS
    lot = await api.call("GET", f"{M}/lots/RES-1")
    assert Decimal(lot["quantity"]) == 990
    assert (await api.call("GET", f"{M}/lots/CUP-0001"))["status"] == "available"

    async def traced() -> bool:  # material's events reached traceability over NATS
        r = await api.http.get(f"{T}/trace/CUP-0001/backward", headers=api.tokens[ADMIN])
        return r.status_code == 200 and "RES-1" in r.text

    await wait_until(traced, timeout_s=120, interval_s=0.2)

    # nginx serves the UI (index.html for the UI's own routes), compressed, and no source maps
    page = await api.http.get("/work-orders/DPL-WO-1")
    assert page.status_code == 200
    assert "<div id=root>" in page.text
    assert page.headers["cache-control"] == "no-cache"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["strict-transport-security"].startswith("max-age=")
    async with httpx.AsyncClient(base_url=deployment.plain) as plain:
        redirect = await plain.get("/work-orders")
    assert redirect.status_code == 301
    assert redirect.headers["location"] == f"{deployment.gateway}/work-orders"
    asset = await api.http.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    assert asset.headers["content-encoding"] == "gzip"
    assert "immutable" in asset.headers["cache-control"]
    assert (await api.http.get("/assets/index-abc123.js.map")).status_code == 404
    unknown = await api.http.get("/api/v1/nosuchservice/things")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"

    check = deployment.script("check-services-health.sh", timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    for instance, _, _, port in processes:
        assert f"{instance} " in check.stdout
        assert f"http://127.0.0.1:{port}/ready" in check.stdout
    assert check.stdout.count(" ready ") == len(processes) + len(SERVICES)  # each process, each route


async def _consume_until_acknowledged(
    api: Api, op: str, key: str, quantity: str, lot: str = "RES-2"
) -> dict[str, Any]:
    """A client that retries a consumption with the same Idempotency-Key until it is answered:
    a replica killed under the request gives nginx's 502 or a service's 502/503 in between."""
    for _ in range(200):
        try:
            r = await api.http.post(
                f"{op}/consume",
                json={"lot": lot, "quantity": quantity},
                headers=api.tokens[OPERATOR] | {"Idempotency-Key": key},
            )
        except httpx.TransportError:
            await asyncio.sleep(0.1)
            continue
        if r.status_code == 200:
            return dict(r.json())
        assert r.status_code in (502, 503, 504), f"{key}: {r.status_code} {r.text}"
        await asyncio.sleep(0.1)
    raise AssertionError(f"{key} never acknowledged")


async def _scalar(url: str, sql: str, **params: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(sql), params)).one()
    finally:
        await engine.dispose()


async def test_a_replica_killed_with_sigkill_mid_stream_loses_nothing_and_books_nothing_twice(
    deployment: Deployment, api: Api
) -> None:
    op = await _started_order(api, "DPL-WO-2", "100")
    n, qty = 40 * SCALE, Decimal("1.5")
    keys = [f"dpl-wo-2-c{i:03d}" for i in range(n)]
    acknowledged: dict[str, dict[str, Any]] = {}
    victims = {n // 4: "work-orders-2", n // 2: "material-2"}  # after that many acknowledgements
    killed: list[str] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for key in keys:
        queue.put_nowait(key)

    async def client() -> None:
        while not queue.empty():
            key = queue.get_nowait()
            acknowledged[key] = await _consume_until_acknowledged(api, op, key, str(qty))
            victim = victims.get(len(acknowledged))
            if victim is not None and victim not in killed:
                killed.append(victim)
                os.kill(deployment.pid(victim), signal.SIGKILL)

    await asyncio.gather(*(client() for _ in range(4)))  # four clients at once: kills hit requests in flight
    assert killed == ["work-orders-2", "material-2"]
    assert not _alive(deployment.pid("work-orders-2"))
    assert not _alive(deployment.pid("material-2"))
    assert sorted(acknowledged) == keys

    # material's ledger: one movement per acknowledged consumption, the lot down by exactly that
    ledger = await _scalar(
        deployment.databases["material"],
        "SELECT count(*), coalesce(-sum(m.quantity), 0), min(l.quantity) FROM movement m JOIN lot l ON l.id = m.lot_id"
        " WHERE l.code = 'RES-2' AND m.kind = 'consume' AND m.work_order = 'DPL-WO-2'",
    )
    assert tuple(ledger) == (n, n * qty, 1000 - n * qty)
    keys_in_material = await _scalar(
        deployment.databases["material"],
        "SELECT count(*) FROM idempotency_key WHERE key LIKE :k AND response IS NOT NULL",
        k="%dpl-wo-2-c%",
    )
    assert keys_in_material[0] == n
    # work orders: one consumption record each, each pointing at its own movement
    records = await _scalar(
        deployment.databases["work-orders"],
        "SELECT count(*), count(DISTINCT movement_id), sum(quantity) FROM consumption WHERE lot = 'RES-2'",
    )
    assert tuple(records) == (n, n, n * qty)
    movements = {a["remaining"] for a in acknowledged.values()}
    assert len(movements) == n  # every acknowledgement saw its own booking: none was replayed for another key

    # every LotConsumed event the material replicas committed reaches traceability, handled once
    async def all_traced() -> bool:
        row = await _scalar(
            deployment.databases["traceability"],
            "SELECT count(*) FROM lot_flow WHERE lot = 'RES-2' AND kind = 'consumed'",
        )
        return bool(row[0] >= n)

    await wait_until(all_traced, timeout_s=120, interval_s=0.2)
    published = await _scalar(
        deployment.databases["material"],
        "SELECT count(*), array_agg(event_id::text ORDER BY event_id) FROM outbox"
        " WHERE topic = 'material.lot_consumed.v1' AND payload->>'lot_code' = 'RES-2'",
    )
    flows = await _scalar(
        deployment.databases["traceability"],
        "SELECT count(*), array_agg(event_id::text ORDER BY event_id), sum(quantity) FROM lot_flow"
        " WHERE lot = 'RES-2' AND kind = 'consumed'",
    )
    assert published[0] == n
    assert flows[0] == n
    assert flows[1] == published[1]
    assert flows[2] == n * qty
    inbox = await _scalar(
        deployment.databases["traceability"],
        "SELECT count(*) FROM inbox WHERE event_id = ANY(CAST(:ids AS uuid[]))",
        ids=published[1],
    )
    assert inbox[0] == n

    # the check sees the two killed replicas and says so; the others stay ready behind nginx
    check = deployment.script("check-services-health.sh", timeout=60)
    assert check.returncode == 1, check.stdout
    not_ready = [line.split()[0] for line in check.stdout.splitlines() if "NOT READY" in line]
    assert sorted(not_ready) == ["material-2", "work-orders-2"]


def _restart(deployment: Deployment, instance: str, sibling: str) -> int:
    """Starts a killed replica again as the start script did: the command line and environment of
    its living sibling (the same service), on the replica's own port; its pid file updated so the
    stop script stops it."""
    port = next(p for i, _, _, p in deployment.instances() if i == instance)
    proc = Path(f"/proc/{deployment.pid(sibling)}")
    argv = proc.joinpath("cmdline").read_bytes().decode().split("\0")[:-1]
    argv[argv.index("--port") + 1] = str(port)
    env = dict(
        kv.split("=", 1)
        for kv in proc.joinpath("environ").read_bytes().decode(errors="replace").split("\0")
        if "=" in kv
    )
    log = (deployment.run_dir / "logs" / f"{instance}.log").open("ab")
    child = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)  # fmt: skip
    log.close()
    (deployment.run_dir / "pids" / f"{instance}.pid").write_text(f"{child.pid}\n")
    deployment.started.append(child.pid)
    return port


async def _ready(port: int) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as c:
            return (await c.get(f"http://127.0.0.1:{port}/ready")).status_code == 200
    except httpx.TransportError:
        return False


async def test_replicas_killed_again_and_again_under_retrying_clients_lose_nothing_and_double_nothing(
    deployment: Deployment, api: Api
) -> None:
    """The kill loop: the second replicas of work orders and of material are started, then killed
    with SIGKILL a few seconds later, round after round, while four clients book consumptions and
    create orders with Idempotency-Keys and retry until answered. `make reliability` runs ten
    rounds (minutes); `make test` one."""
    rounds = max(1, SCALE)
    lot = {"code": "RES-3", "item": "RESIN", "quantity": "100000", "location": "DPL-SIDE", "supplier": "Acme"}
    await api.call("POST", f"{M}/lots", lot, ok=201)
    op = await _started_order(api, "DPL-WO-3", "1000")
    qty = Decimal("0.5")
    acknowledged: dict[str, dict[str, Any]] = {}
    orders: dict[str, int] = {}
    stop = asyncio.Event()
    kills = 0

    async def create_order(number: str) -> int:
        body = {"number": number, "product": "CUP", "quantity": "5", "due": "2030-01-01T00:00:00Z"}
        for _ in range(200):
            try:
                r = await api.http.post(
                    f"{W}/orders", json=body, headers=api.tokens[ADMIN] | {"Idempotency-Key": f"k-{number}"}
                )
            except httpx.TransportError:
                await asyncio.sleep(0.1)
                continue
            if r.status_code == 201:
                return r.status_code
            assert r.status_code in (502, 503, 504), f"{number}: {r.status_code} {r.text}"
            await asyncio.sleep(0.1)
        raise AssertionError(f"{number} never acknowledged")

    async def client(c: int) -> None:
        i = 0
        while not stop.is_set():
            key = f"dpl-wo-3-k{c}-{i:04d}"
            if i % 4 == 3:
                orders[key] = await create_order(f"DPL-K-{c}-{i:04d}")
            else:
                acknowledged[key] = await _consume_until_acknowledged(api, op, key, str(qty), "RES-3")
            i += 1

    clients = [asyncio.create_task(client(c)) for c in range(4)]
    try:
        for _ in range(rounds):
            ports = [
                _restart(deployment, "work-orders-2", "work-orders"),
                _restart(deployment, "material-2", "material"),
            ]
            for port in ports:
                await wait_until(lambda port=port: _ready(port), timeout_s=180, interval_s=0.25)
            await asyncio.sleep(3 + random.random() * 3)  # nginx sends them work again
            for victim in ("work-orders-2", "material-2"):
                os.kill(deployment.pid(victim), signal.SIGKILL)
                kills += 1
            await asyncio.sleep(1)
    finally:
        stop.set()
        await asyncio.gather(*clients)
    n = len(acknowledged)
    assert n > 0 and len(orders) > 0
    ledger = await _scalar(
        deployment.databases["material"],
        "SELECT count(*), coalesce(-sum(m.quantity), 0) FROM movement m JOIN lot l ON l.id = m.lot_id"
        " WHERE l.code = 'RES-3' AND m.kind = 'consume' AND m.work_order = 'DPL-WO-3'",
    )
    assert tuple(ledger) == (n, n * qty)  # every acknowledged booking once, none doubled
    records = await _scalar(
        deployment.databases["work-orders"],
        "SELECT count(*), count(DISTINCT movement_id) FROM consumption WHERE lot = 'RES-3'",
    )
    assert tuple(records) == (n, n)
    made = await _scalar(
        deployment.databases["work-orders"],
        "SELECT count(*), count(DISTINCT number) FROM work_order WHERE number LIKE 'DPL-K-%'",
    )
    assert tuple(made) == (len(orders), len(orders))

    async def all_traced() -> bool:
        row = await _scalar(
            deployment.databases["traceability"],
            "SELECT count(*) FROM lot_flow WHERE lot = 'RES-3' AND kind = 'consumed'",
        )
        return bool(row[0] >= n)

    await wait_until(all_traced, timeout_s=180, interval_s=0.25)
    published = await _scalar(
        deployment.databases["material"],
        "SELECT count(*), array_agg(event_id::text ORDER BY id) FROM outbox"
        " WHERE topic = 'material.lot_consumed.v1' AND payload->>'lot_code' = 'RES-3'",
    )
    flows = await _scalar(
        deployment.databases["traceability"],
        "SELECT count(*), count(DISTINCT event_id) FROM lot_flow WHERE lot = 'RES-3' AND kind = 'consumed'",
    )
    assert published[0] == n  # one event per booking
    assert tuple(flows) == (n, n)  # each applied once (inbox)
    inbox = await _scalar(
        deployment.databases["traceability"],
        "SELECT count(*) FROM inbox WHERE event_id = ANY(CAST(:ids AS uuid[]))",
        ids=published[1],
    )
    assert inbox[0] == n
    # order per aggregate: the lot's events were applied in the order material committed them
    # (the lot's row lock orders the bookings, the outbox id their commits; the inbox records when
    # each was handled, one event per transaction)
    handled = await _scalar(
        deployment.databases["traceability"],
        "SELECT array_agg(t ORDER BY n) FROM (SELECT p.n, min(i.handled_at) AS t"
        " FROM unnest(CAST(:ids AS uuid[])) WITH ORDINALITY AS p(id, n) JOIN inbox i ON i.event_id = p.id"
        " GROUP BY p.n) s",
        ids=published[1],
    )
    times = list(handled[0])
    overtaken = [i for i in range(1, len(times)) if times[i] < times[i - 1]]
    assert not overtaken, f"{len(overtaken)} of the lot's events applied before an earlier one"
    print(
        f"\n[kill loop {deployment.env.get('MES_BUS_URL', 'nats')[:5]}] rounds={rounds} kills={kills}"
        f" consumptions={n} orders={len(orders)} lost=0 duplicated=0 out of order=0"
    )


def test_stop_stops_every_process(deployment: Deployment) -> None:
    ports = [port for *_, port in deployment.instances()]
    stopped = deployment.script("stop-all-services.sh", timeout=120)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert deployment.started
    assert [pid for pid in deployment.started if _alive(pid)] == []
    assert not list((deployment.run_dir / "pids").glob("*.pid"))
    ports += [int(deployment.env[v]) for v in ("MES_GATEWAY_PORT", "MES_GATEWAY_TLS_PORT", "MES_NATS_PORT")]
    ports.append(int(deployment.env["MES_GATEWAY_INTERNAL_PORT"]))
    assert [p for p in ports if tcp_open("127.0.0.1", p)] == []
    check = deployment.script("check-services-health.sh", timeout=60)
    assert check.returncode == 1

"""Traceability: a synthetic plant COPYed straight into the projection's tables, traced through
`mes serve traceability` (JWT check, permission, the one trace statement, JSON) against the same
statement sent by asyncpg from Python (the ceiling), in the same run, interleaved.

The plant, at `--scale 1` (every count scales, the hot lot's fan-out does not):
- 150,000 received raw lots R-n, 50,000 lots split off them S-n (a `split` edge each), 25,000
  merges of a raw lot into a split lot (`merged`), 25,000 received packaging lots P-n;
- 200,000 intermediate orders WI-n, two operations each (10 and 20, `part_of` the order); five raw
  or split lots consumed at 10 and one at 20; two output lots I-n-0 and I-n-1 (`produced`), each
  naming three of the inputs (`attributed`, lot to lot);
- 87,500 finishing orders WF-n, two operations; four intermediate lots and a packaging lot
  consumed; four serials F-n-k made, each naming the packaging lot and one of the first two
  intermediate lots (`attributed` into a serial, so those consumptions are `per_unit`: a serial's
  trace reaches only the components it names, the other two intermediate lots reach all four);
- one hot raw lot R-HOT consumed in `--hot` intermediate orders (the forward recall, ~11 nodes
  reached per order: about 50,000 nodes at the default).

That is 975,001 lots, 1,837,501 nodes and 4,937,500 edges (+ hot): ~5 edges per lot.

    python -m bench.traceability [--scale 1.0] [--hot 4500] [--samples 200] [--reuse] [--before-src DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.harness import BIN, Server
from mes.platform.migrations import migrate
from mes.platform.testing import TestKeys, serve_jwks
from mes.platform.testservers import recreate_database, server_url
from mes.services import load_spec
from mes.services.traceability.queries import trace_sql, walk_sql

DB = "bench_mes_traceability"
T = "/api/v1/traceability"
T0 = datetime(2026, 11, 1, tzinfo=UTC)
NODE_COLS = ("key", "kind", "code", "item", "uom", "quantity", "origin", "work_order", "operation")
NODE_COLS += ("equipment", "operator", "supplier", "at")
EDGE_COLS = ("src", "dst", "kind", "quantity", "work_order", "operation", "at", "per_unit")


class Plant:
    """The counts of a plant at a scale; nodes() and edges() stream its rows in COPY's order."""

    def __init__(self, scale: float, hot: int) -> None:
        self.raw = max(10, round(150_000 * scale))
        self.split = max(2, round(50_000 * scale))
        self.merged = max(1, round(25_000 * scale))
        self.pack = max(2, round(25_000 * scale))
        self.wi = max(10, round(200_000 * scale))
        self.wf = max(2, round(87_500 * scale))
        self.hot = min(hot, self.wi)
        self.pool = self.raw + self.split  # what intermediate orders consume
        # multipliers coprime with the pool sizes: consumption spread over the lots, no repeats
        self.p_in = _coprime(self.pool, 7919)
        self.p_i = _coprime(2 * self.wi, 104729)

    def pool_lot(self, i: int) -> str:
        i %= self.pool
        return f"lot:R-{i}" if i < self.raw else f"lot:S-{i - self.raw}"

    def i_lot(self, j: int) -> str:
        j = (j * self.p_i) % (2 * self.wi)  # a bijection: each intermediate lot consumed at most once
        return f"lot:I-{j // 2}-{j % 2}"

    def nodes(self) -> Iterator[tuple[Any, ...]]:
        for n in range(self.raw):
            yield _node(f"R-{n}", "RESIN", "kg", 1000, "received", supplier="Acme")
        yield _node("R-HOT", "RESIN", "kg", 100000, "received", supplier="Acme")
        for n in range(self.split):
            yield _node(f"S-{n}", "RESIN", "kg", 100, "split")
        for n in range(self.pack):
            yield _node(f"P-{n}", "CARTON", "pcs", 1000, "received", supplier="Boxes")
        for s, count, outs, item in (("I", self.wi, 2, "GRANULATE"), ("F", self.wf, 4, "PUMP")):
            for n in range(count):
                wo = f"W{s}-{n}"
                yield (f"wo:{wo}", "work_order", wo, item, None, Decimal(outs * 100), None, wo, None)
                yield (None, None, None, T0)
                for op in ("10", "20"):
                    yield (f"op:{wo}/{op}", "operation", f"{wo}/{op}", None, None, None, None, wo, op)
                    yield ("M-1", "op-ana", None, T0)
                for k in range(outs):
                    kind, qty = ("lot", 100) if s == "I" else ("serial", 1)
                    yield _node(f"{s}-{n}-{k}", item, "pcs", qty, "produced", kind=kind, work_order=wo)

    def edges(self) -> Iterator[tuple[Any, ...]]:
        for n in range(self.split):
            yield _edge(f"lot:R-{(n * 7) % self.raw}", f"lot:S-{n}", "split", 100)
        for m in range(self.merged):
            yield _edge(f"lot:R-{(m * 11 + 3) % self.raw}", f"lot:S-{m % self.split}", "merged", 10)
        for n in range(self.wi):
            wo = f"WI-{n}"
            inputs = [self.pool_lot((n * 6 + j) * self.p_in) for j in range(6)]
            yield from _order(wo, [f"lot:I-{n}-{k}" for k in range(2)], 100)
            for j, lot in enumerate(inputs):  # five at operation 10, one at 20
                op = "10" if j < 5 else "20"
                yield _edge(lot, f"op:{wo}/{op}", "consumed", 3, wo, op)
            for k in range(2):
                for lot in inputs[3 * k : 3 * k + 3]:
                    yield _edge(lot, f"lot:I-{n}-{k}", "attributed", 3, wo, "20")
            if n < self.hot:
                yield _edge("lot:R-HOT", f"op:{wo}/10", "consumed", 2, wo, "10")
        for n in range(self.wf):
            wo = f"WF-{n}"
            parts = [self.i_lot(n * 4 + j) for j in range(4)]
            pack = f"lot:P-{n % self.pack}"
            yield from _order(wo, [f"lot:F-{n}-{k}" for k in range(4)], 1)
            for j, lot in enumerate(parts):  # the first two are named serial by serial: per unit
                yield _edge(lot, f"op:{wo}/10", "consumed", 50, wo, "10", per_unit=j < 2)
            yield _edge(pack, f"op:{wo}/20", "consumed", 4, wo, "20", per_unit=True)
            for k in range(4):
                yield _edge(parts[k // 2], f"lot:F-{n}-{k}", "attributed", 25, wo, "20")
                yield _edge(pack, f"lot:F-{n}-{k}", "attributed", 1, wo, "20")


def _node(
    code: str,
    item: str,
    uom: str,
    quantity: int,
    origin: str,
    *,
    kind: str = "lot",
    work_order: str | None = None,
    supplier: str | None = None,
) -> tuple[Any, ...]:
    return (
        f"lot:{code}",
        kind,
        code,
        item,
        uom,
        Decimal(quantity),
        origin,
        work_order,
        None,
        None,
        None,
        supplier,
        T0,
    )


def _edge(
    src: str,
    dst: str,
    kind: str,
    quantity: int | None,
    work_order: str | None = None,
    operation: str | None = None,
    *,
    per_unit: bool = False,
) -> tuple[Any, ...]:
    q = None if quantity is None else Decimal(quantity)
    return (src, dst, kind, q, work_order, operation, T0, per_unit)


def _order(wo: str, outputs: list[str], quantity: int) -> Iterator[tuple[Any, ...]]:
    for op in ("10", "20"):
        yield _edge(f"op:{wo}/{op}", f"wo:{wo}", "part_of", None, wo, op)
    for lot in outputs:
        yield _edge(f"wo:{wo}", lot, "produced", quantity, wo, "20")


def _coprime(n: int, p: int) -> int:
    while math.gcd(n, p) != 1:
        p += 2
    return p


def _joined(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """nodes() yields a work order's or operation's row in two halves (to keep lines short)."""
    for head in rows:
        yield head if len(head) == len(NODE_COLS) else head + next(rows)


async def load_plant(url: str, plant: Plant) -> dict[str, float]:
    """COPY into node and edge with their primary keys and indexes dropped, then built once."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    timings: dict[str, float] = {}
    try:
        ddl: list[str] = []
        for table in ("node", "edge"):
            for name, definition in await conn.fetch(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass",
                table,
            ):
                ddl.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
                await conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            for name, definition in await conn.fetch(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1", table
            ):
                ddl.append(definition)
                await conn.execute(f"DROP INDEX {name}")
        t = time.perf_counter()
        await conn.copy_records_to_table("node", records=_joined(plant.nodes()), columns=NODE_COLS)
        timings["copy nodes"] = time.perf_counter() - t
        t = time.perf_counter()
        await conn.copy_records_to_table("edge", records=plant.edges(), columns=EDGE_COLS)
        timings["copy edges"] = time.perf_counter() - t
        t = time.perf_counter()
        await conn.execute("SET maintenance_work_mem = '256MB'")
        for statement in ddl:
            await conn.execute(statement)
        timings["keys and indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        await conn.execute("ANALYZE node, edge")
        timings["analyze"] = time.perf_counter() - t
        for what, sql in (
            ("nodes", "SELECT count(*) FROM node"),
            ("edges", "SELECT count(*) FROM edge"),
            ("lots", "SELECT count(*) FROM node WHERE kind IN ('lot', 'serial')"),
        ):
            timings[what] = await conn.fetchval(sql)
    finally:
        await conn.close()
    return timings


async def raw_trace(conn: Any, code: str, direction: str) -> int:
    """The service's one statement, sent by asyncpg through SQLAlchemy, the rows fetched."""
    params: dict[str, Any] = {"root": f"lot:{code}", "depth": 50, "since": None, "until": None}
    rows = (await conn.execute(text(trace_sql(direction)), params)).all()  # type: ignore[arg-type]
    return sum(1 for r in rows if not r[0])


# the statements the service sent until 2026-12-01 (walk; nodes of the keys; edges between them),
# kept here as a second ceiling so the one-statement trace is compared with them in the same run
_LEGACY_REACHED = "WITH r(key) AS (SELECT unnest(CAST(:keys AS varchar[])))"
_LEGACY_NODES = (
    f"{_LEGACY_REACHED} SELECT n.key, kind, code, item, uom, quantity, origin, work_order, operation, name,"
    " work_center, equipment, operator, location, supplier, supplier_lot, expires_on, at, ended_at, status"
    " FROM node n JOIN r ON r.key = n.key"
)


def _legacy_edges(direction: str) -> str:
    near, far = ("dst", "src") if direction == "backward" else ("src", "dst")
    return (
        f"{_LEGACY_REACHED} SELECT e.src, e.dst, e.kind, e.quantity, e.work_order, e.operation, e.at"
        f" FROM r JOIN edge e ON e.{near} = r.key WHERE e.{far} IN (SELECT key FROM r) AND NOT e.per_unit"
    )


async def legacy_trace(conn: Any, code: str, direction: str) -> int:
    params: dict[str, Any] = {"root": f"lot:{code}", "depth": 50, "since": None, "until": None}
    keys = [r.key for r in await conn.execute(text(walk_sql(direction)), params)]  # type: ignore[arg-type]
    await conn.execute(text(_LEGACY_NODES), {"keys": keys})
    await conn.execute(text(_legacy_edges(direction)), {"keys": keys})
    return len(keys)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> None:
    plant = Plant(args.scale, args.hot)
    if args.reuse:  # the plant a previous run loaded (same scale and hot lot: not checked)
        url = server_url().rsplit("/", 1)[0] + f"/{DB}"
    else:
        url = await recreate_database(server_url(), DB)
        await migrate(url, load_spec("traceability").migrations)
        t0 = time.perf_counter()
        size = await load_plant(url, plant)
        print(
            f"plant at scale {args.scale}: {size['lots']:.0f} lots, {size['nodes']:.0f} nodes,"
            f" {size['edges']:.0f} edges ({size['edges'] / size['lots']:.2f} per lot);"
            f" loaded in {time.perf_counter() - t0:.0f} s ("
            + ", ".join(f"{k} {v:.0f} s" for k, v in size.items() if k not in ("nodes", "edges", "lots"))
            + ")"
        )
    keys = TestKeys()
    jwks = serve_jwks(keys)[0]

    def server(src: str | None) -> Server:
        env = {
            "MES_TRACEABILITY_DATABASE_URL": url,
            "MES_JWKS_URL": jwks,
            "MES_LOG_LEVEL": "WARNING",
            # one client at full speed measures the service, not the request rate limiter (ADR 22)
            "MES_RATE_LIMITS_ENABLED": "false",
        }
        if src:  # the service from another checkout's src/ (a previous version), same client
            env["PYTHONPATH"] = src
        return Server([str(BIN / "mes"), "serve", "traceability", "--port", "{port}"], env=env).start(
            "/health"
        )

    servers = {"API": server(None)}
    if args.before_src:
        servers["API before"] = server(args.before_src)
    rng = random.Random(1)
    finished = [f"F-{rng.randrange(plant.wf)}-{rng.randrange(4)}" for _ in range(args.samples)]
    auth = {"Authorization": f"Bearer {keys.token('traceability:read', ttl_s=3600)}"}
    engine = create_async_engine(url)
    try:
        async with AsyncExitStack() as stack:
            conn = await stack.enter_async_context(engine.connect())
            # the service's settings for its trace transaction (queries/trace.py), for the session
            await conn.execute(text("SET jit = off"))
            await conn.execute(text("SET plan_cache_mode = force_custom_plan"))
            clients = {
                name: await stack.enter_async_context(
                    httpx.AsyncClient(base_url=f"http://127.0.0.1:{s.port}", headers=auth, timeout=300)
                )
                for name, s in servers.items()
            }
            sizes: dict[str, int] = {}

            def api(http: httpx.AsyncClient) -> Any:
                async def call(code: str, direction: str) -> int:
                    r = await http.get(f"{T}/trace/{code}/{direction}")
                    r.raise_for_status()
                    sizes[direction] = len(r.content)
                    return len(r.json()["nodes"])

                return call

            contenders = {name: api(http) for name, http in clients.items()}
            contenders["SQL"] = lambda code, d: raw_trace(conn, code, d)
            contenders["SQL until 2026-12-01"] = lambda code, d: legacy_trace(conn, code, d)
            back: dict[str, list[float]] = {name: [] for name in contenders}
            reached: dict[str, list[int]] = {name: [] for name in contenders}
            for code in finished[:10]:  # warm all
                for call in contenders.values():
                    await call(code, "backward")
            for code in finished:  # interleaved, so load on the machine hits all alike
                for name, call in contenders.items():
                    t = time.perf_counter()
                    reached[name].append(await call(code, "backward"))
                    back[name].append((time.perf_counter() - t) * 1000)
            fwd: dict[str, list[float]] = {name: [] for name in contenders}
            forward_nodes = 0
            for _ in range(args.forward):
                for name, call in contenders.items():
                    t = time.perf_counter()
                    n = await call("R-HOT", "forward")
                    fwd[name].append(time.perf_counter() - t)
                    if name == "API":
                        forward_nodes = n
        print(
            f"backward trace of a finished serial, {args.samples} serials, one at a time, interleaved"
            f" ({statistics.median(reached['API']):.0f} nodes each, median; {sizes['backward'] / 1e3:.0f} kB):"
        )
        for name, ms in back.items():
            print(
                f"  {name:20s} p50 {pct(ms, 0.5):6.1f} ms  p95 {pct(ms, 0.95):6.1f} ms  p99 {pct(ms, 0.99):6.1f} ms"
                f"   API / this: p50 {pct(back['API'], 0.5) / pct(ms, 0.5):.2f}"
                f" p95 {pct(back['API'], 0.95) / pct(ms, 0.95):.2f} p99 {pct(back['API'], 0.99) / pct(ms, 0.99):.2f}"
            )
        print("  targets: API p95 < 50 ms; API p99 <= 1.5 x SQL p99")
        print(
            f"forward recall of R-HOT: {forward_nodes} nodes, {sizes['forward'] / 1e6:.1f} MB of JSON (target < 2 s):"
        )
        for name, secs in fwd.items():
            print(
                f"  {name:20s} median {statistics.median(secs):6.2f} s (all: {', '.join(f'{x:.2f}' for x in secs)})"
                f"   API / this: {statistics.median(fwd['API']) / statistics.median(secs):.2f}"
            )
    finally:
        for s in servers.values():
            s.stop()
        await engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--scale", type=float, default=1.0, help="1.0: about 1 M lots and 5 M edges")
    p.add_argument("--hot", type=int, default=4500, help="intermediate orders the hot lot goes into")
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--forward", type=int, default=3, help="forward recalls (median)")
    p.add_argument("--reuse", action="store_true", help="trace the plant already loaded, load nothing")
    p.add_argument(
        "--before-src", help="also trace through a second server run from this src/ (a previous version)"
    )
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()

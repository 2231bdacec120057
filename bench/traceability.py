"""Traceability: a synthetic plant loaded straight into the projection's tables, traced through
`mes serve traceability` (JWT check, permission, the recursive query, the node and edge reads,
JSON) against the same three SQL statements sent by asyncpg from Python (the ceiling), same run.

The plant: `raw` received lots; intermediate orders each consume three raw lots and make one
intermediate lot; finishing orders each consume two intermediate lots and a packaging lot and make
one finished lot. One "hot" raw lot goes into `hot` intermediate orders, so a forward recall of it
reaches about 9 x hot nodes. Every production step is three nodes (operation, order, output) and
five edges (consumed x k, part_of, produced).

    python -m bench.traceability [--raw 200000] [--orders 100000] [--hot 5600] [--samples 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.harness import BIN, Server
from mes.platform.migrations import migrate
from mes.platform.testing import TestKeys, serve_jwks
from mes.platform.testservers import recreate_database, server_url
from mes.services import load_spec
from mes.services.traceability.queries import edges_sql, nodes_sql, walk_sql

DB = "bench_mes_traceability"
T = "/api/v1/traceability"

# nodes and edges in bulk: lot codes R-n (raw), I-n (intermediate), F-n (finished), P-n (packaging)
LOAD = [
    "INSERT INTO node (key, kind, code, item, uom, quantity, origin, supplier, at)"
    " SELECT 'lot:R-' || n, 'lot', 'R-' || n, 'RESIN', 'kg', 1000, 'received', 'Acme', now()"
    " FROM generate_series(0, :raw - 1) n",
    "INSERT INTO node (key, kind, code, item, uom, quantity, origin, supplier, at)"
    " SELECT 'lot:P-' || n, 'lot', 'P-' || n, 'CARTON', 'pcs', 1000, 'received', 'Boxes', now()"
    " FROM generate_series(0, :raw / 10 - 1) n",
    "INSERT INTO node (key, kind, code, item, uom, quantity, origin, supplier, at)"
    " VALUES ('lot:R-HOT', 'lot', 'R-HOT', 'RESIN', 'kg', 100000, 'received', 'Acme', now())",
    # orders, operations and their outputs: WI-n (intermediate), WF-n (finishing)
    "INSERT INTO node (key, kind, code, item, work_order, at)"
    " SELECT 'wo:W' || s || '-' || n, 'work_order', 'W' || s || '-' || n, s, 'W' || s || '-' || n, now()"
    " FROM generate_series(0, :orders - 1) n, (VALUES ('I'), ('F')) v(s)",
    "INSERT INTO node (key, kind, code, work_order, operation, equipment, operator, at)"
    " SELECT 'op:W' || s || '-' || n || '/10', 'operation', 'W' || s || '-' || n || '/10', 'W' || s || '-' || n,"
    " '10', 'M-1', 'op-ana', now() FROM generate_series(0, :orders - 1) n, (VALUES ('I'), ('F')) v(s)",
    "INSERT INTO node (key, kind, code, item, uom, quantity, origin, work_order, at)"
    " SELECT 'lot:' || s || '-' || n, 'lot', s || '-' || n, s, 'pcs', 100, 'produced', 'W' || s || '-' || n, now()"
    " FROM generate_series(0, :orders - 1) n, (VALUES ('I'), ('F')) v(s)",
    "INSERT INTO edge (src, dst, kind, work_order, operation, at)"
    " SELECT 'op:W' || s || '-' || n || '/10', 'wo:W' || s || '-' || n, 'part_of', 'W' || s || '-' || n, '10', now()"
    " FROM generate_series(0, :orders - 1) n, (VALUES ('I'), ('F')) v(s)",
    "INSERT INTO edge (src, dst, kind, quantity, work_order, operation, at)"
    " SELECT 'wo:W' || s || '-' || n, 'lot:' || s || '-' || n, 'produced', 100, 'W' || s || '-' || n, '10', now()"
    " FROM generate_series(0, :orders - 1) n, (VALUES ('I'), ('F')) v(s)",
    # each intermediate order: three raw lots
    "INSERT INTO edge (src, dst, kind, quantity, work_order, operation, at)"
    " SELECT DISTINCT ON (1, 2) 'lot:R-' || ((n * k + k) % :raw), 'op:WI-' || n || '/10', 'consumed', 3,"
    " 'WI-' || n, '10', now() FROM generate_series(0, :orders - 1) n, (VALUES (7), (13), (31)) v(k)",
    # each finishing order: two intermediate lots and one packaging lot
    "INSERT INTO edge (src, dst, kind, quantity, work_order, operation, at)"
    " SELECT DISTINCT ON (1, 2) 'lot:I-' || ((n * k + k) % :orders), 'op:WF-' || n || '/10', 'consumed', 50,"
    " 'WF-' || n, '10', now() FROM generate_series(0, :orders - 1) n, (VALUES (3), (5)) v(k)",
    "INSERT INTO edge (src, dst, kind, quantity, work_order, operation, at)"
    " SELECT 'lot:P-' || (n % (:raw / 10)), 'op:WF-' || n || '/10', 'consumed', 1, 'WF-' || n, '10', now()"
    " FROM generate_series(0, :orders - 1) n",
    "INSERT INTO edge (src, dst, kind, quantity, work_order, operation, at)"
    " SELECT 'lot:R-HOT', 'op:WI-' || n || '/10', 'consumed', 2, 'WI-' || n, '10', now()"
    " FROM generate_series(0, :hot - 1) n",
    "ANALYZE",
]


async def load_plant(url: str, raw: int, orders: int, hot: int) -> dict[str, int]:
    engine = create_async_engine(url)
    params = {"raw": raw, "orders": orders, "hot": hot}
    async with engine.begin() as conn:
        for sql in LOAD:
            if sql == "ANALYZE":
                continue
            await conn.execute(text(sql), {k: v for k, v in params.items() if f":{k}" in sql})
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE"))
        nodes = (await conn.execute(text("SELECT count(*) FROM node"))).scalar_one()
        edges = (await conn.execute(text("SELECT count(*) FROM edge"))).scalar_one()
        lots = (await conn.execute(text("SELECT count(*) FROM node WHERE kind = 'lot'"))).scalar_one()
    await engine.dispose()
    return {"nodes": nodes, "edges": edges, "lots": lots}


async def raw_trace(conn: Any, code: str, direction: str) -> int:
    """The service's own three statements (walk, nodes, edges), sent straight by asyncpg."""
    params: dict[str, Any] = {"root": f"lot:{code}", "depth": 50, "since": None, "until": None}
    await conn.execute(text("SET jit = off"))
    keys = [r.key for r in await conn.execute(text(walk_sql(direction)), params)]  # type: ignore[arg-type]
    await conn.execute(text(nodes_sql()), {"keys": keys})
    await conn.execute(text(edges_sql(direction)), {**params, "keys": keys})
    return len(keys)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> None:
    url = await recreate_database(server_url(), DB)
    await migrate(url, load_spec("traceability").migrations)
    t0 = time.perf_counter()
    size = await load_plant(url, args.raw, args.orders, args.hot)
    print(
        f"plant: {size['lots']} lots, {size['nodes']} nodes, {size['edges']} edges (loaded in {time.perf_counter() - t0:.0f} s)"
    )
    keys = TestKeys()
    server = Server(
        [str(BIN / "mes"), "serve", "traceability", "--port", "{port}"],
        env={
            "MES_TRACEABILITY_DATABASE_URL": url,
            "MES_JWKS_URL": serve_jwks(keys)[0],
            "MES_LOG_LEVEL": "WARNING",
            # one client at full speed measures the service, not the request rate limiter (ADR 22)
            "MES_RATE_LIMITS_ENABLED": "false",
        },
    ).start("/health")
    rng = random.Random(1)
    finished = [f"F-{rng.randrange(args.orders)}" for _ in range(args.samples)]
    auth = {"Authorization": f"Bearer {keys.token('traceability:read', ttl_s=3600)}"}
    engine = create_async_engine(url)
    try:
        api_ms: list[float] = []
        raw_ms: list[float] = []
        async with (
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", headers=auth, timeout=60) as http,
            engine.connect() as conn,
        ):
            for code in finished[:10]:  # warm both
                (await http.get(f"{T}/trace/{code}/backward")).raise_for_status()
                await raw_trace(conn, code, "backward")
            for code in finished:  # interleaved, so load on the machine hits both alike
                t = time.perf_counter()
                r = await http.get(f"{T}/trace/{code}/backward")
                api_ms.append((time.perf_counter() - t) * 1000)
                r.raise_for_status()
                t = time.perf_counter()
                await raw_trace(conn, code, "backward")
                raw_ms.append((time.perf_counter() - t) * 1000)
            forward_api, forward_raw, reached = [], [], 0
            for _ in range(3):
                t = time.perf_counter()
                r = await http.get(f"{T}/trace/R-HOT/forward")
                forward_api.append(time.perf_counter() - t)
                r.raise_for_status()
                reached = len(r.json()["nodes"])
                t = time.perf_counter()
                await raw_trace(conn, "R-HOT", "forward")
                forward_raw.append(time.perf_counter() - t)
        print(f"backward trace of a finished lot, {args.samples} lots, one at a time:")
        print(
            f"  API  p50 {pct(api_ms, 0.5):6.1f} ms  p95 {pct(api_ms, 0.95):6.1f} ms  p99 {pct(api_ms, 0.99):6.1f} ms"
        )
        print(
            f"  SQL  p50 {pct(raw_ms, 0.5):6.1f} ms  p95 {pct(raw_ms, 0.95):6.1f} ms  p99 {pct(raw_ms, 0.99):6.1f} ms"
        )
        print(
            f"  API p99 / raw SQL p99: {pct(api_ms, 0.99) / pct(raw_ms, 0.99):.2f} (target <= 1.5; p95 target < 50 ms)"
        )
        print(f"forward recall of R-HOT: {reached} nodes")
        print(
            f"  API median {statistics.median(forward_api):.2f} s, raw SQL median {statistics.median(forward_raw):.2f} s,"
            f" ratio {statistics.median(forward_api) / statistics.median(forward_raw):.2f} (target < 2 s)"
        )
    finally:
        server.stop()
        await engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--raw", type=int, default=200_000)
    p.add_argument("--orders", type=int, default=100_000)
    p.add_argument("--hot", type=int, default=5600)
    p.add_argument("--samples", type=int, default=200)
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()

"""GET /oee of N machines with reporting's read cache of resource's answers warm, against the same
with the cache off (ADR 30). Each report asks resource for every machine's calendar up its path,
the planned windows and the cycle times: about 2N+4 HTTP calls without the cache, none with it.

Topology as deployed: `mes serve resource` and `mes serve reporting` as separate processes, each
on its own database, reporting calling resource over HTTP with the caller's token. Resource is
seeded through its API (a site calendar, a cycle time per machine); reporting's read models are
written straight into its database (states every 15 minutes, hourly yields, one day). Contenders,
interleaved per round: cache off (MES_REPORTING_CACHE_TTL_S=0, the ceiling to beat), cache in
memory, and cache in Redis (when one answers on MES_BENCH_REDIS_URL, default 127.0.0.1:6379).
All three must give the same report; the run fails otherwise. One connection: latency, not load.

    python -m bench.reporting_cache [--machines 20] [--rounds 5] [--requests 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.harness import BIN, Server, serve
from mes.platform.testing import TestKeys, serve_jwks
from mes.platform.testservers import recreate_database, server_url, tcp_open

START = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday
END = START + timedelta(days=1)
R = "/api/v1/resource"
TREE = [
    ("ENT", "enterprise", None),
    ("SITE", "site", "ENT"),
    ("AREA", "area", "SITE"),
    ("WC", "work_center", "AREA"),
]
SEED = [
    "INSERT INTO equipment_node (code, path, level, name) VALUES"
    " ('ENT', 'ENT', 'enterprise', 'E'), ('SITE', 'ENT/SITE', 'site', 'S'),"
    " ('AREA', 'ENT/SITE/AREA', 'area', 'A'), ('WC', 'ENT/SITE/AREA/WC', 'work_center', 'W')",
    "INSERT INTO equipment_node (code, path, level, name)"
    " SELECT 'M' || m, 'ENT/SITE/AREA/WC/M' || m, 'equipment', 'Machine ' || m FROM generate_series(1, :machines) m",
    "INSERT INTO state_interval (equipment_code, started_at, ended_at, state, element, reason_code)"
    " SELECT 'M' || m, CAST(:start AS timestamptz) + k * interval '15 minutes',"
    "   CAST(:start AS timestamptz) + (k + 1) * interval '15 minutes',"
    "   CASE WHEN (m * 7919 + k * 104729) % 100 < 80 THEN 'running' ELSE 'down' END,"
    "   CASE WHEN (m * 7919 + k * 104729) % 100 < 80 THEN 'APT' ELSE 'ADOT' END, NULL"
    " FROM generate_series(1, :machines) m, generate_series(0, 95) k",
    "INSERT INTO yield_report (report_id, event_id, occurred_at, work_order, product, operation, work_center,"
    "   equipment_code, at, good, scrap, rework, reasons)"
    " SELECT 'M' || m || '-' || k, gen_random_uuid(), now(), 'WO', 'P', '10', 'WC', 'M' || m,"
    "   CAST(:start AS timestamptz) + k * interval '1 hour' + interval '30 minutes', 100 + (m * 31 + k * 17) % 40,"
    "   (m + k) % 5, 0, '{}'::jsonb"
    " FROM generate_series(1, :machines) m, generate_series(6, 21) k",
    "ANALYZE",
]


def seed_resource(base: str, keys: TestKeys, machines: int) -> None:
    write = {
        "Authorization": f"Bearer {keys.token('resource:equipment:write', 'resource:shift:write', ttl_s=3600)}"
    }
    nodes = [*TREE, *((f"M{m}", "equipment", "WC") for m in range(1, machines + 1))]
    with httpx.Client(base_url=base, headers=write, timeout=30) as c:
        for code, level, parent in nodes:
            body = {"code": code, "name": code, "level": level, "parent_code": parent}
            c.post(f"{R}/equipment", json=body).raise_for_status()
        shifts = [
            {"name": "early", "weekdays": [1, 2, 3, 4, 5], "start": "06:00", "end": "14:00"},
            {"name": "late", "weekdays": [1, 2, 3, 4, 5], "start": "14:00", "end": "22:00"},
        ]
        c.put(
            f"{R}/equipment/SITE/calendar", json={"time_zone": "UTC", "patterns": shifts}
        ).raise_for_status()
        for m in range(1, machines + 1):
            c.put(f"{R}/equipment/M{m}/cycle-times/P", json={"ideal_cycle_time_s": "15"}).raise_for_status()


async def seed_reporting(url: str, machines: int) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        for sql in SEED:
            await conn.execute(text(sql), {"machines": machines, "start": START})
    await engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--machines", type=int, default=20)
    p.add_argument("--requests", type=int, default=10, help="per contender and round")
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    keys = TestKeys()
    redis_url = os.environ.get("MES_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    with_redis = tcp_open("127.0.0.1", int(redis_url.rsplit(":", 1)[1].split("/")[0]))
    resource = serve("resource", keys, "bench_mes_cache_resource")
    servers: list[tuple[str, Server]] = []
    try:
        seed_resource(f"http://127.0.0.1:{resource.port}", keys, args.machines)
        db = asyncio.run(recreate_database(server_url(), "bench_mes_cache_reporting"))
        env = {
            "MES_REPORTING_DATABASE_URL": db,
            "MES_JWKS_URL": serve_jwks(keys)[0],
            "MES_LOG_LEVEL": "WARNING",
            "MES_RATE_LIMITS_ENABLED": "false",
            "MES_SERVICE_URLS": json.dumps({"resource": f"http://127.0.0.1:{resource.port}"}),
        }
        contenders = [("cache off (TTL 0, ceiling to beat)", {"MES_REPORTING_CACHE_TTL_S": "0"})]
        contenders.append(("cache in memory, warm", {"MES_REPORTING_CACHE_TTL_S": "300"}))
        if with_redis:
            prefix = f"bench-{uuid.uuid4().hex[:8]}"
            contenders.append(
                (
                    "cache in Redis, warm",
                    {
                        "MES_REPORTING_CACHE_TTL_S": "300",
                        "MES_REDIS_URL": redis_url,
                        "MES_REDIS_PREFIX": prefix,
                    },
                )
            )
        for i, (name, extra) in enumerate(contenders):
            s = Server([str(BIN / "mes"), "serve", "reporting", "--port", "{port}"], env={**env, **extra})
            servers.append((name, s.start("/health")))
            if i == 0:
                asyncio.run(seed_reporting(db, args.machines))
        token = keys.token("reporting:read", "resource:read", ttl_s=3600)
        path = f"/api/v1/reporting/oee?scope=WC&grain=shift&group=equipment&start={START.isoformat()}&end={END.isoformat()}"
        path = path.replace("+", "%2B")
        answers = set()
        for _, s in servers:  # warms the caches, and all must agree
            r = httpx.get(
                f"http://127.0.0.1:{s.port}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=60
            )
            r.raise_for_status()
            assert len(r.json()["items"]) == 2 * args.machines, r.text[:300]
            answers.add(json.dumps(r.json(), sort_keys=True))
        if len(answers) != 1:
            raise RuntimeError("the contenders' reports differ")
        runs: dict[str, list[float]] = {name: [] for name, _ in servers}
        auth = {"Authorization": f"Bearer {token}"}
        clients = {
            name: httpx.Client(base_url=f"http://127.0.0.1:{s.port}", headers=auth, timeout=60)
            for name, s in servers
        }
        for _ in range(args.rounds):  # interleaved, so drift hits all alike
            for name, _s in servers:
                runs[name].extend(timed(clients[name], path, args.requests))
        for c in clients.values():
            c.close()
    finally:
        for _, s in servers:
            s.stop()
        resource.stop()
    load1 = os.getloadavg()[0]
    print(
        f"Reporting read cache: GET /oee of {args.machines} machines per shift, one day, one request at a time,"
        f" {args.rounds} rounds x {args.requests} requests (load average {load1:.1f} on {os.cpu_count()} cores)"
    )
    print(f"{'contender':<38} {'median ms':>10} {'p90 ms':>8}")
    for name, lat in runs.items():
        print(f"{name:<38} {statistics.median(lat):>10.1f} {statistics.quantiles(lat, n=10)[8]:>8.1f}")
    off = statistics.median(runs[servers[0][0]])
    for name, _ in servers[1:]:
        warm = statistics.median(runs[name])
        print(f"ratio {name} / cache off, median latency = {warm / off:.2f}  ({off / warm:.1f}x faster)")


def timed(client: httpx.Client, path: str, n: int) -> list[float]:
    """`n` requests one after the other; each one's latency in milliseconds (any error fails the run)."""
    out = []
    for _ in range(n):
        t = time.perf_counter()
        client.get(path).raise_for_status()
        out.append((time.perf_counter() - t) * 1000)
    return out


if __name__ == "__main__":
    main()

"""B1 HTTP overhead: a full-stack authenticated GET of one row against a bare ASGI app running the
same asyncpg query and returning the same JSON.

The full stack is the resource service as `mes serve` runs it: request id, JSON log line and
metrics per request, JWT verification (EdDSA) from a JWKS, the permission check, one database
transaction with the query on PostgreSQL, and the response model. The ceiling (`bench.apps:query`)
is a raw ASGI app under the same uvicorn settings, sending the same SELECT through an asyncpg pool
of the service's size and writing the row as the same JSON, measured in the same run. Shown beside
them: the same raw app returning fixed bytes (no query: what uvicorn alone does) and the service's
`/health` (the framework and middlewares, no token, no database).

    python -m bench.http_overhead [--seconds 5] [--rounds 5] [--connections 16]
"""

from __future__ import annotations

import json

import httpx
from sqlalchemy.engine import make_url

from bench.harness import (
    Server,
    load,
    median_of,
    options,
    serve,
    table,
    uvicorn_argv,
)
from mes.platform.testing import TestKeys

DB = "bench_mes_resource"
PATH = "/api/v1/resource/equipment/ACME"


def main() -> None:
    args = options(__doc__)
    keys = TestKeys()
    full = serve("resource", keys, DB)
    try:
        base = f"http://127.0.0.1:{full.port}"
        write = {"Authorization": f"Bearer {keys.token('resource:equipment:write', ttl_s=3600)}"}
        for code, name, level, parent in (
            ("ACME", "Acme Manufacturing", "enterprise", None),
            ("ACME-S1", "Plant 1", "site", "ACME"),  # a child, so the table has more than the row
        ):
            httpx.post(
                f"{base}/api/v1/resource/equipment",
                headers=write,
                json={"code": code, "name": name, "level": level, "parent_code": parent},
            ).raise_for_status()
        auth = f"Authorization: Bearer {keys.token('resource:read', ttl_s=3600)}"
        body = httpx.get(base + PATH, headers={"Authorization": auth.split(": ", 1)[1]}).content
        dsn = make_url(full.env["MES_RESOURCE_DATABASE_URL"]).set(drivername="postgresql")
        ceiling = Server(
            uvicorn_argv("bench.apps:query"), env={"BENCH_DSN": dsn.render_as_string(hide_password=False)}
        ).start()
        bare = Server(uvicorn_argv("bench.apps:bare"), env={"BENCH_BODY": body.decode()}).start()
        try:
            same = httpx.get(f"http://127.0.0.1:{ceiling.port}{PATH}").content
            if json.loads(same) != json.loads(body):
                raise RuntimeError(f"the ceiling answers {same!r}, the service {body!r}")
            full_runs, query_runs, bare_runs, health_runs = [], [], [], []
            for _ in range(args.rounds):  # interleaved, so drift hits all alike
                query_runs.append(load(ceiling.port, PATH, args.seconds, args.connections))
                full_runs.append(load(full.port, PATH, args.seconds, args.connections, [auth]))
                bare_runs.append(load(bare.port, PATH, args.seconds, args.connections))
                health_runs.append(load(full.port, "/api/v1/resource/health", args.seconds, args.connections))
        finally:
            bare.stop()
            ceiling.stop()
    finally:
        full.stop()

    print(
        f"B1 HTTP overhead: GET {PATH}, {args.connections} connections, {args.rounds} rounds x {args.seconds:g} s"
    )
    print(
        table(
            [
                ("bare ASGI + asyncpg, same query (ceiling)", query_runs),
                ("bare ASGI, fixed bytes (no query)", bare_runs),
                ("service, no auth or db (/health)", health_runs),
                ("full stack (auth, logs, metrics, db)", full_runs),
            ]
        )
    )
    ratio = median_of(full_runs, "rps") / median_of(query_runs, "rps")
    print(f"B1 ratio full/ceiling = {ratio:.2f}  (target >= 0.5)")


if __name__ == "__main__":
    main()

"""HTTP overhead: a full-stack authenticated GET against a bare ASGI app returning the same JSON.

The full stack is the resource service as `mes serve` runs it: request id, JSON log line and
metrics per request, JWT verification (EdDSA) from a JWKS, the permission check, one database
transaction with a query on PostgreSQL, and the response model. The ceiling is a raw ASGI app
returning the same bytes under the same uvicorn settings, measured in the same run.

    python -m bench.http_overhead [--seconds 5] [--rounds 5] [--connections 16]
"""

from __future__ import annotations

import httpx

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
        httpx.post(
            f"{base}/api/v1/resource/equipment",
            headers=write,
            json={"code": "ACME", "name": "Acme Manufacturing", "level": "enterprise"},
        ).raise_for_status()
        auth = f"Authorization: Bearer {keys.token('resource:read', ttl_s=3600)}"
        body = httpx.get(base + PATH, headers={"Authorization": auth.split(": ", 1)[1]}).content
        bare = Server(uvicorn_argv("bench.apps:bare"), env={"BENCH_BODY": body.decode()}).start()
        try:
            full_runs, bare_runs, health_runs = [], [], []
            for _ in range(args.rounds):  # interleaved, so drift hits all alike
                bare_runs.append(load(bare.port, PATH, args.seconds, args.connections))
                health_runs.append(load(full.port, "/api/v1/resource/health", args.seconds, args.connections))
                full_runs.append(load(full.port, PATH, args.seconds, args.connections, [auth]))
        finally:
            bare.stop()
    finally:
        full.stop()

    print(
        f"HTTP overhead: GET {PATH}, {args.connections} connections, {args.rounds} rounds x {args.seconds:g} s"
    )
    print(
        table(
            [
                ("bare ASGI (ceiling)", bare_runs),
                ("service, no auth or db (/health)", health_runs),
                ("full stack (auth, logs, metrics, db)", full_runs),
            ]
        )
    )
    ratio = median_of(full_runs, "rps") / median_of(bare_runs, "rps")
    print(
        f"ratio full/bare = {ratio:.2f}  (full stack serves {ratio:.0%} of the ceiling's requests per second)"
    )


if __name__ == "__main__":
    main()

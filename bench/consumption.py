"""Consumption: the shop floor's most frequent write, through the whole material service, against
the same SQL sent straight to PostgreSQL by pgbench (the ceiling) and by asyncpg from Python
(bench/ledger_ceiling.py), measured in the same run.

The full stack is `mes serve material`: JWT check, permission, the work order asked whether it is
open (`bench.apps:open_order` answers for work orders: material's side of the call is measured,
not the other service), Idempotency-Key claimed in the transaction, the lot's row lock, the ledger movement, the balance, the event in the outbox (and the
relay publishing it), the stored answer. Two shapes:
- spread: each connection consumes from a lot of its own (stations at different machines);
- hot: every connection consumes from the same lot (the row lock serialises them).

    python -m bench.consumption [--seconds 5] [--rounds 5] [--connections 16]
"""

from __future__ import annotations

import json
import sys

import httpx

from bench import pgbench
from bench.harness import (
    Server,
    load,
    median_of,
    options,
    run_json,
    serve,
    table,
    uvicorn_argv,
)
from bench.ledger_ceiling import pgbench_script
from mes.platform.testing import TestKeys

DB = "bench_mes_material"
M = "/api/v1/material"
STOCK = "100000000"


def seed(base: str, keys: TestKeys, spread: int) -> None:
    auth = {
        "Authorization": f"Bearer {keys.token('material:master:write', 'material:lot:receive', ttl_s=600)}"
    }
    with httpx.Client(base_url=base, headers=auth, timeout=30) as c:
        c.post(
            f"{M}/items", json={"code": "PP-RESIN", "name": "PP resin", "kind": "raw", "uom": "kg"}
        ).raise_for_status()
        c.post(
            f"{M}/locations", json={"code": "L1-SIDE", "name": "Line side", "kind": "line_side"}
        ).raise_for_status()
        for code in [f"BENCH-{n}" for n in range(spread)] + ["BENCH-HOT"]:
            lot = {"code": code, "item": "PP-RESIN", "quantity": STOCK, "location": "L1-SIDE"}
            c.post(f"{M}/lots", json=lot).raise_for_status()


def main() -> None:
    args = options(__doc__)
    keys = TestKeys()
    orders = Server(uvicorn_argv("bench.apps:open_order")).start()
    urls = json.dumps({"work-orders": f"http://127.0.0.1:{orders.port}"})
    try:
        service = serve("material", keys, DB, MES_SERVICE_URLS=urls)
    except BaseException:
        orders.stop()
        raise
    db_url = service.env["MES_MATERIAL_DATABASE_URL"]
    n = args.connections
    body = json.dumps({"quantity": "1", "work_order": "WO-BENCH", "operation": "10"})
    auth = f"Authorization: Bearer {keys.token('material:lot:consume', ttl_s=3600)}"
    runs: dict[str, list[dict[str, float]]] = {
        f"{who}-{shape}": [] for who in ("pgbench", "asyncpg", "full") for shape in ("spread", "hot")
    }
    try:
        seed(f"http://127.0.0.1:{service.port}", keys, n)
        for _ in range(args.rounds):  # interleaved, so drift hits all alike
            for shape, pattern, spread in (("spread", "BENCH-{n}", n), ("hot", "BENCH-HOT", 1)):
                script = pgbench_script(pattern, spread)
                runs[f"pgbench-{shape}"].append(pgbench.run(db_url, script, args.seconds, n))
                ceiling = [sys.executable, "-m", "bench.ledger_ceiling", db_url, pattern, str(args.seconds), str(n), str(spread)]  # fmt: skip
                runs[f"asyncpg-{shape}"].append(run_json(ceiling, "the asyncpg ceiling"))
                used = service.cpu_s()
                runs[f"full-{shape}"].append(
                    load(
                        service.port,
                        f"{M}/lots/{pattern}/consume",
                        args.seconds,
                        n,
                        [auth],
                        "--method=POST",
                        f"--body={body}",
                        "--unique-header=Idempotency-Key",
                        f"--spread={spread}",
                    )
                )
                last = runs[f"full-{shape}"][-1]
                last["cpu_ms"] = (service.cpu_s() - used) * 1000 / last["requests"]
    finally:
        service.stop()
        orders.stop()

    print(
        f"B2 consumption: POST {M}/lots/<lot>/consume, {n} connections, {args.rounds} rounds x {args.seconds:g} s"
    )
    print(
        table(
            [
                ("spread: pgbench, same SQL (ceiling)", runs["pgbench-spread"]),
                ("spread: asyncpg, same SQL", runs["asyncpg-spread"]),
                ("spread: material service", runs["full-spread"]),
                ("hot lot: pgbench, same SQL (ceiling)", runs["pgbench-hot"]),
                ("hot lot: asyncpg, same SQL", runs["asyncpg-hot"]),
                ("hot lot: material service", runs["full-hot"]),
            ]
        )
    )
    for shape in ("spread", "hot"):
        full = median_of(runs[f"full-{shape}"], "rps")
        print(
            f"B2 ratio full/pgbench ({shape}) = {full / median_of(runs[f'pgbench-{shape}'], 'rps'):.2f}, "
            f"full/asyncpg = {full / median_of(runs[f'asyncpg-{shape}'], 'rps'):.2f}; "
            f"the service's CPU per consumption {median_of(runs[f'full-{shape}'], 'cpu_ms'):.2f} ms"
        )


if __name__ == "__main__":
    main()

"""The ceiling for the consumption benchmark: the same writes as one consumption, straight to
PostgreSQL with asyncpg, no HTTP, no framework, no ORM (its own process, like the load generator).

    python -m bench.ledger_ceiling DATABASE_URL LOT_PATTERN SECONDS CONNECTIONS SPREAD

Each connection loops over one transaction, statement for statement what the service sends: claim
the Idempotency-Key, read the work order's status as material knows it, lock the lot with its item,
location and unit in one SELECT, lower the balance and append the ledger movement in one statement,
write the event to the outbox and store the answer under the key (six round trips); `{n}` in
LOT_PATTERN is the connection's number modulo SPREAD.
Prints the same JSON line as bench.load.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import time
import uuid

import asyncpg

from bench.load import summary

CLAIM = "INSERT INTO idempotency_key (key, request_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1"
ORDER = "SELECT status FROM work_order WHERE number = 'WO-BENCH'"
LOCK = (
    "SELECT l.id, l.quantity, l.status, l.expires_on, i.code, i.uom, c.code AS location, u.decimals"
    " FROM lot l JOIN item i ON i.id = l.item_id JOIN location c ON c.id = l.location_id"
    " JOIN uom u ON u.code = i.uom WHERE l.code = $1 FOR UPDATE OF l"
)
TAKE = (
    "WITH taken AS (UPDATE lot SET quantity = quantity - 1,"
    " status = CASE WHEN quantity = 1 THEN 'consumed' ELSE status END"
    " WHERE id = $1 RETURNING id, location_id)"
    " INSERT INTO movement (kind, lot_id, quantity, from_location_id, work_order, operation, actor)"
    " SELECT 'consume', id, -1, location_id, 'WO-BENCH', '10', 'bench' FROM taken RETURNING id"
)
EVENT = (
    "INSERT INTO outbox (event_id, topic, aggregate_id, producer, payload)"
    " VALUES ($1, 'material.lot_consumed.v1', $2, 'material', $3::jsonb)"
)
ANSWER = "UPDATE idempotency_key SET response = $2::jsonb, status_code = 200 WHERE key = $1"


async def _connection(url: str, lot: str, until: float, latencies: list[float]) -> None:
    conn = await asyncpg.connect(url)
    try:
        while time.perf_counter() < until:
            key = f"consume:{uuid.uuid4().hex}"
            start = time.perf_counter()
            async with conn.transaction():
                await conn.fetchval(CLAIM, key, hashlib.sha256(key.encode()).hexdigest())
                await conn.fetchval(ORDER)
                row = await conn.fetchrow(LOCK, lot)
                assert row is not None, f"no lot {lot}"
                movement = await conn.fetchval(TAKE, row["id"])
                remaining = str(row["quantity"] - 1)
                payload = {
                    "lot_code": lot,
                    "item_code": row["code"],
                    "quantity": "1",
                    "remaining": remaining,
                }
                await conn.execute(
                    EVENT, uuid.uuid4(), lot, json.dumps({**payload, "location": row["location"]})
                )
                await conn.execute(ANSWER, key, json.dumps({**payload, "movement_id": movement}))
            latencies.append(time.perf_counter() - start)
    finally:
        await conn.close()


async def run(url: str, pattern: str, seconds: float, connections: int, spread: int) -> dict[str, float]:
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _connection(url, pattern.replace("{n}", str(n % spread)), until, latencies)
            for n in range(connections)
        )
    )
    return summary(latencies, 0, time.perf_counter() - started)


def main() -> None:
    url, pattern, seconds, connections, spread = sys.argv[1:]
    url = url.replace("postgresql+asyncpg://", "postgresql://")
    print(json.dumps(asyncio.run(run(url, pattern, float(seconds), int(connections), max(1, int(spread))))))


if __name__ == "__main__":
    main()


def pgbench_script(pattern: str, spread: int) -> str:
    """The same statements for pgbench; `{n}` in the lot pattern is the client's number modulo `spread`."""
    prefix, n, suffix = pattern.partition("{n}")
    lot = (f"'{prefix}' || :n" + (f" || '{suffix}'" if suffix else "")) if n else f"'{pattern}'"
    where = f"WHERE l.code = {lot}"
    return "\n".join(
        [
            rf"\set n mod(:client_id, {spread})",
            r"SELECT '''consume:' || gen_random_uuid() || '''' AS k \gset",  # :k is a quoted literal
            "BEGIN;",
            "INSERT INTO idempotency_key (key, request_hash) VALUES (:k, md5(:k)) ON CONFLICT DO NOTHING RETURNING 1;",
            "SELECT status FROM work_order WHERE number = 'WO-BENCH';",
            "SELECT l.id, l.quantity, l.status, l.expires_on, i.code, i.uom, c.code, u.decimals"
            " FROM lot l JOIN item i ON i.id = l.item_id JOIN location c ON c.id = l.location_id"
            f" JOIN uom u ON u.code = i.uom {where} FOR UPDATE OF l;",
            "WITH taken AS (UPDATE lot l SET quantity = quantity - 1,"
            f" status = CASE WHEN quantity = 1 THEN 'consumed' ELSE status END {where} RETURNING id, location_id)"
            " INSERT INTO movement (kind, lot_id, quantity, from_location_id, work_order, operation, actor)"
            " SELECT 'consume', id, -1, location_id, 'WO-BENCH', '10', 'bench' FROM taken RETURNING id;",
            "INSERT INTO outbox (event_id, topic, aggregate_id, producer, payload) VALUES (gen_random_uuid(),"
            f""" 'material.lot_consumed.v1', {lot}, 'material', '{{"quantity": "1"}}');""",
            """UPDATE idempotency_key SET response = '{"consumed": "1"}', status_code = 200 WHERE key = :k;""",
            "COMMIT;",
            "",
        ]
    )

"""The ceiling for the consumption benchmark: the same writes as one consumption, straight to
PostgreSQL with asyncpg, no HTTP, no framework, no ORM (its own process, like the load generator).

    python -m bench.ledger_ceiling DATABASE_URL LOT_PATTERN SECONDS CONNECTIONS SPREAD

Each connection loops over one transaction: claim the Idempotency-Key, lock the lot, read its item
and location, append the ledger movement, lower the balance, write the event to the outbox and
store the answer under the key; `{n}` in LOT_PATTERN is the connection's number modulo SPREAD.
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
LOCK = "SELECT id, item_id, location_id, quantity, status, expires_on FROM lot WHERE code = $1 FOR UPDATE"
MOVE = (
    "INSERT INTO movement (kind, lot_id, quantity, from_location_id, work_order, operation, actor)"
    " VALUES ('consume', $1, -1, $2, 'WO-BENCH', '10', 'bench') RETURNING id"
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
                row = await conn.fetchrow(LOCK, lot)
                item = await conn.fetchrow("SELECT code, uom FROM item WHERE id = $1", row["item_id"])
                movement = await conn.fetchval(MOVE, row["id"], row["location_id"])
                location = await conn.fetchval("SELECT code FROM location WHERE id = $1", row["location_id"])
                await conn.execute("UPDATE lot SET quantity = quantity - 1 WHERE id = $1", row["id"])
                remaining = str(row["quantity"] - 1)
                payload = {
                    "lot_code": lot,
                    "item_code": item["code"],
                    "quantity": "1",
                    "remaining": remaining,
                }
                await conn.execute(EVENT, uuid.uuid4(), lot, json.dumps({**payload, "location": location}))
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
            f"SELECT l.id, l.item_id, l.location_id, l.quantity, l.status, l.expires_on FROM lot l {where} FOR UPDATE;",
            f"SELECT i.code, i.uom FROM item i JOIN lot l ON l.item_id = i.id {where};",
            "INSERT INTO movement (kind, lot_id, quantity, from_location_id, work_order, operation, actor)"
            f" SELECT 'consume', l.id, -1, l.location_id, 'WO-BENCH', '10', 'bench' FROM lot l {where} RETURNING id;",
            f"SELECT c.code FROM location c JOIN lot l ON l.location_id = c.id {where};",
            f"UPDATE lot l SET quantity = quantity - 1 {where};",
            "INSERT INTO outbox (event_id, topic, aggregate_id, producer, payload) VALUES (gen_random_uuid(),"
            f""" 'material.lot_consumed.v1', {lot}, 'material', '{{"quantity": "1"}}');""",
            """UPDATE idempotency_key SET response = '{"consumed": "1"}', status_code = 200 WHERE key = :k;""",
            "COMMIT;",
            "",
        ]
    )

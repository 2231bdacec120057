"""Stock never goes negative: fifty concurrent consumptions from two server processes."""

import asyncio
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.testing import ServeProcess, TestKeys, bearer, migrated_database, server_url
from mes.services import load_spec

from .conftest import ALL


async def _scratch(service: str) -> AsyncIterator[str]:
    server = server_url()
    name = f"test_stock_{service.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    yield await migrated_database(server, name, load_spec(service))
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


@pytest.fixture
async def database() -> AsyncIterator[str]:
    async for url in _scratch("material"):
        yield url


@pytest.fixture
async def orders_database() -> AsyncIterator[str]:
    """Work orders' database holding the fifty orders consumed against (material books only real ones)."""
    async for url in _scratch("work-orders"):
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO product (code, name, uom, created_by) VALUES ('KIT', 'Kit', 'pcs', 't')")
            )
            for i in range(50):
                await conn.execute(
                    text(
                        "INSERT INTO work_order (id, number, product, quantity, uom, due, priority, status,"
                        " created_by, good, scrap, process_loss, short, late) VALUES (:id, :n, 'KIT', 3,"
                        " 'pcs', now(), 5, 'released', 't', 0, 0, 0, false, false)"
                    ),
                    {"id": uuid.uuid4(), "n": f"WO-{i:03}"},
                )
        await engine.dispose()
        yield url


@pytest.fixture
def two_servers(database: str, orders_database: str, jwks_url: str) -> Iterator[list[str]]:
    orders = ServeProcess(
        "work-orders",
        {
            "MES_WORK_ORDERS_DATABASE_URL": orders_database,
            "MES_JWKS_URL": jwks_url,
            "MES_LOG_LEVEL": "WARNING",
        },
    )
    try:
        orders.wait_ready()
    except BaseException:
        orders.stop()
        raise
    env = {
        "MES_MATERIAL_DATABASE_URL": database,
        "MES_JWKS_URL": jwks_url,
        "MES_LOG_LEVEL": "WARNING",
        "MES_SERVICE_URLS": json.dumps({"work-orders": orders.base}),
    }
    servers = [ServeProcess("material", env) for _ in range(2)]
    try:
        for server in servers:
            server.wait_ready()
        yield [server.base for server in servers]
    finally:
        for server in servers:
            server.stop()
        orders.stop()


async def test_fifty_concurrent_consumptions_from_two_processes(
    two_servers: list[str], test_keys: TestKeys, database: str
) -> None:
    a, b = two_servers
    auth = bearer(test_keys.token(*ALL, sub="line-1-terminal"))
    async with httpx.AsyncClient(timeout=30, headers=auth) as http:
        for path, body in (
            ("/locations", {"code": "L1-SIDE", "name": "Line 1 line-side", "kind": "line_side"}),
            ("/items", {"code": "PP-RESIN", "name": "Polypropylene resin", "kind": "raw", "uom": "kg"}),
            ("/lots", {"code": "R-100", "item": "PP-RESIN", "quantity": 100, "location": "L1-SIDE"}),
        ):
            assert (await http.post(f"{a}/api/v1/material{path}", json=body)).status_code == 201

        async def consume(i: int) -> httpx.Response:
            base = a if i % 2 else b
            return await http.post(
                f"{base}/api/v1/material/lots/R-100/consume",
                json={"quantity": 3, "work_order": f"WO-{i:03}", "operation": "10"},
                headers={"Idempotency-Key": f"req-{i}"},
            )

        responses = await asyncio.gather(*(consume(i) for i in range(50)))
        lot = (await http.get(f"{b}/api/v1/material/lots/R-100")).json()

    outcomes = Counter(r.status_code for r in responses)
    assert outcomes == {200: 33, 409: 17}
    refusals = [r.json() for r in responses if r.status_code == 409]
    assert {p["code"] for p in refusals} == {"insufficient_quantity"}
    assert all(p["type"] and p["detail"] for p in refusals)
    assert Decimal(lot["quantity"]) == 1
    engine = create_async_engine(database)
    async with engine.connect() as conn:
        ledger = (
            await conn.execute(
                text("SELECT sum(quantity), count(*) FILTER (WHERE kind = 'consume') FROM movement")
            )
        ).one()
        events = (
            await conn.execute(text("SELECT count(*) FROM outbox WHERE topic = 'material.lot_consumed.v1'"))
        ).scalar()
    await engine.dispose()
    assert Decimal(ledger[0]) == 1
    assert ledger[1] == 33
    assert events == 33

"""Distributed mode: services as separate `mes serve` processes exchanging events over NATS JetStream
or Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mes.platform.testing import (
    KafkaServer,
    NatsServer,
    ServeProcess,
    TestKeys,
    bearer,
    scratch_databases,
    wait_until,
)


@pytest.fixture
async def databases() -> AsyncIterator[dict[str, str]]:
    async with scratch_databases("resource", "work-orders") as urls:
        yield urls


@pytest.mark.parametrize("broker", ["nats", "kafka"])
async def test_two_services_exchange_an_event_over_the_bus_and_replicas_share_the_work(
    broker: str,
    request: pytest.FixtureRequest,
    jwks_url: str,
    databases: dict[str, str],
    test_keys: TestKeys,
) -> None:
    server: NatsServer | KafkaServer = request.getfixturevalue(f"{broker}_server")
    common = {
        "MES_BUS_URL": server.url,
        "MES_JWKS_URL": jwks_url,
        "MES_LOG_LEVEL": "WARNING",
        "MES_RELAY_POLL_S": "0.1",
    }
    resource = ServeProcess("resource", {**common, "MES_RESOURCE_DATABASE_URL": databases["resource"]})
    # two replicas of the work orders service: one consumer group, each event handled once
    replicas = [
        ServeProcess("work-orders", {**common, "MES_WORK_ORDERS_DATABASE_URL": databases["work-orders"]})
        for _ in range(2)
    ]
    procs = [resource, *replicas]
    try:
        for p in procs:
            p.wait_ready()
        write = bearer(test_keys.token("resource:equipment:write", "resource:read", sub="engineer-1"))
        async with httpx.AsyncClient(timeout=10) as http:
            plant = [("ACME", "enterprise", None), ("LYON", "site", "ACME"), ("ASSY", "area", "LYON")]
            plant += [(f"LINE-{i}", "work_center", "ASSY") for i in range(1, 41)]
            for code, level, parent in plant:
                r = await http.post(
                    f"{resource.base}/api/v1/resource/equipment",
                    headers=write,
                    json={"code": code, "name": code.title(), "level": level, "parent_code": parent},
                )
                assert r.status_code == 201, r.text
            read = bearer(test_keys.token("workorder:read"))

            async def all_lines_known() -> bool:
                r = await http.get(
                    f"{replicas[1].base}/api/v1/workorders/work-centers?limit=100", headers=read
                )
                return r.status_code == 200 and r.json()["total"] == 40

            await wait_until(all_lines_known, timeout_s=30)
            r = await http.get(f"{replicas[0].base}/api/v1/workorders/work-centers?limit=100", headers=read)
            assert r.json()["items"][0]["path"] == "ACME/LYON/ASSY/LINE-1"
            # each replica says how many events it received: together exactly one delivery per event
            received = [_consumed(await http.get(f"{p.base}/metrics")) for p in replicas]
    finally:
        for p in procs:
            p.stop()
    engine = create_async_engine(databases["work-orders"])
    async with engine.connect() as conn:
        handled = (await conn.execute(text("SELECT count(*), count(DISTINCT event_id) FROM inbox"))).one()
    await engine.dispose()
    assert tuple(handled) == (43, 43)
    assert sum(r["handled"] for r in received) == 43
    assert sum(r["duplicate"] for r in received) == 0


def _consumed(r: httpx.Response) -> dict[str, float]:
    out = {"handled": 0.0, "duplicate": 0.0}
    for line in r.text.splitlines():
        if line.startswith("mes_events_consumed_total{"):
            labels, value = line.rsplit(" ", 1)
            outcome = labels.split('outcome="')[1].split('"')[0]
            out[outcome] += float(value)
    return out

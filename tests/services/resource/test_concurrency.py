"""Acceptance 1: two `mes serve resource` processes on one database, operators posting and machines
reporting out of order at the same time; the history has no gap and no overlap and equals the
reports in time order. The live board of one process shows changes made through the other."""

import asyncio
import contextlib
import json
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from mes.contracts.integration import MachineStateReported
from mes.platform.bus import NatsBus
from mes.platform.events import Envelope
from mes.platform.testing import (
    NatsServer,
    ServeProcess,
    TestKeys,
    bearer,
    migrated_database,
    server_url,
    wait_until,
)
from mes.services import load_spec

from .conftest import ALL
from .test_states import STATES, expected

PRESSES = ("PRESS-1", "PRESS-2", "PRESS-3", "PRESS-4")


@pytest.fixture
async def database() -> AsyncIterator[str]:
    server = server_url()
    name = f"test_res_states_{uuid.uuid4().hex[:8]}"
    yield await migrated_database(server, name, load_spec("resource"))
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


@pytest.fixture
def two_servers(database: str, jwks_url: str, nats_server: NatsServer) -> Iterator[list[str]]:
    env = {
        "MES_RESOURCE_DATABASE_URL": database,
        "MES_JWKS_URL": jwks_url,
        "MES_BUS_URL": nats_server.url,
        "MES_LOG_LEVEL": "WARNING",
        "MES_RELAY_POLL_S": "0.1",
    }
    servers = [ServeProcess("resource", env) for _ in range(2)]
    try:
        for server in servers:
            server.wait_ready()
        yield [server.base for server in servers]
    finally:
        for server in servers:
            server.stop()


async def _read_board(http: httpx.AsyncClient, url: str, seen: list[tuple[str, Any]]) -> None:
    async with http.stream("GET", url, headers={"Accept": "text/event-stream"}, timeout=None) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        event = ""
        async for line in r.aiter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                seen.append((event, json.loads(line.removeprefix("data: "))))


async def test_history_stays_gap_and_overlap_free_across_two_processes(
    two_servers: list[str], test_keys: TestKeys, database: str, nats_server: NatsServer
) -> None:
    a, b = two_servers
    rng = random.Random(20260302)
    t0 = datetime.now(UTC) - timedelta(days=1)
    auth = bearer(test_keys.token(*ALL, sub="shift-lead-1"))
    async with httpx.AsyncClient(timeout=60, headers=auth) as http:
        plant = [("ACME", "enterprise", None), ("LYON", "site", "ACME"), ("MOULDING", "area", "LYON")]
        plant += [("LINE-1", "work_center", "MOULDING")] + [(p, "equipment", "LINE-1") for p in PRESSES]
        for code, level, parent in plant:
            body = {"code": code, "name": code.title(), "level": level, "parent_code": parent}
            assert (await http.post(f"{a}/api/v1/resource/equipment", json=body)).status_code == 201
        # the reports are hours old: keep the servers' no-signal check from stopping the machines meanwhile
        r = await http.patch(f"{a}/api/v1/resource/equipment/LINE-1", json={"no_signal_s": 86400})
        assert r.status_code == 200

        seen: list[tuple[str, Any]] = []
        board = asyncio.create_task(
            _read_board(http, f"{a}/api/v1/resource/equipment-states/stream?under=LINE-1", seen)
        )
        await wait_until(lambda: any(e == "snapshot" for e, _ in seen), timeout_s=20)

        reports: dict[str, list[tuple[datetime, str]]] = {}
        for i, code in enumerate(PRESSES):
            minutes = rng.sample(range(1, 600), 40)
            reports[code] = [(t0 + timedelta(minutes=m, seconds=i), rng.choice(STATES)) for m in minutes]
        # PRESS-1 only through B (the board listens on A), PRESS-2 through both: operators
        posts = [("PRESS-1", at, s, b) for at, s in reports["PRESS-1"]]
        posts += [("PRESS-2", at, s, a if n % 2 else b) for n, (at, s) in enumerate(reports["PRESS-2"])]
        rng.shuffle(posts)
        # PRESS-3 and PRESS-4 by machines, in shuffled order, through the bus to both replicas
        machine = [(code, at, s) for code in ("PRESS-3", "PRESS-4") for at, s in reports[code]]
        rng.shuffle(machine)
        bus = NatsBus(nats_server.url)
        await bus.connect()

        async def post(code: str, at: datetime, state: str, base: str) -> int:
            r = await http.post(
                f"{base}/api/v1/resource/equipment/{code}/state", json={"state": state, "at": at.isoformat()}
            )
            return r.status_code

        async def report_all() -> None:
            for code, at, state in machine:
                ev = MachineStateReported(equipment_code=code, state=state, at=at)  # type: ignore[arg-type]
                await bus.publish(
                    Envelope(
                        str(ev.event_id),
                        ev.topic,
                        ev.aggregate_id,
                        "integration",
                        ev.model_dump_json().encode(),
                    )
                )

        statuses, _ = await asyncio.gather(asyncio.gather(*(post(*p) for p in posts)), report_all())
        await bus.close()
        assert set(statuses) == {200}

        engine = create_async_engine(database)

        async def all_reports_in() -> bool:
            async with engine.connect() as conn:
                return (await conn.execute(text("SELECT count(*) FROM state_report"))).scalar() == 160

        await wait_until(all_reports_in, timeout_s=60)
        async with engine.connect() as conn:
            gaps = (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM equipment_state s WHERE s.ended_at IS NOT NULL AND NOT EXISTS"
                        " (SELECT 1 FROM equipment_state n WHERE n.equipment_id = s.equipment_id"
                        "  AND n.started_at = s.ended_at)"
                    )
                )
            ).scalar()
            overlaps = (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM equipment_state x JOIN equipment_state y"
                        " ON x.equipment_id = y.equipment_id AND x.id < y.id"
                        " AND tstzrange(x.started_at, x.ended_at) && tstzrange(y.started_at, y.ended_at)"
                    )
                )
            ).scalar()
            open_rows = (
                await conn.execute(
                    text("SELECT count(*) FROM equipment_state WHERE ended_at IS NULL GROUP BY equipment_id")
                )
            ).all()
            histories = {
                code: [
                    (r[0], r[1])
                    for r in await conn.execute(
                        text(
                            "SELECT s.state, s.started_at FROM equipment_state s JOIN equipment e"
                            " ON e.id = s.equipment_id WHERE e.code = :c ORDER BY s.started_at"
                        ),
                        {"c": code},
                    )
                ]
                for code in PRESSES
            }
        await engine.dispose()
        assert gaps == 0 and overlaps == 0
        assert [n for (n,) in open_rows] == [1, 1, 1, 1]
        for code in PRESSES:
            assert histories[code] == expected(reports[code]), code

        # the board on A saw the changes made through B, after commit
        await wait_until(
            lambda: any(e == "state" and d["equipment_code"] == "PRESS-1" for e, d in seen), timeout_s=20
        )
        board.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await board  # the connection closes: the server stops streaming (and can shut down)
        snapshot = next(d for e, d in seen if e == "snapshot")
        assert [i["equipment_code"] for i in snapshot["items"]] == ["LINE-1", *PRESSES]

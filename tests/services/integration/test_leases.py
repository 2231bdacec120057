"""Connectors run once across replicas: two `Connectors` workers (two replicas of the service, each
with its own lock connection) against one database; only one runs a connector, the other takes
over when the holder's database session dies, the holder stops or its process is killed, and no
count is lost or doubled."""

import asyncio
import sys
import uuid

from sqlalchemy import text

from mes.platform.testing import Harness, free_port, wait_until
from mes.services.integration.service.runners import Connectors, lease_key
from mes.simulate import OpcUaMachine

from .conftest import Line, Seed, call
from .test_opcua import opcua_connector


def sessions(machine: OpcUaMachine) -> int:
    """Client sessions open on the simulated machine's OPC UA server."""
    return len(machine.server.iserver._external_sessions)


async def test_one_replica_runs_a_connector_and_another_takes_over(
    harness: Harness, plant: Seed, line: Line
) -> None:
    await plant()
    machine = OpcUaMachine(free_port(), ["PRESS-4", "PRESS-5"])
    await machine.start()
    a, b = line.worker, Connectors(harness.db("integration"))
    try:
        await call(harness, "POST", "/connectors", opcua_connector(machine.endpoint))
        await a.reload()
        await b.reload()
        await b.reload()  # reloading again never starts a second runner
        assert len(a.runners) == 1 and not b.runners

        async def pump() -> None:
            await a.flush()
            await b.flush()
            await harness.deliver()

        line.pump = pump  # type: ignore[method-assign]  # both replicas flush in every round
        await line.until(lambda: _state(line, "idle"))  # subscribed: Parts=0 is the baseline
        await machine.set("PRESS-4", State="Executing", Parts=10, Rejects=1)
        await line.until(lambda: _good(line, 10))

        async def one_session() -> bool:
            return sessions(machine) == 1

        await line.until(one_session)

        # the holder's database session dies (as when its process is killed): its lock is gone and
        # the other replica takes it; the first stops its runner at its next flush and drops what
        # it had not written
        assert a.leases.pid is not None
        async with harness.db("integration").engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:p, 10000)"), {"p": a.leases.pid})
        await machine.set("PRESS-4", Parts=25, Rejects=2)
        await b.reload()
        assert len(b.runners) == 1
        await a.reload()  # its lock connection is gone: it stops its runner and can't lock again
        assert not a.runners
        await line.until(lambda: _good(line, 25))
        await machine.set("PRESS-4", Parts=31)
        await line.until(lambda: _good(line, 31))
        await a.reload()
        assert not a.runners  # b holds it now

        # the new holder stops (a replica shut down): the first one takes the connector back
        await b.stop()
        await machine.set("PRESS-4", Parts=40)
        await a.reload()
        assert len(a.runners) == 1
        await line.until(lambda: _good(line, 40))
        await line.until(one_session)
        assert (await line.counters("PRESS-4")).get("scrap") == 2
        status = (await call(harness, "GET", "/connectors/opcua-line-1"))["status"]
        assert status["connected"]
    finally:
        await b.stop()
        await machine.stop()


async def _good(line: Line, n: int) -> bool:
    return (await line.counters("PRESS-4")).get("good", 0) == n


async def _state(line: Line, state: str) -> bool:
    return await line.state("PRESS-4") == state


HOLDER = """
import asyncio, sys
import asyncpg

async def main() -> None:
    conn = await asyncpg.connect(sys.argv[1])
    assert await conn.fetchval("SELECT pg_try_advisory_lock($1)", int(sys.argv[2]))
    print("holding", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_a_replica_process_killed_hands_its_connector_over(
    harness: Harness, plant: Seed, line: Line
) -> None:
    """Another replica's process holds the connector's lease; it is killed (SIGKILL): PostgreSQL
    drops its session and lock, and this replica takes the connector over."""
    await plant()
    machine = OpcUaMachine(free_port(), ["PRESS-4", "PRESS-5"])
    await machine.start()
    engine = harness.db("integration").engine
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    holder: asyncio.subprocess.Process | None = None
    try:
        c = await call(harness, "POST", "/connectors", opcua_connector(machine.endpoint))
        holder = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            HOLDER,
            dsn,
            str(lease_key(uuid.UUID(c["id"]))),
            stdout=asyncio.subprocess.PIPE,
        )
        assert holder.stdout is not None
        assert (await asyncio.wait_for(holder.stdout.readline(), 60)).strip() == b"holding"
        await line.worker.reload()
        assert not line.worker.runners and sessions(machine) == 0  # the other replica has it

        holder.kill()
        await holder.wait()

        async def taken() -> bool:
            await line.worker.reload()  # PostgreSQL notices the dead session within moments
            return bool(line.worker.runners)

        await wait_until(taken, timeout_s=60, interval_s=0.2)
        await line.until(lambda: _state(line, "idle"))
        await machine.set("PRESS-4", State="Executing", Parts=7)
        await line.until(lambda: _good(line, 7))
        assert sessions(machine) == 1
    finally:
        if holder is not None and holder.returncode is None:
            holder.kill()
            await holder.wait()
        await machine.stop()

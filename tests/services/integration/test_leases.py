"""Connectors run once across replicas: two `Connectors` workers (two replicas of the service, each
with its own lock connection) against one database; only one runs a connector, the other takes
over when the holder's database session dies or the holder stops, and no count is lost or doubled."""

from sqlalchemy import text

from mes.platform.testing import Harness, free_port
from mes.services.integration.service.runners import Connectors
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

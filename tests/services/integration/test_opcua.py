"""Machines over OPC UA: a simulated machine (an asyncua server started by the test) drives the MES."""

from mes.platform.testing import Harness, free_port
from mes.simulate import OpcUaMachine

from .conftest import Line, Seed, call


def opcua_connector(endpoint: str) -> dict:
    return {
        "name": "opcua-line-1",
        "kind": "opcua",
        "config": {
            "endpoint": endpoint,
            "reconnect_max_s": 1.0,
            "machine_types": {
                "moulder": {
                    "state": {"field": "ns=2;s={address}.State", "machinery_item_state": True},
                    "counters": [
                        {"field": "ns=2;s={address}.Parts", "counter": "good", "modulus": 1000},
                        {"field": "ns=2;s={address}.Rejects", "counter": "scrap"},
                    ],
                }
            },
            "machines": [
                {"equipment_code": "PRESS-4", "machine_type": "moulder", "address": "PRESS-4"},
                {"equipment_code": "PRESS-5", "machine_type": "moulder", "address": "PRESS-5"},
            ],
        },
    }


async def test_opcua_machine_states_counts_and_reconnect(harness: Harness, plant: Seed, line: Line) -> None:
    await plant()
    machine = OpcUaMachine(free_port(), ["PRESS-4", "PRESS-5"])
    await machine.start()
    try:
        await call(harness, "POST", "/connectors", opcua_connector(machine.endpoint))
        await line.connected("opcua-line-1")
        await line.until(lambda: _is(line, "PRESS-4", "idle"))  # NotExecuting

        async def counts(code: str = "PRESS-4", **want: int) -> None:
            async def ok() -> bool:
                got = await line.counters(code)
                return all(got.get(k, 0) == v for k, v in want.items())

            await line.until(ok)

        await machine.set("PRESS-4", State="Executing", Parts=10, Rejects=1)
        await line.until(lambda: _is(line, "PRESS-4", "running"))
        await counts(good=10, scrap=1)
        await machine.set("PRESS-4", Parts=3)  # the machine's counter was reset: counted from 0
        await counts(good=13)
        await machine.set("PRESS-4", Parts=950)
        await counts(good=960)
        await machine.set("PRESS-4", Parts=20)  # it wrapped at 1000: +70
        await counts(good=1030)
        await machine.set("PRESS-5", State="OutOfService")
        await line.until(lambda: _is(line, "PRESS-5", "down"))

        # the server goes away; the machine keeps producing; it comes back: nothing lost
        await machine.stop()

        async def disconnected() -> bool:
            return not (await call(harness, "GET", "/connectors/opcua-line-1"))["status"]["connected"]

        await line.until(disconnected)
        await machine.set("PRESS-4", Parts=45, Rejects=3)
        await machine.start()
        await counts(good=1055, scrap=3)
        status = (await call(harness, "GET", "/connectors/opcua-line-1"))["status"]
        assert status["connected"] and status["reconnects"] >= 1 and status["last_error"]
        assert await line.state("PRESS-4") == "running"
    finally:
        await machine.stop()


async def test_opcua_server_unreachable_and_unknown_nodes(harness: Harness, plant: Seed, line: Line) -> None:
    await plant()
    port = free_port()
    body = opcua_connector(f"opc.tcp://127.0.0.1:{port}/mes/")
    body["config"]["machines"].append(
        {"equipment_code": "PRESS-6", "machine_type": "moulder", "address": "NOPE"}
    )
    await call(harness, "POST", "/connectors", body)
    await line.worker.reload()

    async def failed() -> bool:
        st = (await call(harness, "GET", "/connectors/opcua-line-1"))["status"]
        return bool(st["errors"] >= 1 and not st["connected"] and st["last_error"])

    await line.until(failed)
    machine = OpcUaMachine(port, ["PRESS-4", "PRESS-5"])  # the server comes up later
    await machine.start()
    try:
        await line.until(lambda: _is(line, "PRESS-4", "idle"))
        letters = (await call(harness, "GET", "/message-dead-letters?source=opcua"))["items"]
        assert {x["path"] for x in letters} >= {"ns=2;s=NOPE.State", "ns=2;s=NOPE.Parts"}
    finally:
        await machine.stop()


async def _is(line: Line, code: str, state: str) -> bool:
    return await line.state(code) == state

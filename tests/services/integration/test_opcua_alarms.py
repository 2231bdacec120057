"""OPC UA alarms: a mapped alarm node on a simulated machine (an asyncua server started by the
test) puts the equipment down with a reason code; cleared, it is back in the state the machine
reports."""

from mes.platform.testing import Harness, free_port
from mes.simulate import OpcUaMachine

from .conftest import Line, R, Seed, call
from .test_opcua import opcua_connector


async def test_an_alarm_node_puts_the_machine_down_with_a_reason(
    harness: Harness, plant: Seed, line: Line
) -> None:
    await plant()
    machine = OpcUaMachine(free_port(), ["PRESS-4", "PRESS-5"])
    for m in machine.names:
        machine.values[m]["Alarm"] = 0  # an alarm code node beside State, Parts and Rejects
    await machine.start()
    try:
        body = opcua_connector(machine.endpoint)
        body["config"]["machine_types"]["moulder"]["alarms"] = [
            {
                "field": "ns=2;s={address}.Alarm",
                "reason_code": "MACHINE-ALARM",
                "values": {"17": "MOULD-TEMP", "23": "EJECTOR-JAM"},
            }
        ]
        await call(harness, "POST", "/connectors", body)
        await line.connected("opcua-line-1")
        await machine.set("PRESS-4", State="Executing")
        await line.until(lambda: _is(line, "PRESS-4", "running", None))

        await machine.set("PRESS-4", Alarm=17)
        await line.until(lambda: _is(line, "PRESS-4", "down", "MOULD-TEMP"))
        # the machine reports another state while in alarm: it stays down, counts go on
        await machine.set("PRESS-4", State="NotExecuting", Parts=5)
        await line.until(lambda: _counted(line, 5))
        assert await _is(line, "PRESS-4", "down", "MOULD-TEMP")

        await machine.set("PRESS-4", Alarm=0)  # cleared: the state the machine last reported
        await line.until(lambda: _is(line, "PRESS-4", "idle", None))

        await machine.set("PRESS-5", Alarm=99)  # an alarm without a mapping: the rule's reason
        await line.until(lambda: _is(line, "PRESS-5", "down", "MACHINE-ALARM"))
        assert await _is(line, "PRESS-4", "idle", None)
    finally:
        await machine.stop()


async def _is(line: Line, code: str, state: str, reason: str | None) -> bool:
    r = await line.h.client.get(f"{R}/equipment/{code}/state", headers=line.h.auth("resource:read"))
    body = r.json()
    return bool(body["state"] == state and body["reason_code"] == reason)


async def _counted(line: Line, n: int) -> bool:
    return (await line.counters("PRESS-4")).get("good", 0) == n

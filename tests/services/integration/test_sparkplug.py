"""Machines over MQTT: a Sparkplug B edge node through the real Mosquitto, and plain JSON topics."""

import uuid
from datetime import UTC, datetime, timedelta

import aiomqtt

from mes.platform.testing import Harness
from mes.services.integration.models import sparkplug as sp
from mes.simulate import EdgeNode

from .conftest import MQTT, Line, Seed, call


def sparkplug_connector(group: str) -> dict:
    return {
        "name": f"sp-{group.lower()}",
        "kind": "mqtt",
        "config": {
            "mqtt": {"host": MQTT[0], "port": MQTT[1]},
            "sparkplug": {"host_id": f"mes-{group.lower()}", "group_ids": [group]},
            "machine_types": {
                "press": {
                    "state": {"field": "State", "machinery_item_state": True},
                    "counters": [
                        {"field": "Parts", "counter": "good", "modulus": 65536},
                        {"field": "Rejects", "counter": "scrap"},
                    ],
                }
            },
            "machines": [
                {"equipment_code": "PRESS-4", "machine_type": "press", "address": f"{group}/NODE-1/PRESS-4"}
            ],
        },
    }


async def test_sparkplug_edge_node_drives_state_and_counts(harness: Harness, plant: Seed, line: Line) -> None:
    await plant()
    group = f"T{uuid.uuid4().hex[:8]}"
    body = sparkplug_connector(group)
    await call(harness, "POST", "/connectors", body)
    name = body["name"]

    # the host announces itself: retained STATE with online true
    await line.connected(name)
    async with aiomqtt.Client(*MQTT) as probe:
        await probe.subscribe(sp.state_topic(f"mes-{group.lower()}"), qos=1)
        async for m in probe.messages:
            assert m.retain and b'"online": true' in bytes(m.payload)  # type: ignore[arg-type]
            break

    node = EdgeNode(*MQTT, group, "NODE-1", {"PRESS-4": {"State": 3, "Parts": 100, "Rejects": 0}})
    await node.connect()
    try:
        await line.until(lambda: _is(line, "PRESS-4", "running"))

        await node.data("PRESS-4", {"Parts": 105})
        await node.data("PRESS-4", {"Parts": 112, "Rejects": 1})
        await line.until(lambda: _counts(line, good=12, scrap=1))

        # a sequence gap: the host asks for a rebirth, the node births again, nothing counted twice
        await node.data("PRESS-4", {"Parts": 120}, seq=(node.seq + 5) % 256)
        await line.until(lambda: _counts(line, good=20, scrap=1))
        await line.until(lambda: _true(node.rebirths == 1))
        status = (await call(harness, "GET", f"/connectors/{name}"))["status"]
        assert status["rebirths"] == 1

        # 300 messages: the sequence number wraps past 255 without a rebirth
        parts = 120
        for _ in range(300):
            parts += 1
            await node.data("PRESS-4", {"Parts": parts})
        await line.until(lambda: _counts(line, good=320, scrap=1))
        assert node.rebirths == 1

        # the 16-bit counter rolls over (65530 -> 4: +10), then the machine resets it (to 0, then 3)
        await node.data("PRESS-4", {"Parts": 65530})
        await node.data("PRESS-4", {"Parts": 4})
        await node.data("PRESS-4", {"Parts": 3})
        await line.until(lambda: _counts(line, good=320 + 65530 - 420 + 10 + 3, scrap=1))

        # a state change, then the node dies: communication lost, the press is offline
        await node.data("PRESS-4", {"State": 2})
        await line.until(lambda: _is(line, "PRESS-4", "idle"))
        died_at = datetime.now(UTC)
        await node.die()
        await line.until(lambda: _is(line, "PRESS-4", "offline"))

        # back with bdSeq + 1; a late death certificate of the old session changes nothing
        node.devices["PRESS-4"]["State"] = 3  # it was restarted: running again
        back_at = datetime.now(UTC)
        await node.connect()
        await line.until(lambda: _is(line, "PRESS-4", "running"))
        async with aiomqtt.Client(*MQTT) as stale:
            payload = sp.encode(
                sp.Payload(timestamp=0, metrics=[sp.Metric(name="bdSeq", datatype=sp.INT64, value=0)])
            )
            await stale.publish(sp.topic(group, "NDEATH", "NODE-1"), payload, qos=1)

        # the machine's buffer from while it was away: history, not the present
        gap = died_at + (back_at - died_at) / 2
        await node.data("PRESS-4", {"State": 1}, at=gap, historical=True)
        await node.data("PRESS-4", {"Parts": 3}, at=gap)  # a live sample to know the last message is through

        async def history_has_down() -> bool:
            r = await harness.client.get(
                "/api/v1/resource/equipment/PRESS-4/states",
                params={
                    "start": (died_at - timedelta(minutes=5)).isoformat(),
                    "end": datetime.now(UTC).isoformat(),
                },
                headers=harness.auth("resource:read"),
            )
            return any(i["state"] == "down" and i["source_ref"].endswith("#State") for i in r.json()["items"])

        await line.until(history_has_down)
        assert await line.state("PRESS-4") == "running"
    finally:
        await node.close()


async def test_payloads_that_are_not_sparkplug_are_dead_lettered(
    harness: Harness, plant: Seed, line: Line
) -> None:
    await plant()
    group = f"T{uuid.uuid4().hex[:8]}"
    body = sparkplug_connector(group)
    await call(harness, "POST", "/connectors", body)
    await line.connected(body["name"])
    node = EdgeNode(*MQTT, group, "NODE-1", {"PRESS-4": {"State": 3, "Parts": 0, "Rejects": 0}})
    await node.connect()
    try:
        async with aiomqtt.Client(*MQTT) as bad:
            topic = sp.topic(group, "DDATA", "NODE-1", "PRESS-4")
            await bad.publish(topic, b'{"State": "running"}', qos=1)
            await bad.publish(topic, b"\x0a\xff\xff", qos=1)  # a length past the end
            await bad.publish(topic, bytes(range(256)) * 2000, qos=1)  # oversized
        await line.until(lambda: _letters(harness, 3))
        letters = (await call(harness, "GET", "/message-dead-letters?source=mqtt"))["items"]
        reasons = sorted(x["reason"] for x in letters)
        assert any("wire type" in r for r in reasons)
        assert any("truncated" in r for r in reasons)
        assert any("over the" in r for r in reasons)
        # the connector lives on: the next real message counts
        await node.data("PRESS-4", {"Parts": 7, "State": 2})
        await line.until(lambda: _counts(line, good=7, scrap=0))
        assert await line.state("PRESS-4") == "idle"
    finally:
        await node.close()


async def test_plain_json_topics(harness: Harness, plant: Seed, line: Line) -> None:
    await plant()
    topic = f"plant/{uuid.uuid4().hex[:8]}/press5"
    body = {
        "name": "json-press-5",
        "kind": "mqtt",
        "config": {
            "mqtt": {"host": MQTT[0], "port": MQTT[1]},
            "json_topics": True,
            "machine_types": {
                "press": {
                    "state": {
                        "field": "status.mode",
                        "values": {"AUTO": "running", "STOP": "down", "SETUP": "setup"},
                    },
                    "counters": [
                        {"field": "count.good", "counter": "good"},
                        {"field": "count.bad", "counter": "scrap"},
                    ],
                }
            },
            "machines": [{"equipment_code": "PRESS-5", "machine_type": "press", "address": topic}],
        },
    }
    await call(harness, "POST", "/connectors", body)
    await line.connected("json-press-5")
    async with aiomqtt.Client(*MQTT) as machine:
        for doc in (
            b'{"status": {"mode": "AUTO"}, "count": {"good": 10, "bad": 0}}',
            b'{"status": {"mode": "AUTO"}, "count": {"good": 17, "bad": 2}}',
            b'{"status": {"mode": "WEIRD"}}',
            b"not json",
            b'{"count": {"good": 2}}',  # reset: counted from 0
            b'{"status": {"mode": "SETUP"}, "count": {"good": 5}}',
        ):
            await machine.publish(topic, doc, qos=1)
        await line.until(lambda: _counts(line, "PRESS-5", good=12, scrap=2))
    assert await line.state("PRESS-5") == "setup"
    letters = (await call(harness, "GET", "/message-dead-letters?source=mqtt"))["items"]
    assert sorted(x["reason"][:8] for x in letters) == ["not JSON", "state va"]
    assert any(x["path"] == f"{topic}#status.mode" for x in letters)


async def _true(v: bool) -> bool:
    return v


async def _is(line: Line, code: str, state: str) -> bool:
    return await line.state(code) == state


async def _counts(line: Line, code: str = "PRESS-4", **want: int) -> bool:
    got = await line.counters(code)
    return all(got.get(k, 0) == v for k, v in want.items())


async def _letters(h: Harness, n: int) -> bool:
    r = await h.client.get("/api/v1/integration/message-dead-letters", headers=h.auth("integration:read"))
    return bool(r.json()["total"] >= n)

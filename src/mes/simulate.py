"""Simulated machines beside `mes up`: a Sparkplug B edge node on an MQTT broker and an OPC UA server.

`mes simulate` runs both; the tests drive the same classes step by step. The edge node speaks
Sparkplug B 3.0 (births with bdSeq and aliases, sequence numbers, a death certificate as its will,
Rebirth on NCMD); the OPC UA machine offers a MachineryItemState-like current state and part and
reject counters.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiomqtt

from mes.services.integration.models import sparkplug as sp

STATE_CODES = {"running": 3, "idle": 2, "down": 1, "offline": 0}


def _ms(at: datetime | None = None) -> int:
    return int((at or datetime.now(UTC)).timestamp() * 1000)


class EdgeNode:
    """A Sparkplug B edge node with devices; every metric has an alias from its birth."""

    def __init__(
        self, host: str, port: int, group: str, node: str, devices: dict[str, dict[str, Any]]
    ) -> None:
        self.host, self.port, self.group, self.node = host, port, group, node
        self.devices = devices  # device id -> metric name -> value
        self.bdseq = 0
        self.seq = 0
        self.aliases: dict[tuple[str, str], int] = {}
        self.rebirths = 0
        self._client: aiomqtt.Client | None = None
        self._listener: asyncio.Task[None] | None = None

    def _next(self) -> int:
        self.seq = (self.seq + 1) % 256
        return self.seq

    def _death(self) -> bytes:
        return sp.encode(
            sp.Payload(
                timestamp=_ms(), metrics=[sp.Metric(name="bdSeq", datatype=sp.INT64, value=self.bdseq)]
            )
        )

    @staticmethod
    def _type(value: Any) -> int:
        if isinstance(value, bool):
            return sp.BOOLEAN
        if isinstance(value, int):
            return sp.UINT32 if 0 <= value < 2**32 else sp.INT64
        if isinstance(value, float):
            return sp.DOUBLE
        return sp.STRING

    async def connect(self) -> None:
        will = aiomqtt.Will(sp.topic(self.group, "NDEATH", self.node), self._death(), qos=1)
        self._client = aiomqtt.Client(
            self.host,
            self.port,
            identifier=f"edge-{self.group}-{self.node}-{random.randrange(10**6)}",
            will=will,
            keepalive=5,
        )
        await self._client.__aenter__()
        await self._client.subscribe(sp.topic(self.group, "NCMD", self.node), qos=1)
        self._listener = asyncio.create_task(self._listen())
        await self.birth()

    async def _listen(self) -> None:
        assert self._client is not None
        async for m in self._client.messages:
            try:
                p = sp.decode(bytes(m.payload))  # type: ignore[arg-type,unused-ignore]
            except Exception:  # noqa: S112 - not a command this node understands
                continue
            if any(x.name == "Node Control/Rebirth" and x.value for x in p.metrics):
                self.rebirths += 1
                await self.birth()

    async def publish(self, topic: str, payload: bytes) -> None:
        assert self._client is not None
        await self._client.publish(topic, payload, qos=1)

    async def birth(self) -> None:
        """NBIRTH (seq 0, bdSeq) and a DBIRTH per device, every metric named and aliased."""
        self.seq = 0
        now = _ms()
        node_metrics = [
            sp.Metric(name="bdSeq", datatype=sp.INT64, value=self.bdseq, timestamp=now),
            sp.Metric(name="Node Control/Rebirth", datatype=sp.BOOLEAN, value=False, timestamp=now),
        ]
        await self.publish(
            sp.topic(self.group, "NBIRTH", self.node),
            sp.encode(sp.Payload(timestamp=now, seq=0, metrics=node_metrics)),
        )
        alias = 1
        for device, metrics in self.devices.items():
            ms = []
            for name, value in metrics.items():
                self.aliases[(device, name)] = alias
                ms.append(
                    sp.Metric(name=name, alias=alias, datatype=self._type(value), value=value, timestamp=now)
                )
                alias += 1
            await self.publish(
                sp.topic(self.group, "DBIRTH", self.node, device),
                sp.encode(sp.Payload(timestamp=now, seq=self._next(), metrics=ms)),
            )

    def data_payload(
        self,
        device: str,
        values: dict[str, Any],
        *,
        at: datetime | None = None,
        historical: bool = False,
        seq: int | None = None,
    ) -> bytes:
        self.devices[device].update({} if historical else values)
        ts = _ms(at)
        ms = [
            sp.Metric(
                alias=self.aliases[(device, n)],
                datatype=self._type(v),
                value=v,
                timestamp=ts,
                is_historical=historical,
            )
            for n, v in values.items()
        ]
        return sp.encode(sp.Payload(timestamp=_ms(), seq=self._next() if seq is None else seq, metrics=ms))

    async def data(self, device: str, values: dict[str, Any], **kw: Any) -> None:
        await self.publish(
            sp.topic(self.group, "DDATA", self.node, device), self.data_payload(device, values, **kw)
        )

    async def die(self) -> None:
        """A clean death: NDEATH with the birth's bdSeq, then disconnect; the next birth uses bdSeq + 1."""
        await self.publish(sp.topic(self.group, "NDEATH", self.node), self._death())
        await self.close()
        self.bdseq = (self.bdseq + 1) % 256

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(BaseException):
                await self._listener
            self._listener = None
        if self._client is not None:
            with contextlib.suppress(Exception):
                await self._client.__aexit__(None, None, None)
            self._client = None


def _node_id(identifier: str, ns: int) -> Any:
    from asyncua import ua

    return ua.NodeId(identifier, ns)  # type: ignore[arg-type]


class OpcUaMachine:
    """An OPC UA server with machines: `<name>.State` (MachineryItemState names), `<name>.Parts`,
    `<name>.Rejects` (UInt32 counters), in namespace `urn:mes:simulator`."""

    NAMESPACE = "urn:mes:simulator"

    def __init__(self, port: int, machines: list[str]) -> None:
        self.port = port
        self.names = machines
        self.values: dict[str, dict[str, Any]] = {
            m: {"State": "NotExecuting", "Parts": 0, "Rejects": 0} for m in machines
        }
        self.server: Any = None
        self.nodes: dict[tuple[str, str], Any] = {}
        self.ns = 2

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://127.0.0.1:{self.port}/mes/"

    async def start(self) -> None:
        from asyncua import ua
        from asyncua.server.server import Server

        server = Server()
        await server.init()
        server.set_endpoint(self.endpoint)
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        self.ns = await server.register_namespace(self.NAMESPACE)
        objects = server.nodes.objects
        for m in self.names:
            obj = await objects.add_object(_node_id(m, self.ns), m)
            for field, value in self.values[m].items():
                vtype = ua.VariantType.String if field == "State" else ua.VariantType.UInt32
                node = await obj.add_variable(
                    _node_id(f"{m}.{field}", self.ns), field, ua.Variant(value, vtype)
                )
                self.nodes[(m, field)] = node
        await server.start()
        self.server = server

    def node_id(self, machine: str, field: str) -> str:
        return f"ns={self.ns};s={machine}.{field}"

    async def set(self, machine: str, **values: Any) -> None:
        """Change the machine; kept while the server is down, served again when it comes back."""
        from asyncua import ua

        self.values[machine].update(values)
        if self.server is None:
            return
        for field, value in values.items():
            vtype = ua.VariantType.String if field == "State" else ua.VariantType.UInt32
            await self.nodes[(machine, field)].write_value(
                ua.DataValue(ua.Variant(value, vtype), SourceTimestamp=datetime.now(UTC))  # type: ignore[arg-type]
            )

    async def stop(self) -> None:
        if self.server is not None:
            with contextlib.suppress(Exception):
                await self.server.stop()
            self.server = None


@contextlib.asynccontextmanager
async def running(machine: OpcUaMachine) -> AsyncIterator[OpcUaMachine]:
    await machine.start()
    try:
        yield machine
    finally:
        await machine.stop()


def demo_connectors(broker: tuple[str, int], opcua_endpoint: str) -> list[dict[str, Any]]:
    """The connectors that read the simulated demo line (created through the integration API)."""
    return [
        {
            "name": "line-1-sparkplug",
            "kind": "mqtt",
            "config": {
                "mqtt": {"host": broker[0], "port": broker[1]},
                "sparkplug": {"host_id": "mes", "group_ids": ["DEMO"]},
                "machine_types": {
                    "press": {
                        "state": {"field": "State", "machinery_item_state": True},
                        "counters": [
                            {"field": "Parts", "counter": "good", "modulus": 65536},
                            {"field": "Rejects", "counter": "scrap", "modulus": 65536},
                        ],
                    }
                },
                "machines": [
                    {"equipment_code": "IMM-11", "machine_type": "press", "address": "DEMO/LINE-1/IMM-11"}
                ],
            },
        },
        {
            "name": "line-1-opcua",
            "kind": "opcua",
            "config": {
                "endpoint": opcua_endpoint,
                "machine_types": {
                    "moulder": {
                        "state": {"field": "ns=2;s={address}.State", "machinery_item_state": True},
                        "counters": [
                            {"field": "ns=2;s={address}.Parts", "counter": "good"},
                            {"field": "ns=2;s={address}.Rejects", "counter": "scrap"},
                        ],
                    }
                },
                "machines": [{"equipment_code": "IMM-12", "machine_type": "moulder", "address": "IMM-12"}],
            },
        },
    ]


async def simulate(broker: tuple[str, int], opcua_port: int, every_s: float = 2.0) -> None:
    """Runs an edge node and an OPC UA server until cancelled, the machines running with stops."""
    node = EdgeNode(
        broker[0], broker[1], "DEMO", "LINE-1", {"IMM-11": {"State": 3, "Parts": 0, "Rejects": 0}}
    )
    machine = OpcUaMachine(opcua_port, ["IMM-12"])
    await machine.start()
    await node.connect()
    rng = random.Random(7)
    try:
        while True:
            await asyncio.sleep(every_s)
            for dev in node.devices:
                v = node.devices[dev]
                state = 1 if rng.random() < 0.1 else 3
                parts = (v["Parts"] + (rng.randint(1, 4) if state == 3 else 0)) % 65536
                rejects = (v["Rejects"] + (1 if rng.random() < 0.05 else 0)) % 65536
                await node.data(dev, {"State": state, "Parts": parts, "Rejects": rejects})
            v2 = machine.values["IMM-12"]
            running_ = rng.random() > 0.1
            await machine.set(
                "IMM-12",
                State="Executing" if running_ else "OutOfService",
                Parts=v2["Parts"] + (rng.randint(1, 3) if running_ else 0),
                Rejects=v2["Rejects"] + (1 if rng.random() < 0.05 else 0),
            )
    finally:
        await node.close()
        await machine.stop()


def describe(broker: tuple[str, int], opcua_port: int) -> str:
    return json.dumps(demo_connectors(broker, f"opc.tcp://127.0.0.1:{opcua_port}/mes/"), indent=2)

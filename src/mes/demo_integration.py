"""Demo data of the integration service: the connectors that read the simulated line (`mes simulate`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from mes.simulate import demo_connectors

API = "/api/v1/integration"

Call = Callable[..., Awaitable[Any]]


async def seed(call: Call, admin: dict[str, str], say: Callable[[str], None]) -> None:
    """An MQTT broker with the Sparkplug edge node of line 1 (IMM-11) and an OPC UA server (IMM-12);
    connected once `mes simulate` runs, shown as not connected until then."""
    say("integration: connectors for `mes simulate` (Sparkplug IMM-11, OPC UA IMM-12) ...")
    for body in demo_connectors(("127.0.0.1", 1883), "opc.tcp://127.0.0.1:4840/mes/"):
        await call("POST", f"{API}/connectors", body, admin)

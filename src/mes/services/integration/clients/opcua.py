"""An OPC UA session on a server (asyncua): subscribe to nodes, hand each data change on."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # asyncua is imported when a connector first connects: it is a second of start-up
    from asyncua.client.client import Client

Change = tuple[str, Any, datetime]  # node id, value, source time
OnChange = Callable[[str, Any, datetime], None]


def plain(value: Any) -> Any:
    """An OPC UA value as JSON-able Python: LocalizedText/QualifiedName by their text, enums by number."""
    from asyncua import ua

    if isinstance(value, ua.LocalizedText):
        return value.Text
    if isinstance(value, ua.QualifiedName):
        return value.Name
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), int):  # IntEnum
        return int(value.value)
    return value


class _Handler:
    def __init__(self, on_change: OnChange) -> None:
        self.on_change = on_change

    def datachange_notification(self, node: Any, val: Any, data: Any) -> None:
        dv = data.monitored_item.Value
        at = dv.SourceTimestamp or dv.ServerTimestamp or datetime.now(UTC)
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        self.on_change(node.nodeid.to_string(), plain(val), at)


class OpcUaLink:
    def __init__(self, client: Client) -> None:
        self.client = client

    async def subscribe(self, node_ids: list[str], on_change: OnChange, period_ms: float = 100) -> list[str]:
        """Subscribes to each node that exists; returns the ids that could not be subscribed."""
        sub = await self.client.create_subscription(period_ms, _Handler(on_change))
        missing: list[str] = []
        for nid in node_ids:
            try:
                await sub.subscribe_data_change(self.client.get_node(nid))
            except Exception:  # a bad node id or one the server doesn't have
                missing.append(nid)
        return missing

    async def watch(self, every_s: float = 0.5) -> None:
        """Returns (raises) when the connection is lost."""
        while True:
            await asyncio.sleep(every_s)
            await self.client.check_connection()


@asynccontextmanager
async def connect(endpoint: str, timeout_s: float = 4.0) -> AsyncIterator[OpcUaLink]:
    from asyncua.client.client import Client

    client = Client(endpoint, timeout=timeout_s, watchdog_intervall=1.0)
    await client.connect()
    try:
        yield OpcUaLink(client)
    finally:
        with contextlib.suppress(Exception):  # the server may be gone already
            await asyncio.wait_for(client.disconnect(), 2)

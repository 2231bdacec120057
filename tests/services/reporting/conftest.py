"""A small plant seeded through resource's API, with yields and counters published as their producers would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from mes.contracts.work_orders import ScrapReason, YieldReported
from mes.platform.cache import MemoryCache
from mes.platform.events import Envelope, Event, record_event
from mes.platform.testing import Harness
from mes.services.reporting import clients

R = "/api/v1/resource"
P = "/api/v1/reporting"
RESOURCE = (
    "resource:read",
    "resource:equipment:write",
    "resource:state:write",
    "resource:downtime:write",
    "resource:shift:write",
)
# the supervisor's view: reporting, and resource's calendars and cycle times behind it
READER = ("reporting:read", "resource:read")
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
PLANT = (
    ("ACME", "enterprise", None),
    ("LYON", "site", "ACME"),
    ("LINE-1", "area", "LYON"),
    ("WC-1", "work_center", "LINE-1"),
    ("PRESS-1", "equipment", "WC-1"),
    ("PRESS-2", "equipment", "WC-1"),
)


def at(h: int, m: int = 0, day: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=h, minutes=m)


class Plant:
    def __init__(self, h: Harness) -> None:
        self.h = h

    async def resource(self, method: str, path: str, body: Any = None) -> Any:
        r = await self.h.client.request(
            method, R + path, json=body, headers=self.h.auth(*RESOURCE, sub="eng")
        )
        assert r.status_code < 300, (path, r.text)
        return r.json() if r.content else None

    async def get(self, path: str, status: int = 200, **params: Any) -> Any:
        r = await self.h.client.get(P + path, params=params, headers=self.h.auth(*READER, sub="sup"))
        assert r.status_code == status, r.text
        return r.json() if "json" in r.headers.get("content-type", "") else r.text

    async def state(self, code: str, state: str, when: datetime) -> None:
        await self.resource("POST", f"/equipment/{code}/state", {"state": state, "at": when.isoformat()})
        await self.h.deliver()

    async def publish(self, event: Event) -> None:
        producer = event.topic.split(".", 1)[0].replace("_", "-")
        async with self.h.db(producer).transaction() as session:
            await record_event(session, event)
        await self.h.deliver()

    async def redeliver(self, event: Event) -> None:
        """The bus delivers `event` once more to reporting (at-least-once delivery)."""
        env = Envelope(
            str(event.event_id), event.topic, event.aggregate_id, "test", event.model_dump_json().encode()
        )
        await self.h.runtimes["reporting"].consumer()(env)

    async def yield_(
        self,
        when: datetime,
        good: str,
        scrap: dict[str, str] | None = None,
        *,
        code: str = "PRESS-1",
        **kw: Any,
    ) -> YieldReported:
        reasons = [ScrapReason(reason=k, quantity=Decimal(v)) for k, v in (scrap or {}).items()]
        fields: dict[str, Any] = {
            "work_order": "WO-1",
            "product": "CAP",
            "actor": "op-ana",
            "operation": "10",
            "name": "Mould",
            "work_center": "WC-1",
            "equipment": code,
            "report_id": f"{code}-{when.isoformat()}",
            "at": when,
            "good": Decimal(good),
            "scrap": sum((r.quantity for r in reasons), Decimal(0)),
            "scrap_reasons": reasons,
            "rework": Decimal(0),
        }
        event = YieldReported(**(fields | kw))
        await self.publish(event)
        return event

    async def oee(self, **params: Any) -> list[dict[str, Any]]:
        page = await self.get("/oee", **params)
        return list(page["items"])


@pytest.fixture(autouse=True)
def fresh_read_cache() -> Iterator[MemoryCache]:
    """Each test starts with an empty read cache of resource's answers (tests share one process,
    and each test's resource data is rolled back without the events that would invalidate it)."""
    cache = MemoryCache("reporting")
    old = clients.use_cache(cache)
    yield cache
    if old is not None:
        clients.use_cache(old)


@pytest.fixture
async def plant(harness: Harness) -> Plant:
    """LYON (UTC): early 06:00-14:00 (break 10:00-10:30), late 14:00-22:00 (break 18:00-18:30), Mon-Fri."""
    p = Plant(harness)
    for code, level, parent in PLANT:
        await p.resource(
            "POST", "/equipment", {"code": code, "name": code.title(), "level": level, "parent_code": parent}
        )
    shifts = [
        {
            "name": "early",
            "weekdays": [1, 2, 3, 4, 5],
            "start": "06:00",
            "end": "14:00",
            "breaks": [{"start": "10:00", "end": "10:30"}],
        },
        {
            "name": "late",
            "weekdays": [1, 2, 3, 4, 5],
            "start": "14:00",
            "end": "22:00",
            "breaks": [{"start": "18:00", "end": "18:30"}],
        },
    ]
    await p.resource("PUT", "/equipment/LYON/calendar", {"time_zone": "UTC", "patterns": shifts})
    await p.resource("PUT", "/equipment/PRESS-1/cycle-times/CAP", {"ideal_cycle_time_s": "30"})
    await p.resource("PUT", "/equipment/PRESS-2/cycle-times/CAP", {"ideal_cycle_time_s": "60"})
    for code, name in (("MECH", "Mechanical"), ("PLANNED", "Planned")):
        await p.resource("POST", "/sites/LYON/reason-codes", {"code": code, "name": name})
    await p.resource(
        "POST",
        "/sites/LYON/reason-codes",
        {"code": "PLANNED.CHANGE", "name": "Changeover", "parent_code": "PLANNED"},
    )
    await harness.deliver()
    return p

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest

from mes.platform.events import Event, record_event
from mes.platform.testing import Harness

R = "/api/v1/resource"
ALL = (
    "resource:read",
    "resource:equipment:write",
    "resource:state:write",
    "resource:downtime:write",
    "resource:shift:write",
    "resource:personnel:write",
    "resource:maintenance:write",
    "auth:user:read",  # creating a person asks auth whether the user exists
)
PLANT = (
    ("ACME", "enterprise", None),
    ("LYON", "site", "ACME"),
    ("MOULDING", "area", "LYON"),
    ("LINE-1", "work_center", "MOULDING"),
    ("PRESS-4", "equipment", "LINE-1"),
    ("PRESS-5", "equipment", "LINE-1"),
    ("LINE-2", "work_center", "MOULDING"),
    ("ROBOT-7", "equipment", "LINE-2"),
)

Seed = Callable[[], Awaitable[None]]


@pytest.fixture
def plant(harness: Harness) -> Seed:
    """A site in Lyon (Europe/Paris) with two lines and three machines."""

    async def seed() -> None:
        auth = harness.auth(*ALL, sub="engineer-ana")
        for code, level, parent in PLANT:
            body = {"code": code, "name": code.title(), "level": level, "parent_code": parent}
            r = await harness.client.post(f"{R}/equipment", json=body, headers=auth)
            assert r.status_code == 201, r.text
        r = await harness.client.patch(
            f"{R}/equipment/LYON", json={"time_zone": "Europe/Paris"}, headers=auth
        )
        assert r.status_code == 200, r.text

    return seed


async def call(h: Harness, method: str, path: str, body: Any = None, *, sub: str = "tester") -> Any:
    """A request with every resource permission; asserts a 2xx and returns the JSON (None for 204).
    A person created is first made an auth user, as resource requires."""
    if method == "POST" and path == "/persons":
        await h.enrol(body["username"])
    r = await h.client.request(method, R + path, json=body, headers=h.auth(*ALL, sub=sub))
    assert r.status_code < 300, (method, path, r.status_code, r.text)
    return r.json() if r.status_code != 204 else None


async def publish(h: Harness, event: Event) -> int:
    """Publish `event` as its producing service would (its outbox), then relay everything."""
    producer = event.topic.split(".", 1)[0]
    async with h.db(producer).transaction() as session:
        await record_event(session, event)
    return await h.deliver()


def iso(dt: datetime) -> str:
    return dt.isoformat()

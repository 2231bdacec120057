"""State history: late and out-of-order reports land where they belong; never a gap or an overlap."""

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from mes.contracts.integration import MachineStateReported
from mes.platform.testing import Harness

from .conftest import Seed, call, publish

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
STATES = ("running", "idle", "setup", "down", "running", "planned_stop", "running", "offline")


def expected(reports: list[tuple[datetime, str]]) -> list[tuple[str, datetime]]:
    """The step function of the reports in time order, equal neighbours joined."""
    out: list[tuple[str, datetime]] = []
    for at, state in sorted(reports):
        if not out or out[-1][0] != state:
            out.append((state, at))
    return out


async def history(h: Harness, code: str) -> list[tuple[str, datetime, datetime | None]]:
    async with h.db("resource").transaction() as s:
        rows = (
            await s.execute(
                text(
                    "SELECT s.state, s.started_at, s.ended_at FROM equipment_state s"
                    " JOIN equipment e ON e.id = s.equipment_id WHERE e.code = :c ORDER BY s.started_at"
                ),
                {"c": code},
            )
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def assert_contiguous(rows: list[tuple[str, datetime, datetime | None]]) -> None:
    for (_, _, end), (_, start, _) in itertools.pairwise(rows):
        assert end == start, rows
    assert rows[-1][2] is None


async def test_out_of_order_machine_reports_give_the_history_of_the_sorted_reports(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    rng = random.Random(4711)
    for code in ("PRESS-4", "PRESS-5", "ROBOT-7"):
        # repeated states too: a heartbeat "running" between changes must still end a late stop
        reports = [(T0 + timedelta(minutes=7 * i + rng.randint(0, 5)), rng.choice(STATES)) for i in range(25)]
        shuffled = reports[:]
        rng.shuffle(shuffled)
        for at, state in shuffled:
            await publish(harness, MachineStateReported(equipment_code=code, state=state, at=at))
        rows = await history(harness, code)
        assert_contiguous(rows)
        assert [(r[0], r[1]) for r in rows] == expected(reports)


async def test_a_late_stop_ends_at_the_next_report_not_at_the_next_change(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    for minute, state in ((0, "running"), (10, "running"), (5, "down")):
        at = T0 + timedelta(minutes=minute)
        await publish(harness, MachineStateReported(equipment_code="PRESS-4", state=state, at=at))
    assert await history(harness, "PRESS-4") == [
        ("running", T0, T0 + timedelta(minutes=5)),
        ("down", T0 + timedelta(minutes=5), T0 + timedelta(minutes=10)),
        ("running", T0 + timedelta(minutes=10), None),
    ]
    # the stop became a downtime record with its exact bounds
    stops = await call(harness, "GET", "/equipment/PRESS-4/downtimes")
    assert [(d["started_at"], d["duration_s"]) for d in stops["items"]] == [("2026-03-02T06:05:00Z", 300)]


async def test_a_report_for_an_instant_already_known_replaces_it(harness: Harness, plant: Seed) -> None:
    await plant()
    for minute, state in ((0, "running"), (5, "idle"), (10, "running"), (5, "running")):
        at = (T0 + timedelta(minutes=minute)).isoformat()
        await call(harness, "POST", "/equipment/PRESS-4/state", {"state": state, "at": at})
    assert await history(harness, "PRESS-4") == [("running", T0, None)]


async def test_the_database_refuses_an_overlap_or_a_gap(harness: Harness, plant: Seed) -> None:
    await plant()
    await call(harness, "POST", "/equipment/PRESS-4/state", {"state": "running", "at": T0.isoformat()})
    async with harness.db("resource").transaction() as s:
        eq = (await s.execute(text("SELECT id FROM equipment WHERE code = 'PRESS-4'"))).scalar()
        for sql, needle in (
            ("INSERT INTO equipment_state (equipment_id, state, started_at, source, actor)"
             " VALUES (:e, 'down', :t, 'operator', 'x')", "ex_equipment_state_no_overlap"),
            ("UPDATE equipment_state SET ended_at = :t WHERE equipment_id = :e", "has a gap"),
        ):  # fmt: skip
            with pytest.raises(Exception, match=needle):  # noqa: PT012 - the statement and the check
                async with s.begin_nested():
                    await s.execute(text(sql), {"e": eq, "t": T0 + timedelta(hours=1)})
                    await s.execute(text("SET CONSTRAINTS equipment_state_contiguous IMMEDIATE"))


async def test_bad_state_input_is_refused_and_changes_nothing(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth("resource:state:write", "resource:read")
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    for body, status in (
        ({"state": "exploded"}, 422),
        ({"state": "down", "at": "2026-03-02T06:00:00"}, 422),  # no time zone
        ({"state": "down", "at": future}, 422),
        ({"state": "down", "extra": 1}, 422),
    ):
        r = await harness.client.post("/api/v1/resource/equipment/PRESS-4/state", json=body, headers=auth)
        assert r.status_code == status, r.text
        assert r.headers["content-type"] == "application/problem+json"
    r = await harness.client.post(
        "/api/v1/resource/equipment/LYON/state", json={"state": "down"}, headers=auth
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_state_change"
    r = await harness.client.post(
        "/api/v1/resource/equipment/NOPE/state", json={"state": "down"}, headers=auth
    )
    assert r.status_code == 404
    assert (await call(harness, "GET", "/equipment/PRESS-4/state"))["state"] is None
    assert await history(harness, "PRESS-4") == []
    r = await harness.client.get(
        "/api/v1/resource/equipment/PRESS-4/states?start=2026-03-02T07:00:00Z&end=2026-03-02T06:00:00Z",
        headers=auth,
    )
    assert r.status_code == 422

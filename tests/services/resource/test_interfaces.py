"""The interfaces other services build against: shapes as agreed."""

from datetime import UTC, date, datetime, timedelta

from mes.contracts.integration import MachineStateReported
from mes.contracts.resource import EquipmentStateChanged
from mes.platform.testing import Harness

from .conftest import R, Seed, call, publish


async def test_state_change_publishes_the_agreed_event(harness: Harness, plant: Seed) -> None:
    await plant()
    await harness.deliver()
    t0 = datetime.now(UTC) - timedelta(minutes=30)
    await call(harness, "POST", "/equipment/PRESS-4/state", {"state": "running", "at": t0.isoformat()})
    body = await call(harness, "POST", "/equipment/PRESS-4/state", {"state": "down", "reason_code": "JAM"})
    assert body["state"] == "down" and body["available"] is False
    assert body["opc_item_state"] == "OutOfService" and body["iso22400_element"] == "ADOT"
    async with harness.db("resource").transaction() as s:
        from sqlalchemy import text

        rows = (
            await s.execute(
                text("SELECT payload::text FROM outbox WHERE topic = :t ORDER BY id"),
                {"t": EquipmentStateChanged.topic},
            )
        ).all()
    events = [EquipmentStateChanged.model_validate_json(r[0]) for r in rows]
    assert [(e.state, e.previous_state, e.available, e.source) for e in events] == [
        ("running", None, True, "operator"),
        ("down", "running", False, "operator"),
    ]
    assert events[1].equipment_code == "PRESS-4" and events[1].path == "ACME/LYON/MOULDING/LINE-1/PRESS-4"
    assert events[1].reason_code == "JAM" and events[0].started_at == t0


async def test_machine_report_through_the_bus_sets_the_state(harness: Harness, plant: Seed) -> None:
    await plant()
    at = datetime.now(UTC) - timedelta(minutes=5)
    await publish(
        harness,
        MachineStateReported(
            equipment_code="PRESS-4", state="running", at=at, source_ref="ns=2;s=Press4.State"
        ),
    )
    state = await call(harness, "GET", "/equipment/PRESS-4/state")
    assert state["state"] == "running" and state["source"] == "machine"
    assert datetime.fromisoformat(state["since"]) == at
    # an unknown machine is logged and dropped, not retried forever
    await publish(harness, MachineStateReported(equipment_code="NOPE", state="down", at=at))


async def test_authorization_check_shape_and_unknown_equipment(harness: Harness, plant: Seed) -> None:
    await plant()
    r = await harness.client.post(
        f"{R}/authorizations/check",
        json={"username": "op-li", "equipment_code": "PRESS-4", "operation": None, "skills": [], "at": None},
        headers=harness.auth("resource:read"),
    )
    assert r.status_code == 200
    assert r.json() == {
        "allowed": False,
        "reasons": [{"code": "person_unknown", "detail": "op-li is not known to the resource service."}],
    }
    r = await harness.client.post(
        f"{R}/authorizations/check",
        json={"username": "op-li", "equipment_code": "NOPE", "skills": []},
        headers=harness.auth("resource:read"),
    )
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


async def test_authorization_reasons_union_of_body_and_recorded_requirements(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await call(harness, "POST", "/persons", {"username": "op-li", "name": "Li Wei"})
    for code in ("PRESS", "CRANE", "FORKLIFT"):
        await call(harness, "POST", "/skills", {"code": code, "name": code.title()})
    await call(
        harness, "POST", "/requirements", {"equipment_code": "LINE-1", "skill": "PRESS", "min_level": 2}
    )
    await call(
        harness, "POST", "/requirements", {"operation": "DIE-CHANGE", "skill": "CRANE", "min_level": 1}
    )
    await call(harness, "POST", "/persons/op-li/qualifications", {"skill": "PRESS", "level": 1})
    check = {
        "username": "op-li",
        "equipment_code": "PRESS-4",
        "operation": "DIE-CHANGE",
        "skills": [{"code": "FORKLIFT", "min_level": 1}],
    }
    result = await call(harness, "POST", "/authorizations/check", check)
    assert result["allowed"] is False
    assert [r["code"] for r in result["reasons"]] == ["skill_missing"] * 3
    assert "PRESS at level 2" in result["reasons"][2]["detail"]
    await call(harness, "POST", "/persons/op-li/qualifications", {"skill": "PRESS", "level": 3})
    await call(harness, "POST", "/persons/op-li/qualifications", {"skill": "CRANE", "level": 1})
    await call(
        harness,
        "POST",
        "/persons/op-li/qualifications",
        {"skill": "FORKLIFT", "level": 1, "expires_on": str(date.today() + timedelta(days=30))},
    )
    assert (await call(harness, "POST", "/authorizations/check", check)) == {"allowed": True, "reasons": []}
    # on another line the press requirement does not apply, the operation's does
    other = {**check, "equipment_code": "ROBOT-7", "skills": []}
    await call(
        harness,
        "POST",
        "/persons/op-li/qualifications",
        {"skill": "CRANE", "level": 1, "expires_on": "2020-01-31"},
    )
    result = await call(harness, "POST", "/authorizations/check", other)
    assert result["reasons"] == [
        {
            "code": "certification_expired",
            "detail": "The certification for skill CRANE expired on 2020-01-31.",
        }
    ]
    await call(harness, "POST", "/equipment/ROBOT-7/state", {"state": "maintenance"})
    result = await call(harness, "POST", "/authorizations/check", {**other, "operation": None})
    assert [r["code"] for r in result["reasons"]] == ["equipment_unavailable"]
    assert "maintenance" in result["reasons"][0]["detail"]
    await call(harness, "PATCH", "/persons/op-li", {"active": False})
    result = await call(harness, "POST", "/authorizations/check", {**other, "operation": None})
    assert [r["code"] for r in result["reasons"]] == ["person_unknown", "equipment_unavailable"]


async def test_planned_windows_inherited_from_the_site(harness: Harness, plant: Seed) -> None:
    await plant()
    await call(
        harness,
        "PUT",
        "/equipment/LYON/calendar",
        {
            "patterns": [
                {
                    "name": "day",
                    "weekdays": [1, 2, 3, 4, 5],
                    "start": "08:00",
                    "end": "16:00",
                    "breaks": [{"start": "12:00", "end": "12:30"}],
                }
            ]
        },
    )
    r = await call(
        harness,
        "GET",
        "/equipment/PRESS-4/planned-windows?start=2026-06-01T00:00:00Z&end=2026-06-02T00:00:00Z",
    )
    assert r == {
        "equipment_code": "PRESS-4",
        "minutes": 450,
        "windows": [
            {"start": "2026-06-01T06:00:00Z", "end": "2026-06-01T10:00:00Z"},
            {"start": "2026-06-01T10:30:00Z", "end": "2026-06-01T14:00:00Z"},
        ],
    }


async def test_state_and_history_reads(harness: Harness, plant: Seed) -> None:
    await plant()
    t0 = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    for state, minutes in (("setup", 0), ("running", 20), ("idle", 90)):
        at = (t0 + timedelta(minutes=minutes)).isoformat()
        await call(harness, "POST", "/equipment/PRESS-4/state", {"state": state, "at": at})
    h = await call(
        harness, "GET", "/equipment/PRESS-4/states?start=2026-01-05T06:30:00Z&end=2026-01-05T07:00:00Z"
    )
    assert [(i["state"], i["started_at"], i["ended_at"]) for i in h["items"]] == [
        ("running", "2026-01-05T06:20:00Z", "2026-01-05T07:30:00Z")
    ]
    assert h["items"][0]["opc_item_state"] == "Executing"

"""Downtime: records from unplanned stops, micro-stops, the no-signal timeout, classification,
splitting and comments; the live board's snapshot."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from mes.contracts.integration import MachineCounterReported, MachineStateReported
from mes.platform.testing import Harness
from mes.services.resource.service.watchdog import run_checks

from .conftest import R, Seed, call, publish

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


async def _report(h: Harness, code: str, state: str, minute: float) -> None:
    at = T0 + timedelta(minutes=minute)
    await publish(h, MachineStateReported(equipment_code=code, state=state, at=at))  # type: ignore[arg-type]


async def test_short_stops_are_micro_stops_by_the_configured_threshold(harness: Harness, plant: Seed) -> None:
    await plant()
    await call(harness, "PATCH", "/equipment/LINE-1", {"micro_stop_s": 90})  # inherited by its machines
    for state, minute in (("running", 0), ("down", 10), ("running", 11), ("down", 20), ("running", 30)):
        await _report(harness, "PRESS-4", state, minute)
    stops = (await call(harness, "GET", "/equipment/PRESS-4/downtimes"))["items"]
    assert [(d["duration_s"], d["micro_stop"], d["iso22400_element"]) for d in stops] == [
        (60, True, "APT"),
        (600, False, "ADOT"),
    ]
    assert (await call(harness, "GET", "/equipment/PRESS-4/details"))["micro_stop_s"] == 90
    async with harness.db("resource").transaction() as s:
        recorded = (await s.execute(text("SELECT payload->>'micro_stop' FROM outbox WHERE topic = 'resource.downtime_recorded.v1' ORDER BY id"))).scalars().all()  # fmt: skip
    assert recorded == ["true", "false"]


async def test_a_silent_machine_goes_down_by_itself_and_comes_back_with_its_next_cycle(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await call(harness, "PATCH", "/equipment/PRESS-4", {"no_signal_s": 300})
    await _report(harness, "PRESS-4", "running", 0)
    await publish(harness, MachineCounterReported(equipment_code="PRESS-4", counter="cycles", increment=1, at=T0 + timedelta(minutes=2)))  # fmt: skip
    async with harness.db("resource").transaction() as s:
        assert (await run_checks(s, T0 + timedelta(minutes=6))).silent == []  # 4 min of silence
        assert (await run_checks(s, T0 + timedelta(minutes=8))).silent == ["PRESS-4"]
        assert (await run_checks(s, T0 + timedelta(minutes=9))).silent == []  # already down
    state = await call(harness, "GET", "/equipment/PRESS-4/state")
    assert (state["state"], state["source"], state["reason_code"]) == ("down", "system", "no_signal")
    assert state["since"] == "2026-03-02T06:07:00Z"  # last signal + timeout
    await publish(harness, MachineCounterReported(equipment_code="PRESS-4", counter="cycles", increment=1, at=T0 + timedelta(minutes=15)))  # fmt: skip
    assert (await call(harness, "GET", "/equipment/PRESS-4/state"))["state"] == "running"
    (stop,) = (await call(harness, "GET", "/equipment/PRESS-4/downtimes"))["items"]
    assert (stop["unqualified"], stop["duration_s"], stop["reason_code"]) == (True, 480, None)
    # machines that never sent a signal are not watched
    assert (await call(harness, "GET", "/equipment/PRESS-5/state"))["state"] is None


async def test_classify_split_and_comment_a_stop(harness: Harness, plant: Seed) -> None:
    await plant()
    for body in (
        {"code": "MECH", "name": "Mechanical"},
        {"code": "MECH.HYD", "name": "Hydraulics", "parent_code": "MECH"},
        {"code": "ORG", "name": "Organisational"},
        {"code": "ORG.WAIT-TECH", "name": "Waiting for technician", "parent_code": "ORG"},
    ):
        await call(harness, "POST", "/sites/LYON/reason-codes", body)
    tree = await call(harness, "GET", "/sites/LYON/reason-codes")
    assert [(n["path"], n["parent_code"]) for n in tree][:2] == [("MECH", None), ("MECH/MECH.HYD", "MECH")]
    for state, minute in (("running", 0), ("down", 10), ("running", 70)):
        await _report(harness, "PRESS-4", state, minute)
    (stop,) = (await call(harness, "GET", "/equipment/PRESS-4/downtimes"))["items"]
    parts = await call(
        harness,
        "POST",
        f"/downtimes/{stop['id']}/split",
        {"at": "2026-03-02T06:25:00Z", "reason_code": "MECH.HYD"},
    )
    assert [(p["started_at"], p["duration_s"], p["reason_code"]) for p in parts["items"]] == [
        ("2026-03-02T06:10:00Z", 900, None),
        ("2026-03-02T06:25:00Z", 2700, "MECH.HYD"),
    ]
    first = await call(harness, "POST", f"/downtimes/{stop['id']}/classify", {"reason_code": "ORG.WAIT-TECH"}, sub="op-li")  # fmt: skip
    assert (first["reason_code"], first["classified_by"]) == ("ORG.WAIT-TECH", "op-li")
    noted = await call(harness, "POST", f"/downtimes/{stop['id']}/comment", {"comment": "Night shift had no technician"})  # fmt: skip
    assert noted["comment"] == "Night shift had no technician"
    # the history still has no gap: the stop is two down intervals in a row
    h = await call(harness, "GET", "/equipment/PRESS-4/states?start=2026-03-02T06:00:00Z&end=2026-03-02T08:00:00Z")  # fmt: skip
    assert [(i["state"], i["started_at"]) for i in h["items"]] == [
        ("running", "2026-03-02T06:00:00Z"),
        ("down", "2026-03-02T06:10:00Z"),
        ("down", "2026-03-02T06:25:00Z"),
        ("running", "2026-03-02T07:10:00Z"),
    ]
    auth = harness.auth("resource:downtime:write")
    for path, body, status, code in (
        (f"/downtimes/{stop['id']}/classify", {"reason_code": "NOT-IN-TREE"}, 422, "unknown_reason_code"),
        (f"/downtimes/{stop['id']}/split", {"at": "2026-03-02T09:00:00Z"}, 422, "split_outside"),
        ("/downtimes/not-a-uuid/classify", {"reason_code": "MECH"}, 422, "validation_failed"),
        (
            f"/downtimes/{'0' * 8}-0000-0000-0000-{'0' * 12}/comment",
            {"comment": "x"},
            404,
            "downtime_not_found",
        ),
        ("/sites/LINE-1/reason-codes", {"code": "X", "name": "x"}, 422, "not_a_site"),
        ("/sites/LYON/reason-codes", {"code": "MECH", "name": "again"}, 409, "duplicate_code"),
    ):
        r = await harness.client.post(R + path, json=body, headers=auth)
        assert (r.status_code, r.json()["code"]) == (status, code), path
    async with harness.db("resource").transaction() as s:
        topics = (await s.execute(text("SELECT topic FROM outbox WHERE topic LIKE 'resource.downtime%' ORDER BY id"))).scalars().all()  # fmt: skip
        actions = (await s.execute(text("SELECT action FROM audit_log WHERE entity_type = 'downtime' ORDER BY id"))).scalars().all()  # fmt: skip
    assert topics.count("resource.downtime_classified.v1") == 1
    assert actions == ["downtime.split", "downtime.classified", "downtime.commented"]


async def test_board_snapshot_without_an_event_stream_client(harness: Harness, plant: Seed) -> None:
    await plant()
    await call(harness, "POST", "/equipment/PRESS-5/state", {"state": "down"})
    r = await harness.client.get(
        f"{R}/equipment-states/stream?under=LINE-1", headers=harness.auth("resource:read")
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    assert r.text.startswith("retry: 3000\nevent: snapshot\ndata: ")
    import json

    snapshot = json.loads(r.text.split("data: ", 1)[1])
    assert [(i["equipment_code"], i["state"], i["available"]) for i in snapshot["items"]] == [
        ("LINE-1", None, True),
        ("PRESS-4", None, True),
        ("PRESS-5", "down", False),
    ]
    r = await harness.client.get(
        f"{R}/equipment-states/stream?under=NOPE", headers=harness.auth("resource:read")
    )
    assert r.status_code == 404


async def test_an_operator_reporting_a_stop_with_a_known_reason_classifies_it(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await call(harness, "POST", "/sites/LYON/reason-codes", {"code": "MAT", "name": "Material missing"})
    await call(harness, "POST", "/equipment/PRESS-4/state", {"state": "running", "at": T0.isoformat()})
    at = (T0 + timedelta(minutes=5)).isoformat()
    await call(harness, "POST", "/equipment/PRESS-4/state", {"state": "down", "at": at, "reason_code": "MAT"}, sub="op-li")  # fmt: skip
    at = (T0 + timedelta(minutes=9)).isoformat()
    await call(harness, "POST", "/equipment/PRESS-4/state", {"state": "running", "at": at})
    at = (T0 + timedelta(minutes=20)).isoformat()
    await call(
        harness, "POST", "/equipment/PRESS-4/state", {"state": "down", "at": at, "reason_code": "FREE-TEXT"}
    )
    stops = (await call(harness, "GET", "/equipment/PRESS-4/downtimes"))["items"]
    assert [(d["reason_code"], d["classified_by"]) for d in stops] == [("MAT", "op-li"), (None, None)]
    assert (await call(harness, "GET", "/equipment/PRESS-4/state"))["reason_code"] == "FREE-TEXT"


async def test_the_background_pass_stops_a_silent_machine(harness: Harness, plant: Seed) -> None:
    from mes.services.resource.service.watchdog import Watchdog

    await plant()
    await publish(harness, MachineStateReported(equipment_code="PRESS-4", state="running", at=datetime.now(UTC) - timedelta(hours=1)))  # fmt: skip
    result = await Watchdog(harness.db("resource")).once()
    assert result.silent == ["PRESS-4"]
    assert (await Watchdog(harness.db("resource")).once()).silent == []
    state = await call(harness, "GET", "/equipment/PRESS-4/state")
    assert (state["state"], state["available"]) == ("down", False)


async def test_a_late_report_that_extends_a_classified_stop_keeps_its_classification(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await call(harness, "POST", "/sites/LYON/reason-codes", {"code": "MECH", "name": "Mechanical"})
    for state, minute in (("running", 0), ("down", 20), ("running", 40)):
        await _report(harness, "PRESS-4", state, minute)
    (stop,) = (await call(harness, "GET", "/equipment/PRESS-4/downtimes"))["items"]
    await call(harness, "POST", f"/downtimes/{stop['id']}/classify", {"reason_code": "MECH"})
    await _report(harness, "PRESS-4", "down", 15)  # the machine's earlier report arrives late
    (late,) = (await call(harness, "GET", "/equipment/PRESS-4/downtimes"))["items"]
    assert (late["id"], late["started_at"], late["duration_s"], late["reason_code"]) == (
        stop["id"], "2026-03-02T06:15:00Z", 1500, "MECH",
    )  # fmt: skip

"""Status codes, problem+json, permissions, CSV, the live stream and the history import."""

from __future__ import annotations

from .conftest import READER, P, Plant, at

DAY = {"scope": "PRESS-1", "start": at(0).isoformat(), "end": at(0, day=1).isoformat()}


async def test_reports_need_reporting_read(plant: Plant) -> None:
    h = plant.h
    assert (await h.client.get(f"{P}/oee", params=DAY)).status_code == 401
    r = await h.client.get(f"{P}/oee", params=DAY, headers=h.auth("resource:read"))
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")


async def test_bad_input_is_a_problem_and_changes_nothing(plant: Plant) -> None:
    h = plant.h
    who = h.auth(*READER)
    r = await h.client.get(f"{P}/oee", params=DAY | {"end": at(0).isoformat()}, headers=who)
    assert (r.status_code, r.json()["code"]) == (422, "invalid_interval")
    r = await h.client.get(f"{P}/oee", params=DAY | {"scope": "NOWHERE"}, headers=who)
    assert (r.status_code, r.json()["code"]) == (404, "unknown_scope")
    r = await h.client.get(f"{P}/oee", params=DAY | {"grain": "fortnight"}, headers=who)
    assert r.status_code == 422
    r = await h.client.get(f"{P}/oee", params=DAY | {"end": at(0, day=500).isoformat()}, headers=who)
    assert (r.status_code, r.json()["code"]) == (422, "interval_too_long")
    far = {"start": "9999-12-01T00:00:00Z", "end": "9999-12-31T00:00:00Z"}
    r = await h.client.get(f"{P}/oee", params=DAY | far, headers=who)
    assert (r.status_code, r.json()["code"]) == (422, "interval_out_of_range")


async def test_oee_as_csv(plant: Plant) -> None:
    await plant.state("PRESS-1", "running", at(6))
    await plant.yield_(at(7), "100")
    csv = await plant.get("/oee", grain="shift", format="csv", **DAY)
    head, *rows = csv.splitlines()
    assert head.startswith("group,period,start,end,availability,performance,quality,oee,")
    assert [r.split(",")[1] for r in rows] == ["2026-03-02/early", "2026-03-02/late"]


async def test_live_kpis_answer_one_event_to_a_plain_client(plant: Plant) -> None:
    await plant.state("PRESS-1", "running", at(6))
    r = await plant.h.client.get(f"{P}/live/stream", params={"scope": "LYON"}, headers=plant.h.auth(*READER))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    assert "event: kpis" in r.text and '"scope": "LYON"' in r.text


async def test_importing_history_needs_rebuild_and_takes_only_the_past(plant: Plant) -> None:
    h = plant.h
    line = {
        "report_id": "legacy-1",
        "work_order": "OLD-1",
        "product": "CAP",
        "operation": "10",
        "work_center": "WC-1",
        "equipment": "PRESS-1",
        "at": at(7).isoformat(),
        "good": "50",
        "scrap": [{"reason": "burr", "quantity": "2"}],
    }
    body = {"lines": [line]}
    assert (await h.client.post(f"{P}/imports/yields", json=body, headers=h.auth(*READER))).status_code == 403
    future = {"lines": [line | {"at": "2999-01-01T00:00:00Z"}]}
    r = await h.client.post(f"{P}/imports/yields", json=future, headers=h.auth("reporting:rebuild"))
    assert (r.status_code, r.json()["code"]) == (422, "future_yield")
    r = await h.client.post(f"{P}/imports/yields", json=body, headers=h.auth("reporting:rebuild"))
    assert r.status_code == 200 and r.json() == {"lines": 1}
    corrected = {"lines": [line | {"good": "40"}]}  # the same report again: a correction
    await h.client.post(f"{P}/imports/yields", json=corrected, headers=h.auth("reporting:rebuild"))
    (row,) = await plant.oee(**DAY)
    assert (row["good"], row["scrap"]) == (40, 2)
    await h.client.post(f"{P}/rebuild", headers=h.auth("reporting:rebuild"))
    (row,) = await plant.oee(**DAY)
    assert (row["good"], row["scrap"]) == (40, 2)

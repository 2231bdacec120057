"""Status codes, problem+json and permissions of the quality API; bad input records nothing (acceptance 7)."""

from __future__ import annotations

import pytest

from mes.platform.testing import Harness

from .conftest import ASSEMBLY_PLAN, Q, QualityPlant, ok, problem


async def _due_task(qp: QualityPlant) -> str:
    await qp.plan(ASSEMBLY_PLAN)
    r = await qp.q("POST", "/tasks", {"plan": "IP-KIT-20", "work_order": "WO-X", "operation": "20"})
    return str(ok(r, 201)["number"])


async def _nothing_recorded(qp: QualityPlant, task: str) -> None:
    t = ok(await qp.q("GET", f"/tasks/{task}"))
    assert t["status"] == "due"
    assert ok(await qp.q("GET", "/ncrs"))["total"] == 0
    chart = ok(await qp.q("GET", "/plans/IP-KIT-20/characteristics/WIDTH/chart"))
    assert chart["points"] == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"gauge": "CAL-7", "results": [{"characteristic": "LENGTH", "values": [1.0]}]},
            422,
            "unknown_characteristic",
        ),
        (
            {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [1e12]}]},
            422,
            "validation_failed",
        ),
        (
            {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.0] * 26}]},
            422,
            "validation_failed",
        ),
        ({"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": []}]}, 422, "invalid_result"),
        (
            {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.0], "x": 1}]},
            422,
            "validation_failed",
        ),
        ({"gauge": "CAL-7", "results": []}, 422, "validation_failed"),
        (
            {"gauge": "CAL-OLD", "results": [{"characteristic": "WIDTH", "values": [10.0]}]},
            409,
            "gauge_calibration_overdue",
        ),
        (
            {"gauge": "CAL-99", "results": [{"characteristic": "WIDTH", "values": [10.0]}]},
            422,
            "unknown_gauge",
        ),
        ({"results": [{"characteristic": "WIDTH", "values": [10.0]}]}, 422, "unknown_gauge"),
        (
            {
                "gauge": "CAL-7",
                "results": [
                    {"characteristic": "WIDTH", "values": [10.0]},
                    {"characteristic": "WIDTH", "values": [10.0]},
                ],
            },
            422,
            "invalid_result",
        ),
    ],
)
async def test_bad_results_are_refused_and_record_nothing(
    qp: QualityPlant, body: dict, status: int, code: str
) -> None:
    task = await _due_task(qp)
    problem(await qp.record(task, body), status, code)
    await _nothing_recorded(qp, task)


async def test_nan_and_infinity_are_refused(qp: QualityPlant) -> None:
    task = await _due_task(qp)
    for raw in ("NaN", "Infinity", "-Infinity"):
        r = await qp.h.client.post(
            f"{Q}/tasks/{task}/results",
            content='{"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [' + raw + "]}]}",
            headers={**qp.inspector(), "content-type": "application/json"},
        )
        assert r.status_code in (400, 422), r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    await _nothing_recorded(qp, task)


async def test_huge_arrays_are_refused(qp: QualityPlant) -> None:
    body = {**ASSEMBLY_PLAN, "characteristics": [ASSEMBLY_PLAN["characteristics"][0]] * 101}
    problem(await qp.q("POST", "/plans", body), 422, "validation_failed")
    assert ok(await qp.q("GET", "/plans"))["total"] == 0


async def test_a_recorded_task_is_not_recorded_twice(qp: QualityPlant) -> None:
    task = await _due_task(qp)
    body = {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.0]}]}
    ok(await qp.record(task, body))
    problem(await qp.record(task, body), 409, "invalid_state")


@pytest.mark.parametrize(
    "bad",
    [
        {"lsl": "10.2", "usl": "10.1"},
        {"lsl": None, "usl": None},
        {"chart": "p"},
        {"chart": "xbar_r"},  # subgroup of 1
        {"rules": ["9"]},
        {"decimals": 9},
    ],
)
async def test_invalid_characteristics_are_refused(qp: QualityPlant, bad: dict) -> None:
    char = {**ASSEMBLY_PLAN["characteristics"][0], **bad}
    problem(
        await qp.q("POST", "/plans", {**ASSEMBLY_PLAN, "characteristics": [char]}), 422, "validation_failed"
    )


async def test_plans_are_versioned_and_a_release_supersedes(qp: QualityPlant) -> None:
    v1 = await qp.plan(ASSEMBLY_PLAN)
    assert (v1["version"], v1["status"]) == (1, "released")
    v2 = ok(await qp.q("POST", "/plans", ASSEMBLY_PLAN), 201)
    assert (v2["version"], v2["status"]) == (2, "draft")
    assert ok(await qp.q("GET", "/plans/IP-KIT-20"))["version"] == 1  # the released one
    ok(await qp.q("POST", "/plans/IP-KIT-20/versions/2/release"))
    versions = ok(await qp.q("GET", "/plans?item=KIT-100"))["items"]
    assert [(p["version"], p["status"]) for p in versions] == [(1, "superseded"), (2, "released")]
    problem(await qp.q("POST", "/plans/IP-KIT-20/versions/2/release"), 409, "invalid_state")
    problem(await qp.q("POST", "/plans/IP-NONE/versions/1/release"), 404, "plan_not_found")


async def test_sampling_plan_lookup(qp: QualityPlant) -> None:
    p = ok(await qp.q("GET", "/sampling-plan?lot_size=1000&aql=2.5&level=II"))
    assert (p["code_letter"], p["sample_size"], p["ac"], p["re"]) == ("J", 80, 5, 6)
    problem(await qp.q("GET", "/sampling-plan?lot_size=1000&aql=3.0"), 422, "validation_failed")


async def test_gauges_and_defect_codes(qp: QualityPlant) -> None:
    gauges = {g["code"]: g["overdue"] for g in ok(await qp.q("GET", "/gauges"))}
    assert gauges == {"CAL-7": False, "CAL-OLD": True}
    fixed = ok(await qp.q("POST", "/gauges/CAL-OLD/calibrations", {"calibrated_on": "2026-11-30"}))
    assert (fixed["due_on"], fixed["overdue"]) == ("2026-12-30", False)
    problem(
        await qp.q(
            "POST", "/gauges", {"code": "CAL-7", "name": "x", "interval_days": 1, "due_on": "2030-01-01"}
        ),
        409,
        "duplicate_code",
    )
    problem(
        await qp.q("POST", "/gauges/NOPE/calibrations", {"calibrated_on": "2026-11-30"}),
        404,
        "gauge_not_found",
    )
    codes = [d["code"] for d in ok(await qp.q("GET", "/defect-codes"))]
    assert codes == ["FLASH", "SCRATCH"]


async def test_every_route_needs_its_permission(harness: Harness) -> None:
    anonymous = await harness.client.get(f"{Q}/tasks")
    problem(anonymous, 401, "authentication_required")
    reader = harness.auth("quality:read")
    problem(
        await harness.client.post(f"{Q}/plans", json=ASSEMBLY_PLAN, headers=reader), 403, "permission_denied"
    )
    problem(await harness.client.post(f"{Q}/gauges", json={}, headers=reader), 403, "permission_denied")
    problem(
        await harness.client.post(
            f"{Q}/ncrs/NCR-1/disposition", json={}, headers=harness.auth("quality:nc:write")
        ),
        403,
        "permission_denied",
    )
    problem(await harness.client.get(f"{Q}/ncrs/NCR-000404", headers=reader), 404, "ncr_not_found")
    problem(await harness.client.get(f"{Q}/tasks/QT-404", headers=reader), 404, "task_not_found")


async def test_edge_input_is_a_4xx_never_a_5xx(qp: QualityPlant) -> None:
    far = {"code": "CAL-9", "name": "x", "interval_days": 3650, "calibrated_on": "9999-12-31"}
    problem(await qp.q("POST", "/gauges", far), 422, "validation_failed")
    await qp.plan(ASSEMBLY_PLAN)
    huge = {"from_result": 2**40}
    problem(
        await qp.q("POST", "/plans/IP-KIT-20/characteristics/WIDTH/limits", huge), 422, "validation_failed"
    )
    r = await qp.q("POST", "/ncrs", {"title": "Dropped pallet", "lots": ["NO-SUCH-LOT"]})
    assert r.status_code == 404, r.text
    assert ok(await qp.q("GET", "/ncrs"))["total"] == 0
    raised = ok(await qp.q("POST", "/ncrs", {"title": "Dropped pallet", "lots": ["R-001"]}), 201)
    await qp.h.deliver()
    assert raised["held_lots"] == ["R-001"]
    assert (await qp.lot("R-001"))["status"] == "on_hold"


async def test_defect_codes_are_filtered_on_the_server(qp: QualityPlant) -> None:
    ok(await qp.q("POST", "/defect-codes", {"code": "SINK_MARK", "name": "Sink mark", "site": "LYON"}), 201)
    ok(await qp.q("POST", "/defect-codes", {"code": "BURR", "name": "Burr 100%", "site": "OSLO"}), 201)

    async def codes(query: str) -> list[str]:
        return [d["code"] for d in ok(await qp.q("GET", f"/defect-codes{query}"))]

    assert await codes("") == ["BURR", "FLASH", "SCRATCH", "SINK_MARK"]
    assert await codes("?q=parting") == ["FLASH"]  # the name, any case
    assert await codes("?q=k_m") == ["SINK_MARK"]  # _ taken literally: not "SINK MARK" only by luck
    assert await codes("?q=0%25") == ["BURR"]
    assert await codes("?site=LYON") == ["FLASH", "SCRATCH", "SINK_MARK"]  # its own and the plant-wide
    assert await codes("?site=LYON&q=burr") == []

"""SPC on recorded results: limits recomputed only on request (old ones kept), rules on each new
point, a violation raising an NCR and the event; the chart with Cp/Cpk."""

from __future__ import annotations

from sqlalchemy import text

from .conftest import ASSEMBLY_PLAN, QualityPlant, ok, problem

FLOW = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]  # NIST e-Handbook 6.3.2.2
PLAN = {
    **ASSEMBLY_PLAN,
    "code": "SPC-FLOW",
    "characteristics": [
        {"code": "FLOW", "name": "Flow rate", "kind": "variable", "lsl": "40", "usl": "60", "unit": "l/min",
         "gauge_required": False, "rules": ["1", "2", "3", "4", "5"]},
    ],
}  # fmt: skip


async def _measure(qp: QualityPlant, value: float) -> dict:
    task = ok(
        await qp.q("POST", "/tasks", {"plan": "SPC-FLOW", "work_order": "WO-S", "operation": "20"}), 201
    )
    return dict(
        ok(await qp.record(task["number"], {"results": [{"characteristic": "FLOW", "values": [value]}]}))
    )


async def test_limits_from_a_baseline_then_a_violation_opens_an_ncr(qp: QualityPlant) -> None:
    await qp.plan(PLAN)
    for v in FLOW:
        assert (await _measure(qp, v))["ncr"] is None  # no limits yet: nothing to violate
    path = "/plans/SPC-FLOW/characteristics/FLOW"
    lim = ok(await qp.q("POST", f"{path}/limits", {}), 201)
    assert round(lim["center"], 2) == 50.81
    assert abs(lim["ucl"] - 55.8041) < 2e-3 and abs(lim["lcl"] - 45.8159) < 2e-3
    in_control = await _measure(qp, 51.0)
    assert (in_control["verdict"], in_control["ncr"]) == ("passed", None)
    out = await _measure(qp, 57.5)  # inside the specification, beyond the UCL: rule 1
    assert out["verdict"] == "passed"
    assert out["results"][0]["violations"] == [{"rule": "1", "description": "One point beyond 3 sigma"}]
    ncr = ok(await qp.q("GET", f"/ncrs/{out['ncr']}"))
    assert "rule 1" in ncr["title"]
    assert ncr["evidence"]["results"][0]["violations"][0]["rule"] == "1"
    async with qp.h.db("quality").transaction() as s:
        topics = list(await s.scalars(text("SELECT topic FROM outbox WHERE topic LIKE 'quality.spc%'")))
    assert topics == ["quality.spc_rule_violated.v1"]

    chart = ok(await qp.q("GET", f"{path}/chart"))
    assert len(chart["points"]) == 12
    assert chart["points"][-1]["violations"][0]["rule"] == "1"
    assert chart["capability"]["cp"] is not None and chart["capability"]["cpk"] is not None
    # recomputing keeps the old limits
    ok(await qp.q("POST", f"{path}/limits", {"from_result": 0}), 201)
    chart = ok(await qp.q("GET", f"{path}/chart"))
    assert [h["active"] for h in chart["history"]] == [False, True]


async def test_limits_need_enough_points(qp: QualityPlant) -> None:
    await qp.plan(PLAN)
    await _measure(qp, 50.0)
    problem(await qp.q("POST", "/plans/SPC-FLOW/characteristics/FLOW/limits", {}), 422, "spc_not_computable")
    problem(await qp.q("GET", "/plans/SPC-FLOW/characteristics/NOPE/chart"), 404, "characteristic_not_found")

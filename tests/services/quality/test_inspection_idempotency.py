"""Recording an inspection is exactly once with an Idempotency-Key (ADR 0045): a double tap, a
retry or a resend after reconnect with the same key gets the first verdict back and records
nothing more (no second result, NCR, hold or event); the same key with another body is refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from .conftest import ASSEMBLY_PLAN, QualityPlant, ok, problem

GOOD = {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.02]}]}
BAD = {"gauge": "CAL-7", "results": [{"characteristic": "WIDTH", "values": [10.31]}]}


async def _due_task(qp: QualityPlant) -> str:
    """WO-1's assembly running on ASSY-1 with its first-piece inspection due; returns the task."""
    p = qp.wo
    await qp.plan(ASSEMBLY_PLAN)
    await p.order("WO-1", quantity="10")
    ok(await p.op("WO-1", "10", "start", {"equipment": "IMM-1"}))
    ok(await p.op("WO-1", "10", "complete", {"good": "10"}))
    ok(await p.op("WO-1", "20", "start", {"equipment": "ASSY-1"}))
    await qp.h.deliver()
    tasks = ok(await qp.q("GET", "/tasks?work_order=WO-1&status=due"))
    return str(tasks["items"][0]["number"])


async def _record(qp: QualityPlant, task: str, body: dict[str, Any], key: str | None) -> Any:
    headers = qp.inspector()
    if key is not None:
        headers["Idempotency-Key"] = key
    return await qp.q("POST", f"/tasks/{task}/results", body, headers=headers)


async def _counts(qp: QualityPlant) -> dict[str, int]:
    async with qp.h.db("quality").transaction() as s:
        return {
            table: int(await s.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            for table in ("result", "ncr", "outbox")
        }


async def test_the_same_key_twice_records_once_and_answers_the_same(qp: QualityPlant) -> None:
    task = await _due_task(qp)
    before = await _counts(qp)
    first = await _record(qp, task, GOOD, "tap-1")
    assert first.status_code == 200, first.text
    after_first = await _counts(qp)
    assert after_first["result"] == before["result"] + 1

    again = await _record(qp, task, GOOD, "tap-1")
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert await _counts(qp) == after_first  # no second result, no second event

    # without the key the same results are what they always were: already recorded
    problem(await _record(qp, task, GOOD, None), 409, "invalid_state")
    assert ok(await qp.q("GET", f"/tasks/{task}"))["status"] != "due"


async def test_a_replayed_failing_sample_opens_one_ncr(qp: QualityPlant) -> None:
    task = await _due_task(qp)
    before = await _counts(qp)
    first = ok(await _record(qp, task, BAD, "tap-bad"))
    assert first["verdict"] == "failed"
    assert first["ncr"]
    await qp.h.deliver()
    settled = await _counts(qp)
    assert settled["ncr"] == before["ncr"] + 1

    replay = ok(await _record(qp, task, BAD, "tap-bad"))
    assert replay == first
    await qp.h.deliver()
    assert await _counts(qp) == settled
    ncrs = ok(await qp.q("GET", "/ncrs"))
    assert [n["number"] for n in ncrs["items"]] == [first["ncr"]]


async def test_the_same_key_with_another_body_is_refused_and_changes_nothing(qp: QualityPlant) -> None:
    task = await _due_task(qp)
    first = ok(await _record(qp, task, GOOD, "tap-2"))
    counts = await _counts(qp)
    refused = problem(await _record(qp, task, BAD, "tap-2"), 422, "idempotency_key_reused")
    assert "Idempotency-Key" in refused["detail"]
    assert await _counts(qp) == counts
    assert ok(await _record(qp, task, GOOD, "tap-2")) == first


async def test_a_malformed_key_is_a_problem_and_records_nothing(qp: QualityPlant) -> None:
    task = await _due_task(qp)
    before = await _counts(qp)
    r = await _record(qp, task, GOOD, "has space")
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await _counts(qp) == before
    assert ok(await qp.q("GET", f"/tasks/{task}"))["status"] == "due"

"""Status codes, problem+json and permissions of the traceability API."""

from __future__ import annotations

import uuid

from mes.platform.testing import Harness

from .conftest import Feed, T


async def test_reads_need_traceability_read_and_recalls_traceability_recall(
    harness: Harness, feed: Feed
) -> None:
    await feed.receive("RESIN-1", "PP", "100")
    c = harness.client
    assert (await c.get(f"{T}/trace/RESIN-1/backward")).status_code == 401
    r = await c.get(f"{T}/trace/RESIN-1/backward", headers=harness.auth("material:read"))
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    assert (
        await c.get(f"{T}/trace/RESIN-1/forward", headers=harness.auth("traceability:read"))
    ).status_code == 200
    body = {"lot": "RESIN-1", "reason": "suspect"}
    r = await c.post(f"{T}/recalls", json=body, headers=harness.auth("traceability:read"))
    assert r.status_code == 403
    r = await c.get(f"{T}/recalls/{uuid.uuid4()}", headers=harness.auth("traceability:recall"))
    assert (r.status_code, r.json()["code"]) == (404, "recall_not_found")


async def test_bad_input_is_refused_and_changes_nothing(harness: Harness, feed: Feed) -> None:
    await feed.receive("RESIN-1", "PP", "100")
    auth = harness.auth("traceability:read", "traceability:recall", "material:read")
    c = harness.client
    for params in ({"depth": 0}, {"depth": 101}, {"since": "yesterday"}, {"item": "x" * 65}):
        r = await c.get(f"{T}/trace/RESIN-1/backward", params=params, headers=auth)
        assert r.status_code == 422, (params, r.text)
    for body in (
        {"lot": "RESIN-1"},
        {"lot": "RESIN 1", "reason": "x"},
        {"lot": "RESIN-1", "reason": ""},
        {"lot": "RESIN-1", "reason": "x" * 501},
        {
            "lot": "RESIN-1",
            "reason": "x",
            "window_from": "2026-11-03T00:00:00Z",
            "window_to": "2026-11-02T00:00:00Z",
        },
    ):
        r = await c.post(f"{T}/recalls", json=body, headers=auth)
        assert r.status_code == 422, (body, r.text)
    r = await c.post(f"{T}/recalls", json={"lot": "NOPE", "reason": "x"}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (404, "trace_not_found")
    r = await c.get(f"{T}/recalls/not-a-uuid/export", headers=auth)
    assert r.status_code == 422
    async with harness.db("traceability").transaction() as s:
        from sqlalchemy import text

        assert await s.scalar(text("SELECT count(*) FROM recall")) == 0

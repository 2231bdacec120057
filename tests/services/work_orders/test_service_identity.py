"""ADR 44: the schedule worker plans with a service token of its own, so a restart that forgot the
last user's token no longer leaves the schedule stale; the token can do only what it was granted."""

import asyncio

import pytest
from sqlalchemy import text

from mes.platform.identity import ServiceIdentity, service_credential
from mes.platform.testing import Harness, bearer
from mes.services.work_orders.service import schedule
from mes.services.work_orders.service.schedule import ScheduleWorker

from .conftest import R, W, ok, seed

A = "/api/v1/auth"


def _directory(h: Harness) -> object:
    (worker,) = h.runtimes["work-orders"].workers
    assert isinstance(worker, ScheduleWorker) and worker.directory is not None  # set by attach
    return worker.directory


async def test_after_a_restart_the_worker_replans_the_stale_schedule_as_the_service(
    service_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = service_harness
    plant = await seed(h)
    await plant.order("WO-1", "10")
    await plant.order("WO-2", "10")
    before = ok(await h.client.get(f"{W}/schedule", headers=plant.planner()))
    assert before["stale"] and before["recomputations"] == 0
    # `mes up` stopped and started: no user token in memory, a worker made anew
    monkeypatch.setattr(schedule.LATEST, "caller", None)
    worker = ScheduleWorker(h.db("work-orders"))
    worker.directory = _directory(h)  # type: ignore[assignment]
    await asyncio.sleep(2.2)  # the worker's debounce
    done = await worker.step()
    assert isinstance(done, schedule.ScheduleRead), done
    assert (done.stale, done.last_error, done.recomputations) == (False, None, 1)
    assert done.computed_by == "service:work-orders"
    async with h.db("work-orders").transaction() as s:
        planned = await s.scalar(text("SELECT count(*) FROM wo_operation WHERE planned_start IS NOT NULL"))
    assert planned == 4
    # without a service identity (the round before this change) it stayed stale and said why
    await plant.post(f"{W}/orders/WO-1/hold", {"reason": "Customer call"}, plant.planner())
    monkeypatch.setattr(schedule.LATEST, "caller", None)
    await asyncio.sleep(2.2)
    assert await schedule.refresh_stale(h.db("work-orders"), None) is None
    stale = ok(await h.client.get(f"{W}/schedule", headers=plant.planner()))
    assert stale["stale"] and stale["last_error"].startswith("planning_unavailable: No recent user token")


async def test_a_service_token_carries_only_the_services_grants(service_harness: Harness) -> None:
    h = service_harness
    await seed(h)
    token = await ServiceIdentity("work-orders", _directory(h)).token()  # type: ignore[arg-type]
    assert (await h.client.get(f"{R}/equipment/IMM-1", headers=bearer(token))).status_code == 200
    body = {"code": "IMM-9", "name": "Press 9", "level": "equipment", "parent_code": "WC-MOULD"}
    refused = await h.client.post(f"{R}/equipment", json=body, headers=bearer(token))
    assert refused.status_code == 403 and refused.headers["content-type"].startswith(
        "application/problem+json"
    )
    # not even its own service's data: the worker reads its own tables, not its routes
    assert (await h.client.get(f"{W}/orders", headers=bearer(token))).status_code == 403
    assert (await h.client.get("/api/v1/material/lots", headers=bearer(token))).status_code == 403


async def test_auth_refuses_a_wrong_credential_and_a_service_with_no_grants(service_harness: Harness) -> None:
    h = service_harness
    for body in (
        {"service": "work-orders", "credential": "0" * 64},
        {"service": "work-orders", "credential": service_credential("work-orders", "another-deployment")},
        {"service": "quality", "credential": service_credential("quality")},  # a real one, no grants
        {"service": "nobody", "credential": "x"},
    ):
        r = await h.client.post(f"{A}/service-token", json=body)
        assert r.status_code == 401, (body, r.text)
        assert r.json()["code"] == "invalid_service_credential"
    ok_ = await h.client.post(f"{A}/service-token", json={"service": "work-orders", "credential": service_credential("work-orders")})  # fmt: skip
    assert ok_.status_code == 200 and ok_.json()["expires_in"] == 300
    assert ok_.headers["cache-control"] == "no-store"

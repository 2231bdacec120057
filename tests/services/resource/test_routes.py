from mes.platform.testing import Harness

WRITE = ("resource:equipment:write", "resource:read")


async def _plant(h: Harness) -> None:
    auth = h.auth(*WRITE)
    for body in (
        {"code": "ACME", "name": "Acme Manufacturing", "level": "enterprise"},
        {"code": "PLANT-1", "name": "Plant Lyon", "level": "site", "parent_code": "ACME"},
        {"code": "ASSY", "name": "Assembly", "level": "area", "parent_code": "PLANT-1"},
        {"code": "LINE-1", "name": "Assembly line 1", "level": "work_center", "parent_code": "ASSY"},
    ):
        r = await h.client.post("/api/v1/resource/equipment", json=body, headers=auth)
        assert r.status_code == 201, r.text


async def test_register_and_read_equipment_with_path(harness: Harness) -> None:
    await _plant(harness)
    r = await harness.client.get("/api/v1/resource/equipment/LINE-1", headers=harness.auth("resource:read"))
    assert r.status_code == 200
    assert r.json()["path"] == "ACME/PLANT-1/ASSY/LINE-1"
    assert r.json()["parent_code"] == "ASSY"


async def test_work_center_reaches_work_orders_through_the_bus(harness: Harness) -> None:
    await _plant(harness)
    assert await harness.deliver() == 4
    r = await harness.client.get("/api/v1/workorders/work-centers", headers=harness.auth("workorder:read"))
    assert r.status_code == 200
    assert [w["code"] for w in r.json()["items"]] == ["LINE-1"]


async def test_hierarchy_rules_and_duplicates(harness: Harness) -> None:
    await _plant(harness)
    auth = harness.auth(*WRITE)
    r = await harness.client.post(
        "/api/v1/resource/equipment",
        headers=auth,
        json={"code": "X", "name": "x", "level": "site", "parent_code": "LINE-1"},
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_hierarchy"
    r = await harness.client.post(
        "/api/v1/resource/equipment",
        headers=auth,
        json={"code": "LINE-1", "name": "again", "level": "work_center", "parent_code": "ASSY"},
    )
    assert r.status_code == 409 and r.json()["code"] == "duplicate_equipment_code"
    assert r.headers["content-type"] == "application/problem+json"


async def test_attributes_cycle_times_and_thresholds(harness: Harness) -> None:
    await _plant(harness)
    auth = harness.auth(*WRITE)
    r = await harness.client.post(
        "/api/v1/resource/equipment",
        headers=auth,
        json={"code": "PRESS-4", "name": "Press 4", "level": "equipment", "parent_code": "LINE-1"},
    )
    assert r.status_code == 201
    r = await harness.client.patch(
        "/api/v1/resource/equipment/LINE-1",
        headers=auth,
        json={"capacity": "1200.5", "capacity_uom": "pcs/h"},
    )
    assert r.status_code == 200 and r.json()["capacity"] == "1200.5"
    r = await harness.client.put(
        "/api/v1/resource/equipment/PRESS-4/cycle-times/CAP-32",
        headers=auth,
        json={"ideal_cycle_time_s": "4.25"},
    )
    assert r.status_code == 200
    r = await harness.client.get("/api/v1/resource/equipment/PRESS-4/details", headers=auth)
    body = r.json()
    assert body["cycle_times"] == [
        {"equipment_code": "PRESS-4", "product_code": "CAP-32", "ideal_cycle_time_s": "4.25"}
    ]
    assert (body["micro_stop_s"], body["no_signal_s"]) == (120, 300)  # the defaults
    for path, payload in (
        ("/equipment/PLANT-1", {"time_zone": "Europe/Atlantis"}),
        ("/equipment/PLANT-1", {"capacity": -1}),
        ("/equipment/PLANT-1", {"capacity": 1.5e300}),
        ("/equipment/PRESS-4", {"micro_stop_s": 0}),
    ):
        r = await harness.client.patch(f"/api/v1/resource{path}", headers=auth, json=payload)
        assert r.status_code == 422, (payload, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    r = await harness.client.put(
        "/api/v1/resource/equipment/PRESS-4/cycle-times/CAP-32", headers=auth, json={"ideal_cycle_time_s": 0}
    )
    assert r.status_code == 422
    r = await harness.client.get("/api/v1/resource/equipment/PLANT-1/details", headers=auth)
    assert r.json()["time_zone"] is None and r.json()["capacity"] is None

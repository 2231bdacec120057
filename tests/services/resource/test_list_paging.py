"""Resource's office lists: paged on the server and sorted by a column from a closed list."""

from mes.platform.testing import Harness

from .conftest import R, Seed, call


async def test_equipment_sorts_by_a_whitelisted_column_and_pages(harness: Harness, plant: Seed) -> None:
    await plant()
    page = await call(harness, "GET", "/equipment?level=equipment&sort=-code&limit=2")
    assert [e["code"] for e in page["items"]] == ["ROBOT-7", "PRESS-5"]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    rest = await call(harness, "GET", "/equipment?level=equipment&sort=-code&limit=2&offset=2")
    assert [e["code"] for e in rest["items"]] == ["PRESS-4"]
    by_path = await call(harness, "GET", "/equipment?limit=3")  # the default is still the hierarchy
    assert [e["code"] for e in by_path["items"]] == ["ACME", "LYON", "MOULDING"]


async def test_an_unknown_sort_column_is_a_422_problem(harness: Harness) -> None:
    auth = harness.auth("resource:read")
    for path in ("/equipment", "/persons", "/maintenance/orders"):
        r = await harness.client.get(f"{R}{path}", params={"sort": "password_hash"}, headers=auth)
        assert r.status_code == 422, (path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "sort" in r.text


async def test_persons_sort_by_name_descending(harness: Harness, plant: Seed) -> None:
    await plant()
    for username, name in (("ana", "Ana Lima"), ("bo", "Bo Chen"), ("cy", "Cy Adams")):
        await call(harness, "POST", "/persons", {"username": username, "name": name})
    page = await call(harness, "GET", "/persons?sort=-name&limit=2")
    assert [p["name"] for p in page["items"]] == ["Cy Adams", "Bo Chen"] and page["total"] == 3
    page = await call(harness, "GET", "/persons?sort=name&offset=1")
    assert [p["username"] for p in page["items"]] == ["bo", "cy"]


async def test_maintenance_orders_page_and_sort_with_a_total(harness: Harness, plant: Seed) -> None:
    await plant()
    numbers = []
    for machine in ("PRESS-4", "PRESS-5", "ROBOT-7"):
        order = await call(
            harness, "POST", "/maintenance/orders", {"equipment_code": machine, "description": "Check"}
        )
        numbers.append(order["number"])
    # as before: every order, oldest first (one test transaction: equal times, then by number)
    whole = await call(harness, "GET", "/maintenance/orders")
    assert [o["number"] for o in whole["items"]] == sorted(numbers) and whole["total"] == 3
    page = await call(harness, "GET", "/maintenance/orders?sort=-number&limit=2&offset=1")
    assert [o["number"] for o in page["items"]] == sorted(numbers, reverse=True)[1:]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    one = await call(harness, "GET", "/maintenance/orders?equipment=PRESS-5&sort=due_at")
    assert [o["equipment_code"] for o in one["items"]] == ["PRESS-5"] and one["total"] == 1


async def test_reason_codes_are_filtered_on_the_server_by_parent_and_text(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    for code, name, parent in (
        ("MECH", "Mechanical", None),
        ("MECH.HYD", "Hydraulics", "MECH"),
        ("MECH.HYD.LEAK", "Oil leak", "MECH.HYD"),
        ("ELEC", "Electrical", None),
        ("ELEC_50", "Fuse 50% blown", "ELEC"),
    ):
        await call(
            harness, "POST", "/sites/LYON/reason-codes", {"code": code, "name": name, "parent_code": parent}
        )
    whole = await call(harness, "GET", "/sites/LYON/reason-codes")
    assert [c["code"] for c in whole] == ["ELEC", "ELEC_50", "MECH", "MECH.HYD", "MECH.HYD.LEAK"]
    below = await call(harness, "GET", "/sites/LYON/reason-codes?parent=MECH")
    assert [(c["code"], c["parent_code"]) for c in below] == [
        ("MECH.HYD", "MECH"),
        ("MECH.HYD.LEAK", "MECH.HYD"),
    ]
    assert [c["code"] for c in await call(harness, "GET", "/sites/LYON/reason-codes?q=LEAK")] == [
        "MECH.HYD.LEAK"
    ]
    assert [c["code"] for c in await call(harness, "GET", "/sites/LYON/reason-codes?q=50%25")] == ["ELEC_50"]
    assert await call(harness, "GET", "/sites/LYON/reason-codes?q=hyd&parent=ELEC") == []
    r = await harness.client.get(
        f"{R}/sites/LYON/reason-codes", params={"parent": "NOPE"}, headers=harness.auth("resource:read")
    )
    assert r.status_code == 404 and r.json()["code"] == "reason_code_not_found"

"""Resource's office lists: paged on the server and sorted by a column from a closed list."""

from datetime import UTC, datetime, timedelta

from mes.contracts.integration import MachineStateReported
from mes.platform.testing import Harness

from .conftest import R, Seed, call, publish


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
    for path in (
        "/equipment",
        "/persons",
        "/maintenance/orders",
        "/maintenance/plans",
        "/equipment/PRESS-4/downtimes",
    ):
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


async def test_maintenance_plans_page_and_sort_with_a_total_in_a_header(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    for code, name, machine in (("PM-B", "Zinc check", "PRESS-4"), ("PM-A", "Belt", "PRESS-5"), ("PM-C", "Air", "PRESS-4")):  # fmt: skip
        plan = {
            "code": code,
            "name": name,
            "equipment_code": machine,
            "trigger": "calendar",
            "interval": "30",
        }
        await call(harness, "POST", "/maintenance/plans", plan)
    auth = harness.auth("resource:read")

    async def plans(query: str) -> tuple[list[str], str]:
        r = await harness.client.get(f"{R}/maintenance/plans{query}", headers=auth)
        assert r.status_code == 200, r.text
        return [p["code"] for p in r.json()], r.headers["x-total-count"]

    # as before: a bare list of every plan by code
    assert await plans("") == (["PM-A", "PM-B", "PM-C"], "3")
    assert await plans("?sort=-name&limit=2") == (["PM-B", "PM-A"], "3")
    assert await plans("?sort=name&limit=2&offset=1") == (["PM-A", "PM-B"], "3")
    assert await plans("?sort=-code&offset=2") == (["PM-A"], "3")
    assert await plans("?equipment=PRESS-4&sort=-code") == (["PM-C", "PM-B"], "2")
    r = await harness.client.get(f"{R}/maintenance/plans", params={"limit": 0}, headers=auth)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")


async def test_a_machines_downtimes_page_sort_and_filter_with_a_total(harness: Harness, plant: Seed) -> None:
    await plant()
    t0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    # stops of 5, 20 and 10 minutes, then one still open
    for state, minute in (("running", 0), ("down", 10), ("running", 15), ("down", 30), ("running", 50)):
        at = t0 + timedelta(minutes=minute)
        await publish(harness, MachineStateReported(equipment_code="PRESS-4", state=state, at=at))  # type: ignore[arg-type]
    for state, minute in (("down", 60), ("running", 70), ("down", 80)):
        at = t0 + timedelta(minutes=minute)
        await publish(harness, MachineStateReported(equipment_code="PRESS-4", state=state, at=at))  # type: ignore[arg-type]
    whole = await call(harness, "GET", "/equipment/PRESS-4/downtimes")  # as before: all, oldest first
    assert [d["duration_s"] for d in whole["items"]] == [300, 1200, 600, None] and whole["total"] == 4
    longest = await call(harness, "GET", "/equipment/PRESS-4/downtimes?sort=-duration_s&limit=2")
    assert [d["duration_s"] for d in longest["items"]] == [1200, 600]
    assert (longest["total"], longest["limit"], longest["offset"]) == (4, 2, 0)
    rest = await call(harness, "GET", "/equipment/PRESS-4/downtimes?sort=-duration_s&limit=2&offset=2")
    assert [d["duration_s"] for d in rest["items"]] == [300, None]  # the open stop last either way
    newest = await call(harness, "GET", "/equipment/PRESS-4/downtimes?sort=-started_at&limit=1")
    assert newest["items"][0]["ended_at"] is None and newest["total"] == 4
    await call(harness, "POST", "/sites/LYON/reason-codes", {"code": "MECH", "name": "Mechanical"})
    first = whole["items"][1]["id"]
    await call(harness, "POST", f"/downtimes/{first}/classify", {"reason_code": "MECH"})
    open_ = await call(harness, "GET", "/equipment/PRESS-4/downtimes?classified=false&sort=started_at")
    assert [d["duration_s"] for d in open_["items"]] == [300, 600, None] and open_["total"] == 3
    done = await call(harness, "GET", "/equipment/PRESS-4/downtimes?classified=true")
    assert [d["id"] for d in done["items"]] == [first] and done["total"] == 1

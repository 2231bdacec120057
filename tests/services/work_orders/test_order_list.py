"""Issue 16: the office's list of work orders (search, filters, sort, paging on the server), editing
a planned order, and an order's audit history."""

from typing import Any

from .conftest import Plant, W, ok


async def _list(plant: Plant, query: str) -> Any:
    return ok(await plant.h.client.get(f"{W}/orders?{query}", headers=plant.planner()))


async def _numbers(plant: Plant, query: str) -> list[str]:
    return [o["number"] for o in (await _list(plant, query))["items"]]


async def _orders(plant: Plant) -> None:
    await plant.order("WO-100", "10", release=False, erp_ref="SO-7781", due="2030-01-10T12:00:00Z")
    await plant.order("WO-101", "20", priority=1, due="2030-01-12T12:00:00Z")
    await plant.order("WO-102", "5", release=False, priority=9, erp_ref="SO-9000", due="2030-02-01T12:00:00Z")
    await plant.post(f"{W}/orders/WO-102/cancel", {"reason": "Customer withdrew"}, plant.planner())


async def test_search_filter_sort_and_page_orders_in_every_state(plant: Plant) -> None:
    await _orders(plant)
    assert await _numbers(plant, "") == ["WO-101", "WO-100", "WO-102"]  # most urgent first
    assert await _numbers(plant, "q=so-77") == ["WO-100"]  # ERP reference, any case
    assert await _numbers(plant, "q=101") == ["WO-101"]  # number
    assert await _numbers(plant, "q=kit&sort=number") == ["WO-100", "WO-101", "WO-102"]  # product
    assert await _numbers(plant, "q=50_") == []  # a wildcard is taken literally
    assert await _numbers(plant, "status=planned&status=cancelled&sort=-number") == ["WO-102", "WO-100"]
    assert await _numbers(plant, "erp_ref=SO-9000") == ["WO-102"]
    due = "due_from=2030-01-11T00:00:00Z&due_to=2030-02-01T00:00:00Z"
    assert await _numbers(plant, due) == ["WO-101"]
    assert await _numbers(plant, "sort=-due") == ["WO-102", "WO-101", "WO-100"]
    page = await _list(plant, "sort=number&limit=2&offset=2")
    assert ([o["number"] for o in page["items"]], page["total"], page["limit"], page["offset"]) == (
        ["WO-102"],
        3,
        2,
        2,
    )
    r = await plant.h.client.get(f"{W}/orders?sort=colour", headers=plant.planner())
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")


async def test_a_planned_order_is_edited_and_audited_a_released_one_is_frozen(plant: Plant) -> None:
    await _orders(plant)
    body = {"quantity": "12", "priority": 2, "erp_ref": None, "reason": "Customer added two"}
    edited = ok(await plant.h.client.patch(f"{W}/orders/WO-100", json=body, headers=plant.planner()))
    assert (edited["quantity"], edited["priority"], edited["erp_ref"], edited["due"]) == (
        "12",
        2,
        None,
        "2030-01-10T12:00:00Z",
    )
    r = await plant.h.client.patch(f"{W}/orders/WO-101", json={"quantity": "1"}, headers=plant.planner())
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition", r.text
    r = await plant.h.client.patch(
        f"{W}/orders/WO-100", json={"routing_version": "9"}, headers=plant.planner()
    )
    assert r.status_code == 404 and r.json()["code"] == "routing_not_found", r.text
    r = await plant.h.client.patch(f"{W}/orders/WO-100", json={"quantity": "0"}, headers=plant.planner())
    assert r.status_code == 422, r.text
    r = await plant.h.client.patch(f"{W}/orders/WO-100", json={"priority": 3}, headers=plant.operator())
    assert r.status_code == 403, r.text
    assert (await plant.get_order("WO-100"))["quantity"] == "12"  # refused edits changed nothing

    history = ok(await plant.h.client.get(f"{W}/orders/WO-100/history", headers=plant.planner()))
    assert [h["action"] for h in history] == ["work_order.created", "work_order.updated"]
    update = history[1]
    assert (update["actor"], update["reason"]) == ("planner-kim", "Customer added two")
    assert update["old"] == {"quantity": "10", "priority": 5, "erp_ref": "SO-7781"}
    assert update["new"] == {"quantity": "12", "priority": 2, "erp_ref": None}


async def test_history_holds_the_operations_audit_too(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    await plant.post(
        f"{W}/orders/WO-1/operations/20/skip", {"reason": "Assembled at the customer"}, plant.planner()
    )
    await plant.order("WO-10", "10")  # WO-1's history is not WO-10's
    history = ok(await plant.h.client.get(f"{W}/orders/WO-1/history", headers=plant.planner()))
    assert [(h["action"], h["entity_id"]) for h in history] == [
        ("work_order.created", "WO-1"),
        ("work_order.release", "WO-1"),
        ("operation.skip", "WO-1/20"),
    ]
    r = await plant.h.client.get(f"{W}/orders/WO-404/history", headers=plant.planner())
    assert r.status_code == 404 and r.json()["code"] == "work_order_not_found"

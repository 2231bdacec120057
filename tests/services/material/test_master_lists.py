"""The master-data lists the office screens page through: search, filters, sort, paging."""

from collections.abc import Awaitable, Callable
from decimal import Decimal

from mes.platform.testing import Harness

from .conftest import ALL, M

Seed = Callable[[], Awaitable[None]]


async def test_items_are_searched_filtered_sorted_and_paged_on_the_server(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    auth = harness.auth(*ALL)
    r = await harness.client.post(
        f"{M}/items",
        json={
            "code": "SN-PUMP",
            "name": "Dosing pump",
            "kind": "finished",
            "uom": "pcs",
            "tracking": "serial",
        },
        headers=auth,
    )
    assert r.status_code == 201, r.text

    async def codes(query: str) -> tuple[list[str], int]:
        r = await harness.client.get(f"{M}/items?{query}", headers=harness.auth("material:read"))
        assert r.status_code == 200, r.text
        return [i["code"] for i in r.json()["items"]], r.json()["total"]

    assert await codes("q=resin") == (["PP-RESIN"], 1)  # by name, any case
    assert await codes("q=cap") == (["BOTTLE-1L", "CAP-32"], 2)  # "with cap" in a name, "CAP" in a code
    assert await codes("q=%25") == ([], 0)  # a LIKE wildcard is taken literally
    assert await codes("tracking=serial") == (["SN-PUMP"], 1)
    assert await codes("kind=raw&sort=-code") == (["PP-RESIN", "MB-BLUE"], 2)
    assert await codes("sort=name") == (
        ["BOTTLE-1L", "CAP-32", "MB-BLUE", "SN-PUMP", "PP-RESIN"],
        5,
    )
    first, total = await codes("sort=-name&limit=2&offset=0")
    second, _ = await codes("sort=-name&limit=2&offset=2")
    third, _ = await codes("sort=-name&limit=2&offset=4")
    assert total == 5
    assert first + second + third == ["PP-RESIN", "SN-PUMP", "MB-BLUE", "CAP-32", "BOTTLE-1L"]
    r = await harness.client.get(f"{M}/items?sort=colour", headers=harness.auth("material:read"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_locations_are_searched_and_sorted(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth(*ALL)
    r = await harness.client.post(
        f"{M}/locations", json={"code": "Q-01", "name": "Quarantine cage", "kind": "quarantine"}, headers=auth
    )
    assert r.status_code == 201, r.text
    read = harness.auth("material:read")
    r = await harness.client.get(f"{M}/locations?sort=-kind", headers=read)
    assert [loc["code"] for loc in r.json()["items"]] == ["WH-01", "Q-01", "L1-SIDE"]
    r = await harness.client.get(f"{M}/locations?q=LINE", headers=read)
    assert (r.json()["total"], [loc["code"] for loc in r.json()["items"]]) == (1, ["L1-SIDE"])
    r = await harness.client.get(f"{M}/locations?q=ware&kind=quarantine", headers=read)
    assert r.json() == {"items": [], "total": 0, "limit": 100, "offset": 0}


async def test_a_retried_warehouse_command_with_its_key_is_booked_once(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth(*ALL, sub="store-sam")
    body = {"code": "R-100", "item": "PP-RESIN", "quantity": "100", "location": "WH-01"}
    assert (await harness.client.post(f"{M}/lots", json=body, headers=auth)).status_code == 201

    async def post(action: str, payload: dict[str, object], key: str) -> dict[str, object]:
        r = await harness.client.post(
            f"{M}/lots/R-100/{action}", json=payload, headers={**auth, "Idempotency-Key": key}
        )
        assert r.status_code in (200, 201), r.text
        return r.json()  # type: ignore[no-any-return]

    split = await post("split", {"quantity": "30"}, "split-1")
    again = await post("split", {"quantity": "30"}, "split-1")  # the browser retried after a timeout
    assert again["code"] == split["code"]
    for _ in range(2):
        scrapped = await post("scrap", {"quantity": "5", "reason": "torn bag"}, "scrap-1")
        moved = await post("move", {"to_location": "L1-SIDE"}, "move-1")
        adjusted = await post("adjust", {"delta": "-1", "reason": "cycle count"}, "adjust-1")
    assert Decimal(str(scrapped["quantity"])) == 65
    assert moved["location"] == "L1-SIDE"
    assert Decimal(str(adjusted["quantity"])) == 64
    r = await harness.client.get(f"{M}/lots/R-100/movements", headers=auth)
    assert [m["kind"] for m in r.json()] == ["receive", "split", "scrap", "move", "adjust"]
    r = await harness.client.get(f"{M}/lots?item=PP-RESIN", headers=auth)
    assert r.json()["total"] == 2  # one split, not two
    # the same key for a different request is refused and books nothing
    r = await harness.client.post(
        f"{M}/lots/R-100/scrap",
        json={"quantity": "7", "reason": "torn bag"},
        headers={**auth, "Idempotency-Key": "scrap-1"},
    )
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_reused")
    r = await harness.client.get(f"{M}/lots/R-100", headers=auth)
    assert Decimal(str(r.json()["quantity"])) == 64

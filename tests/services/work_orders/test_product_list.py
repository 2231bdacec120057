"""The product list the master-data screen pages through: search, sort, paging on the server."""

from .conftest import Plant, W, ok


async def test_products_are_searched_sorted_and_paged(plant: Plant) -> None:
    await plant.post(f"{W}/products", {"code": "LABEL", "name": "Printed label"}, plant.planner(), 201)
    await plant.post(f"{W}/products", {"code": "PP-RESIN"}, plant.planner(), 201)

    async def codes(query: str) -> tuple[list[str], int]:
        page = ok(await plant.h.client.get(f"{W}/products?{query}", headers=plant.planner()))
        return [p["code"] for p in page["items"]], page["total"]

    assert await codes("") == (["KIT-100", "LABEL", "PP-RESIN"], 3)
    assert await codes("sort=-code") == (["PP-RESIN", "LABEL", "KIT-100"], 3)
    # names: "Storage kit", "Printed label", "Polypropylene resin" (the item's name when none is given)
    assert await codes("sort=name") == (["PP-RESIN", "LABEL", "KIT-100"], 3)
    assert await codes("sort=-created_at&limit=1") == (["PP-RESIN"], 3)
    assert await codes("sort=-created_at&limit=1&offset=1") == (["LABEL"], 3)
    assert await codes("q=KIT") == (["KIT-100"], 1)
    assert await codes("q=label") == (["LABEL"], 1)
    assert await codes("q=_") == ([], 0)  # a LIKE wildcard is taken literally
    r = await plant.h.client.get(f"{W}/products?sort=uom", headers=plant.planner())
    assert r.status_code == 422

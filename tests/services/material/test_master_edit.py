"""Editing items and locations (ADR 39): only the fields sent change, on the version they were read
at; a stale, forbidden or bad edit is refused with a problem and changes nothing."""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text

from mes.platform.testing import Harness

from .conftest import ALL, M

Seed = Callable[[], Awaitable[None]]


async def _audit(h: Harness, action: str) -> list[Any]:
    async with h.db("material").transaction() as s:
        rows = await s.execute(
            text("SELECT actor, entity_id, old, new FROM audit_log WHERE action = :a ORDER BY id"),
            {"a": action},
        )
        return list(rows.all())


async def test_an_item_edit_changes_what_is_sent_counts_the_version_up_and_is_audited(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    auth = harness.auth(*ALL, sub="engineer-eva")
    item = (await harness.client.get(f"{M}/items/PP-RESIN", headers=auth)).json()
    assert item["version"] == 1
    body = {
        "version": 1,
        "name": "Polypropylene resin, natural",
        "shelf_life_days": 365,
        "tracking": "serial",
    }
    r = await harness.client.patch(f"{M}/items/PP-RESIN", json=body, headers=auth)
    assert r.status_code == 200, r.text
    edited = r.json()
    assert (edited["name"], edited["shelf_life_days"], edited["tracking"], edited["version"]) == (
        "Polypropylene resin, natural",
        365,
        "serial",
        2,
    )
    assert (edited["code"], edited["uom"], edited["kind"]) == ("PP-RESIN", "kg", "raw")  # not sent: kept
    assert (await harness.client.get(f"{M}/items/PP-RESIN", headers=auth)).json() == edited
    # null clears an optional field
    r = await harness.client.patch(
        f"{M}/items/PP-RESIN", json={"version": 2, "shelf_life_days": None}, headers=auth
    )
    assert (r.status_code, r.json()["shelf_life_days"], r.json()["version"]) == (200, None, 3)
    audit = await _audit(harness, "item.updated")
    assert [(a.actor, a.entity_id) for a in audit] == [("engineer-eva", "PP-RESIN")] * 2
    assert audit[0].old == {
        "name": "Polypropylene resin",
        "shelf_life_days": None,
        "tracking": "lot",
        "version": 1,
    }
    assert audit[0].new == {
        "name": "Polypropylene resin, natural",
        "shelf_life_days": 365,
        "tracking": "serial",
        "version": 2,
    }


async def test_an_edit_on_an_older_version_is_refused_409_and_changes_nothing(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    auth = harness.auth(*ALL)
    first = await harness.client.patch(
        f"{M}/items/CAP-32", json={"version": 1, "name": "Cap 32 mm"}, headers=auth
    )
    assert first.status_code == 200, first.text
    # a second editor still holds version 1
    r = await harness.client.patch(
        f"{M}/items/CAP-32", json={"version": 1, "name": "Screw cap"}, headers=auth
    )
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (r.json()["code"], r.json()["current_version"]) == ("stale_version", 2)
    assert (await harness.client.get(f"{M}/items/CAP-32", headers=auth)).json()["name"] == "Cap 32 mm"

    r = await harness.client.patch(
        f"{M}/locations/WH-01", json={"version": 1, "name": "Store A"}, headers=auth
    )
    assert (r.status_code, r.json()["name"], r.json()["version"], r.json()["kind"]) == (
        200,
        "Store A",
        2,
        "warehouse",
    )
    r = await harness.client.patch(f"{M}/locations/WH-01", json={"version": 1, "kind": "wip"}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (409, "stale_version")
    location = (await harness.client.get(f"{M}/locations/WH-01", headers=auth)).json()
    assert (location["kind"], location["version"]) == ("warehouse", 2)
    audit = await _audit(harness, "location.updated")
    assert [(a.old, a.new) for a in audit] == [
        ({"name": "Main warehouse", "version": 1}, {"name": "Store A", "version": 2})
    ]


async def test_editing_master_data_needs_the_master_data_permission(harness: Harness, plant: Seed) -> None:
    await plant()
    reader = harness.auth("material:read", "material:lot:receive", sub="store-sam")
    for path, body in (
        ("items/PP-RESIN", {"version": 1, "name": "Resin"}),
        ("locations/WH-01", {"version": 1, "name": "Store"}),
    ):
        r = await harness.client.patch(f"{M}/{path}", json=body, headers=reader)
        assert r.status_code == 403, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    assert (await harness.client.get(f"{M}/items/PP-RESIN", headers=reader)).json()[
        "name"
    ] == "Polypropylene resin"
    assert (await harness.client.get(f"{M}/locations/WH-01", headers=reader)).json()[
        "name"
    ] == "Main warehouse"
    assert await _audit(harness, "item.updated") == []


async def test_bad_input_is_refused_422_and_changes_nothing(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth(*ALL)
    before = (await harness.client.get(f"{M}/items/MB-BLUE", headers=auth)).json()
    for body in (
        {"version": 1, "name": ""},  # empty name
        {"version": 1, "name": None},  # a required field can't be cleared
        {"version": 1, "shelf_life_days": 0},
        {"version": 1, "tracking": "batch"},
        {"version": 1, "code": "MB-RED"},  # the code is never edited
        {"version": 1, "gtin": "123"},
        {
            "version": 1,
            "name": "Blue",
            "gtin": "40012345678901",
        },  # a wrong check digit: nothing of it is kept
        {"version": 1, "name": "Blue", "lot_pattern": "{nonsense}"},
        {"version": 1, "name": "Blue", "uom": "furlong"},  # no such unit
        {"name": "Blue"},  # no version
    ):
        r = await harness.client.patch(f"{M}/items/MB-BLUE", json=body, headers=auth)
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert (await harness.client.get(f"{M}/items/MB-BLUE", headers=auth)).json() == before
    r = await harness.client.patch(f"{M}/locations/WH-01", json={"version": 1, "kind": "roof"}, headers=auth)
    assert r.status_code == 422
    assert await _audit(harness, "item.updated") == []
    assert await _audit(harness, "location.updated") == []

    r = await harness.client.patch(f"{M}/items/NO-SUCH", json={"version": 1, "name": "X"}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (404, "item_not_found")
    r = await harness.client.patch(f"{M}/locations/NO-SUCH", json={"version": 1, "name": "X"}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (404, "location_not_found")


async def test_the_unit_and_the_tracking_stay_once_the_item_has_lots(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth(*ALL)
    body = {"code": "R-1", "item": "PP-RESIN", "quantity": "25", "location": "WH-01"}
    assert (await harness.client.post(f"{M}/lots", json=body, headers=auth)).status_code == 201
    for change in ({"uom": "g"}, {"tracking": "serial"}):
        r = await harness.client.patch(f"{M}/items/PP-RESIN", json={"version": 1, **change}, headers=auth)
        assert (r.status_code, r.json()["code"]) == (409, "item_in_use"), r.text
    # the name still changes, and the unit sent unchanged is no change
    r = await harness.client.patch(
        f"{M}/items/PP-RESIN", json={"version": 1, "uom": "kg", "name": "PP resin"}, headers=auth
    )
    assert (r.status_code, r.json()["name"], r.json()["uom"]) == (200, "PP resin", "kg")
    # a unit used in a bill of materials stays too, lots or not
    bom = {
        "version": "1",
        "base_quantity": "1",
        "valid_from": "2026-01-01",
        "lines": [{"component": "MB-BLUE", "quantity": "2", "uom": "g"}],
    }
    assert (await harness.client.post(f"{M}/items/CAP-32/boms", json=bom, headers=auth)).status_code == 201
    r = await harness.client.patch(f"{M}/items/MB-BLUE", json={"version": 1, "uom": "kg"}, headers=auth)
    assert (r.status_code, r.json()["code"]) == (409, "item_in_use")
    r = await harness.client.patch(f"{M}/items/BOTTLE-1L", json={"version": 1, "uom": "kg"}, headers=auth)
    assert r.status_code == 200  # neither lots nor BOMs: the unit may still be corrected

"""Backward and forward traces over hand-built genealogies: quantities on every path, early
operations reaching the order's outputs, per-unit serials, splits and merges, filters."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from mes.platform.testing import Harness
from mes.services.traceability import queries
from mes.services.traceability.schemas import Direction, TraceRead

from .conftest import READ, Feed, T, empty_projection, get, graph


async def two_level_plant(feed: Feed) -> None:
    """Resin and masterbatch moulded into caps at operation 10 of WO-1 (the caps produced at 20
    naming nothing); caps and a carton into bottles in WO-2."""
    await feed.receive("RESIN-1", "PP", "100")
    await feed.receive("RESIN-2", "PP", "100")
    await feed.receive("MB-1", "MB-BLUE", "10")
    await feed.receive("BOX-1", "CARTON", "500", uom="pcs")
    await feed.order("WO-1", "CAP", "1000")
    await feed.consume("RESIN-1", "PP", "30", "70", "WO-1", "10")
    await feed.consume("MB-1", "MB-BLUE", "2", "8", "WO-1", "10")
    await feed.produce("CAP-A", "CAP", "1000", "WO-1", "20")
    await feed.order("WO-2", "BOTTLE", "500")
    await feed.consume("CAP-A", "CAP", "1000", "0", "WO-2", "10", uom="pcs")
    await feed.consume("BOX-1", "CARTON", "50", "450", "WO-2", "20", uom="pcs")
    await feed.produce("FG-1", "BOTTLE", "500", "WO-2", "20", inputs=(("BOX-1", "CARTON", "50"),))


def lots(trace: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["code"]: n for n in trace["nodes"] if n["kind"] in ("lot", "serial")}


async def test_backward_reaches_every_supplier_lot_with_its_quantity(harness: Harness, feed: Feed) -> None:
    await two_level_plant(feed)
    trace = await get(harness, "/trace/FG-1/backward")
    found = lots(trace)
    assert set(found) == {"FG-1", "CAP-A", "BOX-1", "RESIN-1", "MB-1"}  # not RESIN-2
    assert sorted(trace["supplier_lots"]) == ["BOX-1", "MB-1", "RESIN-1"]
    assert {c: (n["depth"], n["traced_quantity"]) for c, n in found.items()} == {
        "FG-1": (0, None),
        "CAP-A": (1, "1000"),
        "BOX-1": (1, "50"),
        "RESIN-1": (2, "30"),  # consumed at operation 10, reached through WO-1's node
        "MB-1": (2, "2"),
    }
    ops = {n["code"]: n for n in trace["nodes"] if n["kind"] == "operation"}
    assert ops["WO-1/10"]["equipment"] == "M-10" and ops["WO-1/10"]["operator"] == "op-ana"
    quantities = {(e["src"], e["dst"], e["kind"]): e["quantity"] for e in trace["edges"]}
    assert quantities[("lot:RESIN-1", "op:WO-1/10", "consumed")] == "30"
    assert quantities[("wo:WO-1", "lot:CAP-A", "produced")] == "1000"
    assert quantities[("lot:BOX-1", "lot:FG-1", "attributed")] == "50"


async def test_forward_reaches_every_finished_lot(harness: Harness, feed: Feed) -> None:
    await two_level_plant(feed)
    trace = await get(harness, "/trace/RESIN-1/forward")
    assert set(lots(trace)) == {"RESIN-1", "CAP-A", "FG-1"}
    assert trace["finished"] == ["FG-1"]
    assert set(lots(await get(harness, "/trace/RESIN-2/forward"))) == {"RESIN-2"}
    assert set(lots(await get(harness, "/trace/BOX-1/forward"))) == {"BOX-1", "FG-1"}


async def test_depth_item_and_time_window_filters(harness: Harness, feed: Feed) -> None:
    await two_level_plant(feed)
    assert set(lots(await get(harness, "/trace/FG-1/backward", depth=1))) == {"FG-1", "CAP-A", "BOX-1"}
    assert set(lots(await get(harness, "/trace/FG-1/backward", item="PP"))) == {"FG-1", "RESIN-1"}
    consumed_at = next(
        e.occurred_at for e in feed.events if e.topic.endswith("consumed.v1") and e.aggregate_id == "RESIN-1"
    )
    inside = await get(harness, "/trace/RESIN-1/forward", since=consumed_at.isoformat())
    assert "CAP-A" in lots(inside)  # the window includes the consumption itself
    window = {"since": "2026-11-03T00:00:00Z"}
    assert set(lots(await get(harness, "/trace/RESIN-1/forward", **window))) == {"RESIN-1"}
    r = await harness.client.get(
        "/api/v1/traceability/trace/RESIN-1/forward",
        params={"since": "2026-11-03T00:00:00Z", "until": "2026-11-02T00:00:00Z"},
        headers=harness.auth("traceability:read"),
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_window")
    await get(harness, "/trace/NOPE/backward", status=404)


async def test_per_unit_serials_never_share_a_component(harness: Harness, feed: Feed) -> None:
    await feed.receive("MOTOR-1", "MOTOR", "1", uom="pcs")
    await feed.receive("MOTOR-2", "MOTOR", "1", uom="pcs")
    await feed.receive("HS-1", "HOUSING", "2", uom="pcs")
    await feed.order("WO-5", "PUMP", "2", ops=("10",))
    await feed.consume("MOTOR-1", "MOTOR", "1", "0", "WO-5", "10", uom="pcs")
    await feed.consume("MOTOR-2", "MOTOR", "1", "0", "WO-5", "10", uom="pcs")
    await feed.consume("HS-1", "HOUSING", "2", "0", "WO-5", "10", uom="pcs")
    await feed.produce(
        "P-001", "PUMP", "1", "WO-5", "10", inputs=(("MOTOR-1", "MOTOR", "1"),), tracking="serial"
    )
    await feed.produce(
        "P-002", "PUMP", "1", "WO-5", "10", inputs=(("MOTOR-2", "MOTOR", "1"),), tracking="serial"
    )
    one = lots(await get(harness, "/trace/P-001/backward"))
    two = lots(await get(harness, "/trace/P-002/backward"))
    assert set(one) == {"P-001", "MOTOR-1", "HS-1"}  # the housings lot was not attributed: it reaches both
    assert set(two) == {"P-002", "MOTOR-2", "HS-1"}
    assert one["P-001"]["kind"] == "serial"
    assert set(lots(await get(harness, "/trace/MOTOR-1/forward"))) == {"MOTOR-1", "P-001"}
    assert set(lots(await get(harness, "/trace/HS-1/forward"))) == {"HS-1", "P-001", "P-002"}


async def split_and_merge(feed: Feed) -> None:
    await feed.receive("RESIN-2", "PP", "100")
    await feed.receive("RESIN-3", "PP", "20")
    await feed.split("RESIN-2", "PP", "RESIN-2B", "40")
    await feed.merge("RESIN-3", "PP", (("RESIN-2B", "40"),), "60")
    await feed.order("WO-3", "CAP", "2000", ops=("10",))
    await feed.consume("RESIN-3", "PP", "60", "0", "WO-3", "10")
    await feed.produce("CAP-B", "CAP", "2000", "WO-3", "10")


async def test_splits_and_merges_keep_lineage_both_ways(harness: Harness, feed: Feed) -> None:
    await split_and_merge(feed)
    back = await get(harness, "/trace/CAP-B/backward")
    assert set(lots(back)) == {"CAP-B", "RESIN-3", "RESIN-2B", "RESIN-2"}
    assert sorted(back["supplier_lots"]) == ["RESIN-2", "RESIN-3"]
    assert lots(back)["RESIN-2"]["traced_quantity"] == "40"  # split off, merged, consumed
    forward = await get(harness, "/trace/RESIN-2/forward")
    assert set(lots(forward)) == {"RESIN-2", "RESIN-2B", "RESIN-3", "CAP-B"}
    assert forward["finished"] == ["CAP-B"]
    used = await get(harness, "/lots/RESIN-3/where-used")
    assert used["consumed_in"] == [
        {"work_order": "WO-3", "operation": "10", "quantity": "60", "outputs": ["CAP-B"]}
    ]
    assert (await get(harness, "/lots/RESIN-2B/where-used"))["merged_into"] == ["RESIN-3"]
    assert (await get(harness, "/lots/RESIN-2/where-used"))["split_into"] == ["RESIN-2B"]


async def test_late_duplicated_and_reordered_events_give_the_same_graph(harness: Harness, feed: Feed) -> None:
    await two_level_plant(feed)
    await split_and_merge(feed)
    built = await graph(harness)
    assert built[0] and built[1] and built[2]
    events = list(feed.events)
    for seed in (1, 2):
        await empty_projection(harness)
        shuffled = events + events[::3]  # every third event twice
        random.Random(seed).shuffle(shuffled)
        for event in shuffled:
            await feed.deliver(event)
        replayed = await graph(harness)
        for mine, theirs in zip(replayed, built, strict=True):
            assert mine - theirs == set() and theirs - mine == set()


async def test_trace_json_is_byte_for_byte_the_schemas_serialisation(harness: Harness, feed: Feed) -> None:
    """The routes write the trace with orjson straight from the rows (ADR 43): the body must be
    exactly what TraceRead's own serialisation gives for the same trace (quantities as plain
    decimal strings, UTC times with Z, nulls kept, the same order), and read back as a TraceRead."""
    await two_level_plant(feed)
    await split_and_merge(feed)
    async with harness.db("traceability").transaction() as s:  # what the events here never carry
        await s.execute(
            text(
                "UPDATE node SET name = :name, at = '2026-11-02 07:00:00.00045+01', ended_at = at,"
                " expires_on = '2027-01-31', quantity = 1000000 WHERE key = 'lot:CAP-A'"
            ),
            {"name": 'Kappe \u00d8 "blau" \\ / \n\t\x01 \u20ac'},
        )
        await s.execute(
            text(
                "UPDATE edge SET quantity = 0.000001, at = '2026-11-02 06:00:00.999999Z' WHERE dst = 'lot:CAP-A'"
            )
        )
    cases: list[tuple[str, Direction, dict[str, Any]]] = [
        ("FG-1", "backward", {}),
        ("FG-1", "backward", {"depth": 1}),
        ("FG-1", "backward", {"item": "PP"}),
        ("RESIN-1", "forward", {}),
        ("RESIN-2", "forward", {}),
        ("CAP-B", "backward", {}),
        ("BOX-1", "forward", {"since": datetime(2026, 1, 1, tzinfo=UTC)}),
    ]
    for code, direction, params in cases:
        query = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in params.items()}
        r = await harness.client.get(
            f"{T}/trace/{code}/{direction}", params=query, headers=harness.auth(*READ)
        )
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        async with harness.db("traceability").transaction() as s:
            models = await queries.trace(s, code, direction, **params)
        assert models.nodes and r.content == models.model_dump_json().encode(), (code, direction, params)
        assert TraceRead.model_validate_json(r.content).model_dump() == models.model_dump()
    body = await get(harness, "/trace/FG-1/backward")
    cap = next(n for n in body["nodes"] if n["code"] == "CAP-A")
    assert (cap["at"], cap["expires_on"], cap["quantity"]) == (
        "2026-11-02T06:00:00.000450Z",
        "2027-01-31",
        "1000000",
    )
    assert cap["name"] == 'Kappe \u00d8 "blau" \\ / \n\t\x01 \u20ac' and cap["traced_quantity"] == "1000"
    made = next(e for e in body["edges"] if e["dst"] == "lot:CAP-A")
    assert (made["quantity"], made["at"]) == ("0.000001", "2026-11-02T06:00:00.999999Z")

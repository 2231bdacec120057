"""The replayable shift record: figures at the shift's end are kept; late and corrected data show as changes."""

from __future__ import annotations

from decimal import Decimal

from mes.contracts.work_orders import YieldReported
from mes.services.reporting.service import shift_record

from .conftest import Plant, at

EARLY = {"scope": "PRESS-1", "start": at(6).isoformat(), "end": at(14).isoformat()}


async def test_a_past_shift_keeps_its_figures_at_the_end_and_lists_what_changed_since(plant: Plant) -> None:
    await plant.state("PRESS-1", "running", at(6))
    first = await plant.yield_(at(9), "100")
    record = await plant.get("/shift-record", **EARLY)
    # POT = 8 h - 30 min break = 450 min, running throughout: availability 100 %
    assert record["snapshot_taken_at"] is not None
    assert record["now"]["availability"] == 100.0 and record["now"]["good"] == 100.0
    assert record["at_end"] == record["now"] and record["changed"] == [] and record["changes"] == []

    # after the snapshot: a late machine report (down 08:00-08:30), a corrected yield, a yield of the late shift
    await plant.state("PRESS-1", "down", at(8))
    await plant.state("PRESS-1", "running", at(8, 30))
    fields = first.model_dump(exclude={"event_id", "occurred_at"})
    await plant.publish(YieldReported(**(fields | {"good": Decimal(90)})))  # same report id: a correction
    await plant.yield_(at(15), "40")

    again = await plant.get("/shift-record", **EARLY)
    assert again["snapshot_taken_at"] == record["snapshot_taken_at"]  # kept once
    assert again["at_end"]["availability"] == 100.0
    assert again["now"]["availability"] == 93.3333  # APT 420 / PBT 450
    changed = {c["figure"]: (c["at_end"], c["now"]) for c in again["changed"]}
    assert changed["availability"] == (100.0, 93.3333)
    assert changed["good"] == (100.0, 90.0)
    assert changed["down_min"] == (0.0, 30.0)
    kinds = [c["kind"] for c in again["changes"]]
    assert "late_state" in kinds and kinds.count("corrected_yield") == 1
    assert "late_yield" not in kinds  # the late shift's yield is no change of this shift
    assert all(c["equipment_code"] == "PRESS-1" for c in again["changes"])

    # a shift reported on with no late data: nothing changed, and another scope keeps its own snapshot
    other = await plant.get("/shift-record", scope="PRESS-2", start=at(6).isoformat(), end=at(14).isoformat())
    assert other["changes"] == [] and other["changed"] == []


async def test_a_shift_not_over_has_no_snapshot(plant: Plant) -> None:
    await plant.state("PRESS-1", "running", at(6))
    far = {"scope": "PRESS-1", "start": at(6).isoformat(), "end": "2199-01-01T00:00:00+00:00"}
    r = await plant.get("/shift-record", 422, **far)  # longer than 400 days: refused
    assert r["code"] == "interval_too_long"


async def test_the_worker_keeps_a_shift_at_its_end_so_a_later_correction_shows_as_a_change(
    plant: Plant,
) -> None:
    await plant.state("PRESS-1", "running", at(6))
    await plant.yield_(at(9), "100")
    # a supervisor reads PRESS-1's record (of the week before): the worker watches PRESS-1 with their token
    await plant.get(
        "/shift-record", scope="PRESS-1", start=at(6, day=-7).isoformat(), end=at(14, day=-7).isoformat()
    )
    assert "PRESS-1" in shift_record.WATCH.scopes
    res = shift_record.WATCH.resource()
    assert res is not None
    db = plant.h.db("reporting")
    assert (
        await shift_record.take_shift_end_snapshots(db, None, {"PRESS-1"}, at(14, 5)) == 0
    )  # no token: nothing
    # 14:05: the early shift is over (the late one has just begun: not yet)
    assert await shift_record.take_shift_end_snapshots(db, res, {"PRESS-1"}, at(14, 5)) == 1
    assert await shift_record.take_shift_end_snapshots(db, res, {"PRESS-1"}, at(14, 6)) == 0  # taken once
    # a machine report placed in the early shift arrives after its end, before anyone read its record
    await plant.state("PRESS-1", "down", at(8))
    await plant.state("PRESS-1", "running", at(8, 30))
    record = await plant.get("/shift-record", **EARLY)
    assert record["at_end"]["availability"] == 100.0  # what the worker saw at the end
    assert record["now"]["availability"] == 93.3333  # APT 420 / PBT 450
    assert {c["figure"] for c in record["changed"]} >= {"availability", "down_min"}
    assert "late_state" in [c["kind"] for c in record["changes"]]
    late = await plant.get("/shift-record", scope="PRESS-1", start=at(14).isoformat(), end=at(22).isoformat())
    assert late["changes"] == []  # the late shift's snapshot is the first read's (the fallback)

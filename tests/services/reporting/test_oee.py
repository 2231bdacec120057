"""Acceptance 1 and 3 end to end: events in, ISO 22400-2 figures out, per shift and day, late data and rebuild.

Hand computation, PRESS-1 on Monday 2 March 2026 (UTC calendar, ideal cycle time 30 s):
- early 06:00-14:00, 30 min break: POT 450 min; down 08:00-08:30: ADOT 30, APT 420;
  760 good + 20 scrap = PQ 780, 390 ideal minutes: A 420/450, P 390/420, Q 760/780, OEE 84.4444 %;
- late 14:00-22:00, 30 min break: POT 450; down 15:00-15:20: ADOT 20, APT 430;
  800 good + 20 scrap = PQ 820, 410 ideal minutes: A 430/450, P 410/430, Q 800/820, OEE 88.8889 %.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from .conftest import P, Plant, at

DAY = {"start": at(0).isoformat(), "end": at(0, day=1).isoformat()}


async def monday(plant: Plant) -> None:
    for state, when in (
        ("running", at(6)),
        ("down", at(8)),
        ("running", at(8, 30)),
        ("down", at(15)),
        ("running", at(15, 20)),
    ):
        await plant.state("PRESS-1", state, when)
    await plant.state("PRESS-2", "running", at(6))
    await plant.yield_(at(9), "760", {"burr": "15", "short shot": "5"})
    await plant.yield_(at(16), "800", {"short shot": "20"})


def figures(row: dict[str, Any]) -> tuple[float, float, float, float]:
    return row["availability"], row["performance"], row["quality"], row["oee"]


def approx(*values: float) -> Any:
    return pytest.approx(values, abs=0.01)


EARLY = approx(420 / 450 * 100, 390 / 420 * 100, 760 / 780 * 100, 84.4444)
LATE = approx(430 / 450 * 100, 410 / 430 * 100, 800 / 820 * 100, 88.8889)


async def shifts(plant: Plant, code: str = "PRESS-1") -> dict[str, dict[str, Any]]:
    rows = await plant.oee(scope=code, grain="shift", **DAY)
    return {r["period"]: r for r in rows}


async def test_oee_per_shift_and_per_day_from_events(plant: Plant) -> None:
    await monday(plant)
    by = await shifts(plant)
    assert list(by) == ["2026-03-02/early", "2026-03-02/late"]
    early, late = by["2026-03-02/early"], by["2026-03-02/late"]
    assert figures(early) == EARLY and figures(late) == LATE
    assert (early["planned_operation_min"], early["down_min"], early["actual_production_min"]) == (
        450,
        30,
        420,
    )
    assert (early["good"], early["scrap"], early["produced"]) == (760, 20, 780)
    assert (early["failures"], early["mtbf_min"], early["mttr_min"]) == (1, 420, 30)
    losses = early["losses"]
    assert losses["availability_loss_down"] == 30 and losses["net_production_time"] == 390
    assert losses["quality_loss"] == 10 and losses["fully_productive_time"] == 380
    (day,) = await plant.oee(scope="PRESS-1", grain="day", **DAY)
    assert day["period"] == "2026-03-02"
    assert figures(day) == approx(
        850 / 900 * 100, 800 / 850 * 100, 1560 / 1600 * 100, 800 / 900 * 1560 / 1600 * 100
    )


async def test_machine_counters_count_where_no_operator_reported(plant: Plant) -> None:
    from mes.contracts.integration import MachineCounterReported

    await monday(plant)
    for counter, n, when in (("good", 300, at(7)), ("scrap", 5, at(7, 30)), ("good", 1, at(15))):
        await plant.publish(
            MachineCounterReported(equipment_code="PRESS-2", counter=counter, increment=n, at=when)
        )
    by = await shifts(plant, "PRESS-2")
    early = by["2026-03-02/early"]
    assert (early["good"], early["scrap"]) == (300, 5)
    assert figures(early) == approx(100, 305 / 450 * 100, 300 / 305 * 100, 305 / 450 * 300 / 305 * 100)
    hours = await plant.get("/production", scope="PRESS-2", **DAY)
    assert [(r["hour"][11:16], r["source"], r["good"], r["scrap"]) for r in hours["items"]] == [
        ("07:00", "machine", 300, 5),
        ("15:00", "machine", 1, 0),
    ]


async def test_drill_down_from_site_to_line_to_machine(plant: Plant) -> None:
    await monday(plant)
    (site,) = await plant.oee(scope="LYON", group="children", **DAY)
    assert site["group"] == "LINE-1"
    machines = {r["group"]: r for r in await plant.oee(scope="LINE-1", group="equipment", **DAY)}
    assert set(machines) == {"PRESS-1", "PRESS-2"}
    # a line adds its machines' times and ideal times, then takes the ratios
    assert site["planned_busy_min"] == machines["PRESS-1"]["planned_busy_min"] * 2 == 1800
    assert site["actual_production_min"] == 850 + 900
    stops = await plant.get("/stops", scope="LINE-1", **DAY)
    assert [(s["equipment_code"], s["minutes"], s["reason_code"]) for s in stops["items"]] == [
        ("PRESS-1", 20, None),
        ("PRESS-1", 30, None),
    ]


async def test_a_reclassified_stop_changes_its_shift_only_and_a_rebuild_agrees(plant: Plant) -> None:
    await monday(plant)
    before = await shifts(plant)
    downs = await plant.resource("GET", "/equipment/PRESS-1/downtimes")
    (late_stop,) = [d for d in downs["items"] if d["started_at"].startswith("2026-03-02T15:00")]
    await plant.resource("POST", f"/downtimes/{late_stop['id']}/classify", {"reason_code": "PLANNED.CHANGE"})
    await plant.h.deliver()
    after = await shifts(plant)
    assert after["2026-03-02/early"] == before["2026-03-02/early"]
    late = after["2026-03-02/late"]
    assert (late["planned_downtime_min"], late["planned_busy_min"], late["availability"]) == (20, 430, 100)
    assert late["failures"] == 0
    rebuilt = await plant.h.client.post(f"{P}/rebuild", headers=plant.h.auth("reporting:rebuild"))
    assert rebuilt.status_code == 200 and rebuilt.json()["events"] > 0
    assert await shifts(plant) == after


async def test_a_late_machine_report_changes_the_shift_it_lands_in(plant: Plant) -> None:
    await monday(plant)
    before = await shifts(plant)
    await plant.state("PRESS-1", "down", at(12))  # reported late: a stop from 12:00 ...
    await plant.state("PRESS-1", "running", at(12, 10))  # ... to 12:10
    after = await shifts(plant)
    assert after["2026-03-02/late"] == before["2026-03-02/late"]
    early = after["2026-03-02/early"]
    assert (early["down_min"], early["actual_production_min"], early["failures"]) == (40, 410, 2)
    hours = await plant.get("/state-hours", scope="PRESS-1", start=at(12).isoformat(), end=at(13).isoformat())
    assert {(r["element"], r["minutes"]) for r in hours["items"]} == {("ADOT", 10), ("APT", 50)}
    await plant.h.client.post(f"{P}/rebuild", headers=plant.h.auth("reporting:rebuild"))
    assert await shifts(plant) == after


async def test_duplicates_corrections_and_reordering_of_yields(plant: Plant) -> None:
    await monday(plant)
    first = await plant.yield_(at(11), "100")
    await plant.redeliver(first)  # delivered twice
    early = (await shifts(plant))["2026-03-02/early"]
    assert early["good"] == 860
    newer = first.model_copy(
        update={"good": first.good - 40, "occurred_at": first.occurred_at + timedelta(minutes=5)}
    )
    older = first.model_copy(
        update={"good": first.good + 999, "occurred_at": first.occurred_at + timedelta(minutes=1)}
    )
    await plant.publish(newer.model_copy(update={"event_id": uuid.uuid4()}))
    await plant.publish(older.model_copy(update={"event_id": uuid.uuid4()}))  # arrives last, is older
    early = (await shifts(plant))["2026-03-02/early"]
    assert early["good"] == 820
    await plant.h.client.post(f"{P}/rebuild", headers=plant.h.auth("reporting:rebuild"))
    assert (await shifts(plant))["2026-03-02/early"]["good"] == 820


async def test_paretos_for_scrap_and_downtime(plant: Plant) -> None:
    await monday(plant)
    scrap = await plant.get("/paretos/scrap", scope="LINE-1", **DAY)
    assert [(r["key"], r["value"], r["share"], r["cumulative"]) for r in scrap["items"]] == [
        ("short shot", 25, 62.5, 62.5),
        ("burr", 15, 37.5, 100),
    ]
    by_machine = await plant.get("/paretos/downtime", scope="LINE-1", by="equipment", **DAY)
    assert [(r["key"], r["value"], r["count"]) for r in by_machine["items"]] == [("PRESS-1", 50, 2)]
    csv = await plant.get("/paretos/scrap", scope="LINE-1", format="csv", **DAY)
    assert csv.splitlines()[:2] == ["key,value,count,share,cumulative", "short shot,25.0,2,62.5,62.5"]

"""Labour efficiency = earned (standard) minutes / actual labour minutes, from work orders'
operation completions (hand-computed cases)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from mes.contracts.work_orders import LabourTime, OperationCompleted
from mes.services.reporting.models.kpis import LabourOperation, earned_minutes, labour_figures

from .conftest import P, Plant, at

D = Decimal


def test_earned_minutes_and_the_crew_split_by_hand() -> None:
    # setup 10 + 2 min/unit x 20 units (18 good, 1 scrap, 1 rework) = 50 earned
    assert earned_minutes(D(10), D(2), D(18), D(1), D(1)) == D(50)
    crew = LabourOperation(("WO-1", "10"), "WC-1", "PRESS-1", D(50), {"ana": D(30), "ben": D("32.5")})
    solo = LabourOperation(("WO-2", "10"), "WC-1", "PRESS-1", D(30), {"ana": D(20)})
    old = LabourOperation(("WO-3", "10"), "WC-1", "PRESS-1", None, {"ana": D(99)})
    f = labour_figures([crew])
    assert (f.earned_min, f.actual_min, f.efficiency) == (D(50), D("62.5"), D("0.8"))
    both = labour_figures([crew, solo, old])
    assert (both.operations, both.operations_without_standard) == (2, 1)
    assert (both.earned_min, both.actual_min) == (D(80), D("82.5"))  # the old operation's 99 min left out
    ana = labour_figures([crew, solo, old], "ana")
    # Ana: 30/62.5 of 50 = 24 earned on WO-1, all 30 of WO-2: 54 earned in 50 minutes
    assert (ana.earned_min, ana.actual_min, ana.efficiency) == (D(54), D(50), D("1.08"))
    assert ana.operations_without_standard == 1
    ben = labour_figures([crew, solo, old], "ben")
    assert (ben.earned_min, ben.actual_min, ben.efficiency) == (D(26), D("32.5"), D("0.8"))
    assert labour_figures([]).efficiency is None


def completion(
    wo: str,
    op: str,
    done: datetime,
    labour: dict[str, str],
    *,
    setup: str | None = "10",
    run: str | None = "2",
    good: str = "18",
    scrap: str = "1",
    rework: str = "1",
    wc: str = "WC-1",
    equipment: str | None = "PRESS-1",
) -> OperationCompleted:
    return OperationCompleted(
        work_order=wo,
        product="CAP",
        actor="op-ana",
        operation=op,
        name="Mould",
        work_center=wc,
        equipment=equipment,
        good=D(good),
        scrap=D(scrap),
        scrap_reasons=[],
        rework=D(rework),
        process_loss=D(0),
        started_at=done - timedelta(hours=1),
        completed_at=done,
        elapsed_minutes=D(60),
        paused_minutes=D(0),
        run_minutes=D(60),
        labour=[LabourTime(operator=k, minutes=D(v)) for k, v in labour.items()],
        operators=list(labour),
        standard_setup_minutes=None if setup is None else D(setup),
        standard_run_minutes_per_unit=None if run is None else D(run),
        occurred_at=done,
    )


EARLY = {"start": at(6).isoformat(), "end": at(14).isoformat()}


async def labour(plant: Plant, **params: Any) -> dict[str, Any]:
    r: dict[str, Any] = await plant.get("/labour-efficiency", **(EARLY | params))
    return r


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["key"], row["operations"], row["earned_min"], row["actual_min"], row["labour_efficiency"])


async def early_shift(plant: Plant) -> list[OperationCompleted]:
    events = [
        # 10 + 2 x 20 = 50 earned; Ana 30 + Ben 32.5 = 62.5 actual
        completion("WO-1", "10", at(9), {"op-ana": "30", "op-ben": "32.5"}),
        # 0 + 1.5 x 20 = 30 earned (good 20) on PRESS-2; Ana 20
        completion(
            "WO-2",
            "10",
            at(11),
            {"op-ana": "20"},
            setup="0",
            run="1.5",
            good="20",
            scrap="0",
            rework="0",
            equipment="PRESS-2",
        ),
        # an event from before standard times: excluded, counted
        completion("WO-3", "10", at(12), {"op-ben": "40"}, setup=None, run=None),
        # on another work center, without equipment: 5 + 1 x 10 = 15 earned in 10 minutes
        completion(
            "WO-4",
            "20",
            at(13),
            {"op-cleo": "10"},
            setup="5",
            run="1",
            good="10",
            scrap="0",
            rework="0",
            wc="WC-2",
            equipment=None,
        ),
        # completed in the late shift: not in the early shift's figures
        completion("WO-5", "10", at(15), {"op-ana": "500"}),
    ]
    for e in events:
        await plant.publish(e)
    return events


async def test_labour_efficiency_in_total_and_per_work_center_equipment_operator(plant: Plant) -> None:
    await early_shift(plant)
    r = await labour(plant)
    assert r["by"] == "work_center"
    # 50 + 30 + 15 = 95 earned; 62.5 + 20 + 10 = 92.5 actual
    assert figures(r["total"]) == ("*", 3, 95.0, 92.5, 102.7027)
    assert r["total"]["operations_without_standard"] == 1
    assert [figures(i) for i in r["items"]] == [
        ("WC-1", 2, 80.0, 82.5, 96.9697),
        ("WC-2", 1, 15.0, 10.0, 150.0),
    ]
    assert [i["operations_without_standard"] for i in r["items"]] == [1, 0]
    by_eq = await labour(plant, by="equipment")
    assert [figures(i) for i in by_eq["items"]] == [
        ("", 1, 15.0, 10.0, 150.0),
        ("PRESS-1", 1, 50.0, 62.5, 80.0),
        ("PRESS-2", 1, 30.0, 20.0, 150.0),
    ]
    press = await labour(plant, equipment="PRESS-1")
    assert figures(press["total"]) == ("*", 1, 50.0, 62.5, 80.0)
    assert press["total"]["operations_without_standard"] == 1  # WO-3 ran on PRESS-1
    # per operator: a crew shares its earned minutes in proportion to each one's minutes
    people = await labour(plant, by="operator")
    assert [figures(i) for i in people["items"]] == [
        ("op-ana", 2, 54.0, 50.0, 108.0),  # 30/62.5 x 50 = 24, plus 30 alone
        ("op-ben", 1, 26.0, 32.5, 80.0),  # 32.5/62.5 x 50; WO-3's 40 minutes excluded
        ("op-cleo", 1, 15.0, 10.0, 150.0),
    ]
    assert people["items"][1]["operations_without_standard"] == 1
    ben = await labour(plant, by="work_center", operator="op-ben")
    assert figures(ben["total"]) == ("*", 1, 26.0, 32.5, 80.0)
    assert [i["key"] for i in ben["items"]] == ["WC-1"]
    late = await labour(plant, start=at(14).isoformat(), end=at(22).isoformat())
    assert figures(late["total"]) == ("*", 1, 50.0, 500.0, 10.0)


async def test_labour_efficiency_as_csv(plant: Plant) -> None:
    await early_shift(plant)
    text = await plant.get("/labour-efficiency", format="csv", by="operator", **EARLY)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["key"], r["earned_min"], r["actual_min"], r["labour_efficiency"]) for r in rows] == [
        ("*", "95.0", "92.5", "102.7027"),
        ("op-ana", "54.0", "50.0", "108.0"),
        ("op-ben", "26.0", "32.5", "80.0"),
        ("op-cleo", "15.0", "10.0", "150.0"),
    ]


async def test_duplicates_an_older_completion_and_a_rebuild_give_the_same_figures(plant: Plant) -> None:
    events = await early_shift(plant)
    before = await labour(plant, by="operator")
    await plant.redeliver(events[0])  # the bus delivers it twice: the inbox drops it
    # the same operation's completion, published again under a new id but older: changes nothing
    stale = events[0].model_copy(
        update={
            "event_id": uuid.uuid4(),
            "occurred_at": events[0].occurred_at - timedelta(minutes=5),
            "labour": [LabourTime(operator="op-ana", minutes=D(1))],
        }
    )
    await plant.publish(stale)
    assert await labour(plant, by="operator") == before
    rebuilt = await plant.h.client.post(f"{P}/rebuild", headers=plant.h.auth("reporting:rebuild"))
    assert rebuilt.status_code == 200, rebuilt.text
    assert await labour(plant, by="operator") == before
    assert figures((await labour(plant))["total"]) == ("*", 3, 95.0, 92.5, 102.7027)


async def test_bad_input_is_refused(plant: Plant) -> None:
    r = await plant.get("/labour-efficiency", 422, start=at(14).isoformat(), end=at(6).isoformat())
    assert r["status"] == 422
    r = await plant.get("/labour-efficiency", 422, by="shift", **EARLY)
    assert r["status"] == 422
    forbidden = await plant.h.client.get(
        f"{P}/labour-efficiency", params=EARLY, headers=plant.h.auth("resource:read")
    )
    assert forbidden.status_code == 403


def history(report_id: str, when: datetime, equipment: str, **extra: Any) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "work_order": "OLD-1",
        "product": "CAP",
        "operation": "10",
        "work_center": "WC-1",
        "equipment": equipment,
        "at": when.isoformat(),
        "good": "100",
    } | extra


async def import_history(plant: Plant, lines: list[dict[str, Any]], status: int = 200) -> Any:
    r = await plant.h.client.post(
        f"{P}/imports/yields", json={"lines": lines}, headers=plant.h.auth("reporting:rebuild")
    )
    assert r.status_code == status, r.text
    return r.json()


LEGACY = [
    # 80 standard minutes earned by Ana 50 + Ben 50 = 100 actual on PRESS-1
    history(
        "h-1",
        at(8),
        "PRESS-1",
        labour=[{"operator": "op-ana", "minutes": "50"}, {"operator": "op-ben", "minutes": "50"}],
        standard_minutes="80",
    ),
    # 45 earned by Cleo in 60 on PRESS-2
    history(
        "h-2", at(10), "PRESS-2", labour=[{"operator": "op-cleo", "minutes": "60"}], standard_minutes="45"
    ),
    # a line without labour: yields only, no labour figure
    history("h-3", at(9), "PRESS-2"),
    # in the late shift
    history(
        "h-4", at(16), "PRESS-1", labour=[{"operator": "op-ana", "minutes": "60"}], standard_minutes="30"
    ),
]


async def test_imported_history_with_labour_counts_with_the_completed_operations(plant: Plant) -> None:
    await early_shift(plant)
    assert await import_history(plant, LEGACY) == {"lines": 4}
    r = await labour(plant)
    # events 95 earned in 92.5, plus history 80 + 45 = 125 earned in 100 + 60 = 160: 220 / 252.5
    assert figures(r["total"]) == ("*", 5, 220.0, 252.5, 87.1287)
    assert r["total"]["operations_without_standard"] == 1  # WO-3 still, the history's h-3 is no operation
    assert [figures(i) for i in r["items"]] == [
        ("WC-1", 4, 205.0, 242.5, 84.5361),  # 80 + 80 + 45 in 82.5 + 100 + 60
        ("WC-2", 1, 15.0, 10.0, 150.0),
    ]
    press = await labour(plant, equipment="PRESS-1")
    assert figures(press["total"]) == ("*", 2, 130.0, 162.5, 80.0)  # WO-1 50 + h-1 80 in 62.5 + 100
    people = await labour(plant, by="operator")
    assert [figures(i) for i in people["items"]] == [
        ("op-ana", 3, 94.0, 100.0, 94.0),  # 54 from the events, half of h-1's 80
        ("op-ben", 2, 66.0, 82.5, 80.0),  # 26 + 40 in 32.5 + 50
        ("op-cleo", 2, 60.0, 70.0, 85.7143),  # 15 + 45 in 10 + 60
    ]
    cleo = await labour(plant, operator="op-cleo", by="equipment")
    assert [figures(i) for i in cleo["items"]] == [
        ("", 1, 15.0, 10.0, 150.0),
        ("PRESS-2", 1, 45.0, 60.0, 75.0),
    ]
    late = await labour(plant, start=at(14).isoformat(), end=at(22).isoformat())
    assert figures(late["total"]) == ("*", 2, 80.0, 560.0, 14.2857)  # WO-5 50 in 500, h-4 30 in 60
    # the same report again corrects it: Cleo 45 minutes now
    fixed = history(
        "h-2", at(10), "PRESS-2", labour=[{"operator": "op-cleo", "minutes": "45"}], standard_minutes="45"
    )
    await import_history(plant, [fixed])
    assert figures((await labour(plant))["total"]) == ("*", 5, 220.0, 237.5, 92.6316)
    before = await labour(plant, by="operator")
    # a rebuild replays the imports as it does imported yields: the same figures
    rebuilt = await plant.h.client.post(f"{P}/rebuild", headers=plant.h.auth("reporting:rebuild"))
    assert rebuilt.status_code == 200, rebuilt.text
    assert await labour(plant, by="operator") == before
    assert figures((await labour(plant))["total"]) == ("*", 5, 220.0, 237.5, 92.6316)


@pytest.mark.parametrize(
    "bad",
    [
        {"labour": [{"operator": "op-ana", "minutes": "-1"}], "standard_minutes": "10"},
        {"labour": [{"operator": "op-ana", "minutes": "NaN"}], "standard_minutes": "10"},
        {"labour": [{"operator": "op-ana", "minutes": "Infinity"}], "standard_minutes": "10"},
        {"labour": [{"operator": "op-ana", "minutes": "1441"}], "standard_minutes": "10"},
        {"labour": [{"operator": "op-ana", "minutes": "10"}], "standard_minutes": "-5"},
        {"labour": [{"operator": "op-ana", "minutes": "10"}], "standard_minutes": "1e9"},
        {"labour": [{"operator": "op-ana", "minutes": "10"}]},  # no standard minutes
        {"standard_minutes": "10"},  # no labour
        {"labour": [{"operator": "op-ana", "minutes": "10"}] * 2, "standard_minutes": "10"},
        {"labour": [{"operator": "", "minutes": "10"}], "standard_minutes": "10"},
    ],
)
async def test_bad_imported_labour_is_refused_and_nothing_is_imported(
    plant: Plant, bad: dict[str, Any]
) -> None:
    r = await import_history(plant, [LEGACY[0], history("h-9", at(11), "PRESS-1", **bad)], 422)
    assert r["status"] == 422 and r["code"]
    total = (await labour(plant))["total"]
    assert (total["operations"], total["actual_min"]) == (0, 0.0)  # not even the good line
    assert (await plant.get("/production", scope="PRESS-1", **EARLY))["items"] == []  # its yields neither

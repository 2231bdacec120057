"""Acceptance 2: planned production time over a week with a DST change and a holiday, to the minute."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text

from mes.platform.testing import Harness

from .conftest import R, Seed, call

PARIS = ZoneInfo("Europe/Paris")
TWO_SHIFTS_AND_WEEKEND_NIGHTS = {
    "patterns": [
        {"name": "early", "weekdays": [1, 2, 3, 4, 5], "start": "06:00", "end": "14:00",
         "breaks": [{"start": "10:00", "end": "10:30"}]},
        {"name": "late", "weekdays": [1, 2, 3, 4, 5], "start": "14:00", "end": "22:00",
         "breaks": [{"start": "18:00", "end": "18:30"}]},
        {"name": "weekend night", "weekdays": [6, 7], "start": "22:00", "end": "06:00",
         "breaks": [{"start": "01:00", "end": "01:30"}]},
    ]
}  # fmt: skip


async def _calendar(h: Harness) -> None:
    await call(h, "PUT", "/equipment/LINE-1/calendar", TWO_SHIFTS_AND_WEEKEND_NIGHTS)
    await call(h, "POST", "/equipment/LINE-1/calendar/exceptions", {"kind": "holiday", "name": "Plant holiday", "day": "2026-03-25"})  # fmt: skip
    await call(
        h,
        "POST",
        "/equipment/LINE-1/calendar/exceptions",
        {"kind": "non_production", "name": "Safety training",
         "starts_at": "2026-03-27T12:00:00+01:00", "ends_at": "2026-03-27T16:00:00+01:00"},
    )  # fmt: skip


async def test_a_week_across_the_spring_dst_change_and_a_holiday(harness: Harness, plant: Seed) -> None:
    await plant()
    await _calendar(harness)
    # Monday 23 March 00:00 to Monday 30 March 00:00, Paris: clocks go forward on Sunday 29 at 02:00
    start = datetime(2026, 3, 23, tzinfo=PARIS).astimezone(UTC)
    end = datetime(2026, 3, 30, tzinfo=PARIS).astimezone(UTC)
    assert end - start == timedelta(hours=167)
    r = await call(harness, "GET", f"/equipment/PRESS-4/planned-windows?start={start:%Y-%m-%dT%H:%MZ}&end={end:%Y-%m-%dT%H:%MZ}")  # fmt: skip
    # by hand:
    #   Mon, Tue, Thu, Fri: early 7.5 h + late 7.5 h            = 60 h
    #   Wed 25 is a holiday: neither shift starts                =  0 h
    #   Fri 27, 12:00-16:00 safety training: 2 h early, 2 h late = -4 h
    #   Sun 22 night shift, from Mon 00:00 to 06:00 less break   = 5.5 h
    #   Sat 28 night, 22:00 CET to 06:00 CEST is 7 h, less break = 6.5 h
    #   Sun 29 night, 22:00 to the end of the week at 00:00      =  2 h
    assert r["minutes"] == (60 - 4) * 60 + 330 + 390 + 120 == 4200
    windows = [(w["start"], w["end"]) for w in r["windows"]]
    assert windows[0] == ("2026-03-22T23:00:00Z", "2026-03-23T00:00:00Z")  # Sunday night, before its break
    assert ("2026-03-28T21:00:00Z", "2026-03-29T00:00:00Z") in windows  # Saturday night, CET
    assert ("2026-03-29T00:30:00Z", "2026-03-29T04:00:00Z") in windows  # after the break, ends 06:00 CEST
    assert windows[-1] == ("2026-03-29T20:00:00Z", "2026-03-29T22:00:00Z")
    assert not any(s.startswith("2026-03-25") for s, _ in windows)
    # early and late shifts touch at 14:00: one window on a normal day, cut by the training on Friday
    assert ("2026-03-27T09:30:00Z", "2026-03-27T11:00:00Z") in windows
    assert ("2026-03-27T15:00:00Z", "2026-03-27T17:00:00Z") in windows


async def test_the_autumn_night_lasts_nine_hours(harness: Harness, plant: Seed) -> None:
    await plant()
    await call(harness, "PUT", "/equipment/LINE-1/calendar", TWO_SHIFTS_AND_WEEKEND_NIGHTS)
    r = await call(harness, "GET", "/equipment/LINE-1/planned-windows?start=2026-10-24T12:00:00Z&end=2026-10-25T12:00:00Z")  # fmt: skip
    # Saturday 24 October 22:00 CEST (20:00Z) to Sunday 06:00 CET (05:00Z), less the break
    assert r["minutes"] == 9 * 60 - 30


async def test_equipment_without_a_calendar_up_its_hierarchy_has_no_planned_time(
    harness: Harness, plant: Seed
) -> None:
    await plant()
    await call(harness, "PUT", "/equipment/LINE-1/calendar", TWO_SHIFTS_AND_WEEKEND_NIGHTS)
    r = await call(harness, "GET", "/equipment/ROBOT-7/planned-windows?start=2026-06-01T00:00:00Z&end=2026-06-02T00:00:00Z")  # fmt: skip
    assert r == {"equipment_code": "ROBOT-7", "minutes": 0, "windows": []}


async def test_bad_calendar_input_is_refused(harness: Harness, plant: Seed) -> None:
    await plant()
    auth = harness.auth("resource:shift:write", "resource:read")
    cases = [
        ("PUT", "/equipment/LINE-1/calendar", {"time_zone": "Mars/Olympus", "patterns": []}, 422),
        ("PUT", "/equipment/LINE-1/calendar", {"patterns": [{"name": "x", "weekdays": [8], "start": "06:00", "end": "14:00"}]}, 422),
        ("PUT", "/equipment/ACME/calendar", {"patterns": []}, 422),
        ("POST", "/equipment/LINE-1/calendar/exceptions", {"kind": "holiday", "name": "x", "day": "2026-05-01"}, 404),  # no calendar yet
        ("GET", "/equipment/LINE-1/planned-windows?start=2026-06-02T00:00:00Z&end=2026-06-01T00:00:00Z", None, 422),
        ("GET", "/equipment/LINE-1/planned-windows?start=2026-06-01T00:00:00&end=2026-06-02T00:00:00Z", None, 422),
        ("GET", "/equipment/LINE-1/planned-windows?start=2020-01-01T00:00:00Z&end=2026-06-02T00:00:00Z", None, 422),
        ("GET", "/equipment/NOPE/planned-windows?start=2026-06-01T00:00:00Z&end=2026-06-02T00:00:00Z", None, 404),
    ]  # fmt: skip
    for method, path, body, status in cases:
        r = await harness.client.request(method, R + path, json=body, headers=auth)
        assert r.status_code == status, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    await call(harness, "PUT", "/equipment/LINE-1/calendar", {"patterns": []})
    r = await harness.client.post(
        R + "/equipment/LINE-1/calendar/exceptions", json={"kind": "holiday", "name": "x"}, headers=auth
    )
    assert r.status_code == 422
    assert (await call(harness, "GET", "/equipment/LINE-1/calendar"))["time_zone"] == "Europe/Paris"


async def test_wall_clock_times_with_an_offset_are_refused_for_shifts_and_breaks_alike(
    harness: Harness, plant: Seed
) -> None:
    """Issue 10.2: a break at "10:00Z" was stored with its offset (the shift's was dropped), and
    planned-windows then failed with a 500. Times of day are wall-clock times of the calendar's
    zone: an offset is refused, the same for shifts and breaks, and nothing is stored."""
    await plant()
    auth = harness.auth("resource:shift:write", "resource:read")
    early = {"name": "early", "weekdays": [1, 2, 3, 4, 5], "start": "06:00", "end": "14:00"}
    for bad in (
        {**early, "breaks": [{"start": "10:00Z", "end": "10:30Z"}]},
        {**early, "breaks": [{"start": "10:00", "end": "10:30+02:00"}]},
        {**early, "start": "06:00Z"},
        {**early, "end": "14:00:00+01:00"},
        {**early, "start": "6:00"},
        {**early, "start": "06:00:00.5"},
        {**early, "start": 21600},
        {**early, "start": "24:00"},
    ):
        r = await harness.client.put(f"{R}/equipment/LINE-1/calendar", json={"patterns": [bad]}, headers=auth)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["code"] == "validation_failed"
    r = await harness.client.get(f"{R}/equipment/LINE-1/calendar", headers=auth)
    assert r.status_code == 404  # nothing was stored
    # the same calendar without offsets is stored, read back as it was written, and planned
    good = {**early, "breaks": [{"start": "10:00", "end": "10:30"}]}
    stored = await call(harness, "PUT", "/equipment/LINE-1/calendar", {"patterns": [good]})
    assert stored["patterns"][0] == {**good, "valid_from": None, "valid_to": None}
    monday = await call(harness, "GET", "/equipment/PRESS-4/planned-windows?start=2026-06-01T00:00:00Z&end=2026-06-02T00:00:00Z")  # fmt: skip
    assert monday["minutes"] == 450
    assert [(w["start"], w["end"]) for w in monday["windows"]] == [
        ("2026-06-01T04:00:00Z", "2026-06-01T08:00:00Z"),  # 06:00 to 10:00 in Paris, summer time
        ("2026-06-01T08:30:00Z", "2026-06-01T12:00:00Z"),
    ]
    # a break stored with its offset before the fix reads as its wall clock, like shift times did
    async with harness.db("resource").transaction() as s:
        await s.execute(
            text("""UPDATE shift_pattern SET breaks = '[{"start": "10:00:00Z", "end": "10:30:00Z"}]'""")
        )
    assert (await call(harness, "GET", "/equipment/LINE-1/calendar"))["patterns"][0]["breaks"] == [
        {"start": "10:00", "end": "10:30"}
    ]
    again = await call(harness, "GET", "/equipment/PRESS-4/planned-windows?start=2026-06-01T00:00:00Z&end=2026-06-02T00:00:00Z")  # fmt: skip
    assert again == monday


async def test_times_of_day_in_the_openapi_schema_match_what_is_answered(harness: Harness) -> None:
    """Issue 10.2: the schema said `format: time` (RFC 3339: an offset is required) while answers
    are "06:00"; the schema now states the pattern the answers and the input follow."""
    import re

    r = await harness.client.get(f"{R}/openapi.json")
    schemas = r.json()["components"]["schemas"]
    for name, field in (("Break", "start"), ("ShiftPatternIn", "start"), ("ShiftPatternIn", "end")):
        prop = schemas[name]["properties"][field]
        assert "format" not in prop, (name, prop)
        assert prop["type"] == "string" and re.fullmatch(prop["pattern"], "06:00")
        assert not re.fullmatch(prop["pattern"], "06:00Z")

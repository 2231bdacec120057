"""Every event reporting builds its read models from is registered, and kept for a rebuild."""

from __future__ import annotations

from sqlalchemy import text

from mes.services.reporting.event_handlers import HANDLERS

from .conftest import Plant, at


def test_the_read_models_follow_these_topics() -> None:
    assert {cls.topic for cls in HANDLERS} == {
        "resource.equipment_registered.v1",
        "resource.equipment_state_changed.v1",
        "resource.downtime_recorded.v1",
        "resource.downtime_classified.v1",
        "work_orders.yield_reported.v1",
        "work_orders.operation_started.v1",
        "work_orders.operation_completed.v1",
        "work_orders.work_order_completed.v1",
        "integration.machine_counter_reported.v1",
        # not kept: they only tell the read cache of resource's answers to read afresh (ADR 30)
        "resource.calendar_changed.v1",
        "resource.equipment_details_changed.v1",
    }


async def test_received_events_are_kept_once(plant: Plant) -> None:
    event = await plant.yield_(at(7), "10")
    await plant.redeliver(event)
    async with plant.h.db("reporting").transaction() as s:
        n = await s.scalar(
            text("SELECT count(*) FROM received_event WHERE event_id = :e"), {"e": event.event_id}
        )
    assert n == 1

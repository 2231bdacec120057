"""Reactions to resource's equipment states: the latest state wins, redelivery changes nothing."""

import uuid
from datetime import UTC, datetime

from mes.contracts.resource import EquipmentStateChanged
from mes.platform.events import Envelope

from .conftest import Plant, W, ok


def _state(code: str, state: str, hour: int, available: bool) -> EquipmentStateChanged:
    return EquipmentStateChanged(
        equipment_id=uuid.uuid4(),
        equipment_code=code,
        path=f"ACME/PLANT-1/PROD/WC-ASSY/{code}",
        state=state,
        previous_state=None,
        started_at=datetime(2030, 1, 7, hour, tzinfo=UTC),
        source="machine",
        reason_code=None,
        available=available,
    )


async def test_a_late_older_state_does_not_hide_the_current_one(plant: Plant) -> None:
    await plant.order("WO-1", "10")
    bus = plant.h.runtimes["work-orders"].bus
    down, older_running = _state("ASSY-1", "down", 10, False), _state("ASSY-1", "running", 9, True)
    for event in (down, down, older_running):
        await bus.publish(
            Envelope(
                str(event.event_id),
                event.topic,
                event.aggregate_id,
                "resource",
                event.model_dump_json().encode(),
            )
        )
    items = ok(await plant.h.client.get(f"{W}/dispatch?work_center=WC-ASSY", headers=plant.operator()))[
        "items"
    ]
    blockers = [b["code"] for b in items[0]["blocked_by"]]
    assert blockers == ["previous_operation_open", "equipment_unavailable"]
    assert "ASSY-1 down" in items[0]["blocked_by"][1]["detail"]

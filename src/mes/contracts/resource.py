"""Events the resource service publishes."""

from __future__ import annotations

from typing import ClassVar

from mes.platform.events import Event


class EquipmentRegistered(Event):
    """A piece of equipment (any ISA-95 level) was added to the plant model."""

    topic: ClassVar[str] = "resource.equipment_registered.v1"
    aggregate_field: ClassVar[str] = "code"

    code: str
    name: str
    level: str
    parent_code: str | None
    path: str

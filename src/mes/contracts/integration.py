"""Events the integration service publishes: what machines report, as the MES understands it.

The integration service turns MQTT/Sparkplug and OPC UA data into these; consumers never see the
wire protocols.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from mes.platform.events import Event

MachineState = Literal["running", "idle", "setup", "planned_stop", "down", "maintenance", "offline"]


class MachineStateReported(Event):
    """A machine said it is in `state` since `at` (its own clock); reports may arrive late or out of order."""

    topic: ClassVar[str] = "integration.machine_state_reported.v1"
    aggregate_field: ClassVar[str] = "equipment_code"

    equipment_code: str
    state: MachineState
    at: datetime
    source_ref: str | None = None  # e.g. the OPC UA node or MQTT topic the report came from
    reason_code: str | None = None  # why, when the machine says (an active alarm's reason code)


class MachineCounterReported(Event):
    """A machine counter moved on by `increment` (cycles done, good or scrap parts) at `at`."""

    topic: ClassVar[str] = "integration.machine_counter_reported.v1"
    aggregate_field: ClassVar[str] = "equipment_code"

    equipment_code: str
    counter: Literal["cycles", "good", "scrap"]
    increment: int
    at: datetime

"""Tables, mapping rules and message codecs of the integration service."""

from mes.services.integration.models.mapping import (
    COUNTERS,
    STATES,
    Machine,
    MachineMap,
    MappingProblem,
    Reading,
    Sample,
    TypeRule,
    counter_increment,
)
from mes.services.integration.models.tables import (
    CONNECTOR_KINDS,
    Base,
    Connector,
    ConnectorStatus,
    CounterBaseline,
    DeadLetter,
    ErpMessage,
    LiveState,
    metadata,
)

__all__ = [
    "CONNECTOR_KINDS",
    "COUNTERS",
    "STATES",
    "Base",
    "Connector",
    "ConnectorStatus",
    "CounterBaseline",
    "DeadLetter",
    "ErpMessage",
    "LiveState",
    "Machine",
    "MachineMap",
    "MappingProblem",
    "Reading",
    "Sample",
    "TypeRule",
    "counter_increment",
    "metadata",
]

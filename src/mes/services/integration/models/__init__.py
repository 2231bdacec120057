"""Tables, mapping rules and message codecs of the integration service."""

from mes.services.integration.models.mapping import (
    Machine,
    MachineMap,
    MappingProblem,
    Reading,
    Sample,
    TypeRule,
    counter_increment,
)
from mes.services.integration.models.tables import (
    Base,
    Connector,
    ConnectorStatus,
    CounterBaseline,
    DeadLetter,
    Delivery,
    ErpMessage,
    LiveState,
    OrderTrace,
    Subscription,
    metadata,
)
from mes.services.integration.vocabulary import CONNECTOR_KINDS
from mes.services.integration.vocabulary import MACHINE_COUNTERS as COUNTERS
from mes.services.integration.vocabulary import MACHINE_STATES as STATES

__all__ = [
    "CONNECTOR_KINDS",
    "COUNTERS",
    "STATES",
    "Base",
    "Connector",
    "ConnectorStatus",
    "CounterBaseline",
    "DeadLetter",
    "Delivery",
    "ErpMessage",
    "LiveState",
    "Machine",
    "MachineMap",
    "MappingProblem",
    "OrderTrace",
    "Reading",
    "Sample",
    "Subscription",
    "TypeRule",
    "counter_increment",
    "metadata",
]

"""The words of the integration service, once: machine states and counters, connector kinds,
dead letters, message formats, webhook deliveries (ADR 35).

Models, schemas and use cases take these types, so mypy (strict: `strict_equality`) refuses a
word that is not one of them. Machine states and counters are the contract's own
(`mes.contracts.integration`): the events resource reads carry exactly these.
"""

from __future__ import annotations

from typing import Literal, get_args

from mes.contracts.integration import MachineState

MachineCounter = Literal["cycles", "good", "scrap"]
ConnectorKind = Literal["mqtt", "opcua"]
DeadLetterSource = Literal["mqtt", "opcua", "erp", "webhook"]
DeadLetterStatus = Literal["open", "replayed", "discarded"]
MessageFormat = Literal["json", "b2mml"]
DeliveryStatus = Literal["pending", "delivered", "dead"]

__all__ = ["MachineState"]
MACHINE_STATES: tuple[MachineState, ...] = get_args(MachineState)
MACHINE_COUNTERS: tuple[MachineCounter, ...] = get_args(MachineCounter)
CONNECTOR_KINDS: tuple[ConnectorKind, ...] = get_args(ConnectorKind)
DEAD_LETTER_SOURCES: tuple[DeadLetterSource, ...] = get_args(DeadLetterSource)
DEAD_LETTER_STATUSES: tuple[DeadLetterStatus, ...] = get_args(DeadLetterStatus)
MESSAGE_FORMATS: tuple[MessageFormat, ...] = get_args(MessageFormat)
DELIVERY_STATUSES: tuple[DeliveryStatus, ...] = get_args(DeliveryStatus)

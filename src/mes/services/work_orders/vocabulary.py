"""The words of the work orders service, once: states, actions and kinds (ADR 35).

Models, schemas and use cases take these types, so mypy (strict: `strict_equality`) refuses a
state or action that is not one of them. Events carry them as plain strings (`mes.contracts`):
a value added here later is a new string on the wire, not a refusal by an older consumer.
"""

from __future__ import annotations

from typing import Literal, get_args

OrderStatus = Literal["planned", "released", "in_progress", "on_hold", "completed", "closed", "cancelled"]
OrderAction = Literal["release", "start", "hold", "resume", "complete", "close", "cancel"]
OpStatus = Literal["pending", "in_progress", "paused", "completed", "skipped", "split"]
OpAction = Literal["start", "pause", "resume", "complete", "skip", "split", "rework_from"]
# how an operation came to be on the order: from the routing, or by a change on the floor
Origin = Literal["planned", "inserted", "rework", "split"]
FloorChangeKind = Literal["rework", "insert", "skip", "split"]
YieldKind = Literal["good", "scrap", "rework"]

ORDER_STATUSES: tuple[OrderStatus, ...] = get_args(OrderStatus)
OP_STATUSES: tuple[OpStatus, ...] = get_args(OpStatus)
ORIGINS: tuple[Origin, ...] = get_args(Origin)
FLOOR_CHANGE_KINDS: tuple[FloorChangeKind, ...] = get_args(FloorChangeKind)
YIELD_KINDS: tuple[YieldKind, ...] = get_args(YieldKind)

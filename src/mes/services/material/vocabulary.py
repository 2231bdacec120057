"""The words of the material service, once: item and location kinds, lot states, movements (ADR 35).

Models, schemas and use cases take these types, so mypy (strict: `strict_equality`) refuses a
word that is not one of them. Events carry them as plain strings (`mes.contracts.material`): a
value added here later is a new string on the wire, not a refusal by an older consumer.
"""

from __future__ import annotations

from typing import Literal, get_args

ItemKind = Literal["raw", "intermediate", "finished", "packaging"]
LocationKind = Literal["warehouse", "line_side", "wip", "quarantine"]
Tracking = Literal["lot", "serial"]
LotStatus = Literal["available", "quarantine", "on_hold", "consumed", "expired", "scrapped"]
# hold, release and expire are booked with quantity 0: the lot's history shows them, balances stay
MovementKind = Literal[
    "receive",
    "move",
    "issue",
    "consume",
    "produce",
    "split",
    "merge",
    "scrap",
    "adjust",
    "hold",
    "release",
    "expire",
]
# a status change asked by a person or by quality
StatusAction = Literal["hold", "release"]

ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)
LOCATION_KINDS: tuple[LocationKind, ...] = get_args(LocationKind)
TRACKING: tuple[Tracking, ...] = get_args(Tracking)
LOT_STATUSES: tuple[LotStatus, ...] = get_args(LotStatus)
MOVEMENT_KINDS: tuple[MovementKind, ...] = get_args(MovementKind)

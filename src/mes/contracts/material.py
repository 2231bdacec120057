"""Events the material service publishes: what traceability builds genealogy from.

Quantities are decimal strings in the item's unit (`uom`), never floats.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from mes.platform.events import Event
from mes.platform.schemas import Quantity


class _LotEvent(Event):
    aggregate_field: ClassVar[str] = "lot_code"

    lot_code: str
    item_code: str
    uom: str
    actor: str


class LotReceived(_LotEvent):
    topic: ClassVar[str] = "material.lot_received.v1"

    quantity: Quantity
    location: str
    supplier: str | None
    supplier_lot: str | None
    status: str
    # added for traceability (absent from earlier events): a serial is a lot of exactly one unit
    tracking: Literal["lot", "serial"] = "lot"
    expires_on: date | None = None


class LotMoved(_LotEvent):
    topic: ClassVar[str] = "material.lot_moved.v1"

    quantity: Quantity
    from_location: str
    to_location: str


class LotConsumed(_LotEvent):
    topic: ClassVar[str] = "material.lot_consumed.v1"

    quantity: Quantity
    remaining: Quantity
    work_order: str
    operation: str
    location: str


class ConsumedInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    lot_code: str
    item_code: str
    quantity: Quantity
    uom: str


class LotProduced(_LotEvent):
    topic: ClassVar[str] = "material.lot_produced.v1"

    quantity: Quantity
    location: str
    work_order: str
    operation: str
    inputs: list[ConsumedInput]
    # added for traceability (absent from earlier events)
    tracking: Literal["lot", "serial"] = "lot"
    expires_on: date | None = None


class LotSplit(_LotEvent):
    topic: ClassVar[str] = "material.lot_split.v1"

    new_lot_code: str
    quantity: Quantity  # moved to the new lot


class LotIssued(_LotEvent):
    """Stock issued to a work order; `issued_lot_code` differs from `lot_code` when part of a lot went."""

    topic: ClassVar[str] = "material.lot_issued.v1"

    issued_lot_code: str
    quantity: Quantity
    work_order: str
    from_location: str
    to_location: str


class MergedSource(BaseModel):
    model_config = ConfigDict(frozen=True)

    lot_code: str
    quantity: Quantity


class LotMerged(_LotEvent):
    """Sources poured into `lot_code` (same item); genealogy keeps every source."""

    topic: ClassVar[str] = "material.lot_merged.v1"

    sources: list[MergedSource]
    quantity: Quantity  # the target's balance after the merge


class LotStatusChanged(_LotEvent):
    topic: ClassVar[str] = "material.lot_status_changed.v1"

    old_status: str
    new_status: str
    reason: str | None


class LotScrapped(_LotEvent):
    topic: ClassVar[str] = "material.lot_scrapped.v1"

    quantity: Quantity
    remaining: Quantity
    reason: str


class LotShipped(_LotEvent):
    """Stock left the plant to a customer: the quantity is out of stock (the lot is `shipped` once
    nothing is left)."""

    topic: ClassVar[str] = "material.lot_shipped.v1"

    quantity: Quantity
    remaining: Quantity
    from_location: str
    customer: str
    destination: str | None  # the delivery address or site, when known
    reference: str | None  # the delivery note or shipment number
    # added for returns (absent from earlier events): the stock went back to its supplier
    # (`customer`), `reference` the NCR that decided it
    return_to_supplier: bool = False


class LotAdjusted(_LotEvent):
    topic: ClassVar[str] = "material.lot_adjusted.v1"

    delta: Quantity
    remaining: Quantity
    reason: str

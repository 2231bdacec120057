"""Request and response bodies of the material service. Quantities are exact decimals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from mes.platform.schemas import CODE_PATTERN, KEY_PATTERN, Page, Quantity, Schema
from mes.services.material.vocabulary import ItemKind, LocationKind, LotStatus, Tracking

Code = Annotated[str, Field(pattern=CODE_PATTERN, examples=["LOT-2026-0042"])]
LotCode = Code
ItemCode = Annotated[str, Field(pattern=CODE_PATTERN, examples=["PP-RESIN"])]
LocationCode = Annotated[str, Field(pattern=CODE_PATTERN, examples=["WH-01"])]
OrderNumber = Annotated[str, Field(pattern=CODE_PATTERN, examples=["WO-2026-0042"])]
OperationKey = Annotated[str, Field(pattern=KEY_PATTERN, examples=["20"])]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Positive = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6)]
UomCode = Annotated[str, Field(min_length=1, max_length=16)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class ItemCreate(Schema):
    code: ItemCode
    name: Name
    kind: ItemKind
    uom: UomCode
    shelf_life_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    # serial: every unit is its own lot of quantity 1, its code being the serial number
    tracking: Tracking = "lot"
    # how produced lots (or serials) are named: {item} {wo} {yy} {yyyy} {MM} {dd} {yyMMdd} {seq} ({seq:6}
    # for six digits); "{item}-{yyMMdd}-{seq}" when absent
    lot_pattern: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    gtin: Annotated[str, Field(pattern=r"^\d{14}$")] | None = None  # printed as GS1 AI (01) on labels


class UnitRead(Schema):
    code: str
    dimension: str
    factor: Decimal
    decimals: int = Field(
        description="The most decimals a quantity in this unit may have; 0 counts whole units"
    )


class ItemRead(Schema):
    code: str
    name: str
    kind: ItemKind
    uom: str
    shelf_life_days: int | None
    tracking: Tracking
    inspect_on_receipt: bool = False  # receipts go to quarantine until quality accepts them
    uom_decimals: int | None = Field(
        None, description="How many decimals a quantity in the item's unit may have (0: whole units)"
    )
    lot_pattern: str | None = None
    gtin: str | None = None
    version: int = Field(1, description="Counted up by every edit; an edit sends the version it was made on")


ItemPage = Page[ItemRead]


class ItemUpdate(Schema):
    """An edit of an item: only the fields sent change (null clears an optional one). The code is
    never changed; the unit and the tracking only while no lot (and, for the unit, no BOM) uses the item."""

    version: Annotated[int, Field(ge=1, description="The version the edit was made on (from the read)")]
    name: Name | None = None
    kind: ItemKind | None = None
    uom: UomCode | None = None
    shelf_life_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    tracking: Tracking | None = None
    lot_pattern: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    gtin: Annotated[str, Field(pattern=r"^\d{14}$")] | None = None

    @model_validator(mode="after")
    def _required_not_cleared(self) -> ItemUpdate:
        _not_cleared(self, "name", "kind", "uom", "tracking")
        return self


def _not_cleared(update: Schema, *fields: str) -> None:
    """A PATCH sends null to clear an optional field; a required one sent as null is refused (422)."""
    cleared = [f for f in fields if f in update.model_fields_set and getattr(update, f) is None]
    if cleared:
        raise ValueError(f"{', '.join(cleared)} can't be cleared: leave it out to keep it")


class LocationCreate(Schema):
    code: LocationCode
    name: Name
    kind: LocationKind


class LocationRead(Schema):
    code: str
    name: str
    kind: LocationKind
    version: int = Field(1, description="Counted up by every edit; an edit sends the version it was made on")


class LocationUpdate(Schema):
    """An edit of a location: its name or its kind; the code is never changed."""

    version: Annotated[int, Field(ge=1, description="The version the edit was made on (from the read)")]
    name: Name | None = None
    kind: LocationKind | None = None

    @model_validator(mode="after")
    def _required_not_cleared(self) -> LocationUpdate:
        _not_cleared(self, "name", "kind")
        return self


LocationPage = Page[LocationRead]


class BomLineIn(Schema):
    component: ItemCode
    quantity: Positive
    uom: UomCode
    scrap_factor: Annotated[Decimal, Field(ge=0, lt=10, max_digits=8, decimal_places=6)] = Decimal(0)
    alternate_group: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    priority: Annotated[int, Field(ge=1, le=99)] = 1


class BomCreate(Schema):
    version: Annotated[str, Field(min_length=1, max_length=16)]
    base_quantity: Positive = Decimal(1)
    valid_from: date
    valid_to: date | None = None
    lines: Annotated[list[BomLineIn], Field(min_length=1, max_length=500)]


class BomLineRead(Schema):
    position: int
    component: str
    quantity: Quantity
    uom: str
    scrap_factor: Quantity
    alternate_group: str | None
    priority: int


class BomRead(Schema):
    item: str
    version: str
    base_quantity: Quantity
    uom: str
    valid_from: date
    valid_to: date | None
    lines: list[BomLineRead]


class ExplosionLine(Schema):
    level: int
    path: str  # parent/child/... item codes
    component: str
    quantity: Quantity  # in the component's own unit, scrap included
    uom: str
    bom_version: str


class ExplosionTotal(Schema):
    component: str
    quantity: Quantity
    uom: str


class ExplosionRead(Schema):
    item: str
    quantity: Quantity
    uom: str
    on: date
    lines: list[ExplosionLine]
    totals: list[ExplosionTotal]  # leaf components summed: what has to be in stock


class LotReceive(Schema):
    code: Code | None = None  # a barcode already on the pallet; generated when absent
    item: ItemCode
    quantity: Positive
    uom: UomCode | None = None  # default: the item's unit
    location: LocationCode
    supplier: Name | None = None
    supplier_lot: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    expires_on: date | None = None
    status: Literal["available", "quarantine"] = "available"
    attributes: Annotated[dict[str, str | int | float | bool], Field(max_length=50)] = Field(
        default_factory=dict
    )


class LotRead(Schema):
    code: str
    item: str
    quantity: Quantity
    uom: str
    status: LotStatus
    location: str
    supplier: str | None
    supplier_lot: str | None
    received_at: datetime
    expires_on: date | None
    attributes: dict[str, Any]
    hold_reason: str | None
    parent_lot: str | None
    work_order: str | None


LotPage = Page[LotRead]


class Consume(Schema):
    quantity: Positive
    uom: UomCode | None = None
    work_order: OrderNumber
    operation: OperationKey
    item: ItemCode | None = None  # when given, the scanned lot must be of this item


class ConsumptionRead(Schema):
    lot: str
    item: str
    consumed: Quantity
    remaining: Quantity
    uom: str
    work_order: str
    operation: str
    movement_id: int


class ConsumptionLine(Schema):
    """One consumption booked against a work order: which lot, how much, at which operation."""

    movement_id: int
    at: datetime
    lot: str
    item: str
    quantity: Quantity
    uom: str
    operation: str | None
    actor: str


ConsumptionPage = Page[ConsumptionLine]


class ProduceInput(Schema):
    lot: Code
    quantity: Positive | None = None  # consumed now as well, when given


class Produce(Schema):
    code: Code | None = None
    item: ItemCode
    quantity: Positive
    uom: UomCode | None = None
    location: LocationCode
    work_order: OrderNumber
    operation: OperationKey
    inputs: Annotated[list[ProduceInput], Field(max_length=200)] = Field(default_factory=list)
    expires_on: date | None = None

    @field_validator("inputs")
    @classmethod
    def _each_lot_once(cls, inputs: list[ProduceInput]) -> list[ProduceInput]:
        lots = [i.lot for i in inputs]
        if len(set(lots)) != len(lots):
            raise ValueError("name each input lot once")
        return inputs


class Move(Schema):
    to_location: LocationCode


class Issue(Schema):
    """Issue stock to a work order at a line-side or WIP location; part of a lot becomes a lot of its own."""

    work_order: OrderNumber
    to_location: LocationCode
    quantity: Positive | None = None  # the whole lot when absent
    new_code: Code | None = None


class Merge(Schema):
    sources: Annotated[list[Code], Field(min_length=1, max_length=50)]


class Split(Schema):
    quantity: Positive
    new_code: Code | None = None


class Scrap(Schema):
    quantity: Positive
    reason: Reason


class Ship(Schema):
    """Stock out of the plant to a customer."""

    quantity: Positive
    customer: Annotated[str, Field(min_length=1, max_length=200)]
    destination: Annotated[str | None, Field(max_length=200)] = None
    reference: Annotated[str | None, Field(max_length=64)] = None  # delivery note, shipment number
    return_to_supplier: bool = Field(
        False,
        description="Stock goes back to its supplier (`customer`) under a reference (an NCR): a lot on"
        " hold or in quarantine ships too, since that is why it goes back",
    )

    @model_validator(mode="after")
    def _return_has_reference(self) -> Ship:
        if self.return_to_supplier and not self.reference:
            raise ValueError("a return to the supplier names its reference (the NCR)")
        return self


class Adjust(Schema):
    delta: Annotated[Decimal, Field(max_digits=18, decimal_places=6)]
    reason: Reason


class StatusChange(Schema):
    reason: Reason


class MovementRead(Schema):
    id: int
    at: datetime
    kind: str
    quantity: Quantity
    from_location: str | None
    to_location: str | None
    work_order: str | None
    operation: str | None
    reason: str | None
    actor: str
    related_lot: str | None
    customer: str | None = None  # a shipment's
    destination: str | None = None


class Suggestion(Schema):
    lot: str
    quantity: Quantity
    take: Quantity
    uom: str
    expires_on: date | None
    received_at: datetime


class SuggestionRead(Schema):
    item: str
    location: str | None
    strategy: Literal["fefo", "fifo"]
    requested: Quantity
    covered: Quantity
    lots: list[Suggestion]


class LotInputRead(Schema):
    """An input lot and how much of it went into an output lot (its genealogy, one level down)."""

    lot: str
    item: str
    quantity: Quantity
    uom: str
    work_order: str | None
    operation: str | None


class PrinterIn(Schema):
    name: Name
    host: Annotated[str, Field(pattern=r"^[A-Za-z0-9]([A-Za-z0-9.:-]{0,252})$", examples=["10.0.4.21"])]
    port: Annotated[int, Field(ge=1, le=65535)] = 9100


class PrinterRead(Schema):
    code: str
    name: str
    host: str
    port: int
    updated_at: datetime
    updated_by: str


class PrintLabel(Schema):
    printer: Code
    copies: Annotated[int, Field(ge=1, le=50)] = 1


class PrintedRead(Schema):
    lot: str
    printer: str
    copies: int
    bytes_sent: int

"""Request and response bodies of the traceability service. Quantities are exact decimals."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from mes.platform.schemas import Quantity, Schema
from mes.services.traceability.vocabulary import Direction, EdgeKind, HoldResult, NodeKind, Whereabouts

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$", examples=["WO-1002-OUT"])]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class NodeRead(Schema):
    key: str
    kind: NodeKind
    code: str
    depth: int  # lot levels from the traced lot
    item: str | None
    uom: str | None
    quantity: Quantity | None  # received, produced or split off; ordered, for a work order
    origin: str | None  # received (a supplier lot), produced, split
    work_order: str | None
    operation: str | None
    name: str | None
    work_center: str | None
    equipment: str | None
    operator: str | None
    location: str | None
    supplier: str | None
    supplier_lot: str | None
    expires_on: date | None
    at: datetime | None
    ended_at: datetime | None
    status: str | None
    # backward: how much of this lot went, along every path, toward the traced lot
    traced_quantity: Quantity | None = None


class EdgeRead(Schema):
    src: str
    dst: str
    kind: EdgeKind
    quantity: Quantity | None  # in the source lot's unit
    work_order: str | None
    operation: str | None
    at: datetime | None


class TraceRead(Schema):
    root: str
    direction: Direction
    depth: int
    nodes: list[NodeRead]
    edges: list[EdgeRead]
    supplier_lots: list[str]  # backward: received lots reached; forward: empty
    finished: list[str]  # forward: lots and serials reached that went into nothing further


class WhereUsedLine(Schema):
    work_order: str
    operation: str
    quantity: Quantity
    outputs: list[str]


class WhereUsedRead(Schema):
    lot: str
    consumed_in: list[WhereUsedLine]
    split_into: list[str]
    merged_into: list[str]


class RecallCreate(Schema):
    lot: Code
    reason: Reason
    window_from: datetime | None = None  # only flows out of the lot from then on
    window_to: datetime | None = None


class MassBalance(Schema):
    """received + adjusted = consumed + transferred + on_hand + scrapped + shipped, and what doesn't
    add up."""

    received: Quantity  # received, produced, split off into it, merged into it
    consumed: Quantity  # into work orders
    transferred: Quantity  # split off or merged into other lots
    scrapped: Quantity
    adjusted: Quantity  # signed: counts found (+) or lost (-)
    on_hand: Quantity  # material's figure now
    shipped: Quantity = Decimal(0)  # out of the plant to customers
    difference: Quantity


class Shipment(Schema):
    quantity: Quantity
    customer: str | None
    destination: str | None  # the delivery address or site, when material was told
    at: datetime


class AffectedLot(Schema):
    code: str
    kind: NodeKind
    item: str | None
    uom: str | None
    depth: int
    origin: str | None
    work_order: str | None
    supplier: str | None
    supplier_lot: str | None
    expires_on: date | None
    made_at: datetime | None
    status: str  # material's status now
    location: str | None  # material's location now
    where: Whereabouts
    balance: MassBalance
    hold: str | None  # what hold-all did: held, already_held, refused
    shipments: list[Shipment] = []  # what of it left the plant, to whom and where


class RecallRead(Schema):
    id: uuid.UUID
    lot: str
    reason: str
    window_from: datetime | None
    window_to: datetime | None
    created_by: str
    created_at: datetime
    affected: list[AffectedLot]
    in_stock: int
    total_difference: Quantity


class HoldOutcome(Schema):
    lot: str
    outcome: HoldResult
    detail: str | None


class HoldAllRead(Schema):
    recall: uuid.UUID
    held: int
    outcomes: list[HoldOutcome]


# ---------------------------------------------------------------- as-built

OperationState = Literal["done", "in_progress", "pending", "skipped"]


class MaterialUsed(Schema):
    lot: str
    item: str | None
    uom: str | None
    quantity: Quantity | None
    # per_unit: this serial took exactly this much (the order's serials name their components);
    # order: the order consumed it at this operation for all its outputs
    basis: Literal["per_unit", "order"]


class StepValueRead(Schema):
    step: str
    title: str
    kind: str
    value: str | None
    unit: str | None
    passed: bool | None
    corrected: bool
    by: str
    at: datetime


class InspectionRead(Schema):
    task: str
    plan: str | None
    plan_version: int | None
    kind: str | None
    operation: str | None
    equipment: str | None
    operator: str | None
    verdict: str | None
    failed: list[dict[str, Any]]
    ncr: str | None
    at: datetime | None


class AsBuiltOperation(Schema):
    key: str
    name: str | None
    work_center: str | None  # as planned at release
    planned: bool  # the release named it; False: inserted while running (e.g. a rework operation)
    rework: bool  # a rework operation, or rework reported at it
    state: OperationState
    equipment: str | None  # as started
    completed_on: str | None  # the equipment named at completion, when it differs or no start named one
    operators: list[str]
    started_at: datetime | None
    completed_at: datetime | None
    good: Quantity | None
    scrap: Quantity | None
    rework_quantity: Quantity | None
    scrap_reasons: list[dict[str, str]]
    material: list[MaterialUsed]
    steps: list[StepValueRead]
    inspections: list[InspectionRead]


class Deviation(Schema):
    kind: Literal[
        "operation_inserted",
        "operation_skipped",
        "rework",
        "scrap",
        "equipment_changed",
        "step_failed",
        "step_corrected",
        "inspection_failed",
    ]
    operation: str | None
    detail: str


class AsBuiltRead(Schema):
    code: str
    kind: NodeKind
    item: str | None
    work_order: str
    order_status: str | None
    produced_at: datetime | None
    produced_at_operation: str | None
    operations: list[AsBuiltOperation]
    inspections: list[InspectionRead]  # of this lot or serial itself, or of the order at no operation
    deviations: list[Deviation]

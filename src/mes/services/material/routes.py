"""HTTP routes of the material service."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.auth import Principal, bearer_token, require
from mes.platform.db import SessionDep
from mes.platform.idempotency import IdempotencyDep, RequiredIdempotencyDep
from mes.platform.schemas import CODE_PATTERN
from mes.services.material import queries, service
from mes.services.material.clients import WorkOrders
from mes.services.material.schemas import (
    Adjust,
    BomCreate,
    BomRead,
    Consume,
    ConsumptionPage,
    ConsumptionRead,
    ExplosionRead,
    Issue,
    ItemCreate,
    ItemPage,
    ItemRead,
    ItemUpdate,
    LocationCreate,
    LocationPage,
    LocationRead,
    LocationUpdate,
    LotInputRead,
    LotPage,
    LotRead,
    LotReceive,
    Merge,
    Move,
    MovementRead,
    PrintedRead,
    PrinterIn,
    PrinterRead,
    PrintLabel,
    Produce,
    Scrap,
    Ship,
    Split,
    StatusChange,
    SuggestionRead,
    UnitRead,
)
from mes.services.material.service import labels
from mes.services.material.vocabulary import ItemKind, LocationKind, LotStatus, Tracking

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not possible in the current state", "content": {"application/problem+json": {}}}
}
router = APIRouter(tags=["material"], responses={**PROTECTED_RESPONSES, **_CONFLICT})


def _orders(request: Request) -> WorkOrders:
    """Work orders, asked as the caller: stock is booked only against orders that exist and are open."""
    rid = getattr(request.state, "request_id", None)
    return WorkOrders(
        request.app.state.directory, bearer_token(request), rid if isinstance(rid, str) else None
    )


CanRead = Annotated[Principal, require("material:read")]
CanWriteMaster = Annotated[Principal, require("material:master:write")]
CanReceive = Annotated[Principal, require("material:lot:receive")]
CanConsume = Annotated[Principal, require("material:lot:consume")]
CanMove = Annotated[Principal, require("material:lot:move")]
CanAdjust = Annotated[Principal, require("material:lot:adjust")]
CanHold = Annotated[Principal, require("material:lot:hold")]
LotCode = Annotated[str, Path(max_length=64, description="The lot's code, as scanned from its label")]
ItemCode = Annotated[str, Path(max_length=64)]
Search = Annotated[str | None, Query(max_length=64, description="Code or name containing this, any case")]
ItemSort = Annotated[
    Literal["code", "-code", "name", "-name", "kind", "-kind", "uom", "-uom"],
    Query(description="Sort column; a leading - sorts descending"),
]
LocationSort = Annotated[
    Literal["code", "-code", "name", "-name", "kind", "-kind"],
    Query(description="Sort column; a leading - sorts descending"),
]


@router.post("/items", status_code=201, response_model=ItemRead)
async def create_item(body: ItemCreate, session: SessionDep, who: CanWriteMaster) -> ItemRead:
    return await service.create_item(session, body, who.subject)


@router.get("/items", response_model=ItemPage)
async def list_items(
    session: SessionDep,
    _: CanRead,
    kind: ItemKind | None = None,
    tracking: Tracking | None = None,
    q: Search = None,
    sort: ItemSort = "code",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ItemPage:
    """The item master, by code unless sorted otherwise."""
    items, total = await queries.list_items(
        session, kind=kind, tracking=tracking, q=q, sort=sort, limit=limit, offset=offset
    )
    return ItemPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/units", response_model=list[UnitRead], summary="Units of measure and their decimals")
async def list_units(session: SessionDep, _: CanRead) -> list[UnitRead]:
    """Every unit with its dimension, its factor to the dimension's base unit and the decimals a
    quantity in it may have (0: counted whole, like pcs)."""
    return await queries.list_units(session)


@router.get("/items/{code}/boms", response_model=list[BomRead])
async def item_boms(code: ItemCode, session: SessionDep, _: CanRead) -> list[BomRead]:
    """Every version of the item's bill of materials, oldest validity first."""
    return await queries.item_boms(session, code)


@router.get("/locations", response_model=LocationPage)
async def list_locations(
    session: SessionDep,
    _: CanRead,
    kind: LocationKind | None = None,
    q: Search = None,
    sort: LocationSort = "code",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> LocationPage:
    rows, total = await queries.list_locations(session, kind=kind, q=q, sort=sort, limit=limit, offset=offset)
    return LocationPage(items=rows, total=total, limit=limit, offset=offset)


@router.get("/locations/{code}", response_model=LocationRead)
async def get_location(
    code: Annotated[str, Path(max_length=64)], session: SessionDep, _: CanRead
) -> LocationRead:
    return await queries.get_location(session, code)


@router.get("/consumptions", response_model=ConsumptionPage, summary="What a work order consumed")
async def list_consumptions(
    session: SessionDep,
    _: CanRead,
    work_order: Annotated[str, Query(min_length=1, max_length=64)],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ConsumptionPage:
    """Every consumption booked against the work order, lot by lot, in the order they were booked."""
    rows, total = await queries.order_consumptions(session, work_order, limit=limit, offset=offset)
    return ConsumptionPage(items=rows, total=total, limit=limit, offset=offset)


@router.get("/items/{code}", response_model=ItemRead)
async def get_item(code: ItemCode, session: SessionDep, _: CanRead) -> ItemRead:
    return await queries.get_item(session, code)


@router.patch("/items/{code}", response_model=ItemRead, summary="Edit an item")
async def update_item(code: ItemCode, body: ItemUpdate, session: SessionDep, who: CanWriteMaster) -> ItemRead:
    """Changes only the fields sent; `version` is the one the edit was made on (409 `stale_version`
    when the item changed meanwhile). The unit and the tracking change only while the item has no
    lots (409 `item_in_use`), the unit also only while no BOM uses it; the code never."""
    return await service.update_item(session, code, body, who.subject)


@router.post("/locations", status_code=201, response_model=LocationRead)
async def create_location(body: LocationCreate, session: SessionDep, who: CanWriteMaster) -> LocationRead:
    return await service.create_location(session, body, who.subject)


@router.patch("/locations/{code}", response_model=LocationRead, summary="Edit a location")
async def update_location(
    code: Annotated[str, Path(max_length=64)], body: LocationUpdate, session: SessionDep, who: CanWriteMaster
) -> LocationRead:
    """Changes its name or kind; `version` as for an item (409 `stale_version`)."""
    return await service.update_location(session, code, body, who.subject)


@router.post("/items/{code}/boms", status_code=201, response_model=BomRead)
async def create_bom(code: ItemCode, body: BomCreate, session: SessionDep, who: CanWriteMaster) -> BomRead:
    return await service.create_bom(session, code, body, who.subject)


@router.get(
    "/items/{code}/explosion",
    response_model=ExplosionRead,
    summary="Multi-level BOM explosion for a quantity of the item, on a date",
)
async def explode(
    code: ItemCode,
    session: SessionDep,
    _: CanRead,
    quantity: Annotated[Decimal, Query(gt=0, max_digits=18, decimal_places=6)] = Decimal(1),
    uom: Annotated[str | None, Query(max_length=16)] = None,
    on: date | None = None,
) -> ExplosionRead:
    return await queries.explode_bom(session, code, quantity, uom, on or datetime.now(UTC).date())


@router.post("/lots", status_code=201, response_model=LotRead, summary="Receive a lot")
async def receive_lot(
    body: LotReceive, session: SessionDep, who: CanReceive, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.receive_lot(session, body, who.subject))


@router.get("/lots", response_model=LotPage)
async def list_lots(
    session: SessionDep,
    _: CanRead,
    item: Annotated[str | None, Query(max_length=64)] = None,
    location: Annotated[str | None, Query(max_length=64)] = None,
    status: LotStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    work_order: Annotated[
        str | None, Query(max_length=64, description="Lots issued to or made by it")
    ] = None,
) -> LotPage:
    items, total = await queries.list_lots(
        session,
        item=item,
        location=location,
        status=status,
        limit=limit,
        offset=offset,
        work_order=work_order,
    )
    return LotPage(items=items, total=total, limit=limit, offset=offset)


@router.post(
    "/lots/produce",
    status_code=201,
    response_model=LotRead,
    summary="Produce an output lot from an operation, naming the inputs it used",
)
async def produce_lot(
    request: Request, body: Produce, session: SessionDep, who: CanConsume, idem: RequiredIdempotencyDep
) -> LotRead:
    return await idem.run(service.produce_lot(session, body, who.subject, _orders(request)))


@router.get("/lots/{code}", response_model=LotRead, summary="Look a lot up by its scanned code")
async def get_lot(code: LotCode, session: SessionDep, _: CanRead) -> LotRead:
    return await queries.get_lot(session, code)


@router.get("/lots/{code}/movements", response_model=list[MovementRead], summary="The lot's ledger")
async def lot_movements(code: LotCode, session: SessionDep, _: CanRead) -> list[MovementRead]:
    return await queries.lot_movements(session, code)


@router.post(
    "/lots/{code}/consume",
    response_model=ConsumptionRead,
    summary="Consume from a lot in a work order's operation (idempotent)",
)
async def consume_lot(
    request: Request,
    code: LotCode,
    body: Consume,
    session: SessionDep,
    who: CanConsume,
    idem: RequiredIdempotencyDep,
) -> ConsumptionRead:
    return await idem.run(service.consume_lot(session, code, body, who.subject, _orders(request)))


@router.post("/lots/{code}/move", response_model=LotRead)
async def move_lot(
    code: LotCode, body: Move, session: SessionDep, who: CanMove, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.move_lot(session, code, body, who.subject))


@router.post("/lots/{code}/issue", response_model=LotRead, summary="Issue stock to a work order at the line")
async def issue_lot(
    request: Request, code: LotCode, body: Issue, session: SessionDep, who: CanMove, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.issue_lot(session, code, body, who.subject, _orders(request)))


@router.post(
    "/lots/{code}/merge", response_model=LotRead, summary="Merge lots of the same item into this one"
)
async def merge_lots(
    code: LotCode, body: Merge, session: SessionDep, who: CanMove, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.merge_lots(session, code, body, who.subject))


@router.post("/lots/{code}/split", status_code=201, response_model=LotRead, summary="Split off a new lot")
async def split_lot(
    code: LotCode, body: Split, session: SessionDep, who: CanMove, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.split_lot(session, code, body, who.subject))


@router.post("/lots/{code}/scrap", response_model=LotRead)
async def scrap_lot(
    code: LotCode, body: Scrap, session: SessionDep, who: CanAdjust, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.scrap_lot(session, code, body, who.subject))


@router.post(
    "/lots/{code}/ship",
    response_model=LotRead,
    summary="Ship stock out of the plant to a customer (available stock; held stock back to its supplier)",
)
async def ship_lot(
    code: LotCode, body: Ship, session: SessionDep, who: CanMove, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.ship_lot(session, code, body, who.subject))


@router.post("/lots/{code}/adjust", response_model=LotRead, summary="Correct a lot's quantity, with a reason")
async def adjust_lot(
    code: LotCode, body: Adjust, session: SessionDep, who: CanAdjust, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.adjust_lot(session, code, body, who.subject))


@router.post("/lots/{code}/hold", response_model=LotRead)
async def hold_lot(
    code: LotCode, body: StatusChange, session: SessionDep, who: CanHold, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.change_status(session, code, "hold", body.reason, who.subject))


@router.post("/lots/{code}/release", response_model=LotRead)
async def release_lot(
    code: LotCode, body: StatusChange, session: SessionDep, who: CanHold, idem: IdempotencyDep
) -> LotRead:
    return await idem.run(service.change_status(session, code, "release", body.reason, who.subject))


@router.get("/suggestions", response_model=SuggestionRead, summary="Which lots to use: FEFO or FIFO")
async def suggest(
    session: SessionDep,
    _: CanRead,
    item: Annotated[str, Query(max_length=64)],
    quantity: Annotated[Decimal, Query(gt=0, max_digits=18, decimal_places=6)],
    location: Annotated[str | None, Query(max_length=64)] = None,
    strategy: Literal["fefo", "fifo"] = "fefo",
) -> SuggestionRead:
    return await queries.suggest_lots(session, item, location, quantity, strategy, datetime.now(UTC).date())


@router.get(
    "/lots/{code}/inputs",
    response_model=list[LotInputRead],
    summary="The lots that went into this one (one level of its genealogy)",
)
async def lot_inputs(code: LotCode, session: SessionDep, _: CanRead) -> list[LotInputRead]:
    return await queries.lot_inputs(session, code)


@router.get(
    "/lots/{code}/label",
    response_class=Response,
    responses={
        200: {
            "description": "The label: a PDF to print from the browser, or ZPL for a label printer",
            "content": {"application/pdf": {}, "text/plain": {}},
        }
    },
    summary="The lot's (serial's) label with a GS1 code: PDF, or ZPL (format=zpl)",
)
async def lot_label(
    code: LotCode, session: SessionDep, _: CanRead, format: Literal["pdf", "zpl"] = "pdf"
) -> Response:
    data = await labels.label_data(session, code)
    if format == "zpl":
        return Response(labels.render_zpl(data), media_type="text/plain; charset=utf-8")
    return Response(
        labels.render_pdf(data),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="label-{code.replace("/", "-")}.pdf"'},
    )


@router.post(
    "/lots/{code}/label/print",
    response_model=PrintedRead,
    summary="Send the lot's ZPL label to a network printer (raw TCP, 9100); 503 when unreachable",
    responses={
        503: {"description": "The printer can't be reached", "content": {"application/problem+json": {}}}
    },
)
async def print_lot_label(
    code: LotCode, body: PrintLabel, session: SessionDep, who: CanConsume
) -> PrintedRead:
    return await labels.print_label(session, code, body, who.subject)


@router.get("/label-printers", response_model=list[PrinterRead], summary="Network label printers")
async def list_printers(session: SessionDep, _: CanRead) -> list[PrinterRead]:
    return await labels.list_printers(session)


@router.put("/label-printers/{printer}", response_model=PrinterRead, summary="Register or change a printer")
async def put_printer(
    printer: Annotated[str, Path(pattern=CODE_PATTERN)],
    body: PrinterIn,
    session: SessionDep,
    who: CanWriteMaster,
) -> PrinterRead:
    return await labels.put_printer(session, printer, body, who.subject)

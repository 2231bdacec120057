"""Products, routings and work centers."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from mes.platform.app import PROTECTED_RESPONSES
from mes.platform.db import SessionDep
from mes.services.work_orders.routes.common import (
    CONFLICT,
    CanRead,
    CanWriteRouting,
    ProductCode,
    caller,
)
from mes.services.work_orders.schemas.master import (
    ProductCreate,
    ProductPage,
    ProductRead,
    RoutingCreate,
    RoutingRead,
    WorkCenterPage,
)
from mes.services.work_orders.service import products, reactions

router = APIRouter(tags=["work-orders: products and routings"], responses={**PROTECTED_RESPONSES, **CONFLICT})


@router.get(
    "/work-centers",
    response_model=WorkCenterPage,
    summary="Work centers operations can be routed to (as announced by the resource service)",
)
async def list_work_centers(
    session: SessionDep,
    _: CanRead,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> WorkCenterPage:
    items, total = await reactions.list_work_centers(session, limit=limit, offset=offset)
    return WorkCenterPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/products", status_code=201, response_model=ProductRead, summary="Make an item a product")
async def create_product(
    body: ProductCreate, session: SessionDep, who: CanWriteRouting, request: Request
) -> ProductRead:
    return await products.create_product(session, body, caller(request, who))


@router.get("/products", response_model=ProductPage)
async def list_products(
    session: SessionDep,
    _: CanRead,
    q: Annotated[
        str | None, Query(max_length=64, description="Code or name containing this, any case")
    ] = None,
    sort: Annotated[
        Literal["code", "-code", "name", "-name", "created_at", "-created_at"],
        Query(description="Sort column; a leading - sorts descending"),
    ] = "code",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ProductPage:
    items, total = await products.list_products(session, q=q, sort=sort, limit=limit, offset=offset)
    return ProductPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/products/{code}", response_model=ProductRead)
async def get_product(code: ProductCode, session: SessionDep, _: CanRead) -> ProductRead:
    return await products.get_product(session, code)


@router.post(
    "/products/{code}/routings",
    status_code=201,
    response_model=RoutingRead,
    summary="Add a routing version; materials per step come from the product's BOM",
)
async def create_routing(
    code: ProductCode, body: RoutingCreate, session: SessionDep, who: CanWriteRouting, request: Request
) -> RoutingRead:
    return await products.create_routing(session, code, body, caller(request, who))


@router.get("/products/{code}/routings", response_model=list[RoutingRead])
async def list_routings(code: ProductCode, session: SessionDep, _: CanRead) -> list[RoutingRead]:
    return await products.list_routings(session, code)


@router.get("/products/{code}/routings/{version}", response_model=RoutingRead)
async def get_routing(
    code: ProductCode, version: Annotated[str, Path(max_length=16)], session: SessionDep, _: CanRead
) -> RoutingRead:
    return await products.get_routing(session, code, version)

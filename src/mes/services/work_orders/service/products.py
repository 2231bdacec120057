"""Products and routing versions: master data, checked against material's items and BOMs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.db import add_unique
from mes.platform.events import utcnow as now
from mes.services.work_orders import clients
from mes.services.work_orders.clients import Caller
from mes.services.work_orders.errors import (
    DuplicateCode,
    InvalidRouting,
    ProductNotFound,
    RoutingNotFound,
)
from mes.services.work_orders.models import Product, Routing, RoutingOperation, WorkCenterRef
from mes.services.work_orders.schemas.master import (
    ProductCreate,
    ProductRead,
    RoutingCreate,
    RoutingOperationRead,
    RoutingRead,
)
from mes.services.work_orders.service import steps


async def product_by_code(session: AsyncSession, code: str) -> Product:
    product = await session.get(Product, code)
    if product is None:
        raise ProductNotFound(f"No product {code}: create it from its material item first.")
    return product


async def create_product(session: AsyncSession, data: ProductCreate, caller: Caller) -> ProductRead:
    item = await clients.item(caller, data.code)  # 404 item_not_found when material doesn't know it
    product = Product(
        code=item.code,
        name=data.name or item.name,
        uom=item.uom,
        uom_decimals=item.uom_decimals,
        created_by=caller.subject,
        created_at=now(),
    )
    await add_unique(session, product, DuplicateCode(f"Product {data.code} already exists."))
    read = ProductRead.model_validate(product)
    await append_audit(
        session,
        actor=caller.subject,
        action="product.created",
        entity_type="product",
        entity_id=product.code,
        new=read.model_dump(mode="json"),
    )
    return read


_PRODUCT_SORT: dict[str, Any] = {"code": Product.code, "name": Product.name, "created_at": Product.created_at}


async def list_products(
    session: AsyncSession, *, limit: int, offset: int, q: str | None = None, sort: str = "code"
) -> tuple[list[ProductRead], int]:
    """Products whose code or name contains `q` (any case); `sort` is a column, `-column` descending."""
    query = select(Product)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(Product.code.ilike(pattern, escape="\\"), Product.name.ilike(pattern, escape="\\"))
        )
    column = _PRODUCT_SORT[sort.lstrip("-")]
    order = [column.desc() if sort.startswith("-") else column.asc()]
    if column is not Product.code:
        order.append(Product.code.asc())  # ties broken by code: pages never overlap
    rows = await session.scalars(query.order_by(*order).limit(limit).offset(offset))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return [ProductRead.model_validate(p) for p in rows], total


async def get_product(session: AsyncSession, code: str) -> ProductRead:
    return ProductRead.model_validate(await product_by_code(session, code))


async def _bom_materials(caller: Caller, product: str) -> tuple[dict[str, tuple[Decimal, str]], str]:
    """The product's direct components per unit (scrap included), and the BOM version."""
    found = await clients.explosion(caller, product)
    direct = [line for line in found.lines if line.level == 1]
    version = direct[0].bom_version if direct else ""
    return {line.component: (line.quantity, line.uom) for line in direct}, version


async def create_routing(
    session: AsyncSession, product_code: str, data: RoutingCreate, caller: Caller
) -> RoutingRead:
    product = await product_by_code(session, product_code)
    seqs = [op.seq for op in data.operations]
    if seqs != sorted(set(seqs)):
        raise InvalidRouting("Operation numbers (seq) must be unique and ascending.")
    known = set(await session.scalars(select(WorkCenterRef.code)))
    unknown = sorted({op.work_center for op in data.operations} - known)
    if unknown:
        raise InvalidRouting(
            f"Unknown work center(s) {', '.join(unknown)}: register them in the resource service first.",
            code="unknown_work_center",
        )
    exists = await session.scalar(
        select(Routing.id).where(Routing.product == product.code, Routing.version == data.version)
    )
    if exists is not None:
        raise DuplicateCode(f"{product.code} already has a routing version {data.version}.")
    bom: dict[str, tuple[Decimal, str]] = {}
    bom_version: str | None = None
    if any(op.materials for op in data.operations):
        bom, bom_version = await _bom_materials(caller, product.code)
    used: set[str] = set()
    routing = Routing(
        product=product.code,
        version=data.version,
        bom_version=bom_version,
        created_by=caller.subject,
        created_at=now(),
    )
    session.add(routing)
    await session.flush()
    for index, op in enumerate(data.operations):
        materials: list[dict[str, Any]] = []
        for m in op.materials:
            if m.item not in bom:
                raise InvalidRouting(f"{m.item} is not a component of {product.code}'s BOM.")
            if m.item in used:
                raise InvalidRouting(f"{m.item} is consumed at two operations; name it at one.")
            used.add(m.item)
            per_unit, uom = bom[m.item]
            materials.append({"item": m.item, "quantity": str(m.quantity or per_unit), "uom": uom})
        last = index == len(data.operations) - 1
        session.add(
            RoutingOperation(
                routing_id=routing.id,
                seq=op.seq,
                name=op.name,
                work_center=op.work_center,
                setup_minutes=op.setup_minutes,
                run_minutes=op.run_minutes_per_unit,
                skills=[s.model_dump() for s in op.skills],
                materials=materials,
                output_item=op.output_item or (product.code if last else None),
                steps=await steps.checked_steps(session, op.seq, op.steps),
            )
        )
    await session.flush()
    read = await get_routing(session, product.code, data.version)
    await append_audit(
        session,
        actor=caller.subject,
        action="routing.created",
        entity_type="routing",
        entity_id=f"{product.code}/{data.version}",
        new=read.model_dump(mode="json"),
    )
    return read


async def routing_by_version(session: AsyncSession, product: str, version: str | None) -> Routing:
    """The named version, or the product's most recently created one."""
    query = select(Routing).where(Routing.product == product)
    if version is not None:
        query = query.where(Routing.version == version)
    routing = await session.scalar(query.order_by(Routing.created_at.desc(), Routing.version.desc()).limit(1))
    if routing is None:
        which = f"version {version}" if version else "any routing"
        raise RoutingNotFound(f"{product} has no {which}.")
    return routing


async def get_routing(session: AsyncSession, product: str, version: str | None) -> RoutingRead:
    routing = await routing_by_version(session, product, version)
    ops = await session.scalars(
        select(RoutingOperation)
        .where(RoutingOperation.routing_id == routing.id)
        .order_by(RoutingOperation.seq)
    )
    return RoutingRead(
        product=routing.product,
        version=routing.version,
        bom_version=routing.bom_version,
        created_at=routing.created_at,
        created_by=routing.created_by,
        operations=[
            RoutingOperationRead.model_validate(
                {
                    "seq": o.seq,
                    "name": o.name,
                    "work_center": o.work_center,
                    "setup_minutes": o.setup_minutes,
                    "run_minutes_per_unit": o.run_minutes,
                    "skills": o.skills,
                    "materials": o.materials,
                    "output_item": o.output_item,
                    "steps": o.steps,
                }
            )
            for o in ops
        ],
    )


async def list_routings(session: AsyncSession, product: str) -> list[RoutingRead]:
    await product_by_code(session, product)
    versions = await session.scalars(
        select(Routing.version)
        .where(Routing.product == product)
        .order_by(Routing.created_at, Routing.version)
    )
    return [await get_routing(session, product, v) for v in versions]

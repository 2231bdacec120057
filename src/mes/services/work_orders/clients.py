"""Typed calls to the material and resource services, made with the caller's own token.

The work orders service never reads another service's tables (docs/architecture.md §3.1): what it needs
now (qualify an operator, consume a lot, a work center's shift windows) it asks over HTTP, and a
problem the other service answers (a held lot, an unknown machine) reaches the user unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from mes.platform.http import ServiceDirectory


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is acting, and the token that proves it to the services called on their behalf."""

    subject: str
    token: str | None
    directory: ServiceDirectory
    request_id: str | None = None


class _Remote(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ItemInfo(_Remote):
    code: str
    name: str
    uom: str
    tracking: str = "lot"
    uom_decimals: int | None = None


class ExplosionLine(_Remote):
    level: int
    component: str
    quantity: Decimal
    uom: str
    bom_version: str


class Explosion(_Remote):
    item: str
    lines: list[ExplosionLine]


class LotInfo(_Remote):
    code: str
    item: str
    quantity: Decimal
    uom: str
    status: str


class LotList(_Remote):
    items: list[LotInfo]
    total: int


class ConsumptionInfo(_Remote):
    lot: str
    item: str
    consumed: Decimal
    remaining: Decimal
    uom: str
    movement_id: int


class Reason(_Remote):
    code: str
    detail: str


class AuthorizationResult(_Remote):
    allowed: bool
    reasons: list[Reason] = []


class Window(_Remote):
    start: datetime
    end: datetime


class PlannedWindows(_Remote):
    equipment_code: str
    windows: list[Window]


M = "/api/v1/material"
R = "/api/v1/resource"
Q = "/api/v1/quality"


def _kw(caller: Caller, key: str | None = None) -> dict[str, Any]:
    kw: dict[str, Any] = {"token": caller.token, "request_id": caller.request_id}
    if key is not None:
        kw["idempotency_key"] = key
    return kw


async def item(caller: Caller, code: str) -> ItemInfo:
    client = caller.directory.client("material")
    return await client.get_model(f"{M}/items/{code}", ItemInfo, **_kw(caller))


async def explosion(caller: Caller, product: str) -> Explosion:
    client = caller.directory.client("material")
    return await client.get_model(
        f"{M}/items/{product}/explosion", Explosion, params={"quantity": "1"}, **_kw(caller)
    )


async def lot(caller: Caller, code: str) -> LotInfo:
    client = caller.directory.client("material")
    return await client.get_model(f"{M}/lots/{code}", LotInfo, **_kw(caller))


async def available(caller: Caller, item_code: str) -> Decimal:
    """Stock of an item in available lots, wherever they are."""
    client = caller.directory.client("material")
    total, offset = Decimal(0), 0
    while True:
        page = await client.get_model(
            f"{M}/lots",
            LotList,
            params={"item": item_code, "status": "available", "limit": 500, "offset": offset},
            **_kw(caller),
        )
        total += sum((lot.quantity for lot in page.items), Decimal(0))
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return total


async def consume(caller: Caller, lot_code: str, body: dict[str, Any], key: str) -> ConsumptionInfo:
    client = caller.directory.client("material")
    resp = await client.request("POST", f"{M}/lots/{lot_code}/consume", json=body, **_kw(caller, key))
    return ConsumptionInfo.model_validate_json(resp.content)


async def produce(caller: Caller, body: dict[str, Any], key: str) -> LotInfo:
    client = caller.directory.client("material")
    resp = await client.request("POST", f"{M}/lots/produce", json=body, **_kw(caller, key))
    return LotInfo.model_validate_json(resp.content)


async def authorize(
    caller: Caller,
    username: str,
    equipment: str,
    work_center: str,
    operation: str,
    skills: list[dict[str, Any]],
) -> AuthorizationResult:
    """May `username` run `operation` on `equipment` now (a machine of `work_center`, qualified
    for every requirement on its path, equipment available)?"""
    client = caller.directory.client("resource")
    body = {
        "username": username,
        "equipment_code": equipment,
        "work_center": work_center,
        "operation": operation[:64],
        "skills": [{"code": s["code"], "min_level": s.get("min_level", 1)} for s in skills],
        "at": None,
    }
    resp = await client.request("POST", f"{R}/authorizations/check", json=body, **_kw(caller))
    return AuthorizationResult.model_validate_json(resp.content)


async def planned_windows(caller: Caller, code: str, start: datetime, end: datetime) -> list[Window]:
    client = caller.directory.client("resource")
    found = await client.get_model(
        f"{R}/equipment/{code}/planned-windows",
        PlannedWindows,
        params={"start": start.isoformat(), "end": end.isoformat()},
        **_kw(caller),
    )
    return sorted(found.windows, key=lambda w: w.start)


class Blocking(_Remote):
    tasks: list[str]


async def due_inspections(caller: Caller, work_order: str, operation: str) -> list[str]:
    """The in-process inspections quality still expects before this operation may complete."""
    client = caller.directory.client("quality")
    found = await client.get_model(
        f"{Q}/blocking", Blocking, params={"work_order": work_order, "operation": operation}, **_kw(caller)
    )
    return found.tasks

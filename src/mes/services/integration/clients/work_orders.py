"""The work orders service, called with the ERP caller's own token (typed, over `mes.platform.http`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from mes.platform.http import RemoteError, ServiceDirectory


@dataclass(frozen=True)
class Caller:
    subject: str
    token: str | None
    directory: ServiceDirectory


async def product_exists(caller: Caller, code: str) -> bool:
    try:
        await caller.directory.client("work_orders").request(
            "GET", f"/api/v1/workorders/products/{quote(code, safe='')}", token=caller.token
        )
    except RemoteError as e:
        if e.status == 404:
            return False
        raise
    return True


async def get_order(caller: Caller, number: str) -> dict[str, Any] | None:
    try:
        resp = await caller.directory.client("work_orders").request(
            "GET", f"/api/v1/workorders/orders/{quote(number, safe='')}", token=caller.token
        )
    except RemoteError as e:
        if e.status == 404:
            return None
        raise
    data: dict[str, Any] = resp.json()
    return data


async def create_order(
    caller: Caller,
    *,
    number: str,
    product: str,
    quantity: Decimal,
    due: datetime,
    priority: int,
    erp_ref: str | None,
) -> dict[str, Any]:
    body = {
        "number": number,
        "product": product,
        "quantity": format(quantity.normalize(), "f"),
        "due": due.isoformat(),
        "priority": priority,
    }
    if erp_ref:
        body["erp_ref"] = erp_ref[:64]
    resp = await caller.directory.client("work_orders").request(
        "POST", "/api/v1/workorders/orders", json=body, token=caller.token
    )
    data: dict[str, Any] = resp.json()
    return data

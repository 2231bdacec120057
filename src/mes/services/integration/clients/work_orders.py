"""The work orders service, called with the ERP caller's own token (typed, over `mes.platform.http`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from mes.platform.http import RemoteError, ServiceDirectory


class OrderInfo(BaseModel):
    """What integration reads of a work order (work orders' `WorkOrderRead`, the rest ignored)."""

    model_config = ConfigDict(extra="ignore")

    number: str
    product: str
    quantity: Decimal
    status: str
    erp_ref: str | None = None


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


async def get_order(caller: Caller, number: str) -> OrderInfo | None:
    try:
        resp = await caller.directory.client("work_orders").request(
            "GET", f"/api/v1/workorders/orders/{quote(number, safe='')}", token=caller.token
        )
    except RemoteError as e:
        if e.status == 404:
            return None
        raise
    return OrderInfo.model_validate_json(resp.content)


async def create_order(
    caller: Caller,
    *,
    number: str,
    product: str,
    quantity: Decimal,
    due: datetime,
    priority: int,
    erp_ref: str | None,
) -> OrderInfo:
    body: dict[str, str | int] = {
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
    return OrderInfo.model_validate_json(resp.content)

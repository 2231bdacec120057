"""Typed calls to the auth, material and work orders services, made with the caller's own token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from mes.platform.http import ServiceDirectory

A = "/api/v1/auth"
M = "/api/v1/material"
W = "/api/v1/workorders"


@dataclass(frozen=True, slots=True)
class Caller:
    subject: str
    token: str | None
    directory: ServiceDirectory
    request_id: str | None = None

    def kw(self, key: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"token": self.token, "request_id": self.request_id}
        if key is not None:
            out["idempotency_key"] = key
        return out


class _Remote(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SignatureInfo(_Remote):
    id: uuid.UUID
    record_type: str
    record_id: str
    record_hash: str
    meaning: str
    username: str
    printed_name: str


class SignatureCheck(_Remote):
    valid: bool
    reason: str | None = None
    signature: SignatureInfo


class LotInfo(_Remote):
    code: str
    item: str
    quantity: Decimal
    uom: str
    status: str
    supplier: str | None = None


class OperationInfo(_Remote):
    key: str
    position: int
    status: str
    origin: str
    reason: str | None = None
    good: Decimal


class OrderInfo(_Remote):
    number: str
    status: str
    operations: list[OperationInfo]


async def verify_signature(
    caller: Caller, signature_id: uuid.UUID, content: dict[str, Any]
) -> SignatureCheck:
    """Asks the auth service whether the signature was made over exactly `content`."""
    client = caller.directory.client("auth")
    resp = await client.request(
        "POST", f"{A}/signatures/{signature_id}/verify", json={"content": content}, **caller.kw()
    )
    return SignatureCheck.model_validate_json(resp.content)


async def lot(caller: Caller, code: str) -> LotInfo:
    return await caller.directory.client("material").get_model(f"{M}/lots/{code}", LotInfo, **caller.kw())


async def split(caller: Caller, code: str, quantity: Decimal, key: str | None = None) -> LotInfo:
    client = caller.directory.client("material")
    resp = await client.request(
        "POST", f"{M}/lots/{code}/split", json={"quantity": str(quantity)}, **caller.kw(key)
    )
    return LotInfo.model_validate_json(resp.content)


async def scrap(caller: Caller, code: str, quantity: Decimal, reason: str, key: str | None = None) -> LotInfo:
    client = caller.directory.client("material")
    resp = await client.request(
        "POST", f"{M}/lots/{code}/scrap", json={"quantity": str(quantity), "reason": reason}, **caller.kw(key)
    )
    return LotInfo.model_validate_json(resp.content)


async def ship(
    caller: Caller, code: str, quantity: Decimal, supplier: str, reference: str, key: str
) -> LotInfo:
    """A return to the supplier: the lot leaves stock even while held, with the NCR as reference."""
    body = {
        "quantity": str(quantity),
        "customer": supplier,
        "destination": "return to supplier",
        "reference": reference,
        "return_to_supplier": True,
    }
    resp = await caller.directory.client("material").request(
        "POST", f"{M}/lots/{code}/ship", json=body, **caller.kw(key)
    )
    return LotInfo.model_validate_json(resp.content)


async def work_order(caller: Caller, number: str) -> OrderInfo:
    return await caller.directory.client("work-orders").get_model(
        f"{W}/orders/{number}", OrderInfo, **caller.kw()
    )


async def rework(
    caller: Caller, number: str, operation: str, to_operation: str, quantity: Decimal, reason: str, key: str
) -> OrderInfo:
    """Work orders' own rework command: the steps from `to_operation` run again for `quantity`."""
    body = {"to_operation": to_operation, "quantity": str(quantity), "reason": reason}
    resp = await caller.directory.client("work-orders").request(
        "POST", f"{W}/orders/{number}/operations/{operation}/rework", json=body, **caller.kw(key)
    )
    return OrderInfo.model_validate_json(resp.content)

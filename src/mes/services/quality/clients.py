"""Typed calls to the auth and material services, made with the caller's own token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from mes.platform.http import ServiceDirectory

A = "/api/v1/auth"
M = "/api/v1/material"


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


async def split(caller: Caller, code: str, quantity: Decimal) -> LotInfo:
    client = caller.directory.client("material")
    resp = await client.request(
        "POST", f"{M}/lots/{code}/split", json={"quantity": str(quantity)}, **caller.kw()
    )
    return LotInfo.model_validate_json(resp.content)


async def scrap(caller: Caller, code: str, quantity: Decimal, reason: str) -> LotInfo:
    client = caller.directory.client("material")
    resp = await client.request(
        "POST", f"{M}/lots/{code}/scrap", json={"quantity": str(quantity), "reason": reason}, **caller.kw()
    )
    return LotInfo.model_validate_json(resp.content)

"""The material and resource services, for ERP master data, called with the ERP caller's token."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mes.platform.http import RemoteError
from mes.services.integration.clients.work_orders import Caller

ROOTS = {"material": "/api/v1/material", "resource": "/api/v1/resource"}


async def get(caller: Caller, service: str, path: str, code: str) -> dict[str, Any] | None:
    """The record, or None when the service doesn't know it."""
    try:
        resp = await caller.directory.client(service).request(
            "GET", f"{ROOTS[service]}/{path}/{quote(code, safe='')}", token=caller.token
        )
    except RemoteError as e:
        if e.status == 404:
            return None
        raise
    data: dict[str, Any] = resp.json()
    return data


async def create(
    caller: Caller, service: str, path: str, body: dict[str, Any], *, idempotency_key: str | None = None
) -> dict[str, Any]:
    resp = await caller.directory.client(service).request(
        "POST", f"{ROOTS[service]}/{path}", json=body, token=caller.token, idempotency_key=idempotency_key
    )
    data: dict[str, Any] = resp.json()
    return data

"""What the quality routes share: permissions, the caller, problem responses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request

from mes.platform.auth import Principal, bearer_token, require
from mes.services.quality.clients import Caller

CanRead = Annotated[Principal, require("quality:read")]
CanPlan = Annotated[Principal, require("quality:plan:write")]
CanRecord = Annotated[Principal, require("quality:inspection:record")]
CanWaive = Annotated[Principal, require("quality:inspection:waive")]
CanNcr = Annotated[Principal, require("quality:nc:write")]
CanDisposition = Annotated[Principal, require("quality:nc:disposition")]
CanCapa = Annotated[Principal, require("quality:capa:write")]
CanCapaClose = Annotated[Principal, require("quality:capa:close")]
CanGauge = Annotated[Principal, require("quality:gauge:write")]
CodePath = Annotated[str, Path(min_length=1, max_length=64)]


def caller(request: Request, who: Principal) -> Caller:
    rid = getattr(request.state, "request_id", None)
    return Caller(
        who.subject, bearer_token(request), request.app.state.directory, rid if isinstance(rid, str) else None
    )


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    text = {
        403: "Refused (permission or signature)",
        409: "Not possible in the current state",
        422: "Invalid input",
    }
    return {
        s: {"description": text.get(s, "Problem"), "content": {"application/problem+json": {}}}
        for s in statuses
    }

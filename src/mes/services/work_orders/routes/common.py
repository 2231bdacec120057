"""What every route module shares: permissions, path parameters, the caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request

from mes.platform.auth import Principal, bearer_token, require
from mes.services.work_orders.clients import Caller

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not possible in the current state", "content": {"application/problem+json": {}}}
}
CanRead = Annotated[Principal, require("workorder:read")]
CanWrite = Annotated[Principal, require("workorder:write")]
CanWriteRouting = Annotated[Principal, require("workorder:routing:write")]
CanRelease = Annotated[Principal, require("workorder:release")]
CanDispatch = Annotated[Principal, require("workorder:dispatch")]
CanExecute = Annotated[Principal, require("workorder:execute")]
Number = Annotated[str, Path(max_length=64, description="The work order number")]
OpKey = Annotated[str, Path(max_length=32, description="The operation's key, e.g. 20 or 20-R1")]
ProductCode = Annotated[str, Path(max_length=64)]


def caller(request: Request, who: Principal) -> Caller:
    """The acting user, with their token to forward to material and resource."""
    rid = getattr(request.state, "request_id", None)
    return Caller(
        who.subject, bearer_token(request), request.app.state.directory, rid if isinstance(rid, str) else None
    )

"""What every resource route shares: permission dependencies and path parameters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

from mes.platform.auth import Principal, require

CanRead = Annotated[Principal, require("resource:read")]
CanWriteEquipment = Annotated[Principal, require("resource:equipment:write")]
CanWriteState = Annotated[Principal, require("resource:state:write")]
CanWriteDowntime = Annotated[Principal, require("resource:downtime:write")]
CanWriteShift = Annotated[Principal, require("resource:shift:write")]
CanWritePersonnel = Annotated[Principal, require("resource:personnel:write")]
CanWriteMaintenance = Annotated[Principal, require("resource:maintenance:write")]

EquipmentCode = Annotated[str, Path(max_length=64, description="The equipment's code, e.g. PRESS-4")]
Username = Annotated[str, Path(max_length=200)]
Code64 = Annotated[str, Path(max_length=64)]

_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "Not possible now", **_PROBLEM}}

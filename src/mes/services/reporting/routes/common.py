"""What every reporting route shares: permissions, filters, paging, CSV and the resource client."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel

from mes.platform.auth import Principal, bearer_token, require
from mes.services.reporting.clients import Resource
from mes.services.reporting.vocabulary import ExportFormat

CanRead = Annotated[Principal, require("reporting:read")]
CanRebuild = Annotated[Principal, require("reporting:rebuild")]

Scope = Annotated[
    str, Query(min_length=1, max_length=64, description="An equipment, work center, line or site code")
]
Start = Annotated[AwareDatetime, Query(description="Start of the interval (inclusive)")]
End = Annotated[
    AwareDatetime, Query(description="End of the interval (exclusive), at most 400 days after start")
]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Format = Annotated[ExportFormat, Query(description="json (default) or csv")]

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}
}


def resource(request: Request) -> Resource:
    rid = getattr(request.state, "request_id", None)
    return Resource.for_caller(
        bearer_token(request),
        getattr(request.state, "principal", None),
        request.app.state.directory,
        rid if isinstance(rid, str) else None,
    )


def _cell(v: Any) -> Any:
    if isinstance(v, dict | list):
        return json.dumps(v, sort_keys=True, default=str)
    return "" if v is None else v


def csv_response(rows: Sequence[BaseModel], name: str, columns: Sequence[str]) -> Response:
    """Rows flattened to CSV: nested values (a loss tree, reasons) as JSON in their cell."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        d = r.model_dump(mode="json")
        w.writerow([_cell(d.get(c)) for c in columns])
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )

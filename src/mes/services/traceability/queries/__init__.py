"""Read side of the traceability service: traces, where-used, flows, and the as-built record."""

from mes.services.traceability.queries.as_built import as_built
from mes.services.traceability.queries.trace import (
    check_window,
    flows,
    shipments,
    trace,
    trace_json,
    trace_sql,
    walk_sql,
    where_used,
)

__all__ = [
    "as_built",
    "check_window",
    "flows",
    "shipments",
    "trace",
    "trace_json",
    "trace_sql",
    "walk_sql",
    "where_used",
]

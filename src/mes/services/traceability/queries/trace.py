"""Read side of the traceability service: backward and forward traces in one recursive query each.

A trace walks `edge` in one direction. Material consumed at any operation of an order reaches
every output of the order through the order's node (lot → operation → order → output), except
where the order's serials name exactly which serial took a lot (an `attributed` edge into a serial):
then that lot reaches only those serials, so a component never shows under two finished serials.
Depth counts lot levels; operations and orders between two lots are part of one level.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.schemas import format_decimal
from mes.services.traceability.errors import InvalidWindow, NodeNotFound
from mes.services.traceability.schemas import (
    EdgeRead,
    NodeRead,
    Shipment,
    TraceRead,
    WhereUsedLine,
    WhereUsedRead,
)
from mes.services.traceability.vocabulary import INFLOWS, TRANSFERS_OUT, Direction

# edges into a lot node, seen from the side the walk arrives at
_INTO_LOT = "('produced', 'attributed', 'split', 'merged')"
_FROM_LOT = "('consumed', 'attributed', 'split', 'merged')"
_WINDOW = (
    "(e.at IS NULL OR ((CAST(:since AS timestamptz) IS NULL OR e.at >= :since)"
    " AND (CAST(:until AS timestamptz) IS NULL OR e.at < :until)))"
)


def _walk_cte(direction: Direction) -> str:
    """The recursive walk from :root: a row per node and depth it is reached at (`UNION`, so each
    node is expanded once per depth, never once per path)."""
    near, far, lot_edges = ("dst", "src", _FROM_LOT) if direction == "backward" else ("src", "dst", _INTO_LOT)
    return (
        "WITH RECURSIVE walk(key, depth) AS ("
        " SELECT CAST(:root AS varchar), 0"
        " UNION"
        f" SELECT CAST(e.{far} AS varchar), w.depth + CASE WHEN e.kind IN {lot_edges} THEN 1 ELSE 0 END"
        f" FROM walk w JOIN edge e ON e.{near} = w.key"
        f" WHERE w.depth + CASE WHEN e.kind IN {lot_edges} THEN 1 ELSE 0 END <= :depth"
        f" AND NOT e.per_unit AND {_WINDOW}"
        ")"
    )


def walk_sql(direction: Direction) -> str:
    """Every node reached from :root, with its smallest depth."""
    return f"{_walk_cte(direction)} SELECT key, min(depth) AS depth FROM walk GROUP BY key"


_NODE_COLS = (
    "key",
    "kind",
    "code",
    "item",
    "uom",
    "quantity",
    "origin",
    "work_order",
    "operation",
    "name",
    "work_center",
    "equipment",
    "operator",
    "location",
    "supplier",
    "supplier_lot",
    "expires_on",
    "at",
    "ended_at",
    "status",
)
# an edge row of `trace_sql` carries its columns in these node columns, the others NULL
_EDGE_IN = {"src": "key", "dst": "code", "kind": "kind", "quantity": "quantity"} | {
    c: c for c in ("work_order", "operation", "at")
}
_TYPES = {"quantity": "numeric", "expires_on": "date", "at": "timestamptz", "ended_at": "timestamptz"}
# where each column sits in a row of `trace_sql`: is_edge, depth, then the node columns
_AT = {c: 2 + i for i, c in enumerate(_NODE_COLS)}
_EDGE_AT = tuple((e, _AT[n]) for e, n in _EDGE_IN.items())


def trace_sql(direction: Direction) -> str:
    """The whole trace in one statement: the walk, then the reached nodes and the edges between
    them, as one stream of rows (`is_edge` first; an edge row carries src, dst, kind, quantity,
    work_order, operation and at in the node row's key, code, kind, quantity, work_order,
    operation and at columns, the rest NULL). The reached set stays in the server (materialised
    once, hashed for the edges' far end) instead of travelling to Python and back as an array.
    The edges are read from the walk's side, through its index, one lookup per reached node
    (`LATERAL ... OFFSET 0`): PostgreSQL guesses 200 rows for the reached set and would otherwise
    start from the other end, reading every edge *into* the reached nodes (3 x as many for a
    forward recall, measured)."""
    near, far = ("dst", "src") if direction == "backward" else ("src", "dst")
    carried = {n: f"e.{e}" for e, n in _EDGE_IN.items()}
    edge_select = ", ".join(carried.get(c, f"CAST(NULL AS {_TYPES.get(c, 'varchar')})") for c in _NODE_COLS)
    return (
        f"{_walk_cte(direction)}, reached AS MATERIALIZED (SELECT key, min(depth) AS depth FROM walk GROUP BY key)"
        f" SELECT false AS is_edge, r.depth, {', '.join('n.' + c for c in _NODE_COLS)}"
        " FROM reached r JOIN node n ON n.key = r.key"
        f" UNION ALL SELECT true, 0, {edge_select}"
        f" FROM reached r CROSS JOIN LATERAL (SELECT * FROM edge e WHERE e.{near} = r.key"
        f" AND NOT e.per_unit AND {_WINDOW} OFFSET 0) e"
        f" WHERE e.{far} IN (SELECT key FROM reached)"
    )


# for this transaction: JIT compiling costs more than the statement; and always a plan for the
# actual parameters, never the generic plan PostgreSQL switches a prepared statement to after five
# runs (for the forward walk it took 43 s instead of 1 s: measured, ADR 43)
_SETTINGS = "SELECT set_config('jit', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true)"


def check_window(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and until <= since:
        raise InvalidWindow("The window's end must come after its start.")


async def _trace_rows(
    session: AsyncSession,
    code: str,
    direction: Direction,
    depth: int,
    since: datetime | None,
    until: datetime | None,
    item: str | None,
) -> dict[str, Any]:
    """The trace as plain dicts in the order and shape of `TraceRead` (quantities still Decimal):
    one statement, rows read as tuples, no model per row (a 50 k node recall spent seconds there)."""
    check_window(since, until)
    root = f"lot:{code}"
    params: dict[str, Any] = {"root": root, "depth": depth, "since": since, "until": until}
    await session.execute(text(_SETTINGS))
    result = await session.execute(text(trace_sql(direction)), params)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for row in result:
        if row[0]:
            edges.append({c: row[i] for c, i in _EDGE_AT})
        else:  # NodeRead's field order: key, kind, code, depth, then the rest
            node = {"key": row[2], "kind": row[3], "code": row[4], "depth": row[1]}
            node.update(zip(_NODE_COLS[3:], row[5:], strict=True))
            nodes.append(node)
    if not any(n["key"] == root for n in nodes):  # the walk starts from :root whether it exists or not
        raise NodeNotFound(f"No lot or serial {code} in the genealogy.")
    if item is not None:  # the item filter keeps the traced lot, the lots of that item, and what joins them
        keep = {root} | {n["key"] for n in nodes if n["item"] == item and n["kind"] in ("lot", "serial")}
        nodes = [n for n in nodes if n["key"] in keep]
        edges = [e for e in edges if e["src"] in keep and e["dst"] in keep]
    traced = _traced_quantities(edges) if direction == "backward" else {}
    for n in nodes:
        n["traced_quantity"] = traced.get(n["key"])
    nodes.sort(key=lambda n: (n["depth"], n["key"]))
    edges.sort(key=lambda e: (e["src"], e["dst"], e["kind"]))
    has_out = {e["src"] for e in edges}
    return {
        "root": root,
        "direction": direction,
        "depth": depth,
        "nodes": nodes,
        "edges": edges,
        "supplier_lots": [n["code"] for n in nodes if direction == "backward" and n["origin"] == "received"],
        "finished": [
            n["code"]
            for n in nodes
            if direction == "forward"
            and n["kind"] in ("lot", "serial")
            and n["key"] not in has_out
            and n["key"] != root
        ],
    }


async def trace(
    session: AsyncSession,
    code: str,
    direction: Direction,
    *,
    depth: int = 50,
    since: datetime | None = None,
    until: datetime | None = None,
    item: str | None = None,
) -> TraceRead:
    """The trace as models, for code that reads it (the recall report)."""
    t = await _trace_rows(session, code, direction, depth, since, until, item)
    t["nodes"] = [NodeRead.model_construct(**n) for n in t["nodes"]]
    t["edges"] = [EdgeRead.model_construct(**e) for e in t["edges"]]
    return TraceRead.model_construct(**t)


def _quantity(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


async def trace_json(
    session: AsyncSession,
    code: str,
    direction: Direction,
    *,
    depth: int = 50,
    since: datetime | None = None,
    until: datetime | None = None,
    item: str | None = None,
) -> bytes:
    """The trace as the JSON of `TraceRead`, byte for byte what `model_dump_json` gives (quantities
    as plain decimal strings, UTC times with Z), written by orjson straight from the rows."""
    t = await _trace_rows(session, code, direction, depth, since, until, item)
    for n in t["nodes"]:
        n["quantity"] = _quantity(n["quantity"])
        n["traced_quantity"] = _quantity(n["traced_quantity"])
    for e in t["edges"]:
        e["quantity"] = _quantity(e["quantity"])
    return orjson.dumps(t, option=orjson.OPT_UTC_Z)


def _traced_quantities(edges: list[dict[str, Any]]) -> dict[str, Decimal]:
    """How much of each lot left it along the traced edges (consumed, attributed, split, merged)."""
    total: dict[str, Decimal] = defaultdict(Decimal)
    for e in edges:
        if e["src"].startswith("lot:") and e["quantity"] is not None and e["kind"] != "attributed":
            total[e["src"]] += e["quantity"]
    # an attributed quantity is part of a consumption already counted: only a lot with no
    # consumption edge in the trace (the attribution alone reached it) counts it
    for e in edges:
        if e["kind"] == "attributed" and e["quantity"] is not None and e["src"] not in total:
            total[e["src"]] += e["quantity"]
    return dict(total)


async def where_used(session: AsyncSession, code: str) -> WhereUsedRead:
    key = f"lot:{code}"
    if await session.scalar(text("SELECT 1 FROM node WHERE key = :k"), {"k": key}) is None:
        raise NodeNotFound(f"No lot or serial {code} in the genealogy.")
    consumed = await session.execute(
        text(
            "SELECT e.work_order, e.operation, e.quantity,"
            " ARRAY(SELECT substr(p.dst, 5) FROM edge p WHERE p.src = 'wo:' || e.work_order"
            "  AND p.kind = 'produced' ORDER BY p.dst) AS outputs"
            " FROM edge e WHERE e.src = :k AND e.kind = 'consumed' ORDER BY e.at, e.work_order, e.operation"
        ),
        {"k": key},
    )
    children = await session.execute(
        text(
            "SELECT kind, substr(dst, 5) AS code FROM edge WHERE src = :k AND kind IN ('split', 'merged') ORDER BY dst"
        ),
        {"k": key},
    )
    split: list[str] = []
    merged: list[str] = []
    for kind, child in children:
        (split if kind == "split" else merged).append(child)
    return WhereUsedRead(
        lot=code,
        consumed_in=[
            WhereUsedLine(
                work_order=r.work_order, operation=r.operation, quantity=r.quantity, outputs=list(r.outputs)
            )
            for r in consumed
        ],
        split_into=split,
        merged_into=merged,
    )


async def flows(session: AsyncSession, lots: list[str]) -> dict[str, dict[str, Decimal]]:
    """Per lot, what the events say flowed in and out of it, by kind of flow."""
    rows = await session.execute(
        text("SELECT lot, kind, sum(quantity) AS q FROM lot_flow WHERE lot = ANY(:lots) GROUP BY lot, kind"),
        {"lots": lots},
    )
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for lot, kind, q in rows:
        if kind in INFLOWS:
            out[lot]["received"] += q
        elif kind in TRANSFERS_OUT:
            out[lot]["transferred"] += q
        elif kind in ("consumed", "scrapped", "adjusted", "shipped"):
            out[lot][kind] += q
    return out


async def shipments(session: AsyncSession, lots: list[str]) -> dict[str, list[Shipment]]:
    """Per lot, what left the plant: quantity, customer and destination, oldest first."""
    rows = await session.execute(
        text(
            "SELECT lot, quantity, party, location, at FROM lot_flow WHERE lot = ANY(:lots)"
            " AND kind = 'shipped' ORDER BY lot, at, event_id"
        ),
        {"lots": lots},
    )
    out: dict[str, list[Shipment]] = defaultdict(list)
    for lot, quantity, party, location, at in rows:
        out[lot].append(Shipment(quantity=quantity, customer=party, destination=location, at=at))
    return out

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

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

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


def walk_sql(direction: Direction) -> str:
    """The recursive query: every node reached from :root, with its smallest depth."""
    near, far, lot_edges = ("dst", "src", _FROM_LOT) if direction == "backward" else ("src", "dst", _INTO_LOT)
    return (
        "WITH RECURSIVE walk(key, depth) AS ("
        " SELECT CAST(:root AS varchar), 0"
        " UNION"
        f" SELECT CAST(e.{far} AS varchar), w.depth + CASE WHEN e.kind IN {lot_edges} THEN 1 ELSE 0 END"
        f" FROM walk w JOIN edge e ON e.{near} = w.key"
        f" WHERE w.depth + CASE WHEN e.kind IN {lot_edges} THEN 1 ELSE 0 END <= :depth"
        f" AND NOT e.per_unit AND {_WINDOW}"
        ") SELECT key, min(depth) AS depth FROM walk GROUP BY key"
    )


# the reached keys as a relation, so both ends of an edge are matched by hash joins
_REACHED = "WITH r(key) AS (SELECT unnest(CAST(:keys AS varchar[])))"


def edges_sql(direction: Direction) -> str:
    """The edges between reached nodes: looked up from the side the walk came from (indexed), the
    other end checked against the reached set."""
    near, far = ("dst", "src") if direction == "backward" else ("src", "dst")
    return (
        f"{_REACHED} SELECT e.src, e.dst, e.kind, e.quantity, e.work_order, e.operation, e.at"
        f" FROM r JOIN edge e ON e.{near} = r.key"
        f" WHERE e.{far} IN (SELECT key FROM r) AND NOT e.per_unit AND {_WINDOW}"
    )


_NODE_COLS = (
    "n.key, kind, code, item, uom, quantity, origin, work_order, operation, name, work_center, equipment,"
    " operator, location, supplier, supplier_lot, expires_on, at, ended_at, status"
)


def nodes_sql() -> str:
    return f"{_REACHED} SELECT {_NODE_COLS} FROM node n JOIN r ON r.key = n.key"


def check_window(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and until <= since:
        raise InvalidWindow("The window's end must come after its start.")


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
    check_window(since, until)
    root = f"lot:{code}"
    if await session.scalar(text("SELECT 1 FROM node WHERE key = :k"), {"k": root}) is None:
        raise NodeNotFound(f"No lot or serial {code} in the genealogy.")
    params: dict[str, Any] = {"root": root, "depth": depth, "since": since, "until": until}
    await session.execute(text("SET LOCAL jit = off"))  # compiling costs more than these short queries
    reached = {r.key: r.depth for r in await session.execute(text(walk_sql(direction)), params)}
    keys = list(reached)
    rows = (await session.execute(text(nodes_sql()), {"keys": keys})).all()
    # rows of our own tables, built without validation: a 50 k node recall would spend seconds there
    edge_rows = await session.execute(text(edges_sql(direction)), {**params, "keys": keys})
    edges = [EdgeRead.model_construct(**r._mapping) for r in edge_rows]
    nodes = {r.key: r for r in rows}
    if item is not None:  # the item filter keeps the traced lot, the lots of that item, and what joins them
        keep = {root} | {k for k, r in nodes.items() if r.item == item and r.kind in ("lot", "serial")}
        nodes = {k: r for k, r in nodes.items() if k in keep}
        edges = [e for e in edges if e.src in keep and e.dst in keep]
    traced = _traced_quantities(edges) if direction == "backward" else {}
    out = [
        NodeRead.model_construct(**r._mapping, depth=reached[k], traced_quantity=traced.get(k))
        for k, r in sorted(nodes.items(), key=lambda kv: (reached[kv[0]], kv[0]))
    ]
    has_out = {e.src for e in edges}
    return TraceRead.model_construct(
        root=root,
        direction=direction,
        depth=depth,
        nodes=out,
        edges=sorted(edges, key=lambda e: (e.src, e.dst, e.kind)),
        supplier_lots=[n.code for n in out if direction == "backward" and n.origin == "received"],
        finished=[
            n.code
            for n in out
            if direction == "forward"
            and n.kind in ("lot", "serial")
            and n.key not in has_out
            and n.key != root
        ],
    )


def _traced_quantities(edges: list[EdgeRead]) -> dict[str, Decimal]:
    """How much of each lot left it along the traced edges (consumed, attributed, split, merged)."""
    total: dict[str, Decimal] = defaultdict(Decimal)
    for e in edges:
        if e.src.startswith("lot:") and e.quantity is not None and e.kind != "attributed":
            total[e.src] += e.quantity
    # an attributed quantity is part of a consumption already counted: only a lot with no
    # consumption edge in the trace (the attribution alone reached it) counts it
    for e in edges:
        if e.kind == "attributed" and e.quantity is not None and e.src not in total:
            total[e.src] += e.quantity
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

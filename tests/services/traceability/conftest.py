"""Genealogies built by hand: contract events fed to the traceability service's consumer (its inbox
and handlers, as the bus would), each a second after the one before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from mes.contracts import material as mat
from mes.contracts import work_orders as wo
from mes.platform.events import Envelope, Event
from mes.platform.testing import Harness

T = "/api/v1/traceability"
READ = ("traceability:read",)
START = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


class Feed:
    def __init__(self, h: Harness) -> None:
        self.h = h
        self.events: list[Event] = []
        self._consume = h.runtimes["traceability"].consumer()
        self.clock = START

    def at(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    async def send(self, event: Event) -> None:
        self.events.append(event)
        await self.deliver(event)

    async def deliver(self, event: Event) -> None:
        env = Envelope(
            str(event.event_id), event.topic, event.aggregate_id, "test", event.model_dump_json().encode()
        )
        await self._consume(env)

    def _lot(self, code: str, item: str, uom: str) -> dict[str, Any]:
        return {"lot_code": code, "item_code": item, "uom": uom, "actor": "t", "occurred_at": self.at()}

    async def receive(self, code: str, item: str, qty: str, uom: str = "kg", **kw: Any) -> None:
        await self.send(
            mat.LotReceived(
                **self._lot(code, item, uom),
                quantity=Decimal(qty),
                location=kw.get("location", "WH-01"),
                supplier=kw.get("supplier", "Acme Polymers"),
                supplier_lot=kw.get("supplier_lot", f"S-{code}"),
                status="available",
            )
        )

    async def order(
        self,
        number: str,
        product: str,
        qty: str,
        ops: tuple[str, ...] = ("10", "20"),
        started: tuple[str, ...] | None = None,
    ) -> None:
        """Create and release the order with `ops`, then start `started` (all of them by default)."""
        base = {"work_order": number, "product": product, "actor": "t"}
        await self.send(
            wo.WorkOrderCreated(
                **base,
                occurred_at=self.at(),
                quantity=Decimal(qty),
                uom="pcs",
                due=START,
                priority=5,
                erp_ref=None,
            )
        )
        await self.send(
            wo.WorkOrderReleased(
                **base,
                occurred_at=self.at(),
                quantity=Decimal(qty),
                routing_version="1",
                operations=[wo.ReleasedOperation(key=k, name=f"Op {k}", work_center="WC-1") for k in ops],
            )
        )
        for k in ops if started is None else started:
            await self.send(
                wo.OperationStarted(
                    **base,
                    occurred_at=self.at(),
                    operation=k,
                    name=f"Op {k}",
                    work_center="WC-1",
                    equipment=f"M-{k}",
                    operator="op-ana",
                )
            )

    async def consume(
        self, lot: str, item: str, qty: str, remaining: str, number: str, op: str, uom: str = "kg"
    ) -> None:
        await self.send(
            mat.LotConsumed(
                **self._lot(lot, item, uom),
                quantity=Decimal(qty),
                remaining=Decimal(remaining),
                work_order=number,
                operation=op,
                location="L1-SIDE",
            )
        )

    async def produce(
        self,
        code: str,
        item: str,
        qty: str,
        number: str,
        op: str,
        inputs: tuple[tuple[str, str, str], ...] = (),
        uom: str = "pcs",
        tracking: str = "lot",
        input_uom: str = "pcs",
    ) -> None:
        await self.send(
            mat.LotProduced(
                **self._lot(code, item, uom),
                quantity=Decimal(qty),
                location="FG-01",
                work_order=number,
                operation=op,
                inputs=[
                    mat.ConsumedInput(lot_code=c, item_code=i, quantity=Decimal(q), uom=input_uom)
                    for c, i, q in inputs
                ],
                tracking=tracking,  # type: ignore[arg-type]
            )
        )

    async def split(self, lot: str, item: str, new: str, qty: str, uom: str = "kg") -> None:
        await self.send(mat.LotSplit(**self._lot(lot, item, uom), new_lot_code=new, quantity=Decimal(qty)))

    async def merge(self, target: str, item: str, sources: tuple[tuple[str, str], ...], total: str) -> None:
        await self.send(
            mat.LotMerged(
                **self._lot(target, item, "kg"),
                sources=[mat.MergedSource(lot_code=c, quantity=Decimal(q)) for c, q in sources],
                quantity=Decimal(total),
            )
        )


@pytest.fixture
def feed(harness: Harness) -> Feed:
    return Feed(harness)


PROJECTED = (
    "node",
    "edge",
    "lot_flow",
    "operation_start",
    "operation_completion",
    "step_value",
    "inspection",
)


async def graph(h: Harness) -> tuple[set[tuple[Any, ...]], ...]:
    """The whole projection as sets of rows: nodes, edges, lot flows and the as-built tables."""
    async with h.db("traceability").transaction() as s:
        tables = []
        for t in PROJECTED:
            tables.append({tuple(str(c) for c in r) for r in await s.execute(text(f"SELECT * FROM {t}"))})
    return tuple(tables)


async def empty_projection(h: Harness) -> None:
    async with h.db("traceability").transaction() as s:
        for table in (*PROJECTED, "edge_part", "inbox"):
            await s.execute(text(f"DELETE FROM {table}"))


async def get(h: Harness, path: str, status: int = 200, **params: Any) -> Any:
    r = await h.client.get(f"{T}{path}", params=params, headers=h.auth(*READ))
    assert r.status_code == status, r.text
    return r.json()

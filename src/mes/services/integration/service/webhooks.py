"""Outbound: events to webhook receivers (JSON, Standard Webhooks signatures) and work order
performance to the ERP (B2MML ProcessOperationsPerformance), with retries and dead letters.

Each event a subscription wants becomes a `delivery` row in the same transaction that took the
event in (the inbox). The `Dispatcher` worker sends due deliveries, oldest first and never one
while an earlier delivery of the same aggregate to the same subscription is still pending, so a
receiver sees each order's events in order. A failure waits an exponential backoff with jitter;
after `max_attempts` the delivery is dead and a dead letter says why; a replay sends it again.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mes.contracts import material as mat
from mes.contracts import work_orders as wo
from mes.platform.audit import append_audit
from mes.platform.db import Database
from mes.platform.events import Event
from mes.platform.workers import Periodic
from mes.services.integration.clients import webhooks as http
from mes.services.integration.config import integration_settings, seal_key
from mes.services.integration.errors import (
    DuplicateName,
    LetterClosed,
    OutboundTargetRefused,
    OutboundTargetUnresolvable,
)
from mes.services.integration.models import DeadLetter, Delivery, OrderTrace, Subscription, b2mml
from mes.services.integration.models import webhooks as wh
from mes.services.integration.models.targets import TargetPolicy
from mes.services.integration.schemas import SubscriptionCreate, SubscriptionCreated, SubscriptionRead
from mes.services.integration.service.machines import Letter, dead_letter


def _now() -> datetime:
    return datetime.now(UTC)


def _key() -> str:
    return seal_key()


def _policy() -> TargetPolicy:
    s = integration_settings()
    return TargetPolicy.parse(s.integration_allow_private_targets, s.integration_allowed_targets)


async def check_target(url: str) -> None:
    """422 unless `url` resolves only to addresses the target policy allows (checked again at
    every delivery: DNS may change)."""
    try:
        await http.checked_address(url, _policy())
    except http.TargetRefused as e:
        if e.code == "target_unresolvable":
            raise OutboundTargetUnresolvable(e.reason) from None
        raise OutboundTargetRefused(e.reason) from None


async def create_subscription(
    session: AsyncSession, body: SubscriptionCreate, actor: str
) -> SubscriptionCreated:
    if await session.scalar(select(Subscription.id).where(Subscription.name == body.name)):
        raise DuplicateName(f"A subscription named {body.name} exists already.")
    await check_target(body.url)
    secret = wh.new_secret()
    sub = Subscription(
        id=uuid.uuid4(),
        name=body.name,
        url=body.url,
        format=body.format,
        event_types=list(body.event_types),
        filters=body.filters,
        sealed_secret=wh.seal(secret, _key()),
        active=True,
        max_attempts=body.max_attempts,
        retry_base_s=body.retry_base_s,
        retry_max_s=body.retry_max_s,
        created_at=_now(),
    )
    session.add(sub)
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action="subscription.created",
        entity_type="subscription",
        entity_id=sub.name,
        new={"url": sub.url, "format": sub.format, "event_types": sub.event_types},
    )
    return SubscriptionCreated(**SubscriptionRead.model_validate(sub).model_dump(), secret=secret)


async def deactivate(session: AsyncSession, sub: Subscription, actor: str) -> None:
    sub.active = False
    await append_audit(
        session,
        actor=actor,
        action="subscription.deactivated",
        entity_type="subscription",
        entity_id=sub.name,
        old={"active": True},
        new={"active": False},
    )


# ---------------------------------------------------------------- what the ERP hears of an order


async def _trace(session: AsyncSession, event: Event) -> OrderTrace | None:
    order = getattr(event, "work_order", None)
    if not isinstance(order, str):
        return None
    row = await session.get(OrderTrace, order, with_for_update=True)
    if row is None:
        row = OrderTrace(
            work_order=order,
            product=getattr(event, "product", None) or getattr(event, "item_code", ""),
            materials=[],
        )
        session.add(row)
    if isinstance(event, wo.WorkOrderCreated):
        row.product, row.uom, row.erp_ref = event.product, event.uom, event.erp_ref
    elif isinstance(event, wo.WorkOrderStarted):
        row.started_at = row.started_at or event.occurred_at
    elif isinstance(event, mat.LotConsumed):
        row.materials = [
            *row.materials,
            ["Consumed", event.item_code, str(event.quantity), event.uom, event.lot_code],
        ]
    elif isinstance(event, mat.LotProduced):
        row.materials = [
            *row.materials,
            ["Produced", event.item_code, str(event.quantity), event.uom, event.lot_code],
        ]
    return row


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def performance(event: Event, trace: OrderTrace | None, delivery_id: uuid.UUID) -> str | None:
    """ProcessOperationsPerformance for a completed order (Completed) or operation (Running)."""
    if isinstance(event, wo.WorkOrderCompleted):
        good, scrap, state, end = event.good, event.scrap, "Completed", event.occurred_at
    elif isinstance(event, wo.OperationCompleted):
        good, scrap, state, end = event.good, event.scrap, "Running", event.completed_at
    else:
        return None
    lots = tuple(
        (use, item, Decimal(q), uom, lot) for use, item, q, uom, lot in (trace.materials if trace else [])
    )
    p = b2mml.Performed(
        order=event.work_order,
        product=event.product,
        good=good,
        scrap=scrap,
        uom=(trace.uom if trace and trace.uom else "EA"),
        state=state,
        start=_stamp(trace.started_at) if trace and trace.started_at else None,
        end=_stamp(end),
        lots=lots,
    )
    return b2mml.operations_performance(p, bodid=str(delivery_id), created=_stamp(_now())).decode()


def _matches(sub: Subscription, payload: dict[str, Any]) -> bool:
    return all(str(payload.get(k)) in set(v) for k, v in (sub.filters or {}).items())


async def take_event(session: AsyncSession, event: Event) -> int:
    """Queues `event` for every active subscription that wants it; returns how many."""
    trace = await _trace(session, event)
    subs = await session.scalars(
        select(Subscription).where(Subscription.active.is_(True)).order_by(Subscription.name)
    )
    payload = json.loads(event.model_dump_json())
    n = 0
    for sub in subs:
        if event.topic not in sub.event_types or not _matches(sub, payload):
            continue
        did = uuid.uuid4()
        if sub.format == "b2mml":
            body = performance(event, trace, did)
            if body is None:
                continue
            ctype = "application/xml"
        else:
            body = json.dumps({"type": event.topic, "timestamp": payload.get("occurred_at"), "data": payload})
            ctype = "application/json"
        session.add(
            Delivery(
                id=did,
                subscription_id=sub.id,
                event_id=event.event_id,
                topic=event.topic,
                aggregate_id=str(event.aggregate_id)[:200],
                content_type=ctype,
                body=body,
                status="pending",
                attempts=0,
                next_attempt_at=_now(),
            )
        )
        n += 1
    return n


# ---------------------------------------------------------------- sending


async def send_due(db: Database, now: datetime | None = None, limit: int = 50, rounds: int = 20) -> int:
    """Sends the deliveries that are due, oldest first, each aggregate in order; returns how many
    arrived. A round sends at most one delivery per aggregate; the next round sends the ones after."""
    total = 0
    for _ in range(rounds):
        n = await _send_round(db, now or _now(), limit)
        total += n
        if n == 0:
            break
    return total


async def _send_round(db: Database, now: datetime, limit: int) -> int:
    earlier = aliased(Delivery)
    blocked = exists().where(
        and_(
            earlier.subscription_id == Delivery.subscription_id,
            earlier.aggregate_id == Delivery.aggregate_id,
            earlier.status == "pending",
            earlier.seq < Delivery.seq,
        )
    )
    delivered = 0
    async with db.transaction() as session:
        rows = list(
            await session.scalars(
                select(Delivery)
                .where(Delivery.status == "pending", Delivery.next_attempt_at <= now, ~blocked)
                .order_by(Delivery.seq)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        subs = {
            s.id: s
            for s in await session.scalars(
                select(Subscription).where(Subscription.id.in_({r.subscription_id for r in rows}))
            )
        }
        for d in rows:
            sub = subs.get(d.subscription_id)
            if sub is None or not sub.active:
                continue
            body = d.body.encode()
            secret: str | None
            try:
                secret = wh.unseal(sub.sealed_secret, _key())
            except Exception:  # sealed under another key: never sent unsigned
                secret = None
            status: int | None = None
            error: str | None = (
                "the subscription's secret can't be unsealed with this MES_INTEGRATION_SEAL_KEY"
            )
            if secret is not None:
                headers = {
                    "content-type": d.content_type,
                    "user-agent": "mes-integration",
                    **wh.headers(secret, str(d.id), int(now.timestamp()), body),
                }
                status, error = await http.post(
                    sub.url, body, headers, integration_settings().integration_webhook_timeout_s, _policy()
                )
            d.attempts += 1
            d.last_status, d.last_error = status, error
            if error is None:
                d.status, d.delivered_at = "delivered", _now()
                delivered += 1
            elif d.attempts >= sub.max_attempts:
                d.status = "dead"
                await dead_letter(
                    session,
                    Letter(
                        "webhook",
                        str(d.id),
                        body,
                        f"gave up after {d.attempts} attempts: {error}",
                        path=sub.name,
                        content_type=d.content_type,
                    ),
                    None,
                )
            else:
                d.next_attempt_at = now + timedelta(
                    seconds=wh.backoff_s(d.attempts, sub.retry_base_s, sub.retry_max_s)
                )
    return delivered


async def replay(session: AsyncSession, letter: DeadLetter, actor: str) -> None:
    """A dead delivery is sent again, from attempt 1."""
    d = await session.scalar(
        select(Delivery).where(Delivery.id == uuid.UUID(letter.ref or "")).with_for_update()
    )
    if d is None or d.status != "dead":
        raise LetterClosed("The delivery of this dead letter is not dead any more.")
    d.status, d.attempts, d.next_attempt_at, d.last_error = "pending", 0, _now(), None
    letter.status, letter.replayed_at = "replayed", _now()
    await append_audit(
        session,
        actor=actor,
        action="dead_letter.replayed",
        entity_type="dead_letter",
        entity_id=str(letter.id),
        old={"status": "open"},
        new={"status": "replayed", "delivery": str(d.id)},
    )


class Dispatcher(Periodic):
    """Background worker: sends due webhook and ERP deliveries every second."""

    name = "integration-dispatcher"

    def __init__(self, db: Database) -> None:
        super().__init__(db, interval_s=1.0)
        seal_key()  # no usable key (distributed without MES_INTEGRATION_SEAL_KEY): no start

    async def step(self) -> int:
        return await send_due(self.db)

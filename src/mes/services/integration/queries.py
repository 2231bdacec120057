"""Read side of the integration service."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.services.integration.errors import ConnectorNotFound, DeadLetterNotFound, SubscriptionNotFound
from mes.services.integration.models import Connector, ConnectorStatus, DeadLetter, Delivery, Subscription
from mes.services.integration.schemas import (
    ConnectorPage,
    ConnectorRead,
    ConnectorStatusRead,
    DeliveryPage,
    DeliveryRead,
    MessageDeadLetterPage,
    MessageDeadLetterRead,
    SubscriptionPage,
    SubscriptionRead,
)


def redact(config: dict[str, Any]) -> dict[str, Any]:
    """A connector's configuration without its secrets."""
    out = dict(config)
    if isinstance(out.get("mqtt"), dict) and out["mqtt"].get("password"):
        out["mqtt"] = {**out["mqtt"], "password": "***"}
    return out


async def connector_read(session: AsyncSession, c: Connector) -> ConnectorRead:
    st = await session.get(ConnectorStatus, c.id)
    status = ConnectorStatusRead.model_validate(st) if st else ConnectorStatusRead()
    return ConnectorRead(
        id=c.id,
        name=c.name,
        kind=c.kind,
        enabled=c.enabled,
        version=c.version,
        config=redact(c.config),
        status=status,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


async def connector(session: AsyncSession, name: str) -> ConnectorRead:
    c = await session.scalar(select(Connector).where(Connector.name == name))
    if c is None:
        raise ConnectorNotFound(f"No connector named {name}.")
    return await connector_read(session, c)


async def connectors(session: AsyncSession, limit: int, offset: int) -> ConnectorPage:
    total = await session.scalar(select(func.count()).select_from(Connector)) or 0
    rows = await session.scalars(select(Connector).order_by(Connector.name).limit(limit).offset(offset))
    return ConnectorPage(
        items=[await connector_read(session, c) for c in rows], total=total, limit=limit, offset=offset
    )


async def dead_letters(
    session: AsyncSession, source: str | None, status: str | None, limit: int, offset: int
) -> MessageDeadLetterPage:
    q = select(DeadLetter)
    if source:
        q = q.where(DeadLetter.source == source)
    if status:
        q = q.where(DeadLetter.status == status)
    total = await session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = await session.scalars(
        q.order_by(DeadLetter.received_at.desc(), DeadLetter.id).limit(limit).offset(offset)
    )
    return MessageDeadLetterPage(
        items=[MessageDeadLetterRead.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


async def dead_letter(session: AsyncSession, letter_id: uuid.UUID) -> MessageDeadLetterRead:
    row = await session.get(DeadLetter, letter_id)
    if row is None:
        raise DeadLetterNotFound(f"No dead letter {letter_id}.")
    return MessageDeadLetterRead.model_validate(row)


async def subscription(session: AsyncSession, name: str, *, lock: bool = False) -> Subscription:
    q = select(Subscription).where(Subscription.name == name)
    sub = await session.scalar(q.with_for_update() if lock else q)
    if sub is None:
        raise SubscriptionNotFound(f"No subscription named {name}.")
    return sub


async def subscriptions(session: AsyncSession, limit: int, offset: int) -> SubscriptionPage:
    total = await session.scalar(select(func.count()).select_from(Subscription)) or 0
    rows = await session.scalars(select(Subscription).order_by(Subscription.name).limit(limit).offset(offset))
    return SubscriptionPage(
        items=[SubscriptionRead.model_validate(s) for s in rows], total=total, limit=limit, offset=offset
    )


async def deliveries(
    session: AsyncSession, name: str, status: str | None, limit: int, offset: int
) -> DeliveryPage:
    sub = await subscription(session, name)
    q = select(Delivery).where(Delivery.subscription_id == sub.id)
    if status:
        q = q.where(Delivery.status == status)
    total = await session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = await session.scalars(q.order_by(Delivery.seq.desc()).limit(limit).offset(offset))
    return DeliveryPage(
        items=[DeliveryRead.model_validate(d) for d in rows], total=total, limit=limit, offset=offset
    )

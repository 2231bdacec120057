"""Connector configuration: created, changed, enabled and disabled through the API; audited."""

from __future__ import annotations

import uuid

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mes.platform.audit import append_audit
from mes.platform.errors import Unprocessable
from mes.services.integration.errors import ConnectorNotFound, DuplicateName
from mes.services.integration.models import Connector
from mes.services.integration.queries import redact
from mes.services.integration.schemas import ConnectorCreate, ConnectorUpdate
from mes.services.integration.service.machines import now


async def create(session: AsyncSession, body: ConnectorCreate, actor: str) -> Connector:
    if await session.scalar(select(Connector.id).where(Connector.name == body.name)):
        raise DuplicateName(f"A connector named {body.name} exists already.")
    c = Connector(
        id=uuid.uuid4(),
        name=body.name,
        kind=body.kind,
        config=body.config.model_dump(mode="json", exclude_none=True),
        enabled=body.enabled,
        version=1,
    )
    session.add(c)
    await session.flush()
    await append_audit(
        session,
        actor=actor,
        action="connector.created",
        entity_type="connector",
        entity_id=c.name,
        new={"kind": c.kind, "enabled": c.enabled, "config": redact(c.config)},
    )
    return c


async def get_for_update(session: AsyncSession, name: str) -> Connector:
    c = await session.scalar(select(Connector).where(Connector.name == name).with_for_update())
    if c is None:
        raise ConnectorNotFound(f"No connector named {name}.")
    return c


async def update(session: AsyncSession, name: str, body: ConnectorUpdate, actor: str) -> Connector:
    c = await get_for_update(session, name)
    old = {"enabled": c.enabled, "config": redact(c.config)}
    if body.config is not None:
        try:  # the new config must suit the connector's kind, as at creation
            check = ConnectorCreate(name=c.name, kind=c.kind, config=body.config)
        except ValidationError as e:
            raise Unprocessable(
                f"This config doesn't suit a {c.kind} connector: {e.errors()[0]['msg']}",
                code="config_invalid",
            ) from None
        c.config = check.config.model_dump(mode="json", exclude_none=True)
    if body.enabled is not None:
        c.enabled = body.enabled
    c.version += 1
    c.updated_at = now()
    await append_audit(
        session,
        actor=actor,
        action="connector.changed",
        entity_type="connector",
        entity_id=c.name,
        old=old,
        new={"enabled": c.enabled, "config": redact(c.config)},
    )
    return c


async def delete(session: AsyncSession, name: str, actor: str) -> None:
    c = await get_for_update(session, name)
    await append_audit(
        session,
        actor=actor,
        action="connector.deleted",
        entity_type="connector",
        entity_id=c.name,
        old={"kind": c.kind, "config": redact(c.config)},
    )
    await session.delete(c)

"""`/audit` and `/audit/verify` of every service: read the hash-chained trail, and walk its chain.

Every service database holds an `audit_log` (src/mes/platform/audit.py); one implementation here
serves all of them, mounted under each service's prefix by the platform's app wiring, as the dead
letters are (ADR 26). Both need the service's own `<namespace>:audit:read`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from mes.platform.audit import AuditFilter, audit_entries, audit_entry, verify_audit_chain
from mes.platform.auth import Principal, require
from mes.platform.db import SessionDep
from mes.platform.registry import ServiceInfo
from mes.platform.schemas import Page, Schema

# the permission namespace of a service, where it is not the service's name
_NAMESPACE = {"work-orders": "workorder"}


def audit_permission(info: ServiceInfo) -> str:
    """`<namespace>:audit:read`: `auth:audit:read`, `workorder:audit:read`, `material:audit:read`..."""
    return f"{_NAMESPACE.get(info.name, info.name)}:audit:read"


class AuditEntryRead(Schema):
    id: int
    at: datetime
    actor: str = Field(description="Who: the token's subject")
    action: str = Field(description="What, e.g. `user.created`, `order.released`")
    entity_type: str
    entity_id: str
    old: Any = Field(None, description="The state before (JSON), if any")
    new: Any = Field(None, description="The state after (JSON), if any")
    reason: str | None
    prev_hash: str = Field(description="The hash of the row before (64 zeros for the first)")
    hash: str = Field(description="SHA-256 over prev_hash and this row's canonical content")


class AuditPage(Page[AuditEntryRead]):
    pass


class AuditVerification(Schema):
    ok: bool = Field(description="True when every row's hash and link recompute")
    checked: int = Field(description="Rows walked, up to and including the first broken one")
    verified_at: datetime
    head_hash: str | None = Field(
        None, description="The hash of the last row that verified (none for an empty trail)"
    )
    broken: Literal["hash", "link"] | None = Field(
        None,
        description="`hash`: the row's content changed since it was written; `link`: its prev_hash is"
        " not the previous row's hash (a row removed or inserted)",
    )
    first_broken: AuditEntryRead | None = Field(None, description="The first row that does not verify")


Order = Literal["newest", "oldest"]


def audit_router(info: ServiceInfo) -> APIRouter:
    """The service's audit trail routes (mounted under its prefix)."""
    router = APIRouter(tags=["audit"])
    permission = audit_permission(info)

    @router.get("/audit", response_model=AuditPage, summary=f"The {info.name} audit trail")
    async def audit_trail(
        session: SessionDep,
        entity_type: Annotated[str | None, Query(max_length=100)] = None,
        entity_id: Annotated[str | None, Query(max_length=200)] = None,
        actor: Annotated[str | None, Query(max_length=200)] = None,
        action: Annotated[str | None, Query(max_length=100)] = None,
        since: Annotated[datetime | None, Query(description="From this time on (inclusive)")] = None,
        until: Annotated[datetime | None, Query(description="Before this time (exclusive)")] = None,
        order: Annotated[Order, Query(description="Newest first (default) or oldest first")] = "newest",
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        _: Principal = require(permission),
    ) -> AuditPage:
        """Who did what, when, to what, with the state before and after and the reason; paged."""
        where = AuditFilter(entity_type, entity_id, actor, action, since, until)
        rows, total = await audit_entries(
            session, where, limit=limit, offset=offset, newest_first=order == "newest"
        )
        items = [AuditEntryRead.model_validate(r) for r in rows]
        return AuditPage(items=items, total=total, limit=limit, offset=offset)

    @router.get(
        "/audit/verify",
        response_model=AuditVerification,
        summary=f"Walk the {info.name} audit chain: ok, or the first broken row",
    )
    async def verify(session: SessionDep, _: Principal = require(permission)) -> AuditVerification:
        """Recomputes every row's hash from its content and the row before; an edit, an insertion or
        a removal made past the database's append-only trigger shows as the first row that fails."""
        check = await verify_audit_chain(session)
        broken = None
        if check.first_broken_id is not None:
            row = await audit_entry(session, check.first_broken_id)
            broken = None if row is None else AuditEntryRead.model_validate(row)
        return AuditVerification(
            ok=check.ok,
            checked=check.checked,
            verified_at=datetime.now(UTC),
            head_hash=check.head_hash,
            broken=check.broken,
            first_broken=broken,
        )

    return router

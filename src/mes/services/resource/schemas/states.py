"""Request and response bodies: equipment states, their history, downtime and reason codes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, Field

from mes.platform.schemas import Schema
from mes.services.resource.schemas.equipment import Code
from mes.services.resource.vocabulary import Source, State


class StateChange(Schema):
    state: State
    at: AwareDatetime | None = Field(None, description="When it happened; now when left out")
    reason_code: Code | None = None
    comment: Annotated[str | None, Field(max_length=2000)] = None


class CurrentState(Schema):
    equipment_code: str
    path: str
    state: State | None
    since: datetime | None
    source: Source | None
    reason_code: str | None
    available: bool
    opc_item_state: str | None
    opc_operation_mode: str | None
    iso22400_element: str | None
    last_signal_at: datetime | None


class StateInterval(Schema):
    state: State
    started_at: datetime
    ended_at: datetime | None
    source: Source
    reason_code: str | None
    source_ref: str | None
    opc_item_state: str
    opc_operation_mode: str
    iso22400_element: str


class StateHistory(Schema):
    equipment_code: str
    start: datetime
    end: datetime
    items: list[StateInterval]


class BoardEntry(Schema):
    equipment_code: str
    name: str
    level: str
    path: str
    state: State | None
    since: datetime | None
    available: bool


class ReasonCodeCreate(Schema):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=200)]
    parent_code: Code | None = None


class ReasonCodeRead(Schema):
    site_code: str
    code: str
    name: str
    parent_code: str | None
    path: str


class DowntimeRead(Schema):
    id: str
    equipment_code: str
    started_at: datetime
    ended_at: datetime | None
    duration_s: int | None
    micro_stop: bool
    unqualified: bool
    reason_code: str | None
    comment: str | None
    classified_by: str | None
    iso22400_element: str


class DowntimeClassify(Schema):
    reason_code: Code
    comment: Annotated[str | None, Field(max_length=2000)] = None


class DowntimeComment(Schema):
    comment: Annotated[str, Field(min_length=1, max_length=2000)]


class DowntimeSplit(Schema):
    at: AwareDatetime
    reason_code: Code | None = Field(None, description="Reason of the second part")


class DowntimeList(Schema):
    items: list[DowntimeRead]
    total: int | None = Field(
        default=None, description="Stops matching the filters, over all pages (in a list answer)"
    )
    limit: int | None = None
    offset: int | None = None

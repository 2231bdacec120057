"""Work instruction steps of a routing operation, their attachments, and the values recorded."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from mes.platform.schemas import Schema
from mes.services.work_orders.schemas.common import Name

StepCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$", examples=["S1"])]
FieldKind = Literal["number", "pass_fail", "text", "choice", "scan"]
Limit = Annotated[Decimal, Field(max_digits=18, decimal_places=6)]


class StepField(Schema):
    """What the operator enters at a step: a number within limits, pass/fail, a text, a choice, a scan."""

    kind: FieldKind
    unit: Annotated[str, Field(min_length=1, max_length=16)] | None = None  # number only
    min: Limit | None = None  # number only, inclusive
    max: Limit | None = None  # number only, inclusive
    choices: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=50)] = []
    max_length: Annotated[int, Field(ge=1, le=500)] | None = None  # text and scan

    @model_validator(mode="after")
    def _fits_kind(self) -> Self:
        if self.kind != "number" and (self.unit is not None or self.min is not None or self.max is not None):
            raise ValueError("unit, min and max belong to a number field")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is above max")
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError("a choice field lists its choices, and only a choice field does")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError("each choice is listed once")
        if self.max_length is not None and self.kind not in ("text", "scan"):
            raise ValueError("max_length belongs to a text or scan field")
        return self


class StepIn(Schema):
    code: StepCode  # unique within the operation
    title: Name
    text: Annotated[str, Field(min_length=1, max_length=4000)] | None = None  # the instruction
    attachment: uuid.UUID | None = None  # an image or PDF uploaded to /attachments
    field: StepField | None = None  # nothing to enter: the operator confirms the step
    required: bool = True  # a required step blocks the operation's completion until recorded


class AttachmentRead(Schema):
    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by: str


class StepRead(Schema):
    """A step of an order's operation, with what was recorded at it (if anything yet)."""

    position: int  # 1 for the first step
    code: str
    title: str
    text: str | None
    attachment: AttachmentRead | None
    field: StepField | None
    required: bool
    recorded: bool
    value: str | bool | None
    passed: bool | None
    recorded_by: str | None
    recorded_at: datetime | None


class StepRecord(Schema):
    """The value for the step's field: a decimal string for a number, true/false for pass/fail,
    a text, one of the choices, or the scanned code; null confirms a step that has no field."""

    value: Annotated[str, Field(max_length=500)] | bool | None = None

"""Work instructions: attachments shown at a step, and the values operators record at steps.

A routing operation's steps are kept with it (`routing_operation.steps`, JSON) and reach an order in
its routing snapshot; what is recorded at a step of an order's operation is a `StepValue`.
The rules that check a value against its step's field are pure functions here.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from mes.services.work_orders.errors import InvalidStepValue, ValueOutOfLimits
from mes.services.work_orders.models.base import Base

FIELD_KINDS = ("number", "pass_fail", "text", "choice", "scan")
# what a browser may show inline; checked against the file's first bytes, not only the declared type
ATTACHMENT_TYPES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}


def content_matches(content_type: str, data: bytes) -> bool:
    """The file starts as a file of that type does (a PNG declared as a PDF is refused)."""
    magic = ATTACHMENT_TYPES.get(content_type)
    if magic is None:
        return False
    if content_type == "image/webp" and data[8:12] != b"WEBP":
        return False
    return any(data.startswith(m) for m in magic)


class Attachment(Base):
    """An image or PDF shown at a step; its bytes are in `data` or, by configuration, in a file."""

    __tablename__ = "attachment"
    __table_args__ = (CheckConstraint("storage IN ('db', 'disk')", name="storage"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage: Mapped[str] = mapped_column(String(8))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    path: Mapped[str | None] = mapped_column(String(500))  # under the configured folder
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))


class StepValue(Base):
    """What was recorded at one step of an order's operation; recording again replaces it."""

    __tablename__ = "step_value"
    __table_args__ = (UniqueConstraint("operation_id", "step", name="uq_step_value_operation_step"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("wo_operation.id"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # the field's kind, or "confirm" for a step without one
    value: Mapped[Any] = mapped_column(
        JSONB, nullable=True
    )  # a decimal string, a bool, a text, or null (confirmed)
    passed: Mapped[bool | None]
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def check_value(step: dict[str, Any], value: str | bool | None) -> tuple[str | bool | None, bool | None]:
    """The value to store for `step` (a routing step as JSON) and whether it passed; 422 when it
    doesn't fit the step's field. A number outside its limits is refused, not stored."""
    field = step.get("field")
    code = step["code"]
    if field is None:
        if value not in (None, True):
            raise InvalidStepValue(f"Step {code} has nothing to enter: confirm it (value null).", step=code)
        return None, None
    kind = field["kind"]
    if kind == "pass_fail":
        if not isinstance(value, bool):
            raise InvalidStepValue(f"Step {code} takes pass (true) or fail (false).", step=code)
        return value, value
    if not isinstance(value, str) or not value.strip():
        raise InvalidStepValue(f"Step {code} needs a value.", step=code)
    text = value.strip()
    if kind == "number":
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise InvalidStepValue(f"Step {code} takes a number such as 12.5, not {text!r}.", step=code)
        low = Decimal(field["min"]) if field.get("min") is not None else None
        high = Decimal(field["max"]) if field.get("max") is not None else None
        if (low is not None and number < low) or (high is not None and number > high):
            unit = f" {field['unit']}" if field.get("unit") else ""
            bound = (
                f"from {low} to {high}{unit}"
                if low is not None and high is not None
                else (f"at least {low}{unit}" if low is not None else f"at most {high}{unit}")
            )
            raise ValueOutOfLimits(
                f"{number}{unit} is outside the limits of step {code}: {bound}.",
                step=code,
                value=str(number),
                min=None if low is None else str(low),
                max=None if high is None else str(high),
                unit=field.get("unit"),
            )
        return str(number), True
    if kind == "choice":
        if text not in field.get("choices", []):
            raise InvalidStepValue(
                f"Step {code} takes one of {', '.join(field.get('choices', []))}.", step=code
            )
        return text, None
    max_length = int(field.get("max_length") or 500)
    if len(text) > max_length:
        raise InvalidStepValue(f"Step {code} takes at most {max_length} characters.", step=code)
    return text, None

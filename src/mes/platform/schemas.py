"""Base for request and response schemas: unknown fields are refused, NUL characters too."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, PlainSerializer, model_validator

T = TypeVar("T")


def format_decimal(value: Decimal) -> str:
    """Exact and plain: 25, 1.5, 0.000001; never 25.000000 or 1E+1."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


# an exact quantity, written in JSON as a plain decimal string
Quantity = Annotated[Decimal, PlainSerializer(format_decimal, return_type=str, when_used="json")]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, from_attributes=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        # PostgreSQL can't store NUL in text; refuse it as bad input instead of failing later
        if _has_nul(data):
            raise ValueError("NUL characters are not allowed in text")
        return data


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

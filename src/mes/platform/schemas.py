"""Base for request and response schemas: unknown fields are refused, NUL characters and lone
UTF-16 surrogates too."""

from __future__ import annotations

import re
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


# NUL, which PostgreSQL can't store in text, and a lone surrogate ("\ud800" in JSON), which no
# UTF-8 text can hold: neither can be stored, hashed or compared, so both are refused as input
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _unstorable(value: Any) -> str | None:
    """The first character of `value` (nested anywhere) that text can't hold, else None."""
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        for k, v in value.items():
            bad = _unstorable(k) or _unstorable(v)
            if bad:
                return bad
    elif isinstance(value, (list, tuple)):
        for v in value:
            bad = _unstorable(v)
            if bad:
                return bad
    return None


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, from_attributes=True)

    @model_validator(mode="before")
    @classmethod
    def _no_unstorable_text(cls, data: Any) -> Any:
        # refused as bad input here instead of failing later in the database or a hash
        bad = _unstorable(data)
        if bad == "\x00":
            raise ValueError("NUL characters are not allowed in text")
        if bad:
            raise ValueError("Unpaired UTF-16 surrogates are not allowed in text")
        return data


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

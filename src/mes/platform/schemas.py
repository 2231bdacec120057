"""Base for request and response schemas: unknown fields are refused, NUL characters and lone
UTF-16 surrogates too; numbers are read strictly (no "1_000", no Arabic-Indic digits, no " 5 ", no true for 1)."""

from __future__ import annotations

import re
import types
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, PlainSerializer, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

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


# identifiers (codes, operation keys, user names) are printable ASCII: no invisible or
# bidirectional control characters, no look-alike letters, no emoji where a code is expected
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"  # an operation's key in its routing: 10, 20-A
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._@-]{1,63}$"  # as auth stores them: lower case


# the one way a decimal is written as a string, in requests and in answers: ASCII digits, an
# optional minus and fraction; no exponent, no "_" separators, no padding, no other digits
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
_DECIMAL = re.compile(DECIMAL_PATTERN)
NumberKind = Literal["integer", "decimal"]


def _number_kind(annotation: Any) -> NumberKind | None:
    """'integer' or 'decimal' when every non-null type the annotation allows is one, else None."""
    kinds: set[str] = set()
    pending = [annotation]
    while pending:
        t = pending.pop()
        origin = get_origin(t)
        if origin is Annotated:
            pending.append(get_args(t)[0])
        elif origin is Union or origin is types.UnionType:
            pending.extend(get_args(t))
        elif t is type(None):
            continue
        elif t is bool:
            return None
        elif t is int:
            kinds.add("integer")
        elif t in (Decimal, float):
            kinds.add("decimal")
        else:
            return None
    if len(kinds) == 1:
        return "integer" if "integer" in kinds else "decimal"
    return None


def _element_kind(field: FieldInfo) -> tuple[NumberKind | None, bool]:
    """The field's number kind, and whether it is a list of such numbers."""
    annotation = field.annotation
    kind = _number_kind(annotation)
    if kind is not None:
        return kind, False
    if get_origin(annotation) in (list, tuple, set, frozenset):
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        if len(args) == 1:
            return _number_kind(args[0]), True
    return None, False


def _strict_number(kind: NumberKind, value: Any) -> str | None:
    """Why `value` is not a number of this kind as JSON should write it, else None."""
    if isinstance(value, bool):
        return "true and false are not numbers"
    if kind == "integer" and isinstance(value, str):
        return "an integer is written as a JSON number, not a string"
    if kind == "decimal" and isinstance(value, str) and not _DECIMAL.match(value):
        return "a decimal string has ASCII digits, an optional minus and fraction, nothing else"
    return None


_NUMBER_FIELDS: dict[type, dict[str, tuple[NumberKind, bool]]] = {}


def _number_fields(cls: type[BaseModel]) -> dict[str, tuple[NumberKind, bool]]:
    found = _NUMBER_FIELDS.get(cls)
    if found is None:
        found = {}
        for name, field in cls.model_fields.items():
            kind, many = _element_kind(field)
            if kind is not None:
                found[field.alias or name] = (kind, many)
        _NUMBER_FIELDS[cls] = found
    return found


def _decimal_strings_patterned(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """States DECIMAL_PATTERN in the JSON schema of every decimal field (requests and answers)."""
    properties = schema.get("properties", {})
    for name, field in cls.model_fields.items():
        kind, _ = _element_kind(field)
        prop = properties.get(field.alias or name)
        if kind == "decimal" and isinstance(prop, dict):
            _pattern_strings(prop)


def _pattern_strings(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and "format" not in node:
            node.setdefault("pattern", DECIMAL_PATTERN)
        for value in node.values():
            _pattern_strings(value)
    elif isinstance(node, list):
        for value in node:
            _pattern_strings(value)


class Schema(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=False,
        from_attributes=True,
        json_schema_extra=_decimal_strings_patterned,
    )

    @model_validator(mode="before")
    @classmethod
    def _no_unstorable_text(cls, data: Any) -> Any:
        # refused as bad input here instead of failing later in the database or a hash
        bad = _unstorable(data)
        if bad == "\x00":
            raise ValueError("NUL characters are not allowed in text")
        if bad:
            raise ValueError("Unpaired UTF-16 surrogates are not allowed in text")
        if isinstance(data, dict):
            errors: list[InitErrorDetails] = []
            for key, (kind, many) in _number_fields(cls).items():
                if key not in data:
                    continue
                raw = data[key]
                located = list(enumerate(raw)) if many and isinstance(raw, list) else [(None, raw)]
                for index, value in located:
                    why = _strict_number(kind, value)
                    if why:
                        loc: tuple[str | int, ...] = (key,) if index is None else (key, index)
                        errors.append(
                            InitErrorDetails(
                                type=PydanticCustomError("strict_number", why), loc=loc, input=value
                            )
                        )
            if errors:
                raise ValidationError.from_exception_data(cls.__name__, errors)
        return data


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


TOTAL_HEADER = "X-Total-Count"
"""For a list answered as a bare JSON array (kept so for older callers): how many rows match the
filters over all pages, the `total` a `Page` would carry (ADR 44)."""

TOTAL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            TOTAL_HEADER: {
                "description": "Rows matching the filters over all pages",
                "schema": {"type": "integer"},
            }
        }
    }
}

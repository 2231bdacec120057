"""What a step's field accepts (pure: no database)."""

from typing import Any

import pytest

from mes.services.work_orders.errors import InvalidStepValue, ValueOutOfLimits
from mes.services.work_orders.models.steps import check_value, content_matches

TEMP: dict[str, Any] = {"code": "S2", "field": {"kind": "number", "unit": "°C", "min": "200", "max": "240"}}


def test_numbers_inside_their_limits_inclusive() -> None:
    assert check_value(TEMP, "200") == ("200", True)
    assert check_value(TEMP, " 240.0 ") == ("240.0", True)
    with pytest.raises(ValueOutOfLimits) as e:
        check_value(TEMP, "240.01")
    assert e.value.extra == {"step": "S2", "value": "240.01", "min": "200", "max": "240", "unit": "°C"}
    low_only = {"code": "S", "field": {"kind": "number", "min": "0"}}
    with pytest.raises(ValueOutOfLimits, match="at least 0"):
        check_value(low_only, "-1")
    for bad in ("warm", "NaN", "Infinity", "", True):
        with pytest.raises(InvalidStepValue):
            check_value(TEMP, bad)


def test_other_kinds() -> None:
    assert check_value({"code": "S", "field": None}, None) == (None, None)
    assert check_value({"code": "S", "field": {"kind": "pass_fail"}}, False) == (False, False)
    assert check_value({"code": "S", "field": {"kind": "choice", "choices": ["A", "B"]}}, "B") == ("B", None)
    assert check_value({"code": "S", "field": {"kind": "scan"}}, " MOULD-7 ") == ("MOULD-7", None)
    with pytest.raises(InvalidStepValue):
        check_value({"code": "S", "field": None}, "x")
    with pytest.raises(InvalidStepValue):
        check_value({"code": "S", "field": {"kind": "text", "max_length": 3}}, "four")


def test_attachments_must_be_what_they_declare() -> None:
    assert content_matches("application/pdf", b"%PDF-1.7\n")
    assert content_matches("image/webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    assert not content_matches("image/webp", b"RIFF\x00\x00\x00\x00WAVEfmt ")
    assert not content_matches("image/png", b"%PDF-1.7")
    assert not content_matches("text/html", b"<html>")

"""The naming rule of produced lots (pure: no database)."""

from datetime import date

import pytest

from mes.services.material.models import DEFAULT_LOT_PATTERN, gtin_problem, pattern_problem, render_lot_code

ON = date(2026, 12, 1)


def test_tokens_are_filled_and_seq_is_padded() -> None:
    assert render_lot_code(DEFAULT_LOT_PATTERN, "KIT-100", "WO-1", ON, 7) == "KIT-100-261201-0007"
    assert render_lot_code("SN-{wo}-{seq:3}", "PUMP", "WO-9", ON, 12) == "SN-WO-9-012"
    assert render_lot_code("{yyyy}/{MM}/{dd}-{item}-{seq:2}", "X", None, ON, 1) == "2026/12/01-X-01"
    # the counter's scope is the rendering without the number: a dated rule restarts each day
    assert render_lot_code(DEFAULT_LOT_PATTERN, "KIT-100", None, ON, None) == "KIT-100-261201-#"


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("{item}-{when}-{seq}", "unknown token {when}"),
        ("{item}-{yyMMdd}", "exactly once"),
        ("{seq}-{seq}", "exactly once"),
        ("LOT {seq}", "letters, digits"),
    ],
)
def test_bad_patterns_say_why(pattern: str, why: str) -> None:
    problem = pattern_problem(pattern)
    assert problem is not None and why in problem


def test_good_patterns_pass() -> None:
    assert pattern_problem(DEFAULT_LOT_PATTERN) is None
    assert pattern_problem("FG.{wo}.{seq:6}") is None


def test_gtin_check_digit() -> None:
    assert gtin_problem("04012345000092") is None
    assert "check digit" in (gtin_problem("04012345000093") or "")
    assert "14 digits" in (gtin_problem("4012345000092") or "")

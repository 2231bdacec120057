"""ISO 2859-1 single sampling checked cell by cell against published copies of the standard's tables.

Every cell of Table I (code letters) and of Tables II-A, II-B and II-C (normal, tightened, reduced:
Ac/Re, or the arrow to follow) is written out below as the standard prints it, and the module's
tables must give exactly that. Sources (the tables' values are data; no code was taken from them):

[P] cran/Planesmuestra (R package, data sets `code_letter`, `lot_size` and `milstd105eplans`, the
    MIL-STD-105E tables after Montgomery, Introduction to Statistical Quality Control, 5th ed., 2005):
    its Table I is identical to the one below, cell by cell. `milstd105eplans` gives for every code
    letter, AQL and severity the acceptance number to apply, arrows already followed (keeping the
    row's own sample size, which is why it is not used for sample sizes). Every one of the 416
    normal and 416 tightened cells of rows A to R below agrees with it: numbers where a plan is printed, and for an
    arrow the Ac of the plan the arrow leads to. That check found the three defects fixed with these
    tests (see ADR 41): R at AQL 0.015 normal points up (it pointed down, off the table, and raised);
    tightened from letter F down ends at 18/19 (the module gave 27/28 where II-B has an up arrow);
    tightened rows A and B point down at AQL 10, and the row S (n = 3150) under R carries the 1/2
    plan that R's down arrow at 0.025 leads to (the module raised there).
[Z] An open-source ANSI/ASQ Z1.4 calculator's transcription of Table II-A for AQL 0.065 to 15 (rows
    keyed by sample size, arrows as printed): the same symbols as below in all 208 cells it covers.
[C] pdfcoffee.com, "AQL sampling chart" (ANSI/ASQC Z1.4 / MIL-STD-105E / ISO 2859 Table I and II):
    Table I as below.
[J] Jenkins, Peck, Fernando, PLOS (2023), figure 22583454 on figshare: ISO 2859-1:1999 normal plans
    for lots of 35,001 to 150,000: S-4 at 0.65 -> 80, 1/2; S-3 at 0.65 -> 20, 0/1 (an up arrow);
    S-4 at 0.40 -> 125, 1/2 (a down arrow); S-3 at 0.40 -> 32, 0/1; S-4 at 0.25 -> 50, 0/1 (up);
    S-4 at 0.15 -> 80, 0/1. Tested below as published.
[R] aqlinspectorsrule.com FAQ: following an arrow takes the sample size of the plan it leads to as
    well; a sample size at or above the lot size means 100 % inspection.
Table II-C (reduced) is the reduced sample sizes with II-A's arrows and the reduced Ac/Re of
ANSI/ASQ Z1.4 / MIL-STD-105E (a gap between Ac and Re); no independent machine-readable copy of
II-C was found, so its cells were checked by hand against the pairs of the Z1.4 table only.

`v` is an arrow down (use the first plan below), `^` an arrow up (the first plan above).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from mes.services.quality.models import sampling as iso

A = Decimal
COLUMNS = [
    "0.010",
    "0.015",
    "0.025",
    "0.040",
    "0.065",
    "0.10",
    "0.15",
    "0.25",
    "0.40",
    "0.65",
    "1.0",
    "1.5",
    "2.5",
    "4.0",
    "6.5",
    "10",
    "15",
    "25",
    "40",
    "65",
    "100",
    "150",
    "250",
    "400",
    "650",
    "1000",
]

# Table I [P] [C]: lot size range, then the letter for S-1 S-2 S-3 S-4 I II III
TABLE_I = """
2       8  A A A A A A B
9      15  A A A A A B C
16     25  A A B B B C D
26     50  A B B C C D E
51     90  B B C C C E F
91    150  B B C D D F G
151   280  B C D E E G H
281   500  B C D E F H J
501  1200  C C E F G J K
1201 3200  C D E G H K L
3201 10000 C D F G J L M
10001 35000 C D F H K M N
35001 150000 D E G J L N P
150001 500000 D E G J M P Q
500001 -   D E H K N Q R
"""

# 0.010 0.015 0.025 0.040 0.065  0.10  0.15  0.25  0.40  0.65   1.0   1.5   2.5   4.0   6.5    10    15    25    40    65   100   150   250   400   650  1000
TABLE_II_A = """
A     v     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31
B     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45
C     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45     ^
D     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45     ^     ^
E     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22 30/31 44/45     ^     ^     ^
F     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^
G     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^
H     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^
J     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^
K     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
L     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
M     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
N     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
P     v   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
Q   0/1     ^     v   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
R     ^     ^   1/2   2/3   3/4   5/6   7/8 10/11 14/15 21/22     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
"""

# 0.010 0.015 0.025 0.040 0.065  0.10  0.15  0.25  0.40  0.65   1.0   1.5   2.5   4.0   6.5    10    15    25    40    65   100   150   250   400   650  1000
TABLE_II_B = """
A     v     v     v     v     v     v     v     v     v     v     v     v     v     v     v     v     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28
B     v     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     v     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28 41/42
C     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28 41/42     ^
D     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28 41/42     ^     ^
E     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19 27/28 41/42     ^     ^     ^
F     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^
G     v     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^
H     v     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^
J     v     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^
K     v     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
L     v     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
M     v     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
N     v     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
P     v     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
Q     v   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
R   0/1     ^     v   1/2   2/3   3/4   5/6   8/9 12/13 18/19     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
"""

# 0.010 0.015 0.025 0.040 0.065  0.10  0.15  0.25  0.40  0.65   1.0   1.5   2.5   4.0   6.5    10    15    25    40    65   100   150   250   400   650  1000
TABLE_II_C = """
A     v     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     v     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13 14/17
B     v     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13 14/17 21/24
C     v     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13 14/17 21/24     ^
D     v     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13 14/17 21/24     ^     ^
E     v     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13 14/17 21/24     ^     ^     ^
F     v     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^
G     v     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^
H     v     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^
J     v     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^
K     v     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
L     v     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
M     v     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
N     v     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
P     v   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
Q   0/1     ^     v   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
R     ^     ^   0/2   1/3   1/4   2/5   3/6   5/8  7/10 10/13     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^
"""

SAMPLE_SIZES = {
    # code letter: normal and tightened n, reduced n (Tables II-A/II-B and II-C, first columns)
    "A": (2, 2), "B": (3, 2), "C": (5, 2), "D": (8, 3), "E": (13, 5), "F": (20, 8), "G": (32, 13),
    "H": (50, 20), "J": (80, 32), "K": (125, 50), "L": (200, 80), "M": (315, 125), "N": (500, 200),
    "P": (800, 315), "Q": (1250, 500), "R": (2000, 800),
}  # fmt: skip


def _cells(table: str) -> list[tuple[str, str, str]]:
    out = []
    for line in table.strip().splitlines():
        letter, *symbols = line.split()
        assert len(symbols) == len(COLUMNS), letter
        out += [(letter, aql, symbol) for aql, symbol in zip(COLUMNS, symbols, strict=True)]
    return out


def _symbol(cell: iso.Cell) -> str:
    if isinstance(cell, str):
        return {iso.DOWN: "v", iso.UP: "^"}[cell]
    return f"{cell[0]}/{cell[1]}"


def test_table_i_every_cell_at_both_ends_of_every_lot_size_range() -> None:
    rows = [line.split() for line in TABLE_I.strip().splitlines()]
    assert len(rows) == 15
    for low, high, *letters in rows:
        for lot in (int(low), int(high) if high != "-" else 10_000_000):
            got = [iso.code_letter(lot, level) for level in iso.LEVELS]
            assert got == letters, (lot, got, letters)


@pytest.mark.parametrize(
    ("severity", "table"), [("normal", TABLE_II_A), ("tightened", TABLE_II_B), ("reduced", TABLE_II_C)]
)
def test_tables_ii_every_cell(severity: str, table: str) -> None:
    cells = _cells(table)
    assert len(cells) == 16 * 26
    wrong = [
        (letter, aql, symbol, _symbol(iso.table_cell(severity, letter, A(aql))))
        for letter, aql, symbol in cells
        if _symbol(iso.table_cell(severity, letter, A(aql))) != symbol
    ]
    assert wrong == []


def test_sample_sizes_of_every_code_letter() -> None:
    for letter, (n, reduced) in SAMPLE_SIZES.items():
        assert (iso.SAMPLE_SIZE[letter], iso.REDUCED_SAMPLE_SIZE[letter]) == (n, reduced)
    assert iso.TIGHTENED_SAMPLE_SIZE["S"] == 3150  # Table II-B's extra row


@pytest.mark.parametrize("severity", ["normal", "tightened", "reduced"])
def test_every_letter_and_aql_reaches_a_plan(severity: str) -> None:
    """From every lot size range, level and AQL the arrows end on a printed plan: none raises."""
    for row in TABLE_I.strip().splitlines():
        lot = int(row.split()[0])
        for level in iso.LEVELS:
            for aql in COLUMNS:
                p = iso.plan(max(lot, 2), level, A(aql), severity)
                assert p.re > p.ac >= 0 and 1 <= p.sample_size <= max(lot, 2)


# (lot size, level, AQL, severity) -> (letter used, n, Ac, Re, 100 %), read off the tables above
PLANS = [
    # [J] ISO 2859-1:1999, lots of 35,001-150,000, normal inspection
    (100_000, "S-4", "0.65", "normal", "J", 80, 1, 2, False),
    (100_000, "S-3", "0.65", "normal", "F", 20, 0, 1, False),  # G points up
    (100_000, "S-4", "0.40", "normal", "K", 125, 1, 2, False),  # J points down
    (100_000, "S-3", "0.40", "normal", "G", 32, 0, 1, False),
    (100_000, "S-4", "0.25", "normal", "H", 50, 0, 1, False),  # J points up
    (100_000, "S-4", "0.15", "normal", "J", 80, 0, 1, False),
    # normal, general levels
    (1000, "II", "2.5", "normal", "J", 80, 5, 6, False),
    (1000, "I", "1.0", "normal", "H", 50, 1, 2, False),  # G points down
    (2000, "III", "0.65", "normal", "L", 200, 3, 4, False),
    (100, "II", "1.0", "normal", "E", 13, 0, 1, False),  # F points up
    (200, "II", "0.25", "normal", "H", 50, 0, 1, False),  # G points down
    (5, "II", "1000", "normal", "A", 2, 30, 31, False),
    (40, "II", "400", "normal", "D", 8, 44, 45, False),
    (100, "II", "150", "normal", "E", 13, 30, 31, False),  # F points up to E's 30/31
    (600_000, "III", "0.015", "normal", "P", 800, 0, 1, False),  # R and Q point up (was an error)
    (600_000, "III", "0.010", "normal", "Q", 1250, 0, 1, False),
    (50, "II", "0.10", "normal", "K", 50, 0, 1, True),  # down to n 125 >= lot 50: 100 %
    (10, "II", "0.65", "normal", "F", 10, 0, 1, True),  # B points down to F (20) > lot 10
    # tightened
    (1000, "II", "2.5", "tightened", "J", 80, 3, 4, False),
    (3000, "II", "1.0", "tightened", "K", 125, 2, 3, False),
    (3000, "II", "10", "tightened", "K", 125, 18, 19, False),
    (3000, "II", "15", "tightened", "J", 80, 18, 19, False),  # K points up: from F down II-B ends at 18/19
    (20, "II", "650", "tightened", "C", 5, 41, 42, False),
    (1000, "II", "0.65", "tightened", "K", 125, 1, 2, False),  # J points down
    (600_000, "III", "0.025", "tightened", "S", 3150, 1, 2, False),  # R points down to S
    (600_000, "III", "0.010", "tightened", "R", 2000, 0, 1, False),
    (5, "II", "10", "tightened", "D", 5, 1, 2, True),  # A, B, C point down to D (8) > lot 5
    (8, "II", "6.5", "tightened", "B", 3, 0, 1, False),  # A points down to B's 0/1
    # reduced
    (1000, "II", "2.5", "reduced", "J", 32, 2, 5, False),
    (3000, "II", "1.0", "reduced", "K", 50, 1, 4, False),
    (3000, "II", "10", "reduced", "K", 50, 10, 13, False),
    (100, "II", "1.0", "reduced", "E", 5, 0, 1, False),  # F points up
    (5, "II", "1000", "reduced", "A", 2, 14, 17, False),
    (600_000, "III", "0.015", "reduced", "P", 315, 0, 1, False),
    (20, "II", "0.10", "reduced", "K", 20, 0, 1, True),  # down to K (50) > lot 20
]


@pytest.mark.parametrize(("lot", "level", "aql", "severity", "letter", "n", "ac", "re", "full"), PLANS)
def test_plans_for_lots(
    lot: int, level: str, aql: str, severity: str, letter: str, n: int, ac: int, re: int, full: bool
) -> None:
    p = iso.plan(lot, level, A(aql), severity)
    assert (p.letter, p.sample_size, p.ac, p.re, p.hundred_percent) == (letter, n, ac, re, full)


# ----------------------------------------------------------------------------- switching rules (clause 9)
def _lots(results: list[bool], state: iso.SwitchingState | None = None) -> iso.SwitchingState:
    """Lots of 1000 at level II, AQL 2.5 (J: normal 80 5/6, tightened 80 3/4); True = accepted."""
    s = state or iso.SwitchingState()
    for accepted in results:
        p = iso.plan(1000, "II", A("2.5"), iso.drawing_severity(s))
        s = iso.record_lot(s, p, 0 if accepted else p.re, tighter_ac=iso.tighter_ac(p, A("2.5")))
    return s


def test_two_of_five_consecutive_lots_not_accepted_tighten_and_five_accepted_restore_normal() -> None:
    s = _lots([True, False, True, True])
    assert s.severity == "normal"
    s = _lots([False], s)  # the 2nd non-accepted lot within 5 consecutive lots (lots 2 and 5)
    assert s.severity == "tightened"
    assert iso.plan(1000, "II", A("2.5"), s.severity).ac == 3
    s = _lots([True] * 4, s)
    assert s.severity == "tightened"
    s = _lots([True], s)  # 5 consecutive accepted on tightened
    assert s.severity == "normal"


def test_lots_six_apart_do_not_tighten() -> None:
    assert _lots([False, True, True, True, True, False]).severity == "normal"


def test_five_lots_not_accepted_on_tightened_discontinue_and_lots_are_then_drawn_tightened() -> None:
    s = _lots([False, False])
    assert s.severity == "tightened"
    s = _lots([False, True, False, True, False, True, False], s)  # 4 not accepted, never 5 in a row accepted
    assert s.severity == "tightened"
    s = _lots([False], s)
    assert s.severity == "discontinued"
    # 9.4: inspection resumes at tightened, so a lot drawn meanwhile is drawn from Table II-B
    assert iso.drawing_severity(s) == "tightened"
    assert iso.plan(1000, "II", A("2.5"), iso.drawing_severity(s)).ac == 3


def test_switching_score_reaches_30_then_reduced_only_with_approval() -> None:
    # J at 2.5 is 5/6 (Ac >= 2): +3 per lot accepted that would also pass at 1.5 (J: 3/4)
    p = iso.plan(1000, "II", A("2.5"))
    assert iso.tighter_ac(p, A("2.5")) == 3
    s = iso.SwitchingState()
    for _ in range(9):
        s = iso.record_lot(s, p, 3, tighter_ac=3, reduced_approved=True)
    assert (s.severity, s.switching_score) == ("normal", 27)
    s = iso.record_lot(s, p, 4, tighter_ac=3, reduced_approved=True)  # accepted, but not at 1.5: reset
    assert (s.severity, s.switching_score) == ("normal", 0)
    for _ in range(10):
        s = iso.record_lot(s, p, 0, tighter_ac=3)  # score 30, no approval: stays normal
    assert (s.severity, s.switching_score) == ("normal", 30)
    s = iso.record_lot(s, p, 0, tighter_ac=3, reduced_approved=True)
    assert s.severity == "reduced"
    # an Ac <= 1 plan scores 2 per accepted lot: 15 lots
    q = iso.plan(1000, "II", A("0.65"))  # J 1/2
    s = iso.SwitchingState()
    for _ in range(14):
        s = iso.record_lot(s, q, 1, reduced_approved=True)
    assert (s.severity, s.switching_score) == ("normal", 28)
    assert iso.record_lot(s, q, 1, reduced_approved=True).severity == "reduced"


def test_the_tighter_acceptance_number_is_read_on_the_row_of_the_plan_used() -> None:
    # lot 100 at level II is F; at AQL 100 F points up to E (n 13, 21/22). One step tighter (65) the
    # same 13 units would be judged by E's 14/15, not by F's 21/22 at 65 (another sample size).
    p = iso.plan(100, "II", A("100"))
    assert (p.letter, p.sample_size, p.ac) == ("E", 13, 21)
    assert iso.tighter_ac(p, A("100")) == 14
    assert iso.tighter_ac(iso.plan(1000, "II", A("0.010")), A("0.010")) is None  # no tighter column


def test_reduced_returns_to_normal_on_a_lot_not_accepted_or_between_ac_and_re() -> None:
    s = iso.SwitchingState(severity="reduced")
    p = iso.plan(1000, "II", A("2.5"), "reduced")  # J reduced: 32, 2/5
    assert iso.record_lot(s, p, 2).severity == "reduced"
    assert iso.record_lot(s, p, 3).severity == "normal"  # accepted (3 < Re 5) but above Ac
    assert iso.record_lot(s, p, 5).severity == "normal"
    assert iso.record_lot(s, p, 0, steady_production=False).severity == "normal"

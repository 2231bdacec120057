"""ISO 2859-1 (ANSI/ASQ Z1.4, MIL-STD-105E) single sampling plans and the switching rules.

The tables are data: Table I (code letters), and the Ac/Re grid of Tables II-A (normal),
II-B (tightened) and II-C (reduced) with their arrows. The grid is written the way the standard
lays it out: along a row the plans step through a fixed sequence, and moving one letter down
moves the sequence one AQL column left, so one row of symbols plus the row offset gives every
cell. An arrow means "use the first plan below (or above) the arrow", taking that plan's sample
size as well as its Ac/Re. A sample size at or above the lot size means 100 % inspection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
LETTERS = "ABCDEFGHJKLMNPQR"
SAMPLE_SIZE = dict(
    zip(LETTERS, (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000), strict=True)
)
REDUCED_SAMPLE_SIZE = dict(
    zip(LETTERS, (2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800), strict=True)
)
AQLS = tuple(
    Decimal(a)
    for a in (
        "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65",
        "1.0", "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250",
        "400", "650", "1000",
    )
)  # fmt: skip

# Table I: upper bound of each lot-size class, then the letter for S-1 S-2 S-3 S-4 I II III
TABLE_I: tuple[tuple[int | None, str], ...] = (
    (8, "AAAAAAB"),
    (15, "AAAAABC"),
    (25, "AABBBCD"),
    (50, "ABBCCDE"),
    (90, "BBCCCEF"),
    (150, "BBCDDFG"),
    (280, "BCDEEGH"),
    (500, "BCDEFHJ"),
    (1200, "CCEFGJK"),
    (3200, "CDEGHKL"),
    (10000, "CDFGJLM"),
    (35000, "CDFHKMN"),
    (150000, "DEGJLNP"),
    (500000, "DEGJMPQ"),
    (None, "DEHKNQR"),
)

DOWN, UP = "down", "up"
Cell = tuple[int, int] | str
# Table II-A along a row, starting at the cell where Ac=0 first appears (letter A at AQL 6.5);
# before it every cell points down, after it (past the last plan) every cell points up.
_NORMAL: tuple[Cell, ...] = (
    (0, 1),
    UP,
    DOWN,
    (1, 2),
    (2, 3),
    (3, 4),
    (5, 6),
    (7, 8),
    (10, 11),
    (14, 15),
    (21, 22),
    (30, 31),
    (44, 45),
)
# From letter F down, the standard stops at Ac 21 (the 30/31 and 44/45 plans exist only for A-E).
_NORMAL_LAST_FROM_F = 10
# Table II-B (tightened): Table II-A one AQL column to the right, with these numbers (see tightened_cell).
_TIGHTENED_NUMBERS = {
    (0, 1): (0, 1), (1, 2): (1, 2), (2, 3): (2, 3), (3, 4): (3, 4), (5, 6): (5, 6), (7, 8): (8, 9),
    (10, 11): (12, 13), (14, 15): (18, 19), (21, 22): (27, 28), (30, 31): (41, 42),
}  # fmt: skip
# Table II-C (reduced): the reduced sample (about 2/5 of normal) with Ac about 2/5 of normal's and
# a gap between Ac and Re (a lot between them is accepted but inspection returns to normal).
_REDUCED_NUMBERS = {
    (0, 1): (0, 1), (1, 2): (0, 2), (2, 3): (1, 3), (3, 4): (1, 4), (5, 6): (2, 5), (7, 8): (3, 6),
    (10, 11): (5, 8), (14, 15): (7, 10), (21, 22): (10, 13), (30, 31): (14, 17), (44, 45): (21, 24),
}  # fmt: skip
_FIRST = AQLS.index(Decimal("6.5"))  # column of letter A's Ac=0 plan
# Table II-B adds a letter below R: S, n = 3150, reached only by the arrow down at R / AQL 0.025.
TIGHTENED_LETTERS = LETTERS + "S"
TIGHTENED_SAMPLE_SIZE = SAMPLE_SIZE | {"S": 3150}
_F = LETTERS.index("F")


class SamplingError(ValueError):
    pass


def code_letter(lot_size: int, level: str) -> str:
    if lot_size < 2:
        raise SamplingError("a lot needs at least 2 units for sampling")
    if level not in LEVELS:
        raise SamplingError(f"inspection level must be one of {', '.join(LEVELS)}")
    for upper, letters in TABLE_I:
        if upper is None or lot_size <= upper:
            return letters[LEVELS.index(level)]
    raise AssertionError("unreachable")


def _aql_column(aql: Decimal) -> int:
    try:
        return AQLS.index(aql)
    except ValueError:
        raise SamplingError(f"AQL {aql} is not one of the standard's preferred values") from None


def _diagonal(row: int, col: int) -> Cell:
    """The symbol of Table II-A's pattern at (row, column), before the edges of the table."""
    k = col - (_FIRST - row)
    if k < 0:
        return DOWN
    if k >= len(_NORMAL) or (row >= _F and k > _NORMAL_LAST_FROM_F):
        return UP
    return _NORMAL[k]


def normal_cell(letter: str, aql: Decimal) -> Cell:
    """The symbol printed in Table II-A at (letter, AQL)."""
    row, col = LETTERS.index(letter), _aql_column(aql)
    cell = _diagonal(row, col)
    if cell == UP and row == 0:  # nothing above the first row: the standard points down there
        return DOWN
    if cell == DOWN and row == len(LETTERS) - 1:
        # nothing below R (R at 0.015): the standard points up, to P's 0/1 plan through Q's arrow
        return UP
    return cell


def tightened_cell(letter: str, aql: Decimal) -> Cell:
    """The symbol printed in Table II-B at (letter, AQL): Table II-A's pattern one AQL column to the
    right, with the tightened numbers; from letter F down the last plan is 18/19 (II-A's 21/22 place
    is an arrow up); row A has no 0/1 plan (A and B point down at AQL 10); S is the row below R."""
    row, col = TIGHTENED_LETTERS.index(letter), _aql_column(aql)
    if row < 2 and AQLS[col] == Decimal("10"):
        return DOWN
    cell = _diagonal(row, col - 1)
    if cell == UP and row == 0:
        return DOWN
    if isinstance(cell, str):
        return cell
    if row >= _F and cell == (21, 22):
        return UP
    return _TIGHTENED_NUMBERS.get(cell, UP)


def table_cell(severity: str, letter: str, aql: Decimal) -> Cell:
    """The symbol of Table II-A, II-B or II-C (`normal`, `tightened`, `reduced`)."""
    if severity == "normal":
        return normal_cell(letter, aql)
    if severity == "tightened":
        return tightened_cell(letter, aql)
    if severity == "reduced":
        cell = normal_cell(letter, aql)
        return cell if isinstance(cell, str) else _REDUCED_NUMBERS[cell]
    raise SamplingError(f"unknown severity {severity}")


@dataclass(frozen=True)
class Plan:
    severity: str
    table_letter: str  # the letter Table I gave
    letter: str  # the letter whose plan is used after following arrows
    sample_size: int
    ac: int
    re: int
    hundred_percent: bool


def plan(lot_size: int, level: str, aql: Decimal, severity: str = "normal") -> Plan:
    """The plan for a lot: Table I's letter, then the arrows of the severity's table followed to the
    first plan, whose sample size is used as well as its Ac/Re (100 % when it reaches the lot)."""
    first = code_letter(lot_size, level)
    letters = TIGHTENED_LETTERS if severity == "tightened" else LETTERS
    row = letters.index(first)
    seen = 0
    while True:
        cell = table_cell(severity, letters[row], aql)
        if not isinstance(cell, str):
            break
        row += 1 if cell == DOWN else -1
        seen += 1
        if not 0 <= row < len(letters) or seen > len(letters):
            raise SamplingError(f"no {severity} plan for AQL {aql} at letter {first}")
    letter = letters[row]
    sizes = {"reduced": REDUCED_SAMPLE_SIZE, "tightened": TIGHTENED_SAMPLE_SIZE}.get(severity, SAMPLE_SIZE)
    n = sizes[letter]
    ac, re = cell
    return Plan(severity, first, letter, min(n, lot_size), ac, re, n >= lot_size)


# ----------------------------------------------------------------------------- switching rules
SEVERITIES = ("normal", "tightened", "reduced", "discontinued")


@dataclass
class SwitchingState:
    """What the switching rules remember per supplier and item (ISO 2859-1 clause 9)."""

    severity: str = "normal"
    recent: list[bool] = field(default_factory=list)  # acceptance of the last lots, newest last
    accepted_in_row: int = 0
    rejected_on_tightened: int = 0  # lots not accepted since tightened began
    switching_score: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "recent": self.recent,
            "accepted_in_row": self.accepted_in_row,
            "rejected_on_tightened": self.rejected_on_tightened,
            "switching_score": self.switching_score,
        }

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> SwitchingState:
        return cls(
            severity=str(d.get("severity", "normal")),
            recent=[bool(x) for x in d.get("recent", [])],  # type: ignore[attr-defined]
            accepted_in_row=int(d.get("accepted_in_row", 0)),  # type: ignore[call-overload]
            rejected_on_tightened=int(d.get("rejected_on_tightened", 0)),  # type: ignore[call-overload]
            switching_score=int(d.get("switching_score", 0)),  # type: ignore[call-overload]
        )


def judge(p: Plan, nonconforming: int) -> bool:
    """Accepted when the count is at most Ac. On reduced inspection a count between Ac and Re
    accepts the lot too (and sends inspection back to normal; see `record_lot`)."""
    return nonconforming < p.re if p.severity == "reduced" else nonconforming <= p.ac


def record_lot(
    state: SwitchingState,
    p: Plan,
    nonconforming: int,
    *,
    tighter_ac: int | None = None,
    steady_production: bool = True,
    reduced_approved: bool = False,
) -> SwitchingState:
    """The state after one lot's result on original inspection.

    - normal -> tightened: 2 of 5 or fewer consecutive lots not accepted;
    - tightened -> normal: 5 consecutive lots accepted;
    - tightened -> discontinued: 5 lots not accepted while on tightened;
    - normal -> reduced: switching score at least 30, production steady and approved by the
      responsible authority (`reduced_approved`). The score adds 2 per accepted lot when Ac <= 1,
      else 3 when the lot would also pass at the next tighter AQL (`tighter_ac`); any other
      result resets it to 0;
    - reduced -> normal: a lot not accepted, a lot accepted with Ac < count < Re, or irregular
      production.
    """
    accepted = judge(p, nonconforming)
    s = SwitchingState(
        state.severity, [*state.recent, accepted][-5:], state.accepted_in_row, state.rejected_on_tightened,
        state.switching_score,
    )  # fmt: skip
    s.accepted_in_row = s.accepted_in_row + 1 if accepted else 0
    if s.severity == "normal":
        if accepted and p.ac <= 1:
            s.switching_score += 2
        elif accepted and tighter_ac is not None and nonconforming <= tighter_ac:
            s.switching_score += 3
        else:
            s.switching_score = 0
        if s.recent.count(False) >= 2:
            s.severity, s.recent, s.accepted_in_row, s.rejected_on_tightened = "tightened", [], 0, 0
            s.switching_score = 0
        elif s.switching_score >= 30 and steady_production and reduced_approved:
            s.severity, s.recent, s.switching_score = "reduced", [], 0
    elif s.severity == "tightened":
        if not accepted:
            s.rejected_on_tightened += 1
        if s.rejected_on_tightened >= 5:
            s.severity = "discontinued"
        elif s.accepted_in_row >= 5:
            s.severity, s.recent, s.accepted_in_row, s.switching_score = "normal", [], 0, 0
    elif s.severity == "reduced" and (not accepted or nonconforming > p.ac or not steady_production):
        s.severity, s.recent, s.accepted_in_row, s.switching_score = "normal", [], 0, 0
    return s


def tighter_aql(aql: Decimal) -> Decimal | None:
    i = _aql_column(aql)
    return AQLS[i - 1] if i > 0 else None


def tighter_ac(p: Plan, aql: Decimal) -> int | None:
    """For the switching score (ISO 2859-1:1999 9.3.3.2 a): the acceptance number the same sample
    would have had one AQL step tighter, read in Table II-A on the row of the plan used (not from the
    lot's letter again, whose arrows may lead to another sample size). None when there is no such
    column or the cell there is an arrow (only possible for plans with Ac <= 1, scored by rule b)."""
    tighter = tighter_aql(aql)
    if tighter is None or p.letter not in LETTERS:
        return None
    cell = normal_cell(p.letter, tighter)
    return None if isinstance(cell, str) else cell[0]


def drawing_severity(state: SwitchingState) -> str:
    """The table a new lot is drawn from: the state's severity; while acceptance is discontinued
    (ISO 2859-1 9.4) lots are drawn at tightened, the severity inspection resumes at."""
    return "tightened" if state.severity == "discontinued" else state.severity

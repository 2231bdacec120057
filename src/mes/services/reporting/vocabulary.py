"""The words of the reporting service, once: ISO 22400 time elements, the grains and groupings of
a report, where a count came from (ADR 35).

The read models and the API's schemas take these types, so mypy (strict: `strict_equality`)
refuses a word that is not one of them. The events it reads carry plain strings
(`mes.contracts`): a state or element it doesn't know is counted by `element_of`, never refused.
"""

from __future__ import annotations

from typing import Literal, get_args

# ISO 22400-2 time elements: actual production, unit setup, delay, unplanned down, planned down
TimeElement = Literal["APT", "AUST", "ADET", "ADOT", "PDOT"]
TIME_ELEMENTS: tuple[TimeElement, ...] = get_args(TimeElement)
# how a report is cut in time, and what its rows are
Grain = Literal["total", "shift", "day", "week", "month"]
Group = Literal["scope", "children", "equipment"]
LabourBy = Literal["work_center", "equipment", "operator"]
ParetoBy = Literal["reason", "equipment"]
ExportFormat = Literal["json", "csv"]
# who counted the quantity of an hour: an operator's yield report or a machine counter
CountSource = Literal["operator", "machine"]

# what a state counts to when its event doesn't say (resource's own mapping)
ELEMENT_OF_STATE: dict[str, TimeElement] = {
    "running": "APT",
    "idle": "ADET",
    "setup": "AUST",
    "down": "ADOT",
    "planned_stop": "PDOT",
    "maintenance": "PDOT",
    "offline": "PDOT",
}


def element_of(announced: str | None, state: str) -> TimeElement:
    """The element a state event counts to: the one it announces when it is one of ISO 22400's,
    else its state's (an unknown state is a delay, ADET, until someone classifies it)."""
    for element in TIME_ELEMENTS:
        if announced == element:
            return element
    return ELEMENT_OF_STATE.get(state, "ADET")

"""The words of the quality service, once: plan, characteristic, task, NCR and CAPA states and
kinds, dispositions, charts, rules, inspection levels and AQLs (ADR 35).

Models, schemas and use cases take these types, so mypy (strict: `strict_equality`) refuses a
word that is not one of them. Events carry them as plain strings (`mes.contracts.quality`): a
value added here later is a new string on the wire, not a refusal by an older consumer.
"""

from __future__ import annotations

from typing import Literal, get_args

PlanKind = Literal["incoming", "in_process", "final"]
PlanStatus = Literal["draft", "released", "superseded"]
CharKind = Literal["variable", "attribute", "defects"]
TaskStatus = Literal["due", "passed", "failed", "waived"]
NcrStatus = Literal["open", "dispositioned", "closed"]
Disposition = Literal["use_as_is", "rework", "scrap", "return_to_supplier", "partial"]
CapaStatus = Literal["open", "closed"]
# what an every-n or every-t sampling point counts (ADR 41)
SamplingTrigger = Literal["parts", "minutes"]
Chart = Literal["imr", "xbar_r", "xbar_s", "p", "u"]
# Western Electric rules 1-4 and Nelson rules 5-8
Rule = Literal["1", "2", "3", "4", "5", "6", "7", "8"]
# ISO 2859-1 inspection levels and the AQLs of its tables
Level = Literal["S-1", "S-2", "S-3", "S-4", "I", "II", "III"]
Aql = Literal[
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0",
    "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
]  # fmt: skip

PLAN_KINDS: tuple[PlanKind, ...] = get_args(PlanKind)
PLAN_STATUSES: tuple[PlanStatus, ...] = get_args(PlanStatus)
CHAR_KINDS: tuple[CharKind, ...] = get_args(CharKind)
TASK_STATUSES: tuple[TaskStatus, ...] = get_args(TaskStatus)
NCR_STATUSES: tuple[NcrStatus, ...] = get_args(NcrStatus)
DISPOSITIONS: tuple[Disposition, ...] = get_args(Disposition)
CAPA_STATUSES: tuple[CapaStatus, ...] = get_args(CapaStatus)
SAMPLING_TRIGGERS: tuple[SamplingTrigger, ...] = get_args(SamplingTrigger)
DEFAULT_RULES: tuple[Rule, ...] = ("1", "2", "3", "4")

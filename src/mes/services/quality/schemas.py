"""Pydantic I/O of the quality service; every string, number and array is bounded."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from mes.platform.schemas import Page, Quantity, Schema
from mes.services.quality.vocabulary import (
    DEFAULT_RULES,
    Aql,
    CharKind,
    Chart,
    Disposition,
    Level,
    PlanKind,
    Rule,
    TaskStatus,
)

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
# calibration and due dates of this century: date arithmetic never leaves the calendar
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Spec = Annotated[Decimal, Field(ge=Decimal("-1e9"), le=Decimal("1e9"), max_digits=18, decimal_places=6)]
Measured = Annotated[float, Field(ge=-1e9, le=1e9, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


class DefectCodeCreate(Schema):
    code: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Z0-9][A-Z0-9_-]*$")]
    name: Name
    site: Code | None = None


class DefectCodeRead(Schema):
    code: str
    name: str
    site: str | None


class GaugeCreate(Schema):
    code: Code
    name: Name
    interval_days: Annotated[int, Field(ge=1, le=3650)]
    calibrated_on: Day | None = None
    due_on: Day | None = None  # default: calibrated_on + interval; required without calibrated_on

    @model_validator(mode="after")
    def _due(self) -> GaugeCreate:
        if self.due_on is None and self.calibrated_on is None:
            raise ValueError("give calibrated_on or due_on")
        return self


class GaugeCalibration(Schema):
    calibrated_on: Day


class GaugeRead(Schema):
    code: str
    name: str
    interval_days: int
    calibrated_on: date | None
    due_on: date
    overdue: bool


class Sampling(Schema):
    """How many units a task inspects: ISO 2859-1 single sampling, or n per lot (default 1)."""

    method: Literal["iso2859", "n_per_lot"] = "n_per_lot"
    n: Annotated[int, Field(ge=1, le=10_000)] = 1
    # in-process: a first-piece task when the operation starts; false for patrol inspections
    # that the quality engineer schedules by hand
    on_start: bool = True
    aql: Aql | None = None
    level: Level = "II"
    # in-process frequency (ADR 41): a task each time the operation's reported good + scrap crosses
    # a multiple of every_n_parts, and one each every_t_minutes of the operation running (pauses
    # excluded), counted from its start; either, both or neither, besides the first piece
    every_n_parts: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    every_t_minutes: Annotated[int, Field(ge=1, le=10_080)] | None = None

    @model_validator(mode="after")
    def _aql(self) -> Sampling:
        if self.method == "iso2859" and self.aql is None:
            raise ValueError("ISO 2859-1 sampling needs an AQL")
        return self


class CharacteristicIn(Schema):
    code: Code
    name: Name
    kind: CharKind
    nominal: Spec | None = None
    lsl: Spec | None = None
    usl: Spec | None = None
    unit: Annotated[str, Field(min_length=1, max_length=16)] | None = None
    decimals: Annotated[int, Field(ge=0, le=6)] = 3
    chart: Chart | None = None  # default: imr for variables with subgroup 1, xbar_r above, p, u
    subgroup_size: Annotated[int, Field(ge=1, le=25)] = 1
    rules: Annotated[list[Rule], Field(max_length=8)] = Field(default_factory=lambda: list(DEFAULT_RULES))
    rule_runs: Annotated[
        dict[Literal["4", "5", "6", "7", "8"], Annotated[int, Field(ge=2, le=30)]], Field(max_length=5)
    ] = Field(default_factory=dict)
    gauge_required: bool = True
    defect_codes: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=32)]], Field(max_length=100)
    ] = Field(default_factory=list)
    max_defects: Annotated[int, Field(ge=0, le=10_000)] = 0

    @model_validator(mode="after")
    def _consistent(self) -> CharacteristicIn:
        if self.kind == "variable":
            if self.lsl is None and self.usl is None:
                raise ValueError("a variable characteristic needs a lower or upper specification limit")
            if self.lsl is not None and self.usl is not None and self.lsl >= self.usl:
                raise ValueError("lsl must be below usl")
            if self.chart in ("p", "u"):
                raise ValueError("a variable characteristic is charted imr, xbar_r or xbar_s")
            if self.chart in ("xbar_r", "xbar_s") and self.subgroup_size < 2:
                raise ValueError("an X-bar chart needs a subgroup size of at least 2")
        elif self.kind == "attribute" and self.chart not in (None, "p"):
            raise ValueError("an attribute characteristic is charted as a p chart")
        elif self.kind == "defects" and self.chart not in (None, "u"):
            raise ValueError("defect counts are charted as a u chart")
        return self


class PlanCreate(Schema):
    code: Code
    kind: PlanKind
    item: Code
    operation: Code | None = None  # the routing operation key, for in-process plans
    sampling: Sampling = Field(default_factory=Sampling)
    characteristics: Annotated[list[CharacteristicIn], Field(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def _operation(self) -> PlanCreate:
        if self.kind == "in_process" and self.operation is None:
            raise ValueError("an in-process plan names its routing operation")
        if self.kind != "in_process" and (
            self.sampling.every_n_parts is not None or self.sampling.every_t_minutes is not None
        ):
            raise ValueError("every_n_parts and every_t_minutes are for in-process plans only")
        if self.sampling.method == "iso2859" and (
            self.sampling.every_n_parts is not None or self.sampling.every_t_minutes is not None
        ):
            raise ValueError(
                "every_n_parts and every_t_minutes take n units a task (n_per_lot), not ISO 2859-1"
            )
        if len({c.code for c in self.characteristics}) != len(self.characteristics):
            raise ValueError("characteristic codes must be unique within a plan")
        return self


class CharacteristicRead(Schema):
    id: uuid.UUID
    code: str
    name: str
    kind: CharKind
    nominal: Quantity | None
    lsl: Quantity | None
    usl: Quantity | None
    unit: str | None
    decimals: int
    chart: str | None
    subgroup_size: int
    rules: list[str]
    rule_runs: dict[str, int]
    gauge_required: bool
    defect_codes: list[str]
    max_defects: int


class PlanRead(Schema):
    id: uuid.UUID
    code: str
    version: int
    kind: PlanKind
    item: str
    operation: str | None
    status: str
    sampling: dict[str, Any]
    created_by: str
    created_at: datetime
    released_at: datetime | None
    characteristics: list[CharacteristicRead]


PlanPage = Page[PlanRead]


class TaskCreate(Schema):
    plan: Code
    lot_code: Code | None = None
    serial: Code | None = None
    lot_size: Annotated[int, Field(ge=1, le=100_000_000)] | None = None
    supplier: Name | None = None
    work_order: Code | None = None
    operation: Code | None = None
    equipment: Code | None = None


class TaskRead(Schema):
    number: str
    plan: str
    plan_version: int
    kind: str
    status: TaskStatus
    source: str
    item: str
    lot_code: str | None
    serial: str | None
    supplier: str | None
    lot_size: int | None
    sampling: dict[str, Any]
    work_order: str | None
    operation: str | None
    equipment: str | None
    created_at: datetime
    due_at: datetime
    overdue: bool
    closed_at: datetime | None
    closed_by: str | None
    waiver_reason: str | None
    ncr: str | None
    characteristics: list[CharacteristicRead]


TaskPage = Page[TaskRead]


class ResultIn(Schema):
    characteristic: Code
    values: Annotated[list[Measured], Field(max_length=25)] = Field(default_factory=list)
    passed: bool | None = None  # attribute: the judgement of the unit (or the whole sample)
    nonconforming: Count | None = None  # attribute on a sample: units that failed
    defects: Annotated[
        dict[Annotated[str, Field(min_length=1, max_length=32)], Count], Field(max_length=100)
    ] = Field(default_factory=dict)


class ResultsRecord(Schema):
    results: Annotated[list[ResultIn], Field(min_length=1, max_length=100)]
    gauge: Code | None = None
    equipment: Code | None = None
    lot_code: Code | None = None
    serial: Code | None = None
    sample_size: Annotated[int, Field(ge=1, le=100_000)] | None = None


class ResultRead(Schema):
    id: int
    characteristic: str
    values: list[float]
    point: float | None
    passed: bool
    nonconforming: int
    defects: dict[str, int]
    sample_size: int
    operator: str
    gauge: str | None
    equipment: str | None
    lot_code: str | None
    serial: str | None
    violations: list[dict[str, Any]]
    recorded_at: datetime


class Verdict(Schema):
    task: TaskRead
    verdict: TaskStatus
    results: list[ResultRead]
    ncr: str | None
    switching: dict[str, Any] | None


class Waiver(Schema):
    reason: Reason
    signature_id: uuid.UUID


class LimitsRequest(Schema):
    """Recompute from a baseline window (result ids, inclusive); default: every result so far."""

    from_result: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None
    to_result: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None


class LimitsRead(Schema):
    id: int
    chart: str
    center: float
    ucl: float
    lcl: float
    dispersion: dict[str, float] | None
    sigma_within: float | None
    baseline_from: int
    baseline_to: int
    computed_by: str
    computed_at: datetime
    active: bool


class ChartPoint(Schema):
    result_id: int
    task: str
    value: float
    ucl: float | None
    lcl: float | None
    center: float | None
    recorded_at: datetime
    violations: list[dict[str, Any]]


class ChartRead(Schema):
    plan: str
    characteristic: CharacteristicRead
    chart: str
    limits: LimitsRead | None
    history: list[LimitsRead]
    points: list[ChartPoint]
    capability: dict[str, float | None] | None


class NcrRead(Schema):
    number: str
    status: str
    title: str
    item: str | None
    work_order: str | None
    operation: str | None
    evidence: dict[str, Any]
    held_lots: list[str]
    work_order_held: bool
    disposition: dict[str, Any] | None
    signature_id: uuid.UUID | None
    opened_by: str
    opened_at: datetime
    dispositioned_at: datetime | None
    closed_at: datetime | None
    content: dict[str, Any] = Field(description="What a disposition signature must be made over")


NcrPage = Page[NcrRead]


class NcrCreate(Schema):
    title: Name
    item: Code | None = None
    work_order: Code | None = None
    operation: Code | None = None
    lots: Annotated[list[Code], Field(max_length=100)] = Field(default_factory=list)
    description: Annotated[str, Field(max_length=4000)] = ""


class DispositionIn(Schema):
    disposition: Disposition
    signature_id: uuid.UUID
    reason: Reason
    lot: Code | None = None  # partial: the lot to split
    scrap_quantity: (
        Annotated[Decimal, Field(gt=0, le=Decimal("1e12"), max_digits=18, decimal_places=6)] | None
    ) = None
    rework_operation: (
        Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$", examples=["10"])] | None
    ) = Field(None, description="rework: the operation of the NCR's work order the parts go back to")
    rework_quantity: (
        Annotated[Decimal, Field(gt=0, le=Decimal("1e12"), max_digits=18, decimal_places=6)] | None
    ) = Field(None, description="rework: how many go back; by default what the NCR's lots hold")
    supplier: Name | None = Field(
        None, description="return to supplier: who takes the lots back; by default each lot's supplier"
    )

    @model_validator(mode="after")
    def _partial(self) -> DispositionIn:
        if self.disposition == "partial" and (self.lot is None or self.scrap_quantity is None):
            raise ValueError("a partial disposition names the lot and the quantity to scrap")
        if self.disposition == "rework" and self.rework_operation is None:
            raise ValueError("a rework disposition names the operation the parts go back to")
        return self


class NcrClose(Schema):
    reason: Reason


class BlockingRead(Schema):
    work_order: str
    operation: str
    tasks: list[str]


class SwitchingRead(Schema):
    supplier: str
    item: str
    state: dict[str, Any]


class SamplingPlanRead(Schema):
    lot_size: int
    level: str
    aql: str
    severity: str
    code_letter: str
    plan_letter: str
    sample_size: int
    ac: int
    re: int
    hundred_percent: bool


# ------------------------------------------------------------------------------------------- CAPA
Text4k = Annotated[str, Field(min_length=1, max_length=4000)]
Person = Annotated[str, Field(min_length=1, max_length=200)]


class CapaActionIn(Schema):
    description: Text4k
    owner: Person
    due_on: Day


class CapaCreate(Schema):
    title: Name
    problem: Annotated[str, Field(max_length=4000)] = ""
    ncrs: Annotated[list[Code], Field(min_length=1, max_length=50)]
    owner: Person
    due_on: Day
    actions: Annotated[list[CapaActionIn], Field(max_length=50)] = Field(default_factory=list)


class CapaActionDone(Schema):
    note: Annotated[str, Field(max_length=2000)] = ""


class EffectivenessIn(Schema):
    effective: bool
    note: Reason


class CapaCloseIn(Schema):
    signature_id: uuid.UUID
    reason: Reason


class CapaActionRead(Schema):
    position: int
    description: str
    owner: str
    due_on: date
    done_at: datetime | None
    done_by: str | None
    done_note: str | None
    overdue: bool


class CapaRead(Schema):
    number: str
    status: str
    title: str
    problem: str
    ncrs: list[str]
    owner: str
    due_on: date
    overdue: bool
    actions: list[CapaActionRead]
    effectiveness: dict[str, Any] | None
    signature_id: uuid.UUID | None
    opened_by: str
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    closure_reason: str | None
    content: dict[str, Any] = Field(description="What the closing signature must be made over")


CapaPage = Page[CapaRead]

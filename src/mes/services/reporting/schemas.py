"""Request and response bodies of the reporting service; every formula is named in the field docs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, Field, model_validator

from mes.platform.schemas import Schema
from mes.services.reporting.vocabulary import LabourBy, TimeElement

Percent = Annotated[float | None, Field(description="percent, 0-100; null when its denominator is 0")]


class OeeRow(Schema):
    """ISO 22400-2 KPIs of one group in one period (times in minutes)."""

    group: str
    period: str = Field(
        description="total, a shift (production day/shift name), a day, an ISO week or a month"
    )
    start: datetime
    end: datetime
    availability: Percent = Field(description="Availability = APT / PBT (ISO 22400-2)")
    performance: Percent = Field(
        description="Effectiveness = PRI x PQ / APT (ISO 22400-2); micro-stops are in APT"
    )
    quality: Percent = Field(description="Quality ratio = GQ / PQ (ISO 22400-2)")
    oee: Percent = Field(description="OEE index = availability x effectiveness x quality ratio (ISO 22400-2)")
    planned_operation_min: float = Field(
        description="POT: shifts less breaks, holidays, planned non-production"
    )
    planned_downtime_min: float = Field(
        description="PDOT: planned stops, maintenance, offline, planned reasons"
    )
    planned_busy_min: float = Field(description="PBT = POT - PDOT")
    actual_production_min: float = Field(description="APT: running, micro-stops included")
    setup_min: float = Field(description="AUST")
    delay_min: float = Field(description="ADET: idle")
    down_min: float = Field(description="ADOT: unplanned stops longer than a micro-stop")
    micro_stop_min: float
    no_data_min: float
    good: float = Field(description="GQ")
    scrap: float = Field(description="SQ")
    rework: float = Field(description="RQ")
    produced: float = Field(description="PQ = GQ + SQ + RQ")
    throughput_per_h: float | None = Field(
        description="Throughput rate = PQ / APT, per hour (ISO 22400-2, APT for AOET)"
    )
    failures: int = Field(
        description="stops counted as failures: unplanned, not micro-stops, starting in the period"
    )
    mtbf_min: float | None = Field(
        description="MTBF (ISO 22400-2 mean operating time between failures) = APT / failures"
    )
    mttr_min: float | None = Field(
        description="MTTR (ISO 22400-2 mean time to restoration) = failure down time / failures"
    )
    inherent_availability: Percent = Field(description="MTBF / (MTBF + MTTR)")
    losses: dict[str, float] = Field(
        description="the loss tree in minutes, POT down to fully productive time"
    )


class OeePage(Schema):
    scope: str
    items: list[OeeRow]
    total: int
    limit: int
    offset: int


class ParetoRow(Schema):
    key: str
    value: float = Field(description="quantity (scrap) or minutes (downtime)")
    count: int
    share: Percent
    cumulative: Percent


class ParetoPage(Schema):
    scope: str
    items: list[ParetoRow]
    total: int
    limit: int
    offset: int


class StopRow(Schema):
    downtime_id: str
    equipment_code: str
    started_at: datetime
    ended_at: datetime
    minutes: float
    reason_code: str | None
    micro_stop: bool
    planned: bool


class StopPage(Schema):
    scope: str
    items: list[StopRow]
    total: int
    limit: int
    offset: int


class OperationYield(Schema):
    product: str
    operation: str
    name: str
    work_center: str
    good: float
    scrap: float
    rework: float
    fpy: Percent = Field(description="First pass yield = good / (good + scrap + rework) at the operation")


class ProductYield(Schema):
    product: str
    operations: int
    rty: Percent = Field(description="Rolled throughput yield = product of the operations' FPY")
    final_yield: Percent = Field(
        description="Final yield = good at the last operation / processed at the first"
    )


class YieldReport(Schema):
    operations: list[OperationYield]
    products: list[ProductYield]


class WipRow(Schema):
    work_center: str
    operations_in_progress: int
    orders: list[str]


class ProductionRow(Schema):
    equipment_code: str
    product: str
    hour: datetime
    source: str
    good: float
    scrap: float
    rework: float
    cycles: float
    scrap_by_reason: dict[str, float]


class ProductionPage(Schema):
    scope: str
    items: list[ProductionRow]
    total: int
    limit: int
    offset: int


class StateHourRow(Schema):
    equipment_code: str
    hour: datetime
    element: TimeElement = Field(description="ISO 22400 time element: APT, AUST, ADET, ADOT, PDOT")
    minutes: float


class StateHourPage(Schema):
    scope: str
    items: list[StateHourRow]
    total: int
    limit: int
    offset: int


class BoardTile(Schema):
    equipment_code: str
    name: str | None
    state: str | None
    since: datetime | None
    reason_code: str | None = Field(description="the stop's reason when the machine is down")
    shift: str | None
    good: float
    scrap: float
    target: float | None = Field(
        description="ideal output of the shift so far: elapsed planned busy time / PRI"
    )
    work_order: str | None
    operator: str | None
    oee: Percent


class Board(Schema):
    scope: str
    items: list[BoardTile]


class Rebuilt(Schema):
    events: int


Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:/-]+$")]
Qty = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=18, decimal_places=6)]


class HistoricScrap(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=200)]
    quantity: Annotated[Decimal, Field(gt=0, le=1_000_000, max_digits=18, decimal_places=6)]


# one line is at most a day; labour is per operator, standard minutes per line (a crew's)
LabourMinutes = Annotated[Decimal, Field(ge=0, le=1440, max_digits=18, decimal_places=6)]
StandardMinutes = Annotated[Decimal, Field(ge=0, le=100_000, max_digits=18, decimal_places=6)]


class HistoricLabour(Schema):
    operator: Annotated[str, Field(min_length=1, max_length=200)]
    minutes: LabourMinutes


class HistoricYield(Schema):
    """One yield report from before the MES; importing the same report id again corrects it."""

    # stored as "import:<report_id>" in a 64-character key
    report_id: Annotated[str, Field(min_length=1, max_length=57, pattern=r"^[A-Za-z0-9._:/-]+$")]
    work_order: Code
    product: Code
    operation: Code
    work_center: Code
    equipment: Code
    at: AwareDatetime
    good: Qty
    scrap: Annotated[list[HistoricScrap], Field(max_length=20)] = []
    rework: Qty = Decimal(0)
    labour: Annotated[list[HistoricLabour], Field(max_length=20)] = Field(
        default=[],
        description="The operators' labour minutes on this line's quantities (each on their own clock); "
        "given with standard_minutes, the line counts in labour efficiency",
    )
    standard_minutes: StandardMinutes | None = Field(
        default=None,
        description="Standard (earned) minutes of this line's quantities: setup + run per unit x (good + "
        "scrap + rework), as the legacy routing had them; given with labour",
    )

    @model_validator(mode="after")
    def _labour_with_standard(self) -> HistoricYield:
        if bool(self.labour) != (self.standard_minutes is not None):
            raise ValueError("labour and standard_minutes go together: give both or neither")
        operators = [x.operator for x in self.labour]
        if len(set(operators)) != len(operators):
            raise ValueError("an operator appears twice in one line's labour")
        return self


class YieldImport(Schema):
    lines: Annotated[list[HistoricYield], Field(min_length=1, max_length=1000)]


class Imported(Schema):
    lines: int


class ScheduleRow(Schema):
    """On-time completion and schedule start adherence of one work center (or `*`: all)."""

    work_center: str
    orders_completed: int = Field(description="Orders completed in the interval with a known due date")
    orders_on_time: int = Field(description="Of those, completed at or before their due date")
    on_time_completion: Percent = Field(
        description="On-time completion = orders completed by their due date / orders completed "
        "(no ISO 22400-2 KPI; the delivery-side counterpart of its throughput KPIs)"
    )
    operations_scheduled: int = Field(
        description="Operations started whose schedule's planned start lies in the interval"
    )
    operations_on_time: int = Field(description="Of those, started within ±tolerance of the planned start")
    operations_early: int
    operations_late: int
    start_adherence: Percent = Field(
        description="Schedule start adherence = operations started within ±tolerance of their planned start "
        "/ operations scheduled to start in the interval (no ISO 22400-2 KPI by that name)"
    )


class ScheduleReport(Schema):
    start: datetime
    end: datetime
    tolerance_min: int
    total: ScheduleRow
    items: list[ScheduleRow]


class LabourRow(Schema):
    """Labour efficiency of one work center, equipment or operator (or `*`: all)."""

    key: str = Field(description='The work center, equipment ("" when the operation had none) or operator')
    operations: int = Field(
        description="Operations completed in the interval, with standard times and labour, and imported "
        "history lines with labour (POST /imports/yields) dated in it"
    )
    operations_without_standard: int = Field(
        description="Operations completed in the interval whose event carried no standard times (published "
        "before they were added): excluded from the figure"
    )
    operations_without_labour: int = Field(
        description="Operations with standard times but no labour minutes booked: excluded from the figure"
    )
    earned_min: float = Field(
        description="Earned (standard) minutes = setup + run per unit x (good + scrap + rework), per operation; "
        "an operator is credited with the part of it their minutes are of the operation's labour"
    )
    actual_min: float = Field(
        description="Actual labour minutes: the operators' own clocks on the operations"
    )
    labour_efficiency: Percent = Field(
        description="Labour efficiency = earned minutes / actual labour minutes (no ISO 22400-2 KPI; ISO's "
        "worker efficiency APWT / APAT needs attendance time, which the MES does not record)"
    )


class LabourReport(Schema):
    start: datetime
    end: datetime
    by: LabourBy
    total: LabourRow
    items: list[LabourRow]


class ShiftChange(Schema):
    """An event received after the shift's snapshot that changed facts inside the shift."""

    received_at: datetime
    topic: str
    kind: str = Field(
        description="late_state (a machine report placed in the past), downtime_reclassified, "
        "downtime_corrected, late_yield, corrected_yield, late_counter"
    )
    equipment_code: str | None
    at: datetime | None = Field(description="the time inside the shift the event is about")
    detail: str


class FigureChange(Schema):
    figure: str
    at_end: float | None
    now: float | None


class ShiftRecord(Schema):
    """A past shift replayed: its figures now, as they stood at its end, and what changed since."""

    scope: str
    start: datetime
    end: datetime
    snapshot_taken_at: datetime | None = Field(
        description="When the figures at shift end were kept (at the first read after the end, or by the "
        "snapshot worker); null while the shift is not over"
    )
    now: OeeRow
    at_end: OeeRow | None
    changed: list[FigureChange] = Field(description="Figures that differ between the snapshot and now")
    changes: list[ShiftChange] = Field(
        description="Late and corrected events received after the snapshot, touching this shift"
    )

"""OEE per ISO 22400-2: time elements, the three ratios and the loss tree, as pure functions.

Names follow ISO 22400-2:2014 (section 5): POT planned operation time, PDOT planned downtime,
PBT planned busy time (POT - PDOT), APT actual production time, AUST actual unit setup time,
ADET actual unit delay time, ADOT actual unit down time, PQ produced quantity, GQ good quantity,
SQ scrap quantity, RQ rework quantity, PRI planned runtime per item (the ideal cycle time).
Micro-stops are part of APT: they lower the effectiveness (performance), not the availability.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class TimeElements:
    """Seconds of each ISO 22400 time element within the planned operation time."""

    pot: float = 0.0
    pdot: float = 0.0
    apt: float = 0.0  # running, micro-stops included
    aust: float = 0.0
    adet: float = 0.0
    adot: float = 0.0
    micro: float = 0.0  # the part of APT the machine stood in micro-stops
    unknown: float = 0.0  # planned busy time with no state known

    @property
    def pbt(self) -> float:
        return self.pot - self.pdot

    def __add__(self, other: TimeElements) -> TimeElements:
        return TimeElements(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True, slots=True)
class Counts:
    """Quantities of a period and their ideal time: Σ PRI x PQ and Σ PRI x GQ, in seconds."""

    good: Decimal = ZERO
    scrap: Decimal = ZERO
    rework: Decimal = ZERO
    ideal_s: Decimal = ZERO  # Σ over products of PRI x PQ
    ideal_good_s: Decimal = ZERO  # Σ over products of PRI x GQ
    scrap_by_reason: dict[str, Decimal] = field(default_factory=dict)

    @property
    def produced(self) -> Decimal:
        return self.good + self.scrap + self.rework

    def __add__(self, other: Counts) -> Counts:
        reasons = dict(self.scrap_by_reason)
        for k, v in other.scrap_by_reason.items():
            reasons[k] = reasons.get(k, ZERO) + v
        return Counts(
            self.good + other.good,
            self.scrap + other.scrap,
            self.rework + other.rework,
            self.ideal_s + other.ideal_s,
            self.ideal_good_s + other.ideal_good_s,
            reasons,
        )


def count(good: Decimal, scrap: Decimal, rework: Decimal, pri_s: Decimal | None) -> Counts:
    """One product's quantities; without a known PRI they count to quality but to no ideal time."""
    pri = pri_s or ZERO
    return Counts(good, scrap, rework, pri * (good + scrap + rework), pri * good)


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


@dataclass(frozen=True, slots=True)
class Oee:
    availability: float | None  # APT / PBT
    effectiveness: float | None  # PRI x PQ / APT (performance)
    quality: float | None  # GQ / PQ
    oee: float | None  # availability x effectiveness x quality
    losses: dict[str, float]  # minutes, the loss tree


def oee(t: TimeElements, c: Counts) -> Oee:
    """ISO 22400-2 availability, effectiveness, quality ratio, OEE index and the loss tree in minutes."""
    availability = _ratio(t.apt, t.pbt)
    effectiveness = _ratio(float(c.ideal_s), t.apt)
    quality = _ratio(float(c.good), float(c.produced))
    index = (
        availability * effectiveness * quality
        if availability is not None and effectiveness is not None and quality is not None
        else None
    )
    return Oee(availability, effectiveness, quality, index, loss_tree(t, c))


def loss_tree(t: TimeElements, c: Counts) -> dict[str, float]:
    """POT down to the fully productive time, each loss in minutes (a waterfall reads top to bottom)."""
    ideal, ideal_good = float(c.ideal_s), float(c.ideal_good_s)
    return {
        "planned_operation_time": t.pot / 60,
        "planned_downtime": t.pdot / 60,
        "planned_busy_time": t.pbt / 60,
        "availability_loss_down": t.adot / 60,
        "availability_loss_setup": t.aust / 60,
        "availability_loss_delay": t.adet / 60,
        "availability_loss_no_data": t.unknown / 60,
        "actual_production_time": t.apt / 60,
        "performance_loss_micro_stops": t.micro / 60,
        "performance_loss_speed": (t.apt - t.micro - ideal) / 60,
        "net_production_time": ideal / 60,
        "quality_loss": (ideal - ideal_good) / 60,
        "fully_productive_time": ideal_good / 60,
    }

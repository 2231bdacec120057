"""Statistical process control: control limits, capability indices and run rules (pure functions).

Constants are the published table for subgroup sizes 2 to 25 (ASTM E2587, Montgomery's
"Introduction to Statistical Quality Control", Appendix VI). Limits follow the Shewhart
formulas; capability uses sigma within (R-bar/d2, S-bar/c4 or MR-bar/d2) for Cp/Cpk and the
overall sample standard deviation for Pp/Ppk.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# n: (A2, A3, B3, B4, D3, D4, d2, c4)
CONSTANTS: dict[int, tuple[float, float, float, float, float, float, float, float]] = {
    2: (1.880, 2.659, 0.000, 3.267, 0.000, 3.267, 1.128, 0.7979),
    3: (1.023, 1.954, 0.000, 2.568, 0.000, 2.574, 1.693, 0.8862),
    4: (0.729, 1.628, 0.000, 2.266, 0.000, 2.282, 2.059, 0.9213),
    5: (0.577, 1.427, 0.000, 2.089, 0.000, 2.114, 2.326, 0.9400),
    6: (0.483, 1.287, 0.030, 1.970, 0.000, 2.004, 2.534, 0.9515),
    7: (0.419, 1.182, 0.118, 1.882, 0.076, 1.924, 2.704, 0.9594),
    8: (0.373, 1.099, 0.185, 1.815, 0.136, 1.864, 2.847, 0.9650),
    9: (0.337, 1.032, 0.239, 1.761, 0.184, 1.816, 2.970, 0.9693),
    10: (0.308, 0.975, 0.284, 1.716, 0.223, 1.777, 3.078, 0.9727),
    11: (0.285, 0.927, 0.321, 1.679, 0.256, 1.744, 3.173, 0.9754),
    12: (0.266, 0.886, 0.354, 1.646, 0.283, 1.717, 3.258, 0.9776),
    13: (0.249, 0.850, 0.382, 1.618, 0.307, 1.693, 3.336, 0.9794),
    14: (0.235, 0.817, 0.406, 1.594, 0.328, 1.672, 3.407, 0.9810),
    15: (0.223, 0.789, 0.428, 1.572, 0.347, 1.653, 3.472, 0.9823),
    16: (0.212, 0.763, 0.448, 1.552, 0.363, 1.637, 3.532, 0.9835),
    17: (0.203, 0.739, 0.466, 1.534, 0.378, 1.622, 3.588, 0.9845),
    18: (0.194, 0.718, 0.482, 1.518, 0.391, 1.608, 3.640, 0.9854),
    19: (0.187, 0.698, 0.497, 1.503, 0.403, 1.597, 3.689, 0.9862),
    20: (0.180, 0.680, 0.510, 1.490, 0.415, 1.585, 3.735, 0.9869),
    21: (0.173, 0.663, 0.523, 1.477, 0.425, 1.575, 3.778, 0.9876),
    22: (0.167, 0.647, 0.534, 1.466, 0.434, 1.566, 3.819, 0.9882),
    23: (0.162, 0.633, 0.545, 1.455, 0.443, 1.557, 3.858, 0.9887),
    24: (0.157, 0.619, 0.555, 1.445, 0.451, 1.548, 3.895, 0.9892),
    25: (0.153, 0.606, 0.565, 1.435, 0.459, 1.541, 3.931, 0.9896),
}
NAMES = ("A2", "A3", "B3", "B4", "D3", "D4", "d2", "c4")
CHART_KINDS = ("imr", "xbar_r", "xbar_s", "p", "u")


class SpcError(ValueError):
    """Data that no chart can be computed from (too few points, unequal subgroups...)."""


def constant(name: str, n: int) -> float:
    if n not in CONSTANTS:
        raise SpcError(f"subgroup size {n} is outside 2..25")
    return CONSTANTS[n][NAMES.index(name)]


@dataclass(frozen=True)
class Limits:
    center: float
    ucl: float
    lcl: float

    @property
    def sigma(self) -> float:
        """One sigma of the plotted statistic (a third of the distance to the upper limit)."""
        return (self.ucl - self.center) / 3


@dataclass(frozen=True)
class ChartLimits:
    """Limits of the location chart and, for variables, of the dispersion chart."""

    kind: str
    location: Limits
    dispersion: Limits | None
    sigma_within: float | None  # the process sigma the limits imply (variables only)


def _mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs)


def moving_ranges(values: Sequence[float]) -> list[float]:
    return [abs(b - a) for a, b in itertools.pairwise(values)]


def imr_limits(values: Sequence[float]) -> ChartLimits:
    if len(values) < 2:
        raise SpcError("an individuals chart needs at least 2 values")
    x_bar = _mean(values)
    mr_bar = _mean(moving_ranges(values))
    d2 = constant("d2", 2)
    sigma = mr_bar / d2
    return ChartLimits(
        "imr",
        Limits(x_bar, x_bar + 3 * sigma, x_bar - 3 * sigma),
        Limits(mr_bar, constant("D4", 2) * mr_bar, constant("D3", 2) * mr_bar),
        sigma,
    )


def _subgroups(groups: Sequence[Sequence[float]]) -> int:
    if len(groups) < 2:
        raise SpcError("a subgroup chart needs at least 2 subgroups")
    sizes = {len(g) for g in groups}
    if len(sizes) != 1:
        raise SpcError("all subgroups must have the same size")
    n = sizes.pop()
    constant("A2", n)  # checks the range
    return n


def xbar_r_limits(groups: Sequence[Sequence[float]]) -> ChartLimits:
    n = _subgroups(groups)
    x_bar = _mean([_mean(g) for g in groups])
    r_bar = _mean([max(g) - min(g) for g in groups])
    a2 = constant("A2", n)
    return ChartLimits(
        "xbar_r",
        Limits(x_bar, x_bar + a2 * r_bar, x_bar - a2 * r_bar),
        Limits(r_bar, constant("D4", n) * r_bar, constant("D3", n) * r_bar),
        r_bar / constant("d2", n),
    )


def xbar_s_limits(groups: Sequence[Sequence[float]]) -> ChartLimits:
    n = _subgroups(groups)
    x_bar = _mean([_mean(g) for g in groups])
    s_bar = _mean([statistics.stdev(g) for g in groups])
    a3 = constant("A3", n)
    return ChartLimits(
        "xbar_s",
        Limits(x_bar, x_bar + a3 * s_bar, x_bar - a3 * s_bar),
        Limits(s_bar, constant("B4", n) * s_bar, constant("B3", n) * s_bar),
        s_bar / constant("c4", n),
    )


def p_limits(defectives: Sequence[int], sizes: Sequence[int]) -> tuple[float, list[Limits]]:
    """p chart: the centre line p-bar and each sample's limits (they vary with its size)."""
    if not defectives or len(defectives) != len(sizes) or min(sizes) <= 0:
        raise SpcError("a p chart needs counts and positive sample sizes of equal length")
    if any(d < 0 or d > n for d, n in zip(defectives, sizes, strict=True)):
        raise SpcError("a count of defectives lies outside 0..sample size")
    p_bar = sum(defectives) / sum(sizes)
    out = []
    for n in sizes:
        half = 3 * math.sqrt(p_bar * (1 - p_bar) / n)
        out.append(Limits(p_bar, min(1.0, p_bar + half), max(0.0, p_bar - half)))
    return p_bar, out


def u_limits(defects: Sequence[int], units: Sequence[float]) -> tuple[float, list[Limits]]:
    """u chart: defects per unit, each sample's limits from its number of inspection units."""
    if not defects or len(defects) != len(units) or min(units) <= 0 or min(defects) < 0:
        raise SpcError("a u chart needs counts and positive unit counts of equal length")
    u_bar = sum(defects) / math.fsum(units)
    out = []
    for n in units:
        half = 3 * math.sqrt(u_bar / n)
        out.append(Limits(u_bar, u_bar + half, max(0.0, u_bar - half)))
    return u_bar, out


@dataclass(frozen=True)
class Capability:
    cp: float | None
    cpk: float | None
    pp: float | None
    ppk: float | None


def capability(
    values: Iterable[float], lsl: float | None, usl: float | None, sigma_within: float
) -> Capability:
    """Cp/Cpk with sigma within, Pp/Ppk with the overall standard deviation; one-sided specs
    give only the k indices."""
    xs = list(values)
    if len(xs) < 2:
        raise SpcError("capability needs at least 2 values")
    mean = _mean(xs)
    sigma_overall = statistics.stdev(xs)

    def indices(sigma: float) -> tuple[float | None, float | None]:
        if sigma <= 0:
            return None, None
        both = lsl is not None and usl is not None
        c = (usl - lsl) / (6 * sigma) if both else None  # type: ignore[operator]
        sides = []
        if usl is not None:
            sides.append((usl - mean) / (3 * sigma))
        if lsl is not None:
            sides.append((mean - lsl) / (3 * sigma))
        return c, (min(sides) if sides else None)

    cp, cpk = indices(sigma_within)
    pp, ppk = indices(sigma_overall)
    return Capability(cp, cpk, pp, ppk)


# ----------------------------------------------------------------------------- run rules
# 1-4 are the Western Electric rules (Statistical Quality Control Handbook, 1956); 5-8 the
# further Nelson rules (Journal of Quality Technology 16(4), 1984): trend, alternation,
# stratification, mixture. Each is switched on or off per characteristic; the run lengths are
# the published defaults and may be changed too (e.g. rule 4 with 9 points, as Nelson counts).
RULES: dict[str, str] = {
    "1": "One point beyond 3 sigma",
    "2": "2 of 3 consecutive points beyond 2 sigma on the same side",
    "3": "4 of 5 consecutive points beyond 1 sigma on the same side",
    "4": "Consecutive points on the same side of the centre line",
    "5": "Consecutive points steadily increasing or decreasing",
    "6": "Consecutive points alternating up and down",
    "7": "Consecutive points within 1 sigma of the centre line, on either side",
    "8": "Consecutive points beyond 1 sigma on either side, none within",
}
DEFAULT_RUNS: dict[str, int] = {"4": 8, "5": 6, "6": 14, "7": 15, "8": 8}


@dataclass(frozen=True)
class RuleConfig:
    enabled: frozenset[str] = frozenset(RULES)
    runs: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RUNS))

    def run(self, rule: str) -> int:
        return self.runs.get(rule, DEFAULT_RUNS[rule])


@dataclass(frozen=True)
class Violation:
    rule: str
    index: int  # the point at which the rule fires (the last point of the pattern)
    points: tuple[int, ...]  # every point of the pattern

    @property
    def description(self) -> str:
        return RULES[self.rule]


def _z(values: Sequence[float], limits: Sequence[Limits]) -> list[float]:
    out = []
    for v, lim in zip(values, limits, strict=True):
        s = lim.sigma
        out.append((v - lim.center) / s if s > 0 else 0.0)
    return out


def violations_at(
    i: int, values: Sequence[float], limits: Sequence[Limits], config: RuleConfig
) -> list[Violation]:
    """The rules that fire at point `i`, looking only at points up to `i` (as on a live chart)."""
    z = _z(values[: i + 1], limits[: i + 1])
    found: list[Violation] = []

    def window(k: int) -> range | None:
        return range(i - k + 1, i + 1) if i + 1 >= k else None

    def fire(rule: str, w: Iterable[int]) -> None:
        found.append(Violation(rule, i, tuple(w)))

    on = config.enabled
    if "1" in on and abs(z[i]) > 3:
        fire("1", (i,))
    for rule, k, m, bound in (("2", 3, 2, 2.0), ("3", 5, 4, 1.0)):
        w = window(k)
        if rule in on and w is not None:
            for sign in (1, -1):
                beyond = [j for j in w if sign * z[j] > bound]
                if len(beyond) >= m and sign * z[i] > bound:
                    fire(rule, beyond)
                    break
    w4 = window(config.run("4"))
    if "4" in on and w4 is not None and (all(z[j] > 0 for j in w4) or all(z[j] < 0 for j in w4)):
        fire("4", w4)
    if "5" in on and (w := window(config.run("5"))) is not None:
        pts = [values[j] for j in w]
        steps = [b - a for a, b in itertools.pairwise(pts)]
        if all(s > 0 for s in steps) or all(s < 0 for s in steps):
            fire("5", w)
    if "6" in on and (w := window(config.run("6"))) is not None:
        pts = [values[j] for j in w]
        steps = [b - a for a, b in itertools.pairwise(pts)]
        if all(s != 0 for s in steps) and all(a * b < 0 for a, b in itertools.pairwise(steps)):
            fire("6", w)
    if "7" in on and (w := window(config.run("7"))) is not None and all(abs(z[j]) < 1 for j in w):
        fire("7", w)
    w8 = window(config.run("8"))
    if "8" in on and w8 is not None and all(abs(z[j]) > 1 for j in w8) and len({z[j] > 0 for j in w8}) == 2:
        fire("8", w8)
    return found


def evaluate(values: Sequence[float], limits: Sequence[Limits], config: RuleConfig) -> list[Violation]:
    """Every violation of a whole series, point by point."""
    out: list[Violation] = []
    for i in range(len(values)):
        out.extend(violations_at(i, values, limits, config))
    return out

"""Pure rules of the quality service, against published reference data (no database).

Sources named per test: the NIST/SEMATECH e-Handbook of Statistical Methods (sections 6.3.2.2
and 6.3.3.2), Montgomery's piston-ring data (Introduction to Statistical Quality Control,
Example 6.1; as shipped in R's qcc package, `pistonrings`), ASTM E2587 / Montgomery Appendix VI
for the chart constants, Western Electric's Statistical Quality Control Handbook (1956) and
Nelson, "The Shewhart Control Chart - Tests for Special Causes", JQT 16(4), 1984 for the rules,
and ISO 2859-1:1999 (= ANSI/ASQ Z1.4, MIL-STD-105E) Tables I, II-A, II-B, II-C for sampling.
"""

from __future__ import annotations

import math
import statistics
from decimal import Decimal

import pytest

from mes.services.quality.models import sampling as iso
from mes.services.quality.models import spc

# Montgomery Example 6.1, phase I: 25 samples of 5 piston-ring inside diameters (mm)
PISTON_RINGS = [
    (74.030, 74.002, 74.019, 73.992, 74.008),
    (73.995, 73.992, 74.001, 74.011, 74.004),
    (73.988, 74.024, 74.021, 74.005, 74.002),
    (74.002, 73.996, 73.993, 74.015, 74.009),
    (73.992, 74.007, 74.015, 73.989, 74.014),
    (74.009, 73.994, 73.997, 73.985, 73.993),
    (73.995, 74.006, 73.994, 74.000, 74.005),
    (73.985, 74.003, 73.993, 74.015, 73.988),
    (74.008, 73.995, 74.009, 74.005, 74.004),
    (73.998, 74.000, 73.990, 74.007, 73.995),
    (73.994, 73.998, 73.994, 73.995, 73.990),
    (74.004, 74.000, 74.007, 74.000, 73.996),
    (73.983, 74.002, 73.998, 73.997, 74.012),
    (74.006, 73.967, 73.994, 74.000, 73.984),
    (74.012, 74.014, 73.998, 73.999, 74.007),
    (74.000, 73.984, 74.005, 73.998, 73.996),
    (73.994, 74.012, 73.986, 74.005, 74.007),
    (74.006, 74.010, 74.018, 74.003, 74.000),
    (73.984, 74.002, 74.003, 74.005, 73.997),
    (74.000, 74.010, 74.013, 74.020, 74.003),
    (73.988, 74.001, 74.009, 74.005, 73.996),
    (74.004, 73.999, 73.990, 74.006, 74.009),
    (74.010, 73.989, 73.990, 74.009, 74.014),
    (74.015, 74.008, 73.993, 74.000, 74.010),
    (73.982, 73.984, 73.995, 74.017, 74.013),
]
# phase II: 15 further samples, of which Montgomery's chart shows 37, 38 and 39 above the UCL
PISTON_RINGS_II = [
    (74.012, 74.015, 74.030, 73.986, 74.000),
    (73.995, 74.010, 73.990, 74.015, 74.001),
    (73.987, 73.999, 73.985, 74.000, 73.990),
    (74.008, 74.010, 74.003, 73.991, 74.006),
    (74.003, 74.000, 74.001, 73.986, 73.997),
    (73.994, 74.003, 74.015, 74.020, 74.004),
    (74.008, 74.002, 74.018, 73.995, 74.005),
    (74.001, 74.004, 73.990, 73.996, 73.998),
    (74.015, 74.000, 74.016, 74.025, 74.000),
    (74.030, 74.005, 74.000, 74.016, 74.012),
    (74.001, 73.990, 73.995, 74.010, 74.024),
    (74.015, 74.020, 74.024, 74.005, 74.019),
    (74.035, 74.010, 74.012, 74.015, 74.026),
    (74.017, 74.013, 74.036, 74.025, 74.026),
    (74.010, 74.005, 74.029, 74.000, 74.020),
]


def close(a: float | None, b: float, tol: float) -> bool:
    return a is not None and abs(a - b) <= tol


# ----------------------------------------------------------------------------- constants


def test_c4_matches_its_gamma_function_definition() -> None:
    """c4(n) = sqrt(2/(n-1)) * Gamma(n/2) / Gamma((n-1)/2); the table has it to 4 decimals."""
    for n in range(2, 26):
        exact = math.sqrt(2 / (n - 1)) * math.gamma(n / 2) / math.gamma((n - 1) / 2)
        assert abs(spc.constant("c4", n) - exact) < 6e-5, n


def _d2(n: int) -> float:
    """Expected range of n standard normals: integral of 1 - Phi^n - (1 - Phi)^n (midpoint rule)."""

    def phi(x: float) -> float:
        return 0.5 * (1 + math.erf(x / math.sqrt(2)))

    h, total, x = 0.001, 0.0, -8.0
    while x < 8.0:
        p = phi(x + h / 2)
        total += (1 - p**n - (1 - p) ** n) * h
        x += h
    return total


def test_d2_and_derived_constants_match_their_definitions() -> None:
    for n in range(2, 26):
        d2, c4 = _d2(n), spc.constant("c4", n)
        assert abs(spc.constant("d2", n) - d2) < 6e-4, n
        assert abs(spc.constant("A2", n) - 3 / (d2 * math.sqrt(n))) < 6e-4, n
        assert abs(spc.constant("A3", n) - 3 / (c4 * math.sqrt(n))) < 2e-3, n
        b = 3 * math.sqrt(1 - c4**2) / c4
        assert abs(spc.constant("B4", n) - (1 + b)) < 2e-3, n
        assert abs(spc.constant("B3", n) - max(0.0, 1 - b)) < 2e-3, n


def test_published_constants_for_n_5() -> None:
    assert [spc.constant(k, 5) for k in spc.NAMES] == [0.577, 1.427, 0.0, 2.089, 0.0, 2.114, 2.326, 0.9400]


def test_subgroup_sizes_outside_the_table_are_refused() -> None:
    with pytest.raises(spc.SpcError):
        spc.constant("A2", 26)
    with pytest.raises(spc.SpcError):
        spc.xbar_r_limits([(1.0, 2.0), (1.0, 2.0, 3.0)])


# ----------------------------------------------------------------------------- limits


def test_individuals_chart_matches_nist_handbook_flowrate_example() -> None:
    """NIST/SEMATECH e-Handbook 6.3.2.2: CL 50.81, UCL 55.8041, LCL 45.8159; MR-bar 1.8778, UCL 6.1349."""
    flow = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]
    lim = spc.imr_limits(flow)
    assert close(lim.location.center, 50.81, 1e-9)
    assert close(lim.location.ucl, 55.8041, 2e-3)
    assert close(lim.location.lcl, 45.8159, 2e-3)
    assert lim.dispersion is not None
    assert close(lim.dispersion.center, 1.8778, 1e-4)
    assert close(lim.dispersion.ucl, 6.1349, 1e-3)
    assert lim.dispersion.lcl == 0


def test_xbar_r_chart_matches_montgomery_piston_rings() -> None:
    """qcc on `pistonrings` (trial 25): x-double-bar 74.00118, R-bar 0.02276, UCL 74.0143, LCL 73.98805,
    R chart UCL 0.04812 (Montgomery rounds to 74.001, 0.023, 74.014, 73.988, 0.049)."""
    lim = spc.xbar_r_limits(PISTON_RINGS)
    assert close(lim.location.center, 74.00118, 1e-5)
    assert lim.dispersion is not None
    assert close(lim.dispersion.center, 0.02276, 1e-5)
    assert close(lim.location.ucl, 74.0143, 1e-4)
    assert close(lim.location.lcl, 73.98805, 1e-4)
    assert close(lim.dispersion.ucl, 0.04812, 1e-4)
    assert lim.dispersion.lcl == 0


def test_xbar_s_chart_on_piston_rings_from_independent_arithmetic() -> None:
    """S-bar, then A3, B3, B4 from c4 (not the table) and the centre from the subgroup means."""
    lim = spc.xbar_s_limits(PISTON_RINGS)
    s_bar = statistics.fmean(statistics.stdev(g) for g in PISTON_RINGS)
    c4 = math.sqrt(2 / 4) * math.gamma(2.5) / math.gamma(2.0)
    x = statistics.fmean(statistics.fmean(g) for g in PISTON_RINGS)
    a3 = 3 / (c4 * math.sqrt(5))
    assert lim.dispersion is not None
    assert close(lim.dispersion.center, s_bar, 1e-12)
    assert close(lim.location.ucl, x + a3 * s_bar, 5e-6)
    assert close(lim.location.lcl, x - a3 * s_bar, 5e-6)
    assert close(lim.dispersion.ucl, (1 + 3 * math.sqrt(1 - c4**2) / c4) * s_bar, 5e-6)
    assert lim.dispersion.lcl == 0  # B3 is 0 for n = 5
    # Montgomery (Example 6.3) reports the same limits as the R chart to three decimals
    assert round(lim.location.ucl, 3) == 74.014
    assert round(lim.location.lcl, 3) == 73.988


def test_p_chart_matches_nist_handbook_wafer_example() -> None:
    """NIST/SEMATECH e-Handbook 6.3.3.2: 30 wafers of 50 chips; p-bar 0.2313, UCL 0.4103, LCL 0.0524."""
    bad = [
        12,
        15,
        8,
        10,
        4,
        7,
        16,
        9,
        14,
        10,
        5,
        6,
        17,
        12,
        22,
        8,
        10,
        5,
        13,
        11,
        20,
        18,
        24,
        15,
        9,
        12,
        7,
        13,
        9,
        6,
    ]
    p_bar, limits = spc.p_limits(bad, [50] * 30)
    assert close(p_bar, 0.2313, 1e-4)
    assert close(limits[0].ucl, 0.4103, 1e-4)
    assert close(limits[0].lcl, 0.0524, 1e-4)


def test_u_chart_with_varying_units_from_independent_arithmetic() -> None:
    defects, units = [12, 9, 14, 7, 11], [10.0, 8.0, 12.0, 6.0, 10.0]
    u_bar, limits = spc.u_limits(defects, units)
    assert u_bar == pytest.approx(53 / 46)
    assert limits[3].ucl == pytest.approx(53 / 46 + 3 * math.sqrt((53 / 46) / 6))
    assert limits[3].lcl == 0.0  # clipped at zero


def test_capability_of_piston_rings() -> None:
    """Montgomery: spec 74.000 +/- 0.05, sigma = R-bar/d2: Cp 1.70, Cpk 1.66."""
    lim = spc.xbar_r_limits(PISTON_RINGS)
    assert lim.sigma_within is not None
    values = [v for g in PISTON_RINGS for v in g]
    c = spc.capability(values, 73.95, 74.05, lim.sigma_within)
    assert round(c.cp or 0, 2) == 1.70
    assert round(c.cpk or 0, 2) == 1.66
    overall = statistics.stdev(values)
    assert c.pp == pytest.approx(0.1 / (6 * overall))
    mean = statistics.fmean(values)
    assert c.ppk == pytest.approx(min(74.05 - mean, mean - 73.95) / (3 * overall))
    one_sided = spc.capability(values, None, 74.05, lim.sigma_within)
    assert one_sided.cp is None
    assert one_sided.cpk == pytest.approx((74.05 - mean) / (3 * lim.sigma_within))


# ----------------------------------------------------------------------------- rules

FLAT = spc.Limits(0.0, 3.0, -3.0)  # sigma 1: a value is its own z


def fired(values: list[float], rule: str, **runs: int) -> list[int]:
    cfg = spc.RuleConfig(enabled=frozenset({rule}), runs={**spc.DEFAULT_RUNS, **runs})
    return sorted({v.index for v in spc.evaluate(values, [FLAT] * len(values), cfg)})


def test_piston_ring_phase_two_rule_1_flags_samples_37_to_39() -> None:
    lim = spc.xbar_r_limits(PISTON_RINGS).location
    means = [statistics.fmean(g) for g in PISTON_RINGS + PISTON_RINGS_II]
    hits = fired_on(means, lim, "1")
    assert [i + 1 for i in hits] == [37, 38, 39]


def fired_on(values: list[float], lim: spc.Limits, rule: str) -> list[int]:
    cfg = spc.RuleConfig(enabled=frozenset({rule}))
    return sorted({v.index for v in spc.evaluate(values, [lim] * len(values), cfg)})


def test_rule_1_one_point_beyond_3_sigma() -> None:
    assert fired([0, 1, -3.01, 2.9, 3.5], "1") == [2, 4]
    assert fired([3.0, -3.0], "1") == []  # on the limit is not beyond it


def test_rule_2_two_of_three_beyond_2_sigma_same_side() -> None:
    assert fired([2.1, 0, 2.2], "2") == [2]
    assert fired([2.1, -2.2, 0.5], "2") == []  # opposite sides
    assert fired([0, 2.5, 2.5], "2") == [2]
    assert fired([2.5, 0, 0, 2.5], "2") == []  # not within three


def test_rule_3_four_of_five_beyond_1_sigma_same_side() -> None:
    assert fired([1.5, 1.2, 0, 1.1, 1.9], "3") == [4]
    assert fired([1.5, 1.2, 0, -1.1, 1.9], "3") == []
    assert fired([-1.5, -1.2, -1.3, -1.1], "3") == []  # only four points so far


def test_rule_4_run_on_one_side_configurable_length() -> None:
    run = [0.2] * 8
    assert fired(run, "4") == [7]
    assert fired(run, "4", **{"4": 9}) == []  # Nelson's nine
    assert fired([0.2] * 7 + [-0.1], "4") == []


def test_rule_5_six_points_steadily_increasing_or_decreasing() -> None:
    assert fired([0, 0.1, 0.2, 0.3, 0.4, 0.5], "5") == [5]
    assert fired([0.5, 0.4, 0.3, 0.2, 0.1, 0.0], "5") == [5]
    assert fired([0, 0.1, 0.2, 0.2, 0.4, 0.5], "5") == []  # a tie breaks the trend


def test_rule_6_fourteen_points_alternating() -> None:
    alt = [0.5 if i % 2 else -0.5 for i in range(14)]
    assert fired(alt, "6") == [13]
    assert fired(alt[:13], "6") == []
    broken = [*alt[:7], alt[6], *alt[8:]]
    assert fired(broken, "6") == []


def test_rule_7_fifteen_points_within_1_sigma() -> None:
    hugging = [0.5, -0.5] * 7 + [0.2]
    assert fired(hugging, "7") == [14]
    assert fired([*hugging[:-1], 1.2], "7") == []


def test_rule_8_eight_points_beyond_1_sigma_on_both_sides() -> None:
    mixture = [1.5, -1.5, 1.2, -2.0, 1.1, -1.3, 1.4, -1.6]
    assert fired(mixture, "8") == [7]
    assert fired([1.5] * 8, "8") == []  # all on one side is rule 4's, not a mixture
    assert fired([*mixture[:-1], 0.3], "8") == []


def test_disabled_rules_do_not_fire() -> None:
    cfg = spc.RuleConfig(enabled=frozenset({"2"}))
    assert spc.evaluate([5.0], [FLAT], cfg) == []


# ----------------------------------------------------------------------------- ISO 2859-1

A = Decimal


@pytest.mark.parametrize(
    ("lot", "level", "letter"),
    [
        (2, "II", "A"), (8, "III", "B"), (50, "II", "D"), (91, "I", "D"), (280, "II", "G"),
        (1000, "II", "J"), (1000, "S-3", "E"), (3200, "III", "L"), (10000, "I", "J"),
        (35001, "II", "N"), (500001, "III", "R"), (150000, "S-1", "D"), (501, "S-4", "F"),
    ],
)  # fmt: skip
def test_table_i_code_letters(lot: int, level: str, letter: str) -> None:
    assert iso.code_letter(lot, level) == letter


@pytest.mark.parametrize(
    ("lot", "level", "aql", "n", "ac", "re"),
    [
        (1000, "II", "2.5", 80, 5, 6),  # J: the standard's most quoted cell
        (1000, "II", "0.65", 80, 1, 2),
        (1000, "II", "1.0", 80, 2, 3),
        (1000, "II", "4.0", 80, 7, 8),
        (500, "II", "1.0", 50, 1, 2),  # H
        (500, "II", "2.5", 50, 3, 4),
        (10000, "II", "1.0", 200, 5, 6),  # L
        (10000, "II", "0.40", 200, 2, 3),
        (5000, "II", "1.0", 200, 5, 6),
        (3000, "II", "0.65", 125, 2, 3),  # K
        (3000, "II", "0.10", 125, 0, 1),
        (3000, "II", "6.5", 125, 14, 15),
        (3000, "II", "10", 125, 21, 22),
        (20000, "II", "1.5", 315, 10, 11),  # M
        (100000, "II", "0.65", 500, 7, 8),  # N
        (150, "II", "4.0", 20, 2, 3),  # F
        (150, "II", "6.5", 20, 3, 4),
        (100, "II", "1.0", 13, 0, 1),  # F at 1.0 is an up arrow: E, n=13
        (200, "II", "0.25", 50, 0, 1),  # G at 0.25 is a down arrow: H, n=50
        (1000, "II", "0.40", 125, 1, 2),  # J at 0.40 points down to K
        (1000, "II", "0.25", 50, 0, 1),  # J at 0.25 points up to H
        (5, "II", "6.5", 2, 0, 1),  # A
        (5, "II", "25", 2, 1, 2),
        (5, "II", "1000", 2, 30, 31),
        (26, "II", "400", 8, 44, 45),  # D
        (50, "II", "0.10", 50, 0, 1),  # down to K: n >= lot, 100 % inspection
    ],
)  # fmt: skip
def test_table_ii_a_normal_plans(lot: int, level: str, aql: str, n: int, ac: int, re: int) -> None:
    p = iso.plan(lot, level, A(aql))
    assert (p.sample_size, p.ac, p.re) == (n, ac, re)


def test_arrows_follow_the_printed_direction() -> None:
    assert iso.normal_cell("H", A("0.40")) == iso.UP
    assert iso.normal_cell("H", A("0.65")) == iso.DOWN
    assert iso.normal_cell("R", A("0.010")) == iso.UP
    assert iso.normal_cell("A", A("0.65")) == iso.DOWN
    assert iso.normal_cell("F", A("100")) == iso.UP
    assert iso.normal_cell("E", A("150")) == (30, 31)


def test_hundred_percent_when_the_sample_reaches_the_lot() -> None:
    p = iso.plan(50, "II", A("0.10"))
    assert p.hundred_percent and p.sample_size == 50


@pytest.mark.parametrize(
    ("lot", "aql", "n", "ac", "re"),
    [
        (1000, "2.5", 80, 3, 4),  # J tightened
        (1000, "4.0", 80, 5, 6),
        (1000, "6.5", 80, 8, 9),
        (3000, "2.5", 125, 5, 6),  # K tightened
        (3000, "4.0", 125, 8, 9),
        (3000, "6.5", 125, 12, 13),
        (3000, "10", 125, 18, 19),
        (3000, "1.0", 125, 2, 3),
        (1000, "0.65", 125, 1, 2),  # J at 0.65 tightened points down to K
    ],
)
def test_table_ii_b_tightened_plans(lot: int, aql: str, n: int, ac: int, re: int) -> None:
    p = iso.plan(lot, "II", A(aql), "tightened")
    assert (p.sample_size, p.ac, p.re) == (n, ac, re)


@pytest.mark.parametrize(
    ("lot", "aql", "n", "ac", "re"),
    [
        (1000, "2.5", 32, 2, 5),  # J reduced: n 32
        (1000, "4.0", 32, 3, 6),
        (3000, "2.5", 50, 3, 6),  # K reduced: n 50
        (3000, "6.5", 50, 7, 10),
        (3000, "10", 50, 10, 13),
        (3000, "0.10", 50, 0, 1),
    ],
)
def test_table_ii_c_reduced_plans(lot: int, aql: str, n: int, ac: int, re: int) -> None:
    p = iso.plan(lot, "II", A(aql), "reduced")
    assert (p.sample_size, p.ac, p.re) == (n, ac, re)


def test_bad_sampling_input_is_refused() -> None:
    with pytest.raises(iso.SamplingError):
        iso.plan(1, "II", A("1.0"))
    with pytest.raises(iso.SamplingError):
        iso.plan(100, "IV", A("1.0"))
    with pytest.raises(iso.SamplingError):
        iso.plan(100, "II", A("0.3"))


def _run(results: list[int], state: iso.SwitchingState | None = None, **kw: object) -> iso.SwitchingState:
    """Lots of 1000 at AQL 2.5, level II, each with the given count of nonconforming units."""
    s = state or iso.SwitchingState()
    for bad in results:
        p = iso.plan(1000, "II", A("2.5"), "normal" if s.severity == "discontinued" else s.severity)
        s = iso.record_lot(s, p, bad, tighter_ac=iso.plan(1000, "II", A("1.5")).ac, **kw)  # type: ignore[arg-type]
    return s


def test_normal_to_tightened_when_two_of_five_consecutive_lots_are_rejected() -> None:
    s = _run([0, 6, 0, 0])  # one rejection (Ac 5): stays normal
    assert s.severity == "normal"
    s = _run([7], s)  # the second within five lots
    assert s.severity == "tightened"
    assert iso.plan(1000, "II", A("2.5"), s.severity).ac == 3


def test_two_rejections_six_lots_apart_do_not_tighten() -> None:
    assert _run([6, 0, 0, 0, 0, 6]).severity == "normal"


def test_tightened_to_normal_after_five_consecutive_accepted_lots() -> None:
    s = _run([6, 6])
    assert s.severity == "tightened"
    s = _run([0, 0, 0, 0], s)
    assert s.severity == "tightened"
    s = _run([0], s)
    assert s.severity == "normal"


def test_tightened_accepted_run_is_broken_by_a_rejection() -> None:
    s = _run([6, 6, 0, 0, 0, 0, 4, 0, 0, 0, 0])  # 4 > Ac 3 on tightened
    assert s.severity == "tightened"


def test_five_rejections_on_tightened_discontinue_inspection() -> None:
    s = _run([6, 6, 4, 0, 4, 4, 0, 4])
    assert s.severity == "tightened"
    s = _run([4], s)
    assert s.severity == "discontinued"


def test_normal_to_reduced_needs_score_30_steady_production_and_approval() -> None:
    good = [0] * 10  # each passes even at AQL 1.5 (Ac 3): +3 per lot
    assert _run(good).severity == "normal"  # not approved
    assert _run(good, reduced_approved=True, steady_production=False).severity == "normal"
    s = _run(good, reduced_approved=True)
    assert s.severity == "reduced"
    assert _run(good[:9], reduced_approved=True).severity == "normal"  # score 27


def test_score_resets_when_a_lot_passes_only_at_the_agreed_aql() -> None:
    s = _run([0] * 9 + [4] + [0] * 9, reduced_approved=True)  # 4 > Ac 3 of AQL 1.5
    assert s.severity == "normal"
    assert s.switching_score == 27


def test_reduced_to_normal_when_a_lot_is_not_accepted_or_falls_between_ac_and_re() -> None:
    reduced = iso.SwitchingState(severity="reduced")
    p = iso.plan(1000, "II", A("2.5"), "reduced")  # n 32, Ac 2, Re 5
    assert iso.record_lot(reduced, p, 2).severity == "reduced"
    between = iso.record_lot(reduced, p, 3)
    assert iso.judge(p, 3) is True  # accepted...
    assert between.severity == "normal"  # ...but back to normal
    assert iso.record_lot(reduced, p, 5).severity == "normal"
    assert iso.record_lot(reduced, p, 0, steady_production=False).severity == "normal"


def test_switching_state_round_trips() -> None:
    s = _run([6, 0, 6])
    assert iso.SwitchingState.from_dict(s.to_dict()) == s


def test_ncr_content_survives_a_json_round_trip_through_javascript() -> None:
    """A browser writes 2.0 as 2: the content the signature binds to must not change by that."""
    import json

    from mes.platform.audit import record_hash
    from mes.services.quality.models import Ncr

    ncr = Ncr(number="NCR-1", title="t", item="X", work_order=None, operation=None, held_lots=["B", "A"],
              evidence={"results": [{"point": 0.0, "values": [2.0, 2.35], "usl": 2.1}]})  # fmt: skip
    content = ncr.content()
    as_js = json.loads(json.dumps(content).replace("2.0,", "2,"))
    assert record_hash(as_js) == record_hash(content)
    assert content["held_lots"] == ["A", "B"]

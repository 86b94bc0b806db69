"""Unit tests of the statistics of ciatstudy.analysis (intervals, effect sizes, segment tests, verdicts): reference values, hand-enumerated cases, bad arguments."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from scipy import stats as sps

from ciatstudy.analysis.effect_sizes import cliffs_delta, cliffs_delta_from_counts, cohens_h
from ciatstudy.analysis.gap_tests import (
    EXACT_PERMUTATION_MAX_N,
    fisher_exact_test,
    permutation_test_from_counts,
    permutation_test_means,
)
from ciatstudy.analysis.intervals import mean_interval, mean_interval_from_counts, wilson_interval
from ciatstudy.analysis.published_means import permutation_p_range, score_distributions
from ciatstudy.analysis.verdict import gap_verdict, gap_verdict_from_counts

CHI2_95 = 3.841458820694124  # qchisq(0.95, 1)


# --------------------------------------------------------------------------- Wilson
@pytest.mark.parametrize(
    "count, n, low, high",
    [
        # Newcombe (1998), Stat. Med. 17:857, Table I, method 3 (Wilson score, no continuity correction);
        # the same as R: prop.test(x, n, correct = FALSE)$conf.int
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        # by hand: z = 1.959964, centre = (3 + z²/2) / (12 + z²) = 0.31062,
        # half = z * sqrt(3 * 9 / 12 + z²/4) / (12 + z²) = 0.22168
        (3, 12, 0.0889, 0.5323),
    ],
)
def test_wilson_reference_values(count, n, low, high):
    got = wilson_interval(count, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_solves_the_score_equation():
    # The bounds are the two p with (k/n - p)² = z² p (1 - p) / n.
    z2 = CHI2_95
    for k, n in [(5, 16), (11, 12), (1, 28)]:
        for p in wilson_interval(k, n):
            assert (k / n - p) ** 2 == pytest.approx(z2 * p * (1 - p) / n, abs=1e-12)


def test_wilson_edges():
    assert wilson_interval(0, 12)[0] == 0.0
    assert wilson_interval(12, 12)[1] == 1.0
    assert wilson_interval(12, 12)[0] == pytest.approx(1 - wilson_interval(0, 12)[1])
    low, high = wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)
    assert wilson_interval(np.int64(3), np.int64(12)) == wilson_interval(3, 12)


def test_wilson_narrower_at_lower_confidence():
    low90, high90 = wilson_interval(4, 16, confidence=0.90)
    low95, high95 = wilson_interval(4, 16)
    assert low95 < low90 < high90 < high95


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((13, 12), {}, "cannot exceed"),
        ((-1, 12), {}, "non-negative integer"),
        ((1.5, 12), {}, "non-negative integer"),
        ((True, 12), {}, "non-negative integer"),
        ((3, 12), {"confidence": 95}, "strictly between 0 and 1"),
    ],
)
def test_wilson_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        wilson_interval(*args, **kwargs)


# --------------------------------------------------------------------------- mean interval
@pytest.mark.parametrize("n", [12, 16])
def test_mean_interval_unanimous_answers_closed_form(n):
    # All answers 1: the best distribution with mean mu puts (mu - 1) / 2 on 3,
    # so l(mu) = n log(1 - (mu - 1) / 2) and 2 (0 - l) = chi2 gives the upper bound.
    upper = 1 + 2 * (1 - math.exp(-CHI2_95 / (2 * n)))
    assert mean_interval([1] * n) == pytest.approx((1.0, upper), abs=1e-9)
    assert mean_interval([3] * n) == pytest.approx((3 - (upper - 1), 3.0), abs=1e-9)


def test_mean_interval_hand_case_n12():
    assert mean_interval([1] * 12)[1] == pytest.approx(1.2958, abs=5e-5)


def _brute_profile(counts, mu, steps=20001):
    """max over p3 on a grid of the multinomial log-likelihood with mean mu (levels 1, 2, 3)."""
    best = -math.inf
    for t in np.linspace(0, 1, steps):
        p = (2 - mu + t, mu - 1 - 2 * t, t)
        if min(p) < 0:
            continue
        ll = sum(c * math.log(q) if c else 0.0 for c, q in zip(counts, p) if not (c and q == 0))
        if any(c and q == 0 for c, q in zip(counts, p)):
            ll = -math.inf
        best = max(best, ll)
    return best


def test_mean_interval_bounds_are_where_the_likelihood_ratio_reaches_chi2():
    counts = (2, 7, 3)  # n = 12, mean 2.083
    values = [1] * 2 + [2] * 7 + [3] * 3
    l_max = sum(c * math.log(c / 12) for c in counts)
    low, high = mean_interval(values)
    for bound in (low, high):
        assert 2 * (l_max - _brute_profile(counts, bound)) == pytest.approx(CHI2_95, abs=2e-3)
    assert low < sum(values) / 12 < high


def test_mean_interval_symmetric_and_bounded():
    low, high = mean_interval([1] * 5 + [3] * 5)
    assert low + high == pytest.approx(4.0)
    for sample in ([2] * 16, [1, 2, 3], [3] * 11 + [1]):
        low, high = mean_interval(sample)
        assert 1 <= low < sum(sample) / len(sample) < high <= 3
    assert math.isnan(mean_interval([])[0])


def test_mean_interval_exact_coverage_near_nominal_at_n12():
    # Exact coverage: sum over every possible sample of its multinomial probability.
    for p in [(1 / 3, 1 / 3, 1 / 3), (0.1, 0.3, 0.6)]:
        mu = p[0] + 2 * p[1] + 3 * p[2]
        coverage = 0.0
        for n1 in range(13):
            for n2 in range(13 - n1):
                counts = (n1, n2, 12 - n1 - n2)
                low, high = mean_interval([1] * counts[0] + [2] * counts[1] + [3] * counts[2])
                coverage += sps.multinomial.pmf(counts, 12, p) * (low <= mu <= high)
        assert 0.90 < coverage < 0.98


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (([1, 2, 4],), {}, "among the levels"),
        (([1, float("nan")],), {}, "numbers only"),
        (([1, None],), {}, "numbers only"),
        (("123",), {}, "sequence of numbers"),
        (([1, 2],), {"levels": (3, 2, 1)}, "three increasing"),
        (([1, 2],), {"levels": (1, 2)}, "three increasing"),
        (([1, 2],), {"confidence": 0}, "strictly between 0 and 1"),
    ],
)
def test_mean_interval_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        mean_interval(*args, **kwargs)


# --------------------------------------------------------------------------- effect sizes
def test_cohens_h_hand_values():
    # 2 asin(sqrt(3/4)) - 2 asin(sqrt(1/4)) = 2 pi/3 - 2 pi/6 = pi/3
    assert cohens_h(0.75, 0.25) == pytest.approx(math.pi / 3)
    assert cohens_h(0.25, 0.75) == pytest.approx(-math.pi / 3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        cohens_h(1.2, 0.5)


def test_cliffs_delta_hand_values_and_rank_biserial():
    assert cliffs_delta([3, 3], [1, 2]) == 1.0
    assert cliffs_delta([1, 2], [3, 3]) == -1.0
    assert cliffs_delta([2, 3], [2, 1]) == 0.75  # pairs: 0, +1, +1, +1
    a, b = [3, 3, 2, 2, 2, 1], [3, 2, 2, 1, 1, 1, 1]
    u = sps.mannwhitneyu(a, b).statistic  # counts ties as 1/2
    assert cliffs_delta(a, b) == pytest.approx(2 * u / (len(a) * len(b)) - 1)
    with pytest.raises(ValueError, match="both groups"):
        cliffs_delta([], [1])


# --------------------------------------------------------------------------- Fisher
def test_fisher_lady_tasting_tea():
    # Fisher (1935): 3 of 4 cups right; two-sided p = (1 + 16 + 16 + 1) / 70 = 17/35
    result = fisher_exact_test(3, 4, 1, 4)
    assert result.p_value == pytest.approx(17 / 35)
    assert result.difference == 0.5
    assert result.cohens_h == pytest.approx(math.pi / 3)


def test_fisher_against_scipy_and_hypergeometric_by_hand():
    # 4B: MDA 10/12, Non-MDA 9/16
    result = fisher_exact_test(10, 12, 9, 16)
    assert result.p_value == pytest.approx(sps.fisher_exact([[10, 2], [9, 7]]).pvalue, rel=1e-12)
    total = math.comb(28, 12)
    probs = [Fraction(math.comb(19, k) * math.comb(9, 12 - k), total) for k in range(13)]
    by_hand = sum(p for p in probs if p <= probs[10])
    assert result.p_value == pytest.approx(float(by_hand), rel=1e-9)
    assert fisher_exact_test(10, 12, 9, 16, alternative="greater").p_value == pytest.approx(
        float(sum(probs[10:])), rel=1e-9
    )


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((1, 0, 1, 4), {}, "cannot exceed"),
        ((0, 0, 1, 4), {}, "at least one respondent"),
        ((1, 4, 1, 4), {"alternative": "two_sided"}, "alternative must be"),
        ((1.0, 4, 1, 4), {}, "non-negative integer"),
    ],
)
def test_fisher_bad_arguments(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fisher_exact_test(*args, **kwargs)


# --------------------------------------------------------------------------- permutation test
def test_permutation_test_tiny_case_enumerated_by_hand():
    # Pool {1, 2, 3, 3} split into pairs: a = {1,2}: D = -1.5; {1,3} twice: -0.5; {2,3} twice: +0.5;
    # {3,3}: +1.5. Observed a = {3,3}: |D| >= 1.5 in 2 of 6 splits, D >= 1.5 in 1 of 6.
    result = permutation_test_means([3, 3], [1, 2])
    assert result.p_value == pytest.approx(2 / 6)
    assert result.difference == 1.5
    assert result.cliffs_delta == 1.0
    assert permutation_test_means([3, 3], [1, 2], alternative="greater").p_value == pytest.approx(1 / 6)
    assert permutation_test_means([3, 3], [1, 2], alternative="less").p_value == pytest.approx(1.0)


def test_permutation_test_matches_full_enumeration_with_ties():
    a, b = [3, 2, 2, 1], [3, 3, 2, 2, 3]
    pooled, observed = a + b, np.mean(a) - np.mean(b)
    gaps = []
    for idx in combinations(range(len(pooled)), len(a)):
        x = [pooled[i] for i in idx]
        y = [pooled[i] for i in range(len(pooled)) if i not in idx]
        gaps.append(Fraction(sum(x), len(x)) - Fraction(sum(y), len(y)))
    obs = Fraction(sum(a), len(a)) - Fraction(sum(b), len(b))
    expected = sum(abs(g) >= abs(obs) for g in gaps) / len(gaps)
    result = permutation_test_means(a, b)
    assert result.p_value == pytest.approx(expected)
    assert result.difference == pytest.approx(observed)


@pytest.mark.parametrize("alternative", ["greater", "less"])
def test_permutation_test_one_sided_matches_scipy_exact(alternative):
    a = [3, 3, 2, 2, 2, 1, 3]
    b = [2, 2, 1, 1, 2, 1, 3, 2]
    ref = sps.permutation_test(
        (a, b),
        lambda x, y: np.mean(x) - np.mean(y),
        permutation_type="independent",
        n_resamples=np.inf,
        alternative=alternative,
    )
    assert permutation_test_means(a, b, alternative=alternative).p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_permutation_test_unanimous_groups():
    assert permutation_test_means([1] * 12, [1] * 16).p_value == 1.0


def test_permutation_test_bad_arguments():
    with pytest.raises(ValueError, match="both groups"):
        permutation_test_means([], [1, 2])
    with pytest.raises(ValueError, match="alternative must be"):
        permutation_test_means([1], [2], alternative="both")
    with pytest.raises(ValueError, match="numbers only"):
        permutation_test_means([1, "2"], [2])


# --------------------------------------------------------------------------- means only
def test_score_distributions_by_hand():
    # n = 2, scores summing to 4: {2, 2} or {1, 3}
    assert score_distributions(4, 2) == [(0, 2, 0), (1, 0, 1)]
    assert score_distributions(12, 12) == [(12, 0, 0)]
    assert score_distributions(7, 2) == []
    assert all(n1 + 2 * n2 + 3 * n3 == 23 and n1 + n2 + n3 == 12 for n1, n2, n3 in score_distributions(23, 12))


def test_permutation_p_range_by_hand():
    # a sums to 4 over 2, b = {1, 1}. a = {2, 2}: pool {1,1,2,2}, |D| >= 1 in 2 of 6 splits -> 1/3.
    # a = {1, 3}: pool {1,1,1,3}, every split gives |D| = 1 -> 1.
    assert permutation_p_range(4, 2, 2, 2) == pytest.approx((1 / 3, 1.0))
    with pytest.raises(ValueError, match="no answers"):
        permutation_p_range(7, 2, 2, 2)


# --------------------------------------------------------------------------- verdict
def test_gap_verdict_mean_sentence():
    v = gap_verdict([3] * 2 + [2] * 10, [3] * 6 + [2] * 10, kind="mean")
    assert (v.test, v.effect_measure, v.distinguishable) == ("permutation_exact", "cliffs_delta", False)
    assert v.difference == pytest.approx(2.1666667 - 2.375, abs=1e-6)
    assert v.p_value == v.p_value_min
    assert v.sentence == (
        "Écart MDA / Non-MDA de 0,21 point (2,17 contre 2,38) : non distinguable du hasard "
        "avec 12 et 16 répondants (test exact de permutation, p = 0,4)."
    )


def test_gap_verdict_proportion_distinguishable():
    v = gap_verdict([1] * 11 + [0], [1] * 3 + [0] * 13, kind="proportion", labels=("MDA", "non-MDA"))
    assert v.test == "fisher_exact" and v.distinguishable
    assert v.p_value == pytest.approx(sps.fisher_exact([[11, 1], [3, 13]]).pvalue)
    assert v.sentence == (
        "Écart MDA / non-MDA de 73 points de pourcentage (92\u00a0% contre 19\u00a0%) : "
        "distinguable du hasard au seuil de 5\u00a0% avec 12 et 16 répondants "
        "(test exact de Fisher, p < 0,001)."
    )


def test_gap_verdict_no_gap_and_untestable():
    v = gap_verdict([1] * 12, [1] * 16, kind="mean")
    assert v.sentence.startswith("Aucun écart MDA / Non-MDA (1 contre 1) : non distinguable")
    empty = gap_verdict([], [1, 0], kind="proportion")
    assert math.isnan(empty.p_value) and not empty.distinguishable
    assert empty.sentence == "Écart MDA / Non-MDA non testable : aucun répondant MDA n'a répondu."


def test_gap_verdict_means_only_reports_the_range():
    # 1Q of 2014: MDA sum 22 / 12, Non-MDA 38 / 16, reconstructed with least variance.
    a, b = [1] * 2 + [2] * 10, [2] * 10 + [3] * 6
    assert gap_verdict(a, b, kind="mean").distinguishable  # on the reconstruction alone
    v = gap_verdict(a, b, kind="mean", means_only=True)
    assert v.p_value_min < 0.05 <= v.p_value and not v.distinguishable
    assert (v.p_value_min, v.p_value) == pytest.approx(permutation_p_range(22, 12, 38, 16))
    assert "distinguable du hasard ou non selon la répartition des réponses" in v.sentence
    assert v.sentence.endswith("(test exact de permutation, p entre 0,007 et 0,25).")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "share"}, "kind must be"),
        ({"kind": "mean", "labels": ("MDA",)}, "two segment names"),
        ({"kind": "mean", "alpha": 5}, "alpha must be"),
    ],
)
def test_gap_verdict_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gap_verdict([1, 2], [2, 3], **kwargs)


def test_gap_verdict_proportion_needs_zero_one_answers():
    with pytest.raises(ValueError, match="0/1 answers"):
        gap_verdict([1, 2], [0, 1], kind="proportion")


# --------------------------------------------------------------------------- tally-based entry points
def _random_tallies(rng, n_max=14, levels=3):
    return tuple(int(k) for k in rng.integers(0, n_max, size=levels))


def _answers(counts, levels=(1, 2, 3)):
    return [level for level, k in zip(levels, counts) for _ in range(k)]


def test_counts_and_lists_give_identical_results():
    rng = np.random.default_rng(2014)
    for _ in range(60):
        ca, cb = _random_tallies(rng), _random_tallies(rng)
        a, b = _answers(ca), _answers(cb)
        assert mean_interval_from_counts(ca) == mean_interval(a) or math.isnan(mean_interval(a)[0])
        if a and b:
            assert cliffs_delta_from_counts(ca, cb) == cliffs_delta(a, b)
            for alternative in ("two-sided", "greater", "less"):
                assert permutation_test_from_counts(ca, cb, alternative=alternative) == permutation_test_means(
                    a, b, alternative=alternative
                )
        assert gap_verdict_from_counts(ca, cb, kind="mean") == gap_verdict(a, b, kind="mean")
        if a and b and sum(ca) <= 8 and sum(cb) <= 8:
            assert gap_verdict_from_counts(ca, cb, kind="mean", means_only=True) == gap_verdict(
                a, b, kind="mean", means_only=True
            )
        pa, pb = _random_tallies(rng, levels=2), _random_tallies(rng, levels=2)
        assert gap_verdict_from_counts(pa, pb, kind="proportion") == gap_verdict(
            _answers(pa, (0, 1)), _answers(pb, (0, 1)), kind="proportion"
        )


def test_counts_on_other_levels():
    # Any distinct levels: here half points and a level absent from one group.
    levels = (0.5, 1, 2.5, 4)
    ca, cb = (2, 0, 3, 1), (1, 4, 0, 2)
    a, b = _answers(ca, levels), _answers(cb, levels)
    assert permutation_test_from_counts(ca, cb, levels=levels) == permutation_test_means(a, b)
    assert cliffs_delta_from_counts(ca, cb, levels=levels) == cliffs_delta(a, b)
    assert mean_interval_from_counts((1, 2, 3), levels=(0, 5, 10)) == mean_interval(
        [0, 5, 5, 10, 10, 10], levels=(0, 5, 10)
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: mean_interval_from_counts((1, 2)), "one count per level"),
        (lambda: mean_interval_from_counts((1, -2, 3)), "non-negative integer"),
        (lambda: mean_interval_from_counts((1, 2.5, 3)), "non-negative integer"),
        (lambda: mean_interval_from_counts("123"), "sequence of counts"),
        (lambda: permutation_test_from_counts((0, 0, 0), (1, 1, 1)), "both groups"),
        (lambda: permutation_test_from_counts((1, 1), (1, 1), levels=(1, 1)), "distinct"),
        (lambda: permutation_test_from_counts((1, 1, 1), (1, 1, 1), method="bootstrap"), "method must be"),
        (lambda: cliffs_delta_from_counts((1, 1, 1), (0, 0, 0)), "both groups"),
        (lambda: gap_verdict_from_counts((1, 1, 1), (1, 1, 1), kind="proportion"), "one count per level"),
        (lambda: gap_verdict_from_counts((1, 1), (1, 1), kind="proportion", levels=(1, 2)), "0/1 answers"),
    ],
)
def test_counts_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_exact_enumeration_stays_fast_when_one_group_is_small():
    # 150 answers against a million: exact (tallies of the small group only), p as from the hypergeometric.
    result = permutation_test_from_counts((0, 100, 50), (0, 600_000, 400_000))
    v = gap_verdict_from_counts((0, 100, 50), (0, 600_000, 400_000), kind="mean")
    assert v.test == "permutation_exact" and v.p_value == result.p_value
    # On two levels the test is the hypergeometric test of the count of 3s (two-sided by the gap of means).
    k, big = 50, 1_000_150
    greater = permutation_test_from_counts((0, 100, 50), (0, 600_000, 400_000), alternative="greater").p_value
    assert greater == pytest.approx(sps.hypergeom.sf(k - 1, big, 400_050, 150), rel=1e-9)


def test_switch_to_the_normal_approximation_above_the_threshold():
    n = EXACT_PERMUTATION_MAX_N
    assert n == 200
    at, above = (50, 80, 70), (50, 81, 70)  # 200 and 201 answers in each group
    exact = gap_verdict_from_counts(at, (60, 80, 60), kind="mean")
    normal = gap_verdict_from_counts(above, (60, 81, 60), kind="mean")
    assert exact.test == "permutation_exact" and "(test exact de permutation" in exact.sentence
    assert normal.test == "permutation_normal"
    assert "(test de permutation, approximation normale, p = " in normal.sentence
    # One group at the threshold is enough to stay exact.
    assert gap_verdict_from_counts(at, (600, 810, 600), kind="mean").test == "permutation_exact"
    # method forces either computation.
    assert permutation_test_from_counts(above, (60, 81, 60)) == permutation_test_from_counts(
        above, (60, 81, 60), method="normal"
    )
    assert (
        permutation_test_means([1, 2, 3], [3, 3], method="normal").p_value
        != permutation_test_means([1, 2, 3], [3, 3]).p_value
    )


def test_normal_approximation_is_the_permutation_distribution_moments():
    # Without continuity correction, z = D / sqrt(S^2 (1/n_a + 1/n_b)); with binary answers the lattice
    # step of S is 1, corrected by 0.5 towards the mean: the same as a hand computation.
    ca, cb = (400, 600), (460, 540)
    n_a = n_b = 1000
    pooled = [0] * 860 + [1] * 1140
    s2 = np.var(pooled, ddof=1)
    mean_s, sd_s = 1140 * n_a / 2000, math.sqrt(s2 * n_a * n_b / 2000)
    observed_s = 600
    upper = sps.norm.sf((observed_s - 0.5 - mean_s) / sd_s)
    lower = sps.norm.cdf((2 * mean_s - observed_s + 0.5 - mean_s) / sd_s)
    result = permutation_test_from_counts(ca, cb, levels=(0, 1))
    assert result.p_value == pytest.approx(upper + lower, rel=1e-9)
    assert permutation_test_from_counts(ca, cb, levels=(0, 1), alternative="greater").p_value == pytest.approx(
        upper, rel=1e-9
    )
    assert permutation_test_from_counts((100, 0, 0), (300, 0, 0), method="normal").p_value == 1.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_normal_approximation_close_to_exact_just_above_the_threshold(seed):
    rng = np.random.default_rng(seed)
    for _ in range(4):
        n_a, n_b = (int(x) for x in rng.integers(201, 240, size=2))
        ca = tuple(int(k) for k in rng.multinomial(n_a, rng.dirichlet((2, 2, 2))))
        cb = tuple(int(k) for k in rng.multinomial(n_b, rng.dirichlet((2, 2, 2))))
        for alternative in ("two-sided", "greater", "less"):
            exact = permutation_test_from_counts(ca, cb, alternative=alternative, method="exact").p_value
            normal = permutation_test_from_counts(ca, cb, alternative=alternative).p_value
            assert normal == pytest.approx(exact, abs=5e-3), (ca, cb, alternative)


def test_score_distributions_match_brute_force():
    def brute(total, n, levels):
        a, b, c = levels
        return sorted(
            (n - n2 - n3, n2, n3)
            for n3 in range(n + 1)
            for n2 in range(n + 1 - n3)
            if math.isclose(a * (n - n2 - n3) + b * n2 + c * n3, total)
        )

    for levels in [(1, 2, 3), (0, 1, 3), (1, 2.5, 4)]:
        for n in (0, 1, 5, 12):
            for total in range(0, 4 * n + 2):
                assert score_distributions(total, n, levels=levels) == brute(total, n, levels), (levels, n, total)


def test_permutation_p_range_large_groups_uses_the_extreme_spreads():
    # Both groups above the threshold: the normal p grows with the pooled spread, so the extremes of the
    # scan over every compatible pair are those of the first and of the last distributions.
    sum_a, n_a, sum_b, n_b = 240, 210, 262, 220  # 16 and 22 compatible spreads
    spreads_a, spreads_b = score_distributions(sum_a, n_a), score_distributions(sum_b, n_b)
    levels = (1, 2, 3)
    every = [permutation_test_from_counts(ta, tb, levels=levels).p_value for ta in spreads_a for tb in spreads_b]
    assert permutation_p_range(sum_a, n_a, sum_b, n_b) == (min(every), max(every))

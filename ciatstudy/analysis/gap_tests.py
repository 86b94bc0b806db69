"""Tests of a gap between two segments, exact at the sizes of wave 2014.

Wave 2014 has 12 MDA and 16 Non-MDA respondents. At these sizes a chi-square
test is invalid with expected counts under 5, so the tests are exact:
Fisher's exact test for shares and a permutation test of means computed by
full enumeration, with no random resampling, so the same data always give the
same numbers. :func:`permutation_test_from_counts` takes the answer tallies.
The permutation test stays exact while one group has at most
``EXACT_PERMUTATION_MAX_N`` (200) answers; when both are larger, full
enumeration would explode and normal approximations are no longer misleading,
so it switches to the normal approximation of the same permutation
distribution (see :func:`permutation_test_means`).

Pure functions on numbers and sequences: no pandas, no I/O. Bad arguments raise
``ValueError`` with a message that says what was expected.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from fractions import Fraction
from typing import NamedTuple, Sequence

import numpy as np

from .effect_sizes import _cliffs, cohens_h
from .stat_checks import (
    AGREEMENT_LEVELS,
    _check_alternative,
    _check_count_pair,
    _check_counts,
    _check_distinct_levels,
    _check_method,
    _check_sample,
    _tally,
)

__all__ = [
    "fisher_exact_test",
    "permutation_test_means",
    "permutation_test_from_counts",
    "ProportionTest",
    "MeanTest",
    "EXACT_PERMUTATION_MAX_N",
]

EXACT_PERMUTATION_MAX_N = 200  # exact permutation test while one group has at most this many answers


class ProportionTest(NamedTuple):
    """Result of :func:`fisher_exact_test`."""

    p_value: float
    difference: float  # share in a minus share in b
    cohens_h: float


class MeanTest(NamedTuple):
    """Result of :func:`permutation_test_means`."""

    p_value: float
    difference: float  # mean of a minus mean of b
    cliffs_delta: float


def fisher_exact_test(
    count_a: int, n_a: int, count_b: int, n_b: int, *, alternative: str = "two-sided"
) -> ProportionTest:
    """Fisher's exact test of equal proportions in two groups, with effect sizes.

    Conditional on both margins, exact at any size; two-sided p as in R's
    ``fisher.test`` (tables no more probable than the observed one).

    Parameters
    ----------
    count_a, n_a : int
        Respondents choosing the option, and answering, in group a.
    count_b, n_b : int
        The same in group b.
    alternative : {"two-sided", "greater", "less"}, keyword-only
        "greater" tests a share in a above b.

    Returns
    -------
    ProportionTest
        ``p_value``, ``difference`` (share a - share b) and ``cohens_h``.

    Examples
    --------
    >>> result = fisher_exact_test(10, 12, 9, 16)
    >>> round(result.p_value, 4), round(result.difference, 4)
    (0.2232, 0.2708)
    """
    count_a, n_a = _check_count_pair(count_a, n_a, "_a")
    count_b, n_b = _check_count_pair(count_b, n_b, "_b")
    alternative = _check_alternative(alternative)
    if n_a == 0 or n_b == 0:
        raise ValueError(f"fisher_exact_test needs at least one respondent in each group, got n_a={n_a}, n_b={n_b}")
    p_value = _fisher_p(count_a, n_a, count_b, n_b, alternative)
    share_a, share_b = count_a / n_a, count_b / n_b
    return ProportionTest(min(1.0, p_value), share_a - share_b, cohens_h(share_a, share_b))


def _fisher_p(count_a: int, n_a: int, count_b: int, n_b: int, alternative: str) -> float:
    """Fisher's exact p-value from the hypergeometric law of the first cell, margins fixed.

    Computed with numpy from successive pmf ratios (exact up to floating point, fast for very
    large waves) rather than through scipy.stats, whose import alone costs over a second in
    every process that scores a wave. Two-sided: the tables no more likely than the observed
    one, with scipy's relative tolerance of 1e-7.
    """
    k_total = count_a + count_b
    low, high = max(0, k_total - n_b), min(n_a, k_total)
    if low == high:
        return 1.0
    ks = np.arange(low, high, dtype=float)
    # log pmf(k+1) - log pmf(k) for the first cell
    steps = np.log(k_total - ks) + np.log(n_a - ks) - np.log(ks + 1) - np.log(n_b - k_total + ks + 1)
    log_pmf = np.concatenate(([0.0], np.cumsum(steps)))
    log_pmf -= log_pmf.max()
    pmf = np.exp(log_pmf)
    pmf /= pmf.sum()
    observed = pmf[count_a - low]
    if alternative == "greater":
        p = pmf[count_a - low :].sum()
    elif alternative == "less":
        p = pmf[: count_a - low + 1].sum()
    else:
        p = pmf[pmf <= observed * (1 + 1e-7)].sum()
    return float(p)


def permutation_test_means(
    a: Sequence[float], b: Sequence[float], *, alternative: str = "two-sided", method: str = "auto"
) -> MeanTest:
    """Permutation test of equal means in two groups: exact by full enumeration, normal when both are large.

    Under the null hypothesis every split of the pooled answers into groups of
    the observed sizes is equally likely. With a 3-point scale the answers are
    heavily tied, so the splits are enumerated as tallies (how many 1s, 2s and
    3s go to group a), each weighted by its number of permutations: exact, with
    ties handled by construction, in a few hundred steps instead of
    C(28, 12) = 30 million. The statistic is the difference of means (the
    figure the report prints); two-sided p = P(|D| >= |observed D|), computed
    with fractions so that ties in D are exact.

    Large groups: the enumeration runs over the tallies of the smaller group,
    about m² / 2 of them for m answers on 3 levels, so it stays exact and fast
    while one group has at most ``EXACT_PERMUTATION_MAX_N`` = 200 answers.
    When both groups are larger (``method="auto"``), it switches to the normal
    approximation of the same permutation distribution: D has mean 0 and
    variance ``S² (1 / n_a + 1 / n_b)`` over the splits, S² the variance
    (denominator N - 1) of the pooled answers, ties included, so
    ``z = D / sqrt(S² (1 / n_a + 1 / n_b))`` (two-sample permutation central
    limit theorem, Hájek 1961; the same z as the tie-corrected Mann-Whitney
    normal approximation, with the scores in place of their midranks). D
    lives on a lattice, so each tail gets a continuity correction of half a
    lattice step; the two-sided p adds both tails. Just above the threshold
    the approximate p differs from the exact one by a few thousandths at most
    (tested). The verdict names the test used (:func:`ciatstudy.analysis.verdict.gap_verdict`).

    Parameters
    ----------
    a, b : sequences of numbers
        The answers of each group (missing answers removed first).
    alternative : {"two-sided", "greater", "less"}, keyword-only
        "greater" tests a mean in a above b.
    method : {"auto", "exact", "normal"}, keyword-only
        "auto" (default): exact unless both groups have more than 200 answers.
        "exact" forces the enumeration (slow for two large groups), "normal"
        the approximation.

    Returns
    -------
    MeanTest
        ``p_value``, ``difference`` (mean a - mean b) and ``cliffs_delta``.

    Examples
    --------
    Pool {1, 2, 3, 3}: of the 6 equally likely splits into two pairs, 2 give a
    gap of 1.5 points or more in absolute value.

    >>> permutation_test_means([3, 3], [1, 2])
    MeanTest(p_value=0.3333333333333333, difference=1.5, cliffs_delta=1.0)
    """
    a, b = _check_sample(a, "a"), _check_sample(b, "b")
    alternative = _check_alternative(alternative)
    method = _check_method(method)
    if not a or not b:
        raise ValueError(f"permutation_test_means needs answers in both groups, got {len(a)} and {len(b)}")
    ta, tb = Counter(a), Counter(b)
    p_value, observed = _permutation_p(ta, tb, alternative, method)
    return MeanTest(p_value, observed, _cliffs(ta, tb))


def permutation_test_from_counts(
    counts_a: Sequence[int],
    counts_b: Sequence[int],
    *,
    levels: Sequence[float] = AGREEMENT_LEVELS,
    alternative: str = "two-sided",
    method: str = "auto",
) -> MeanTest:
    """:func:`permutation_test_means` from the answer tallies of each group, aligned with ``levels``.

    Same test, same numbers, same switch to the normal approximation when both
    groups have more than ``EXACT_PERMUTATION_MAX_N`` answers.

    Examples
    --------
    >>> permutation_test_from_counts((0, 0, 2), (1, 1, 0)) == permutation_test_means([3, 3], [1, 2])
    True

    1000 answers in each group: normal approximation, close to the exact p (0.0883).

    >>> round(permutation_test_from_counts((300, 400, 300), (330, 400, 270)).p_value, 4)
    0.0884
    """
    levels = _check_distinct_levels(levels)
    counts_a, counts_b = _check_counts(counts_a, levels, "counts_a"), _check_counts(counts_b, levels, "counts_b")
    alternative, method = _check_alternative(alternative), _check_method(method)
    if not sum(counts_a) or not sum(counts_b):
        raise ValueError(
            f"permutation_test_means needs answers in both groups, got {sum(counts_a)} and {sum(counts_b)}"
        )
    ta, tb = _tally(counts_a, levels), _tally(counts_b, levels)
    p_value, observed = _permutation_p(ta, tb, alternative, method)
    return MeanTest(p_value, observed, _cliffs(ta, tb))


def _is_exact(n_a: int, n_b: int, method: str = "auto") -> bool:
    return method == "exact" or (method == "auto" and min(n_a, n_b) <= EXACT_PERMUTATION_MAX_N)


def _as_level(value):
    """The answer as an exact number: int when whole (fast), Fraction otherwise."""
    exact = Fraction(value)
    return exact.numerator if exact.denominator == 1 else exact


def _permutation_p(
    tally_a: Counter, tally_b: Counter, alternative: str = "two-sided", method: str = "auto"
) -> tuple[float, float]:
    """Permutation p-value (exact or normal, see :func:`permutation_test_means`) and observed gap of means."""
    n_a, n_b = sum(tally_a.values()), sum(tally_b.values())
    pooled = Counter()
    for tally in (tally_a, tally_b):
        for v, k in tally.items():
            if k:
                pooled[_as_level(v)] += k
    total = sum(level * k for level, k in pooled.items())
    sum_a = sum(_as_level(v) * k for v, k in tally_a.items())

    def gap(s):
        return Fraction(s) / n_a - Fraction(total - s) / n_b

    observed = gap(sum_a)
    if _is_exact(n_a, n_b, method):
        extreme = {
            "two-sided": lambda d: abs(d) >= abs(observed),
            "greater": lambda d: d >= observed,
            "less": lambda d: d <= observed,
        }[alternative]
        small_is_a = n_a <= n_b
        hits = sum(
            w
            for s, w in _score_sum_weights(pooled, min(n_a, n_b)).items()
            if extreme(gap(s if small_is_a else total - s))
        )
        return float(Fraction(hits, math.comb(n_a + n_b, n_a))), float(observed)
    n = n_a + n_b
    variance = (sum(level * level * k for level, k in pooled.items()) - Fraction(total) ** 2 / n) / (n - 1)
    if variance == 0:  # every answer the same: D = 0 in every split
        return 1.0, float(observed)
    # In terms of S, the sum of group a's scores: mean n_a total / N, variance n_a n_b S² / N, on the
    # lattice n_a l_0 + g k (g the gcd of the gaps between levels); each tail is corrected by half a step
    # from its own lattice point.
    step = _lattice_step(pooled)
    origin = n_a * min(pooled)
    mean_s = Fraction(total * n_a, n)
    sd = math.sqrt(float(variance * n_a * n_b / n))

    def upper(threshold):  # P(S >= threshold)
        first = origin + step * math.ceil((threshold - origin) / step)
        return 0.5 * math.erfc(float(first - step / 2 - mean_s) / sd / math.sqrt(2))

    def lower(threshold):  # P(S <= threshold)
        last = origin + step * math.floor((threshold - origin) / step)
        return 0.5 * math.erfc(-float(last + step / 2 - mean_s) / sd / math.sqrt(2))

    deviation = abs(sum_a - mean_s)
    p_value = {
        "two-sided": lambda: upper(mean_s + deviation) + lower(mean_s - deviation),
        "greater": lambda: upper(sum_a),
        "less": lambda: lower(sum_a),
    }[alternative]()
    return min(1.0, p_value), float(observed)


def _lattice_step(pooled: Counter) -> Fraction:
    """Greatest common divisor of the gaps between the answer levels (exact, levels as ints or Fractions)."""
    levels = [Fraction(level) for level in pooled]
    gaps = [level - levels[0] for level in levels[1:]]
    if not gaps:
        return Fraction(0)
    denominator = math.lcm(*(g.denominator for g in gaps))
    return Fraction(math.gcd(*(int(g * denominator) for g in gaps)), denominator)


def _score_sum_weights(pooled: Counter, m: int) -> dict:
    """For each score sum of m answers drawn from the pooled tallies, its number of draws (exact integers).

    Dynamic programming over the levels on (answers taken, score sum): every
    tally of the m answers is reached once, weighted by the product of the
    binomial coefficients, and tallies with the same sum are merged.
    """
    levels = sorted(pooled)
    states = {(0, 0): 1}
    for position, level in enumerate(levels):
        available = pooled[level]
        combs = [math.comb(available, j) for j in range(min(available, m) + 1)]
        last = position == len(levels) - 1
        new = defaultdict(int)
        for (taken, score), ways in states.items():
            if last:
                j = m - taken
                if j <= available:
                    new[(m, score + j * level)] += ways * combs[j]
            else:
                for j in range(min(available, m - taken) + 1):
                    new[(taken + j, score + j * level)] += ways * combs[j]
        states = new
    return {score: ways for (taken, score), ways in states.items() if taken == m}

"""Intervals and segment-difference tests suited to very small segments.

Wave 2014 has 12 MDA and 16 Non-MDA respondents. At these sizes normal
approximations mislead: a t interval collapses to a point when every
respondent gave the same answer, and a chi-square test is invalid with
expected counts under 5. Everything here is therefore either a score /
likelihood interval that respects the bounds of the scale, or an exact test
computed by full enumeration: no random resampling, so the same data always
give the same numbers.

Every statistic depends on the answers only through their tallies (how many
1s, 2s and 3s; how many 0s and 1s), so each list-based function has a
tally-based twin for large waves, which never builds one Python object per
answer: :func:`mean_interval_from_counts`, :func:`cliffs_delta_from_counts`,
:func:`permutation_test_from_counts` and :func:`gap_verdict_from_counts`
(``counts`` aligned with ``levels``, e.g. ``(n1, n2, n3)``). Both give the
same numbers on the same answers. The permutation test stays exact while one
group has at most ``EXACT_PERMUTATION_MAX_N`` (200) answers; when both are
larger, full enumeration would explode and normal approximations are no
longer misleading, so it switches to the normal approximation of the same
permutation distribution (see :func:`permutation_test_means`).

Pure functions on numbers and sequences: no pandas, no I/O. Bad arguments raise
``ValueError`` with a message that says what was expected.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from numbers import Integral, Real
from statistics import NormalDist
from typing import NamedTuple, Sequence

import numpy as np

from ..data.rounding import format_fr, round_half_up

__all__ = [
    "wilson_interval",
    "mean_interval",
    "mean_interval_from_counts",
    "cohens_h",
    "cliffs_delta",
    "cliffs_delta_from_counts",
    "fisher_exact_test",
    "permutation_test_means",
    "permutation_test_from_counts",
    "score_distributions",
    "permutation_p_range",
    "gap_verdict",
    "gap_verdict_from_counts",
    "ProportionTest",
    "MeanTest",
    "GapVerdict",
    "AGREEMENT_LEVELS",
    "EXACT_PERMUTATION_MAX_N",
]

AGREEMENT_LEVELS = (1, 2, 3)
EXACT_PERMUTATION_MAX_N = 200  # exact permutation test while one group has at most this many answers
_ALTERNATIVES = ("two-sided", "greater", "less")
_METHODS = ("auto", "exact", "normal")


# --------------------------------------------------------------------------- argument checks
def _check_confidence(confidence) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, Real) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be a number strictly between 0 and 1 (e.g. 0.95), got {confidence!r}")
    return float(confidence)


def _check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def _check_count_pair(count, n, what: str = "") -> tuple[int, int]:
    count, n = _check_count(count, f"count{what}"), _check_count(n, f"n{what}")
    if count > n:
        raise ValueError(f"count{what} ({count}) cannot exceed n{what} ({n})")
    return count, n


def _check_sample(values, name: str) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must be a sequence of numbers, got {type(values).__name__}")
    values = list(values)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, Real) or v != v:
            raise ValueError(f"{name} must hold numbers only (drop missing answers first), found {v!r}")
    return [int(v) if isinstance(v, Integral) else float(v) for v in values]


def _check_levels(levels) -> tuple:
    levels = tuple(_check_sample(levels, "levels"))
    if len(levels) != 3 or not levels[0] < levels[1] < levels[2]:
        raise ValueError(f"levels must be three increasing scores such as (1, 2, 3), got {levels!r}")
    return levels


def _check_alternative(alternative: str) -> str:
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"alternative must be one of {_ALTERNATIVES}, got {alternative!r}")
    return alternative


def _check_method(method: str) -> str:
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    return method


def _check_distinct_levels(levels) -> tuple:
    levels = tuple(_check_sample(levels, "levels"))
    if not levels or len(set(levels)) != len(levels):
        raise ValueError(f"levels must be distinct scores such as (1, 2, 3), got {levels!r}")
    return levels


def _check_counts(counts, levels: tuple, name: str = "counts") -> tuple[int, ...]:
    """Answer counts aligned with ``levels``: non-negative integers, one per level."""
    if isinstance(counts, (str, bytes)) or not hasattr(counts, "__iter__"):
        raise ValueError(f"{name} must be a sequence of counts, one per level of {levels}, got {type(counts).__name__}")
    counts = tuple(_check_count(c, f"each of {name}") for c in counts)
    if len(counts) != len(levels):
        raise ValueError(f"{name} must hold one count per level of {levels}, got {len(counts)} counts")
    return counts


def _tally(counts: tuple, levels: tuple) -> Counter:
    return Counter({level: c for level, c in zip(levels, counts) if c})


@lru_cache(maxsize=None)
def _normal_quantile(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


@lru_cache(maxsize=None)
def _chi2_quantile(confidence: float) -> float:
    # A chi-square with one degree of freedom is a squared standard normal.
    return NormalDist().inv_cdf(0.5 + confidence / 2) ** 2


# --------------------------------------------------------------------------- intervals
def wilson_interval(count: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for the proportion ``count / n``.

    The interval recommended by Newcombe (1998) and Brown, Cai & DasGupta (2001)
    for small n: it stays inside [0, 1], is not degenerate at 0 or n successes,
    and equals R's ``prop.test(count, n, correct = FALSE)$conf.int``.

    Parameters
    ----------
    count : int
        Number of respondents choosing the option, ``0 <= count <= n``.
    n : int
        Number of respondents who answered.
    confidence : float, keyword-only
        Coverage, strictly between 0 and 1.

    Returns
    -------
    tuple of float
        ``(low, high)``; ``(nan, nan)`` when ``n == 0``; ``low`` is exactly 0
        when ``count == 0`` and ``high`` exactly 1 when ``count == n``.

    Examples
    --------
    >>> low, high = wilson_interval(3, 12)
    >>> round(low, 4), round(high, 4)
    (0.0889, 0.5323)
    >>> wilson_interval(0, 0)
    (nan, nan)
    """
    count, n = _check_count_pair(count, n)
    confidence = _check_confidence(confidence)
    if n == 0:
        return (math.nan, math.nan)
    z = _normal_quantile(confidence)
    centre = (count + z * z / 2) / (n + z * z)
    half = z * math.sqrt(count * (n - count) / n + z * z / 4) / (n + z * z)
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return (low, high)


def _loglik(counts, probs) -> float:
    total = 0.0
    for c, p in zip(counts, probs):
        if c:
            if p <= 0:
                return -math.inf
            total += c * math.log(p)
    return total


def _profile_loglik(counts, levels, mu: float) -> float:
    """Highest multinomial log-likelihood among distributions on ``levels`` with mean ``mu``.

    With p3 = t, the mean constraint fixes p1 and p2 linearly in t; the
    log-likelihood is concave in t, so its maximum is at a root of the
    (quadratic) derivative or at an end of the feasible range.
    """
    a, b, c = levels
    n1, n2, n3 = counts
    A, B, C, D = b - mu, c - b, mu - a, c - a
    lo, hi = max(0.0, (mu - b) / B), max(0.0, C / D)
    candidates = [lo, hi]
    qa, qb, qc = -(n1 + n2 + n3) * B * D, n1 * B * C - n2 * A * D + n3 * (B * C - A * D), n3 * A * C
    disc = qb * qb - 4 * qa * qc
    if disc >= 0:
        root = math.sqrt(disc)
        candidates += [t for t in ((-qb + root) / (2 * qa), (-qb - root) / (2 * qa)) if lo <= t <= hi]
    return max(_loglik(counts, ((A + B * t) / (b - a), (C - D * t) / (b - a), t)) for t in candidates)


def _bisect_edge(f, inside: float, outside: float) -> float:
    """Where the concave ``f`` (>= 0 at ``inside``) crosses 0 towards ``outside``."""
    if f(outside) >= 0:
        return outside
    for _ in range(100):
        mid = (inside + outside) / 2
        if mid == inside or mid == outside:  # converged: further steps would change nothing
            break
        inside, outside = (mid, outside) if f(mid) >= 0 else (inside, mid)
    return (inside + outside) / 2


def mean_interval(
    values: Sequence[float], *, levels: Sequence[float] = AGREEMENT_LEVELS, confidence: float = 0.95
) -> tuple[float, float]:
    """Profile-likelihood interval for the mean of a three-point item (3/2/1).

    Method: the answers are a multinomial sample on the three known ``levels``;
    the interval holds every mean ``mu`` whose best-fitting distribution with
    mean ``mu`` is not rejected by the likelihood-ratio test,
    ``2 (l_max - l(mu)) <= chi2_{1, confidence}`` (Wilks). It is the
    empirical-likelihood interval of Owen (2001) on the known support, the
    same family as the Wilson interval used for the shares.

    Why this one at n = 12 and 16:

    * it stays within [1, 3] and is asymmetric near the ends, as the data are;
    * it never collapses: 12 respondents all answering 1 give [1, 1.30], where
      a t interval gives the point [1, 1];
    * it is deterministic (a percentile bootstrap at these n is noisy, takes
      only a handful of distinct values and also collapses on unanimous items);
    * its exact coverage, computed by enumerating every possible sample for
      40 answer distributions (10 chosen, 30 drawn at random), averages 0.944
      at n = 12 and 0.943 at n = 16, lowest 0.90 (Wilson's oscillates the same
      way for proportions), against averages of 0.915 and 0.920 and lowest
      values of 0.42 and 0.52 for a t interval clipped to [1, 3]; a Wilson
      interval on the rescaled mean covers 0.99 but is 30 % wider.

    Parameters
    ----------
    values : sequence of numbers
        The answers, each one of ``levels`` (missing answers removed first).
    levels : three increasing numbers, keyword-only
        The scores of the scale, default ``(1, 2, 3)``.
    confidence : float, keyword-only
        Coverage, strictly between 0 and 1.

    Returns
    -------
    tuple of float
        ``(low, high)``, ``(nan, nan)`` for an empty sample.

    Examples
    --------
    >>> low, high = mean_interval([1] * 12)
    >>> low, round(high, 4)  # 1 + 2 * (1 - exp(-3.8415 / 24))
    (1.0, 1.2958)
    >>> low, high = mean_interval([1, 3])
    >>> round(low + high, 10)  # symmetric answers, symmetric interval around 2
    4.0
    """
    values = _check_sample(values, "values")
    levels = _check_levels(levels)
    confidence = _check_confidence(confidence)
    unknown = sorted(set(values) - set(levels))
    if unknown:
        raise ValueError(f"values must be among the levels {levels}, found {unknown}")
    tally = Counter(values)
    return _mean_interval(tuple(tally.get(level, 0) for level in levels), levels, confidence)


def mean_interval_from_counts(
    counts: Sequence[int], *, levels: Sequence[float] = AGREEMENT_LEVELS, confidence: float = 0.95
) -> tuple[float, float]:
    """:func:`mean_interval` from the answer tallies: ``counts[i]`` answers on ``levels[i]``.

    The interval depends on the answers only through these counts, so large
    waves are scored without listing the answers; the result is identical to
    ``mean_interval`` on the corresponding answers.

    Examples
    --------
    >>> mean_interval_from_counts((12, 0, 0)) == mean_interval([1] * 12)
    True
    >>> mean_interval_from_counts((0, 0, 0))
    (nan, nan)
    """
    levels = _check_levels(levels)
    counts = _check_counts(counts, levels)
    return _mean_interval(counts, levels, _check_confidence(confidence))


def _mean_interval(counts: tuple, levels: tuple, confidence: float) -> tuple[float, float]:
    n = sum(counts)
    if not n:
        return (math.nan, math.nan)
    mean = sum(c * level for c, level in zip(counts, levels)) / n
    threshold = _loglik(counts, [c / n for c in counts]) - _chi2_quantile(confidence) / 2

    def inside(mu: float) -> float:
        return _profile_loglik(counts, levels, mu) - threshold

    return (float(_bisect_edge(inside, mean, levels[0])), float(_bisect_edge(inside, mean, levels[2])))


# --------------------------------------------------------------------------- effect sizes
def cohens_h(p_a: float, p_b: float) -> float:
    """Cohen's h, ``2 asin(sqrt(p_a)) - 2 asin(sqrt(p_b))``, for two proportions.

    About 0.2 is small, 0.5 medium, 0.8 large (Cohen 1988).

    Examples
    --------
    >>> round(cohens_h(0.5, 0.5), 6)
    0.0
    >>> round(cohens_h(1.0, 0.0), 4)  # the largest possible, pi
    3.1416
    """
    for name, p in (("p_a", p_a), ("p_b", p_b)):
        if isinstance(p, bool) or not isinstance(p, Real) or not 0 <= p <= 1:
            raise ValueError(f"{name} must be a proportion between 0 and 1, got {p!r}")
    return 2 * math.asin(math.sqrt(p_a)) - 2 * math.asin(math.sqrt(p_b))


def cliffs_delta(a: Sequence[float], b: Sequence[float]) -> float:
    """Cliff's delta: P(A > B) - P(A < B) over all pairs (ties count for neither).

    Equal to the rank-biserial correlation of the Mann-Whitney test; from -1
    (every answer of ``a`` below every answer of ``b``) to 1.

    Examples
    --------
    >>> cliffs_delta([3, 3], [1, 2])
    1.0
    >>> cliffs_delta([2, 3], [2, 1])  # pairs: 0, +1, +1, +1
    0.75
    """
    a, b = _check_sample(a, "a"), _check_sample(b, "b")
    if not a or not b:
        raise ValueError(f"cliffs_delta needs answers in both groups, got {len(a)} and {len(b)}")
    return _cliffs(Counter(a), Counter(b))


def cliffs_delta_from_counts(
    counts_a: Sequence[int], counts_b: Sequence[int], *, levels: Sequence[float] = AGREEMENT_LEVELS
) -> float:
    """:func:`cliffs_delta` from the answer tallies of each group, aligned with ``levels``.

    Examples
    --------
    >>> cliffs_delta_from_counts((0, 1, 1), (1, 1, 0)) == cliffs_delta([2, 3], [2, 1])
    True
    """
    levels = _check_distinct_levels(levels)
    counts_a, counts_b = _check_counts(counts_a, levels, "counts_a"), _check_counts(counts_b, levels, "counts_b")
    if not sum(counts_a) or not sum(counts_b):
        raise ValueError(f"cliffs_delta needs answers in both groups, got {sum(counts_a)} and {sum(counts_b)}")
    return _cliffs(_tally(counts_a, levels), _tally(counts_b, levels))


def _cliffs(ta: Counter, tb: Counter) -> float:
    score = sum(ca * cb * ((x > y) - (x < y)) for x, ca in ta.items() for y, cb in tb.items())
    return score / (sum(ta.values()) * sum(tb.values()))


# --------------------------------------------------------------------------- tests
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
    (tested). The verdict names the test used (:func:`gap_verdict`).

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


def score_distributions(score_sum: int, n: int, *, levels: Sequence[int] = AGREEMENT_LEVELS) -> list[tuple[int, ...]]:
    """Every tally (n1, n2, n3) of ``n`` answers on ``levels`` whose scores add up to ``score_sum``.

    A published mean fixes the sum of scores, not the answers: these are all
    the answer distributions the report is compatible with. Sorted; along the
    list n3 grows and so does the spread (the sum of squared scores). Linear
    in n: for each n3, n2 is solved from the sum.

    Examples
    --------
    >>> score_distributions(5, 3)  # mean 1.67: (1, 2, 2) or (1, 1, 3)
    [(1, 2, 0), (2, 0, 1)]
    """
    score_sum, n = _check_count(score_sum, "score_sum"), _check_count(n, "n")
    a, b, c = _check_levels(levels)
    found = []
    for n3 in range(n + 1):
        guess = round((score_sum - a * (n - n3) - c * n3) / (b - a))
        for n2 in (guess - 1, guess, guess + 1):
            if 0 <= n2 <= n - n3 and math.isclose(a * (n - n2 - n3) + b * n2 + c * n3, score_sum):
                found.append((n - n2 - n3, n2, n3))
    return sorted(found)


def permutation_p_range(
    score_sum_a: int, n_a: int, score_sum_b: int, n_b: int, *, levels: Sequence[int] = AGREEMENT_LEVELS
) -> tuple[float, float]:
    """Lowest and highest permutation p-value (two-sided) compatible with two known means.

    When only the segment means are known (wave 2014: answers reconstructed
    from published means), the permutation test's p-value depends on how
    the answers were spread, which the report does not say. This scans every
    pair of distributions from :func:`score_distributions`: a gap is
    distinguishable whatever the spread only if the highest p is below alpha.

    When both groups have more than ``EXACT_PERMUTATION_MAX_N`` answers the
    test is the normal approximation (:func:`permutation_test_means`), whose
    p grows with the pooled variance, itself growing along each list of
    distributions: the lowest p is that of the first two distributions, the
    highest that of the last two, and no scan is needed.

    Examples
    --------
    Means 3 and 1 with one respondent each: only one distribution each, p = 1.

    >>> permutation_p_range(3, 1, 1, 1)
    (1.0, 1.0)
    """
    levels = _check_levels(levels)
    spreads_a = score_distributions(score_sum_a, n_a, levels=levels)
    spreads_b = score_distributions(score_sum_b, n_b, levels=levels)
    if not n_a or not n_b or not spreads_a or not spreads_b:
        raise ValueError(
            f"no answers on {levels} give score sums {score_sum_a} over {n_a} and "
            f"{score_sum_b} over {n_b} (both groups need respondents)"
        )
    if _is_exact(n_a, n_b):
        pairs = [(ta, tb) for ta in spreads_a for tb in spreads_b]
    else:
        pairs = [(spreads_a[0], spreads_b[0]), (spreads_a[-1], spreads_b[-1])]
    p_values = [_permutation_p(_tally(ta, levels), _tally(tb, levels))[0] for ta, tb in pairs]
    return (min(p_values), max(p_values))


# --------------------------------------------------------------------------- verdict
class GapVerdict(NamedTuple):
    """A segment gap, tested, with the sentence the report prints."""

    test: str  # "fisher_exact", "permutation_exact", "permutation_normal" (both segments
    # over EXACT_PERMUTATION_MAX_N answers) or "none" (a segment without answers)
    n_a: int
    n_b: int
    value_a: float  # share or mean in group a
    value_b: float
    difference: float  # value_a - value_b
    effect_size: float  # Cohen's h (shares) or Cliff's delta (means)
    effect_measure: str  # "cohens_h" or "cliffs_delta"
    p_value: float  # the p the verdict rests on (the highest compatible one when answers are reconstructed)
    p_value_min: float  # equal to p_value unless only the means are known
    distinguishable: bool  # p_value < alpha
    sentence: str  # French, for the report


def _format_p(p: float, *, alone: bool = True) -> str:
    """ "p = 0,52" / "p < 0,001" alone; "0,52" / "moins de 0,001" inside "p entre ... et ..."."""
    if p < 0.001:
        return "p < 0,001" if alone else "moins de 0,001"
    text = format_fr(p, 3 if p < 0.1 else 2, strip_zeros=True)
    return f"p = {text}" if alone else text


def _shown(kind: str, value: float) -> tuple[Decimal, str]:
    """The value as printed (rounded half up) and its French text."""
    if kind == "proportion":
        return round_half_up(value * 100, 0), format_fr(value, 0, percent=True)
    return round_half_up(value, 2), format_fr(value, 2, strip_zeros=True)


def _gap_sentence(kind, labels, n_a, n_b, values, p_range, alpha, test_name) -> str:
    (shown_a, text_a), (shown_b, text_b) = _shown(kind, values[0]), _shown(kind, values[1])
    gap = abs(shown_a - shown_b)
    if kind == "proportion":
        gap_text = f"{format_fr(gap, 0)} point{'s' if gap >= 2 else ''} de pourcentage"
    else:
        gap_text = f"{format_fr(gap, 2, strip_zeros=True)} point{'s' if gap >= 2 else ''}"
    who, both = f"{labels[0]} / {labels[1]}", f"{text_a} contre {text_b}"
    head = f"Aucun écart {who} ({both})" if gap == 0 else f"Écart {who} de {gap_text} ({both})"
    low, high = p_range
    sizes = f"avec {n_a} et {n_b} répondants"
    p_text = (
        _format_p(high) if low == high else f"p entre {_format_p(low, alone=False)} et {_format_p(high, alone=False)}"
    )
    if high < alpha:
        verdict = f"distinguable du hasard au seuil de {format_fr(alpha, 0, percent=True)} {sizes}"
    elif low < alpha:
        verdict = (
            f"{sizes}, distinguable du hasard ou non selon la répartition des réponses, que le rapport ne publie pas"
        )
    else:
        verdict = f"non distinguable du hasard {sizes}"
    if low != high and not low < alpha <= high:
        p_text += " selon la répartition des réponses"
    return f"{head} : {verdict} ({test_name}, {p_text})."


def _check_verdict_args(kind, labels, alpha) -> None:
    if kind not in ("proportion", "mean"):
        raise ValueError(f"kind must be 'proportion' (0/1 answers) or 'mean' (3-point scores), got {kind!r}")
    if not (isinstance(labels, (tuple, list)) and len(labels) == 2 and all(isinstance(l, str) for l in labels)):
        raise ValueError(f"labels must be two segment names, got {labels!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be strictly between 0 and 1 (e.g. 0.05), got {alpha!r}")


def gap_verdict(
    a: Sequence[float],
    b: Sequence[float],
    *,
    kind: str,
    labels: tuple[str, str] = ("MDA", "Non-MDA"),
    alpha: float = 0.05,
    means_only: bool = False,
) -> GapVerdict:
    """Is the gap between two segments distinguishable from chance? Numbers and a French sentence.

    Shares (``kind="proportion"``, answers 0/1) are tested with Fisher's exact
    test and sized with Cohen's h; means of a 3-point item (``kind="mean"``)
    with the exact permutation test and sized with Cliff's delta. When both
    segments have more than ``EXACT_PERMUTATION_MAX_N`` (200) answers the
    permutation test is its normal approximation (:func:`permutation_test_means`):
    ``test`` is then ``"permutation_normal"`` and the sentence says "test de
    permutation, approximation normale". The gap in the sentence is the
    difference of the two values as printed (rounded half up), so that the
    sentence adds up for the reader. :func:`gap_verdict_from_counts` takes
    the tallies instead of the answers.

    Parameters
    ----------
    a, b : sequences of numbers
        The answers of each segment (missing answers removed first).
    kind : {"proportion", "mean"}, keyword-only
    labels : pair of str, keyword-only
        Segment names for the sentence, in the order of ``a`` and ``b``.
    alpha : float, keyword-only
        Significance level, default 5 %.
    means_only : bool, keyword-only
        True when, for a 3-point item, only each segment's mean is data and
        the spread of ``a`` and ``b`` was reconstructed (wave 2014). The p-value
        then depends on the unknown spread: the verdict rests on the highest
        p over every compatible spread (:func:`permutation_p_range`), the
        sentence gives the range, and a gap that is significant for some
        spreads only is reported as undecided (``distinguishable`` False).
        Cliff's delta is still computed on ``a`` and ``b``, so it describes
        the reconstruction, not the respondents. No effect on shares, whose
        counts are data.

    Returns
    -------
    GapVerdict
        With ``p_value`` NaN and ``distinguishable`` False when a segment
        has no answer (the sentence says the gap cannot be tested).

    Examples
    --------
    >>> v = gap_verdict([3] * 2 + [2] * 10, [3] * 6 + [2] * 10, kind="mean")
    >>> v.distinguishable
    False
    >>> v.sentence
    'Écart MDA / Non-MDA de 0,21 point (2,17 contre 2,38) : non distinguable du hasard avec 12 et 16 répondants (test exact de permutation, p = 0,4).'
    >>> gap_verdict([1] * 5, [0] * 5, kind="proportion").sentence
    'Écart MDA / Non-MDA de 100 points de pourcentage (100\xa0% contre 0\xa0%) : distinguable du hasard au seuil de 5\xa0% avec 5 et 5 répondants (test exact de Fisher, p = 0,008).'
    """
    _check_verdict_args(kind, labels, alpha)
    a, b = _check_sample(a, "a"), _check_sample(b, "b")
    if kind == "proportion" and set(a + b) - {0, 1}:
        raise ValueError(f"kind='proportion' needs 0/1 answers, found {sorted(set(a + b) - {0, 1})}")
    return _verdict(
        Counter(a),
        Counter(b),
        sum(a),
        sum(b),
        kind=kind,
        labels=labels,
        alpha=alpha,
        means_only=means_only,
        range_levels=AGREEMENT_LEVELS,
    )


def gap_verdict_from_counts(
    counts_a: Sequence[int],
    counts_b: Sequence[int],
    *,
    kind: str,
    levels: Sequence[float] | None = None,
    labels: tuple[str, str] = ("MDA", "Non-MDA"),
    alpha: float = 0.05,
    means_only: bool = False,
) -> GapVerdict:
    """:func:`gap_verdict` from the answer tallies of each segment, aligned with ``levels``.

    ``levels`` defaults to ``(0, 1)`` for ``kind="proportion"`` (counts of
    "not chosen" and "chosen") and to ``(1, 2, 3)`` for ``kind="mean"``;
    with ``means_only`` the compatible spreads are taken on these levels.
    Same verdict, numbers and sentence as ``gap_verdict`` on the answers,
    including the switch to the normal approximation of the permutation
    test when both segments have more than ``EXACT_PERMUTATION_MAX_N``
    answers (``test`` is then ``"permutation_normal"``).

    Examples
    --------
    >>> v = gap_verdict_from_counts((0, 10, 2), (0, 10, 6), kind="mean")
    >>> v == gap_verdict([3] * 2 + [2] * 10, [3] * 6 + [2] * 10, kind="mean")
    True
    >>> gap_verdict_from_counts((4000, 6000), (5000, 5000), kind="proportion").p_value < 0.001
    True
    """
    _check_verdict_args(kind, labels, alpha)
    levels = (
        ((0, 1) if kind == "proportion" else AGREEMENT_LEVELS) if levels is None else _check_distinct_levels(levels)
    )
    counts_a, counts_b = _check_counts(counts_a, levels, "counts_a"), _check_counts(counts_b, levels, "counts_b")
    ta, tb = _tally(counts_a, levels), _tally(counts_b, levels)
    if kind == "proportion" and (set(ta) | set(tb)) - {0, 1}:
        raise ValueError(f"kind='proportion' needs 0/1 answers, found {sorted((set(ta) | set(tb)) - {0, 1})}")
    return _verdict(
        ta,
        tb,
        sum(l * k for l, k in ta.items()),
        sum(l * k for l, k in tb.items()),
        kind=kind,
        labels=labels,
        alpha=alpha,
        means_only=means_only,
        range_levels=levels,
    )


def _verdict(ta: Counter, tb: Counter, sum_a, sum_b, *, kind, labels, alpha, means_only, range_levels) -> GapVerdict:
    n_a, n_b = sum(ta.values()), sum(tb.values())
    value_a = sum_a / n_a if n_a else math.nan
    value_b = sum_b / n_b if n_b else math.nan
    if not n_a or not n_b:
        missing = labels[0] if not n_a else labels[1]
        sentence = f"Écart {labels[0]} / {labels[1]} non testable : aucun répondant {missing} n'a répondu."
        return GapVerdict(
            "none", n_a, n_b, value_a, value_b, math.nan, math.nan, "", math.nan, math.nan, False, sentence
        )
    if kind == "proportion":
        result = fisher_exact_test(int(sum_a), n_a, int(sum_b), n_b)
        test, measure, effect, name = "fisher_exact", "cohens_h", result.cohens_h, "test exact de Fisher"
        p_range = (result.p_value, result.p_value)
    else:
        p_value, difference = _permutation_p(ta, tb)
        result = MeanTest(p_value, difference, _cliffs(ta, tb))
        measure, effect = "cliffs_delta", result.cliffs_delta
        test, name = (
            ("permutation_exact", "test exact de permutation")
            if _is_exact(n_a, n_b)
            else ("permutation_normal", "test de permutation, approximation normale")
        )
        p_range = (
            permutation_p_range(int(sum_a), n_a, int(sum_b), n_b, levels=range_levels)
            if means_only
            else (result.p_value, result.p_value)
        )
    sentence = _gap_sentence(kind, labels, n_a, n_b, (value_a, value_b), p_range, alpha, name)
    return GapVerdict(
        test,
        n_a,
        n_b,
        value_a,
        value_b,
        result.difference,
        effect,
        measure,
        p_range[1],
        p_range[0],
        bool(p_range[1] < alpha),
        sentence,
    )

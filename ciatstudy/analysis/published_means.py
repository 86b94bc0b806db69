"""What two published means allow: the answer distributions compatible with each, and the range of p-values.

Wave 2014's answers are reconstructed from published means (:mod:`ciatstudy.data.reconstruct`): a
mean fixes the sum of scores, not the spread, so a test's p-value is known only as a range.

Pure functions on numbers and sequences: no pandas, no I/O. Bad arguments raise
``ValueError`` with a message that says what was expected.
"""

from __future__ import annotations

import math
from typing import Sequence

from .gap_tests import _is_exact, _permutation_p
from .stat_checks import AGREEMENT_LEVELS, _check_count, _check_levels, _tally

__all__ = ["score_distributions", "permutation_p_range"]


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
    test is the normal approximation (:func:`~ciatstudy.analysis.gap_tests.permutation_test_means`), whose
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

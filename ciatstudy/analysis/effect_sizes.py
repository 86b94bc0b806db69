"""Effect sizes of a gap between two segments: Cohen's h for shares, Cliff's delta for scores.

Pure functions on numbers and sequences: no pandas, no I/O. Bad arguments raise
``ValueError`` with a message that says what was expected.
"""

from __future__ import annotations

import math
from collections import Counter
from numbers import Real
from typing import Sequence

from .stat_checks import AGREEMENT_LEVELS, _check_counts, _check_distinct_levels, _check_sample, _tally

__all__ = ["cohens_h", "cliffs_delta", "cliffs_delta_from_counts"]


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

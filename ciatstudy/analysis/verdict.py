"""Is the gap between two segments distinguishable from chance? The numbers, and the French sentence the
report prints (:func:`gap_verdict`, :func:`gap_verdict_from_counts` from the tallies).

Pure functions on numbers and sequences: no pandas, no I/O. Bad arguments raise
``ValueError`` with a message that says what was expected.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from numbers import Real
from typing import NamedTuple, Sequence

from ..data.rounding import format_fr, round_half_up
from .effect_sizes import _cliffs
from .gap_tests import MeanTest, _is_exact, _permutation_p, fisher_exact_test
from .published_means import permutation_p_range
from .stat_checks import AGREEMENT_LEVELS, _check_counts, _check_distinct_levels, _check_sample, _tally

__all__ = ["gap_verdict", "gap_verdict_from_counts", "GapVerdict"]


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
    permutation test is its normal approximation (:func:`~ciatstudy.analysis.gap_tests.permutation_test_means`):
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
        p over every compatible spread (:func:`~ciatstudy.analysis.published_means.permutation_p_range`), the
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

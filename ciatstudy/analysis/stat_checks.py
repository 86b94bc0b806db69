"""Argument checks and small helpers shared by the statistics modules, and the agreement scale.

The statistics (:mod:`~ciatstudy.analysis.intervals`, :mod:`~ciatstudy.analysis.effect_sizes`,
:mod:`~ciatstudy.analysis.gap_tests`, :mod:`~ciatstudy.analysis.published_means`,
:mod:`~ciatstudy.analysis.verdict`) depend on the answers only through their tallies (how many
1s, 2s and 3s; how many 0s and 1s), so each list-based function has a tally-based twin for large
waves (``counts`` aligned with ``levels``, e.g. ``(n1, n2, n3)``), which never builds one Python
object per answer; both give the same numbers on the same answers.

Pure functions on numbers and sequences: no pandas, no I/O. Bad arguments raise
``ValueError`` with a message that says what was expected.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from numbers import Integral, Real
from statistics import NormalDist

AGREEMENT_LEVELS = (1, 2, 3)
_ALTERNATIVES = ("two-sided", "greater", "less")
_METHODS = ("auto", "exact", "normal")


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

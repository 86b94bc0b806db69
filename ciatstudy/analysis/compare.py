"""How each item moved between a baseline wave (2014) and a new wave: change, interval, exact test, sentence.

Pure functions (answers in, tidy table out); the chart of the changes is
:func:`ciatstudy.report.plots.plot_changes`.

Methods, chosen for segments of a dozen respondents:

* **Shares** (choose-any / choose-one items): change = share in the wave minus
  share in the baseline, with **Newcombe's hybrid score interval** (Newcombe
  1998, method 10: the two Wilson intervals combined by square-and-add); it
  stays within [-1, 1] and does not collapse when a share is 0 or 1. Test:
  **Fisher's exact test** (:func:`ciatstudy.analysis.gap_tests.fisher_exact_test`).
* **Means of 3/2/1 agreement items**: change = difference of means, with the
  **MOVER interval** (Zou & Donner 2008: the same square-and-add, applied to
  the profile-likelihood interval of each mean, :func:`ciatstudy.analysis.intervals.mean_interval`),
  i.e. Newcombe's construction carried over to means on a bounded 3-point
  scale. Test: the **exact permutation test** of the difference of means, by
  full enumeration of answer tallies (:func:`exact_permutation_p`, which gives
  the same p as :func:`ciatstudy.analysis.gap_tests.permutation_test_means`, faster for
  large waves).
* **When the baseline is reconstructed** (wave 2014 publishes only per-segment
  shares and means): its shares' counts are data (the only integers that give
  the printed shares), but the spread of an agreement item is not. For means
  the baseline interval then covers every spread compatible with the printed
  mean, and the test reports the lowest and highest p over those spreads; an
  item is called distinguishable only if the highest p is below alpha.

Every sentence says how many respondents each figure rests on, does not call a
gap an evolution unless the test allows it, adds "à confirmer" when the
samples are small, and says that the 2014 baseline is reconstructed.
"""

from __future__ import annotations

import math
from collections import Counter
from numbers import Real
from typing import NamedTuple, Sequence

import numpy as np
import pandas as pd
from scipy.special import gammaln

from ..data.codebook import Codebook
from ..data.rounding import format_fr
from .intervals import mean_interval, wilson_interval
from .published_means import score_distributions
from .gap_tests import fisher_exact_test

__all__ = [
    "COMPARISON_COLUMNS",
    "newcombe_interval",
    "mover_interval",
    "mean_difference_interval",
    "exact_permutation_p",
    "ItemChange",
    "compare_item",
    "compare_waves",
    "comparison_display",
]

COMPARISON_COLUMNS = [
    "question",
    "item",
    "label",
    "segment",
    "n",
    "value",
    "n_baseline",
    "value_baseline",
    "change",
    "ci_low",
    "ci_high",
    "interval",
    "test",
    "p_value",
    "p_value_min",
    "distinguishable",
    "baseline_reconstructed",
    "sentence",
]
SMALL_SAMPLE = 30  # below this many respondents on either side, a distinguishable gap is "à confirmer"
_LEVELS = (1, 2, 3)


# --------------------------------------------------------------------------- intervals
def mover_interval(
    estimate_a: float, interval_a: tuple[float, float], estimate_b: float, interval_b: tuple[float, float]
) -> tuple[float, float]:
    """Interval for ``estimate_a - estimate_b`` from each estimate's own interval (square-and-add).

    ``L = d - sqrt((a - l_a)^2 + (u_b - b)^2)``, ``U = d + sqrt((u_a - a)^2 + (b - l_b)^2)``
    (Newcombe 1998; Zou & Donner 2008, "MOVER").

    Examples
    --------
    >>> [round(x, 6) for x in mover_interval(0.5, (0.4, 0.6), 0.5, (0.4, 0.6))]
    [-0.141421, 0.141421]
    """
    (la, ua), (lb, ub) = interval_a, interval_b
    d = estimate_a - estimate_b
    if any(map(math.isnan, (estimate_a, estimate_b, la, ua, lb, ub))):
        return (math.nan, math.nan)
    return (
        d - math.sqrt((estimate_a - la) ** 2 + (ub - estimate_b) ** 2),
        d + math.sqrt((ua - estimate_a) ** 2 + (estimate_b - lb) ** 2),
    )


def newcombe_interval(
    count_a: int, n_a: int, count_b: int, n_b: int, *, confidence: float = 0.95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for the difference of two proportions ``count_a/n_a - count_b/n_b``.

    Method 10 of Newcombe (1998): Wilson score interval of each proportion,
    combined by :func:`mover_interval`. Reference values are those of
    Newcombe's Table II (and of R's ``contingencytables::Newcombe_hybrid_score_CI_2x2``).

    Examples
    --------
    >>> [round(x, 4) for x in newcombe_interval(56, 70, 48, 80)]   # Newcombe 1998, example (a)
    [0.0524, 0.3339]
    >>> [round(x, 4) for x in newcombe_interval(9, 10, 3, 10)]     # example (b)
    [0.1705, 0.809]
    >>> newcombe_interval(0, 0, 3, 10)
    (nan, nan)
    """
    if n_a == 0 or n_b == 0:
        return (math.nan, math.nan)
    pa, pb = count_a / n_a, count_b / n_b
    return mover_interval(
        pa,
        wilson_interval(count_a, n_a, confidence=confidence),
        pb,
        wilson_interval(count_b, n_b, confidence=confidence),
    )


def _expand(tally: Sequence[int], levels=_LEVELS) -> list[int]:
    return [level for level, k in zip(levels, tally) for _ in range(k)]


def mean_difference_interval(
    a: Sequence[int], b: Sequence[int], *, confidence: float = 0.95, b_means_only: bool = False
) -> tuple[float, float]:
    """MOVER interval for ``mean(a) - mean(b)`` on the 3/2/1 scale, from profile-likelihood intervals.

    With ``b_means_only`` (the baseline's spread is reconstructed), ``b``'s
    interval is the union over every spread of ``len(b)`` answers with the
    same sum, so the result holds whatever the real spread was.

    Examples
    --------
    >>> low, high = mean_difference_interval([3] * 10, [2] * 10)
    >>> round(low, 3), round(high, 3)
    (0.609, 1.175)
    >>> wide = mean_difference_interval([3] * 10, [2] * 10, b_means_only=True)
    >>> wide[0] < low
    True
    """
    a, b = [int(v) for v in a], [int(v) for v in b]
    if not a or not b:
        return (math.nan, math.nan)
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    ia = mean_interval(a, confidence=confidence)
    if b_means_only:
        bounds = [mean_interval(_expand(t), confidence=confidence) for t in score_distributions(sum(b), len(b))]
        ib = (min(l for l, _ in bounds), max(h for _, h in bounds))
    else:
        ib = mean_interval(b, confidence=confidence)
    return mover_interval(mean_a, ia, mean_b, ib)


# --------------------------------------------------------------------------- exact permutation test
def _log_comb(n, k):
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def exact_permutation_p(a: Sequence[int] | dict, b: Sequence[int] | dict) -> float:
    """Two-sided exact permutation p of the difference of means, for answers on 1/2/3 (or 0/1).

    Every split of the pooled answers into groups of the observed sizes is
    equally likely under the null; splits are enumerated as tallies (how many
    1s, 2s, 3s go to ``a``) weighted by their number of permutations, with the
    statistic compared in exact integer arithmetic. Same p as
    :func:`ciatstudy.analysis.gap_tests.permutation_test_means` (tested), in
    O(n²) vectorised steps, so that waves of hundreds of respondents stay fast.

    Examples
    --------
    >>> round(exact_permutation_p([3, 3], [1, 2]), 12)   # 2 of the 6 splits of {1, 2, 3, 3}
    0.333333333333
    >>> exact_permutation_p([3] * 40 + [2] * 60, [2] * 70 + [1] * 30) < 1e-20
    True
    """
    ta, tb = Counter(a), Counter(b)
    levels = sorted(set(ta) | set(tb))
    if len(levels) > 3 or any(not float(v).is_integer() for v in levels):
        raise ValueError(f"exact_permutation_p handles integer answers on at most 3 levels, got {levels}")
    n_a, n_b = sum(ta.values()), sum(tb.values())
    if not n_a or not n_b:
        raise ValueError(f"exact_permutation_p needs answers in both groups, got {n_a} and {n_b}")
    pooled = [ta.get(v, 0) + tb.get(v, 0) for v in levels] + [0] * (3 - len(levels))
    levels = [int(v) for v in levels] + [0] * (3 - len(levels))
    n = n_a + n_b
    total = sum(level * k for level, k in zip(levels, pooled))
    s_obs = sum(int(v) * k for v, k in ta.items())
    observed = abs(s_obs * n - total * n_a)
    k1 = np.arange(0, min(pooled[0], n_a) + 1)[:, None]
    k2 = np.arange(0, min(pooled[1], n_a) + 1)[None, :]
    k3 = n_a - k1 - k2
    ok = (k3 >= 0) & (k3 <= pooled[2])
    k3c = np.clip(k3, 0, pooled[2])
    s = k1 * levels[0] + k2 * levels[1] + k3c * levels[2]
    extreme = ok & (np.abs(s * n - total * n_a) >= observed)
    logw = _log_comb(pooled[0], k1) + _log_comb(pooled[1], k2) + _log_comb(pooled[2], k3c) - _log_comb(n, n_a)
    p = float(np.exp(logw[extreme]).sum())
    return min(1.0, p)


# --------------------------------------------------------------------------- one item
class ItemChange(NamedTuple):
    n: int
    value: float
    n_baseline: int
    value_baseline: float
    change: float
    ci_low: float
    ci_high: float
    interval: str
    test: str
    p_value: float  # the p the verdict rests on (highest compatible one when the baseline spread is unknown)
    p_value_min: float
    distinguishable: bool
    sentence: str


def _p_text(p: float) -> str:
    if p < 0.001:
        return "moins de 0,001"
    # Three decimals below 0.1, so that a p just under 5 % never prints as "0,05".
    return format_fr(p, 3) if p < 0.1 else format_fr(p, 2, strip_zeros=True)


def _signed(value: float, decimals: int) -> str:
    text = format_fr(value, decimals)
    return text if text.startswith("\u2212") or text.strip("0,") == "" else "+" + text


def _sentence(
    kind, segment_label, names, ns, values, change, interval, p_range, alpha, reconstructed, means_only
) -> str:
    wave, baseline = names
    n_a, n_b = ns
    if kind == "proportion":
        shown = [format_fr(v, 0, percent=True) for v in values]
        gap = f"{_signed(change * 100, 0)} points"
        ci = f"{_signed(interval[0] * 100, 0)} à {_signed(interval[1] * 100, 0)}"
        test = "test exact de Fisher"
    else:
        shown = [f"moyenne {format_fr(v, 2)}" for v in values]
        gap = f"{_signed(change, 2)} point"
        ci = f"{_signed(interval[0], 2)} à {_signed(interval[1], 2)}"
        test = "test exact de permutation"
    low, high = p_range
    p_text = f"p = {_p_text(high)}" if low == high else f"p entre {_p_text(low)} et {_p_text(high)}"
    if high < alpha:
        verdict = f"écart distinguable du hasard au seuil de {format_fr(alpha, 0, percent=True)}"
        if min(n_a, n_b) < SMALL_SAMPLE:
            verdict += f", à confirmer : {n_b} et {n_a} répondants seulement"
    elif low < alpha:
        verdict = (
            "écart distinguable du hasard ou non selon la répartition des réponses de "
            f"{baseline}, que le rapport ne publie pas : on ne peut pas conclure"
        )
    else:
        verdict = "écart non distinguable du hasard : ces données ne permettent pas de conclure à une évolution"
    text = (
        f"{segment_label} : {shown[1]} en {baseline} (n = {n_b}), {shown[0]} en {wave} (n = {n_a}), soit "
        f"{gap} [IC à 95 % : {ci}] ; {verdict} ({test}, {p_text})."
    )
    if reconstructed:
        text += (
            f" Référence {baseline} reconstituée : seule la moyenne par segment est publiée ; l'intervalle et "
            "le p couvrent toutes les répartitions compatibles."
            if means_only
            else f" Référence {baseline} reconstituée à partir des parts publiées."
        )
    return text


def compare_item(
    answers: Sequence[int],
    baseline: Sequence[int],
    *,
    kind: str,
    segment_label: str = "Tous",
    names: tuple[str, str] = ("la vague", "2014"),
    baseline_reconstructed: bool = False,
    alpha: float = 0.05,
) -> ItemChange:
    """Change of one item in one segment between the baseline and the wave, tested, with its sentence.

    Parameters
    ----------
    answers, baseline : sequences of int
        The segment's answers in the wave and in the baseline (missing removed):
        0/1 for ``kind="proportion"``, 3/2/1 for ``kind="mean"``.
    kind : {"proportion", "mean"}, keyword-only
    segment_label : str, keyword-only
        Segment name for the sentence ("MDA").
    names : (wave, baseline), keyword-only
        Wave names for the sentence, e.g. ``("2025", "2014")``.
    baseline_reconstructed : bool, keyword-only
        The baseline's answers are reconstructed from published figures: said
        in the sentence; for means, the spread is treated as unknown.
    alpha : float, keyword-only

    Examples
    --------
    >>> c = compare_item([1] * 9 + [0] * 11, [1] * 7 + [0] * 5, kind="proportion", segment_label="MDA",
    ...                  names=("2025", "2014"), baseline_reconstructed=True)
    >>> round(c.change, 4), c.distinguishable
    (-0.1333, False)
    >>> print(c.sentence.replace("\xa0", " "))
    MDA : 58 % en 2014 (n = 12), 45 % en 2025 (n = 20), soit −13 points [IC à 95 % : −43 à +20] ; écart non distinguable du hasard : ces données ne permettent pas de conclure à une évolution (test exact de Fisher, p = 0,72). Référence 2014 reconstituée à partir des parts publiées.
    """
    if kind not in ("proportion", "mean"):
        raise ValueError(f"kind must be 'proportion' (0/1 answers) or 'mean' (3/2/1 answers), got {kind!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, Real) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")
    a, b = [int(v) for v in answers], [int(v) for v in baseline]
    allowed = {0, 1} if kind == "proportion" else set(_LEVELS)
    bad = sorted((set(a) | set(b)) - allowed)
    if bad:
        raise ValueError(f"kind={kind!r} needs answers in {sorted(allowed)}, found {bad}")
    n_a, n_b = len(a), len(b)
    value_a = sum(a) / n_a if n_a else math.nan
    value_b = sum(b) / n_b if n_b else math.nan
    means_only = baseline_reconstructed and kind == "mean"
    method = (
        "Newcombe (score hybride)"
        if kind == "proportion"
        else "MOVER, vraisemblance profilée" + (" (toutes répartitions de la référence)" if means_only else "")
    )
    if not n_a or not n_b:
        missing = names[0] if not n_a else names[1]
        sentence = f"{segment_label} : non comparable, aucune réponse en {missing}."
        return ItemChange(
            n_a,
            value_a,
            n_b,
            value_b,
            math.nan,
            math.nan,
            math.nan,
            method,
            "none",
            math.nan,
            math.nan,
            False,
            sentence,
        )
    change = value_a - value_b
    if kind == "proportion":
        interval = newcombe_interval(sum(a), n_a, sum(b), n_b)
        p = fisher_exact_test(sum(a), n_a, sum(b), n_b).p_value
        p_range, test = (p, p), "fisher_exact"
    else:
        interval = mean_difference_interval(a, b, b_means_only=means_only)
        if means_only:
            ps = [exact_permutation_p(a, _expand(t)) for t in score_distributions(sum(b), n_b)]
            p_range = (min(ps), max(ps))
        else:
            p = exact_permutation_p(a, b)
            p_range = (p, p)
        test = "permutation_exact"
    sentence = _sentence(
        kind,
        segment_label,
        names,
        (n_a, n_b),
        (value_a, value_b),
        change,
        interval,
        p_range,
        alpha,
        baseline_reconstructed,
        means_only,
    )
    return ItemChange(
        n_a,
        value_a,
        n_b,
        value_b,
        change,
        interval[0],
        interval[1],
        method,
        test,
        p_range[1],
        p_range[0],
        bool(p_range[1] < alpha),
        sentence,
    )


# --------------------------------------------------------------------------- whole waves
def _answers(responses: pd.DataFrame, segment_col: str, segment: str | None, item: str) -> list[int]:
    column = responses[item] if segment is None else responses.loc[responses[segment_col].astype(str) == segment, item]
    return [int(v) for v in column.dropna()]


def compare_waves(
    responses: pd.DataFrame,
    baseline: pd.DataFrame,
    *,
    codebook: Codebook,
    baseline_codebook: Codebook,
    questions: Sequence[str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per item × segment, how the wave differs from the baseline (``COMPARISON_COLUMNS``).

    Parameters
    ----------
    responses, baseline : DataFrame
        Each wave's answers (``Wave.responses``).
    codebook, baseline_codebook : Codebook, keyword-only
        Give items, labels, segments, and whether the baseline is reconstructed.
    questions : list of str, keyword-only
        Default every question of the wave's codebook.
    alpha : float, keyword-only

    Returns
    -------
    DataFrame
        One row per item × segment (whole sample first, then the segments both
        waves share), codebook order. Items the baseline lacks get a row with
        no figures and a sentence saying so.

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> wave = load_wave("2014")
    >>> table = compare_waves(wave.responses, wave.responses, codebook=wave.codebook,
    ...                       baseline_codebook=wave.codebook, questions=["q4"])
    >>> table[["item", "segment", "n", "change", "distinguishable"]].head(3).values.tolist()
    [['4A', 'tous', 28, 0.0, False], ['4A', 'mda', 12, 0.0, False], ['4A', 'non_mda', 16, 0.0, False]]
    """
    if not isinstance(codebook, Codebook) or not isinstance(baseline_codebook, Codebook):
        raise ValueError("codebook and baseline_codebook must be ciatstudy Codebook objects (wave.codebook)")
    qids = list(questions) if questions is not None else [q.id for q in codebook.questions]
    names = (codebook.wave, baseline_codebook.wave)
    shared = [s for s in codebook.segment_codes if s in baseline_codebook.segment_codes]
    segments = [(codebook.all_code, None), *[(s, s) for s in shared]]
    rows = []
    for qid in qids:
        q = codebook.question(qid)
        try:
            bq = baseline_codebook.question(qid)
        except ValueError:
            bq = None
        kind = "mean" if q.kind == "agreement3" else "proportion"
        for item, label in q.items:
            in_baseline = bq is not None and item in bq.codes and bq.kind == q.kind and item in baseline.columns
            for code, seg in segments:
                seg_label = codebook.segment_label(code)
                base = {
                    "question": qid,
                    "item": item,
                    "label": label,
                    "segment": code,
                    "baseline_reconstructed": baseline_codebook.reconstructed,
                }
                a = _answers(responses, codebook.segment_variable, seg, item)
                if not in_baseline:
                    rows.append(
                        {
                            **base,
                            "n": len(a),
                            "value": sum(a) / len(a) if a else math.nan,
                            "n_baseline": 0,
                            "value_baseline": math.nan,
                            "change": math.nan,
                            "ci_low": math.nan,
                            "ci_high": math.nan,
                            "interval": "",
                            "test": "none",
                            "p_value": math.nan,
                            "p_value_min": math.nan,
                            "distinguishable": False,
                            "sentence": f"{seg_label} : non comparable, l'item {item} n'existe pas en {names[1]}.",
                        }
                    )
                    continue
                b = _answers(baseline, baseline_codebook.segment_variable, seg, item)
                change = compare_item(
                    a,
                    b,
                    kind=kind,
                    segment_label=seg_label,
                    names=names,
                    baseline_reconstructed=baseline_codebook.reconstructed,
                    alpha=alpha,
                )
                rows.append({**base, **change._asdict()})
    frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    return frame.astype({"n": "int64", "n_baseline": "int64", "distinguishable": "bool"})


# --------------------------------------------------------------------------- display
def _verdict(row, baseline: str, alpha: float) -> str:
    if row.test == "none":
        return "non comparable"
    if row.distinguishable:
        return "distinguable du hasard" + (" (à confirmer)" if min(row.n, row.n_baseline) < SMALL_SAMPLE else "")
    if row.p_value_min < alpha:
        return f"indécis : dépend de la répartition, inconnue, des réponses de {baseline}"
    return "non distinguable du hasard"


def comparison_display(
    comparison: pd.DataFrame,
    *,
    question: str,
    segment_labels: dict[str, str],
    names: tuple[str, str],
    alpha: float = 0.05,
) -> pd.DataFrame:
    """One question's comparison as the report prints it: French numbers, one text column per figure.

    Columns ``item, label, segment, reference, current, change, p, verdict``:
    shares in percent and changes in percentage points, means and their
    changes with two decimals, intervals in brackets, a short verdict.

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> wave = load_wave("2014")
    >>> table = compare_waves(wave.responses, wave.responses, codebook=wave.codebook,
    ...                       baseline_codebook=wave.codebook, questions=["q8"])
    >>> row = comparison_display(table, question="q8", segment_labels={"tous": "Tous"}, names=("2014", "2014")).iloc[0]
    >>> row["reference"].replace("\\xa0", " "), row["verdict"]
    ('43 % (n = 28)', 'non distinguable du hasard')
    """
    part = comparison[comparison["question"] == question]
    if part.empty:
        raise ValueError(f"no row for question {question!r} in the comparison table")
    kind = "proportion" if part["interval"].str.startswith("Newcombe").any() else "mean"
    scale, decimals = (100, 0) if kind == "proportion" else (1, 2)

    def shown(value):
        return format_fr(value, 0, percent=True) if kind == "proportion" else format_fr(value, 2)

    rows = []
    for r in part.itertuples():
        comparable = r.test != "none"
        rows.append(
            {
                "item": r.item,
                "label": r.label,
                "segment": segment_labels.get(r.segment, r.segment),
                "reference": f"{shown(r.value_baseline)} (n = {r.n_baseline})" if comparable else "–",
                "current": f"{shown(r.value)} (n = {r.n})" if r.n else "–",
                "change": (
                    f"{_signed(r.change * scale, decimals)} [{_signed(r.ci_low * scale, decimals)} ; "
                    f"{_signed(r.ci_high * scale, decimals)}]"
                )
                if comparable
                else "–",
                "p": "–" if not comparable else ("< 0,001" if r.p_value < 0.001 else _p_text(r.p_value)),
                "verdict": _verdict(r, names[1], alpha),
            }
        )
    return pd.DataFrame(rows, columns=["item", "label", "segment", "reference", "current", "change", "p", "verdict"])

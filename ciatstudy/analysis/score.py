"""Question tables in the tidy contract: agreement scores and selection rates.

Every table is long, one row per item x segment, with the columns of
``TIDY_COLUMNS`` (see ``DESIGN.md``): the whole sample first (``tous``), then
the codebook's segments. ``n`` counts the respondents of the segment who
answered the item; ``count`` is the number choosing the option (shares) or the
sum of 3/2/1 scores (agreement); ``value`` is ``count / n``. Intervals come
from :mod:`ciatstudy.analysis.intervals` (Wilson for shares, profile likelihood for means).

``rank`` is the order the report sorts by: the whole-sample value, descending,
computed exactly (fractions), ties kept in codebook order. Wave 2014's printed
tables depart from that rule in a few places, all traced to the report itself
(see :func:`split_agreement` for question 1):

* q1, first table: 1D (2,29) is printed before 1O (2,32);
* q1, second table: printed in ascending order (1B 1 ... 1Q 2,14);
* q3: printed in codebook order 3A, 3B, 3C (0,18 / 0,14 / 0,71 as printed;
  the rebuilt 0,14 / 0,18 / 0,71 sort 3C, 3B, 3A);
* q6: 6E printed before 6G, which follows the printed Tous (0,25 > 0,21) but
  not the segments (6G = 8/28 = 0,29 > 6E = 7/28 = 0,25);
* q7: 7F printed before 7A although both are 10/28 (codebook order: 7A first).

Rounding for display is half up (:func:`ciatstudy.data.rounding.round_half_up`),
as the report rounds; Python's ``round`` would not reproduce it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from numbers import Real

import numpy as np
import pandas as pd

from ..data.codebook import Codebook
from ..data.rounding import matches_printed, parse_printed, round_half_up
from .intervals import mean_interval_from_counts, wilson_interval
from .verdict import gap_verdict_from_counts

__all__ = [
    "TIDY_COLUMNS",
    "TEST_COLUMNS",
    "agreement_scores",
    "selection_rates",
    "score_question",
    "segment_tests",
    "add_segment_tests",
    "published_comparison",
    "display_rounded",
    "split_agreement",
]

TIDY_COLUMNS = ["question", "item", "label", "segment", "n", "count", "value", "ci_low", "ci_high", "rank"]
TEST_COLUMNS = ["test", "effect_measure", "effect_size", "p_value", "p_value_min", "distinguishable", "sentence"]
_PROPORTION_KINDS = ("multi", "single")


# --------------------------------------------------------------------------- checks
def _require_columns(frame, columns, what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks the column(s) {missing}; it has {list(frame.columns)}")


def _check_decimals(decimals) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, got {decimals!r}")
    return decimals


def _prepare(responses, codebook, question, segment, kinds):
    """Validate the arguments; return the question, its answer levels and the answer tallies.

    The tallies are one array per item (codebook order) of shape (segments, levels): how many
    respondents of each codebook segment gave each answer (missing answers left out).
    """
    if not isinstance(codebook, Codebook):
        raise ValueError(f"codebook must be a ciatstudy Codebook (wave.codebook), got {type(codebook).__name__}")
    q = codebook.question(question)  # ValueError naming the known questions
    if q.kind not in kinds:
        other = "agreement_scores" if q.kind == "agreement3" else "selection_rates"
        raise ValueError(f"question {q.id} is of kind {q.kind!r}, not {' or '.join(kinds)}: use {other}")
    segment = codebook.segment_variable if segment is None else segment
    _require_columns(responses, [segment, *q.codes], "responses")
    seg_index = _segment_index(responses[segment], segment, codebook.segment_codes)
    if q.kind in _PROPORTION_KINDS and q.base == "segment":
        responses = segment_base(responses, q.codes)
    levels = tuple(sorted(q.allowed_values))
    slots = max(levels) + 2  # answers 0 .. max, then one slot for missing answers
    base = seg_index * slots
    tallies = [_item_tallies(responses[code], code, q, base, len(codebook.segment_codes), levels) for code in q.codes]
    return q, levels, tallies


def segment_base(responses: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The answers with "ticked nothing" read as "chose none of the options" (``base: segment``).

    A respondent who left every option of a choose-any question empty is counted
    in the base with 0 for each option, so shares divide by the whole segment.
    Items no respondent answered (not asked in this wave) stay empty.

    >>> frame = pd.DataFrame({"2A": [1, None, 0], "2B": [None, None, 1], "2C": [None, None, None]}, dtype="Int64")
    >>> segment_base(frame, ["2A", "2B", "2C"]).to_dict("list")
    {'2A': [1, 0, 0], '2B': [None, 0, 1], '2C': [None, None, None]}
    """
    answers = responses[codes]
    nothing = answers.isna().all(axis=1)
    if not nothing.any():
        return responses
    out = responses.copy()
    for code in codes:
        if answers[code].notna().any():
            out[code] = answers[code].mask(nothing, 0)
    return out


def _segment_index(seg: pd.Series, segment: str, segment_codes: list[str]) -> np.ndarray:
    """Position of each respondent's segment among ``segment_codes``; ValueError if unknown or missing."""
    if isinstance(seg.dtype, pd.CategoricalDtype):
        codes, uniques = seg.cat.codes.to_numpy(), seg.cat.categories
    else:
        codes, uniques = pd.factorize(seg)
    per_code = np.bincount(codes.astype(np.intp) + 1, minlength=len(uniques) + 1)
    names = [str(u) for u in uniques]
    unknown = sorted({names[i] for i in np.flatnonzero(per_code[1:])} - set(segment_codes))
    if per_code[0] or unknown:
        raise ValueError(
            f"column {segment!r} must hold one of {segment_codes} for every respondent; "
            f"found {unknown or 'missing values'}"
        )
    lookup = np.array([segment_codes.index(name) if name in segment_codes else -1 for name in names], dtype=np.intp)
    return lookup[codes] if len(lookup) else np.zeros(len(codes), dtype=np.intp)


def _bad_values(column: pd.Series, allowed: set) -> list:
    return sorted({v for v in column.dropna().unique().tolist() if v not in allowed}, key=repr)


def _item_tallies(column: pd.Series, code: str, q, base: np.ndarray, n_segments: int, levels: tuple) -> np.ndarray:
    """Answer counts of one item per segment and level, shape (segments, levels); checks the values.

    One ``np.bincount`` of segment x answer over the whole column: no Python object per respondent.
    """
    top = max(levels)
    slots, missing_slot = top + 2, top + 1
    numpy_dtype = getattr(column.dtype, "numpy_dtype", column.dtype)
    counts = None
    if isinstance(numpy_dtype, np.dtype) and np.issubdtype(numpy_dtype, np.signedinteger):
        # Integer columns (Int8 from load_wave): missing answers go to the extra slot.
        values = column.to_numpy(dtype=numpy_dtype, na_value=missing_slot)
        if not values.size or (values.min() >= 0 and values.max() <= missing_slot):
            counts = np.bincount(base + values, minlength=n_segments * slots).reshape(n_segments, slots)
            stray = [v for v in range(top + 1) if v not in levels]
            if counts[:, missing_slot].sum() != column.isna().sum() or counts[:, stray].any():
                counts = None  # a real answer equal to the missing slot, or a value off the scale
    if counts is None:
        bad = _bad_values(column, q.allowed_values)
        if bad:
            raise ValueError(
                f"item {code}: values {bad} are not allowed for a {q.kind} question "
                f"(allowed: {sorted(q.allowed_values)})"
            )
        # Other dtypes (floats, objects, booleans) holding allowed values only.
        values = column.to_numpy(dtype="float64", na_value=missing_slot).astype(np.intp)
        counts = np.bincount(base + values, minlength=n_segments * slots).reshape(n_segments, slots)
    return counts[:, list(levels)]


def _exact(count, n) -> Fraction | None:
    if not n or pd.isna(n):
        return None
    return Fraction(int(count), int(n)) if float(count).is_integer() else Fraction(float(count)) / int(n)


# --------------------------------------------------------------------------- scoring
def _rank_items(rows: list[dict], all_code: str) -> dict[str, int]:
    """Rank by the whole-sample value, descending and exact; ties (and empty items) in codebook order."""
    whole = [r for r in rows if r["segment"] == all_code]
    keyed = [(pos, r["item"], _exact(r["count"], r["n"])) for pos, r in enumerate(whole)]
    keyed.sort(key=lambda k: (k[2] is None, -(k[2] or 0), k[0]))
    return {item: rank for rank, (_, item, _) in enumerate(keyed, start=1)}


def _score(responses, codebook, question, segment, kinds, interval) -> pd.DataFrame:
    q, levels, tallies = _prepare(responses, codebook, question, segment, kinds)
    codes = [codebook.all_code, *codebook.segment_codes]
    rows = []
    for (item, label), counts in zip(q.items, tallies):
        for code, row in zip(codes, [counts.sum(axis=0).tolist(), *counts.tolist()]):
            n, count = sum(row), sum(level * k for level, k in zip(levels, row))
            low, high = interval(row, levels)
            rows.append(
                {
                    "question": q.id,
                    "item": item,
                    "label": label,
                    "segment": code,
                    "n": n,
                    "count": count,
                    "value": count / n if n else math.nan,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    ranks = _rank_items(rows, codebook.all_code)
    order = {code: i for i, code in enumerate(codes)}
    frame = pd.DataFrame(rows).assign(rank=lambda f: f["item"].map(ranks).astype("int64"))
    frame = frame.sort_values(["rank", "segment"], key=lambda s: s.map(order) if s.name == "segment" else s)
    return frame.reset_index(drop=True)[TIDY_COLUMNS].astype({"n": "int64", "count": "int64"})


def agreement_scores(
    responses: pd.DataFrame, *, codebook: Codebook, question: str, segment: str | None = None
) -> pd.DataFrame:
    """Mean 3/2/1 agreement score of each item, for the whole sample and each segment.

    Parameters
    ----------
    responses : DataFrame
        One row per respondent, one column per item (3, 2, 1 or missing).
    codebook : Codebook, keyword-only
        Gives the items, labels and segments.
    question : str, keyword-only
        An ``agreement3`` question id, e.g. ``"q1"``.
    segment : str, keyword-only
        Column holding the segment codes; default the codebook's segment variable.

    Returns
    -------
    DataFrame
        The tidy contract (``TIDY_COLUMNS``), sorted by ``rank`` then segment;
        ``count`` is the sum of scores, ``value`` the mean, the interval the
        profile-likelihood interval of :func:`ciatstudy.analysis.intervals.mean_interval`.

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> wave = load_wave("2014")
    >>> table = agreement_scores(wave.responses, codebook=wave.codebook, question="q1")
    >>> table.loc[[0], ["item", "segment", "n", "count", "rank"]].values.tolist()
    [['1H', 'tous', 28, 75, 1]]
    >>> print(round(table.loc[0, "value"], 4))
    2.6786
    """
    return _score(
        responses,
        codebook,
        question,
        segment,
        ("agreement3",),
        lambda counts, levels: mean_interval_from_counts(counts, levels=levels),
    )


def selection_rates(
    responses: pd.DataFrame, *, codebook: Codebook, question: str, segment: str | None = None
) -> pd.DataFrame:
    """Share of respondents choosing each option, for the whole sample and each segment.

    Parameters
    ----------
    responses : DataFrame
        One row per respondent, one column per option (1 chosen, 0 not, or missing).
    codebook : Codebook, keyword-only
    question : str, keyword-only
        A ``multi`` or ``single`` question id, e.g. ``"q4"``.
    segment : str, keyword-only
        Column holding the segment codes; default the codebook's segment variable.

    Returns
    -------
    DataFrame
        The tidy contract (``TIDY_COLUMNS``), sorted by ``rank`` then segment,
        with Wilson 95 % intervals.

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> wave = load_wave("2014")
    >>> table = selection_rates(wave.responses, codebook=wave.codebook, question="q4")
    >>> table.loc[:2, ["item", "segment", "n", "count"]].values.tolist()
    [['4B', 'tous', 28, 19], ['4B', 'mda', 12, 10], ['4B', 'non_mda', 16, 9]]
    """
    return _score(
        responses,
        codebook,
        question,
        segment,
        _PROPORTION_KINDS,
        lambda counts, levels: wilson_interval(counts[levels.index(1)], sum(counts)),
    )


def score_question(
    responses: pd.DataFrame, *, codebook: Codebook, question: str, segment: str | None = None
) -> pd.DataFrame:
    """:func:`agreement_scores` or :func:`selection_rates`, whichever the question's kind calls for.

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> wave = load_wave("2014")
    >>> score_question(wave.responses, codebook=wave.codebook, question="q8")["item"].unique().tolist()
    ['8A', '8B', '8C']
    """
    if not isinstance(codebook, Codebook):
        raise ValueError(f"codebook must be a ciatstudy Codebook (wave.codebook), got {type(codebook).__name__}")
    scorer = agreement_scores if codebook.question(question).kind == "agreement3" else selection_rates
    return scorer(responses, codebook=codebook, question=question, segment=segment)


# --------------------------------------------------------------------------- segment tests
def segment_tests(
    responses: pd.DataFrame,
    *,
    codebook: Codebook,
    question: str,
    segment: str | None = None,
    groups: tuple[str, str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per item, is the gap between two segments distinguishable from chance?

    Fisher's exact test and Cohen's h for shares, the exact permutation test
    and Cliff's delta for agreement means (:func:`ciatstudy.analysis.verdict.gap_verdict`).
    No correction for multiple items: each verdict is about its own item, and
    at these sizes the tests have little power anyway, which is what the
    sentences tell the reader.

    When the codebook says the answers are reconstructed (wave 2014), an
    agreement item's spread is not data, only its segment means are: the
    verdict then holds for every spread compatible with the means
    (``means_only`` of :func:`~ciatstudy.analysis.verdict.gap_verdict`); ``p_value`` is
    the highest compatible p and ``p_value_min`` the lowest. In 2014 this
    turns 1E, 1F, 1G and 1Q, significant under the least-variance
    reconstruction (p 0,007 to 0,029), into "undecided" (highest p 0,22 to
    0,44).

    Parameters
    ----------
    responses : DataFrame
    codebook : Codebook, keyword-only
    question : str, keyword-only
    segment : str, keyword-only
        Column holding the segment codes; default the codebook's segment variable.
    groups : pair of segment codes, keyword-only
        Default the codebook's two segments (2014: ``("mda", "non_mda")``).
    alpha : float, keyword-only
        Significance level.

    Returns
    -------
    DataFrame
        One row per item, codebook order: ``question, item, label, group_a,
        group_b, n_a, n_b, value_a, value_b, difference`` and ``TEST_COLUMNS``.

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> wave = load_wave("2014")
    >>> tests = segment_tests(wave.responses, codebook=wave.codebook, question="q4")
    >>> tests.loc[tests["item"] == "4I", ["n_a", "n_b", "distinguishable"]].values.tolist()
    [[12, 16, False]]
    """
    q, levels, tallies = _prepare(responses, codebook, question, segment, ("agreement3", *_PROPORTION_KINDS))
    groups = tuple(codebook.segment_codes) if groups is None else tuple(groups)
    if len(groups) != 2 or not set(groups) <= set(codebook.segment_codes) or groups[0] == groups[1]:
        raise ValueError(f"groups must be two different segments among {codebook.segment_codes}, got {groups!r}")
    labels = tuple(codebook.segment_label(g) for g in groups)
    kind = "mean" if q.kind == "agreement3" else "proportion"
    rows = []
    position = [codebook.segment_codes.index(g) for g in groups]
    for (item, label), counts in zip(q.items, tallies):
        a, b = (counts[i].tolist() for i in position)
        v = gap_verdict_from_counts(
            a,
            b,
            kind=kind,
            levels=levels,
            labels=labels,
            alpha=alpha,
            means_only=codebook.reconstructed and kind == "mean",
        )
        rows.append(
            {
                "question": q.id,
                "item": item,
                "label": label,
                "group_a": groups[0],
                "group_b": groups[1],
                **{k: getattr(v, k) for k in ("n_a", "n_b", "value_a", "value_b", "difference")},
                **{k: getattr(v, k) for k in TEST_COLUMNS},
            }
        )
    return pd.DataFrame(rows)


def add_segment_tests(
    scored: pd.DataFrame,
    responses: pd.DataFrame,
    *,
    codebook: Codebook,
    segment: str | None = None,
    alpha: float = 0.05,
    tests: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The scored table with the item's segment test (``TEST_COLUMNS``) on each of its rows.

    ``tests``: the :func:`segment_tests` of these questions when the caller has them already
    (they are not computed twice).

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> wave = load_wave("2014")
    >>> scored = selection_rates(wave.responses, codebook=wave.codebook, question="q8")
    >>> add_segment_tests(scored, wave.responses, codebook=wave.codebook).columns.tolist()[-3:]
    ['p_value_min', 'distinguishable', 'sentence']
    """
    _require_columns(scored, TIDY_COLUMNS, "scored")
    questions = scored["question"].unique().tolist()
    if tests is None:
        tests = pd.concat(
            [segment_tests(responses, codebook=codebook, question=q, segment=segment, alpha=alpha) for q in questions],
            ignore_index=True,
        )
    else:
        _require_columns(tests, ["question", "item", *TEST_COLUMNS], "tests")
        missing = sorted(set(questions) - set(tests["question"]))
        if missing:
            raise ValueError(f"tests has no rows for question(s) {missing}")
    clash = [c for c in TEST_COLUMNS if c in scored.columns]
    if clash:
        raise ValueError(f"scored already has test columns {clash}")
    return scored.merge(
        tests[["question", "item", *TEST_COLUMNS]], on=["question", "item"], how="left", validate="many_to_one"
    )


# --------------------------------------------------------------------------- printed values
def published_comparison(scored: pd.DataFrame, published: pd.DataFrame, decimals: int = 2) -> pd.DataFrame:
    """Rebuilt values beside the printed ones, rounded as the report rounds.

    Parameters
    ----------
    scored : DataFrame
        Tidy tables (``TIDY_COLUMNS``), one or several questions.
    published : DataFrame
        The printed cells (``item, segment, printed`` as French text; ``table``
        and ``table_position`` kept when present), e.g.
        ``wave.table("published_tables")``.
    decimals : int
        Decimals of the printed figures.

    Returns
    -------
    DataFrame
        One row per printed cell of the scored items: ``question, item,
        segment, [table, table_position,] rank, value, printed,
        rebuilt_rounded, matches``. ``printed`` and ``rebuilt_rounded`` are
        numbers; ``rebuilt_rounded`` is ``count / n`` rounded half up,
        computed exactly; ``matches`` is True when the two are equal.

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> wave = load_wave("2014")
    >>> scored = selection_rates(wave.responses, codebook=wave.codebook, question="q2")
    >>> cmp = published_comparison(scored, wave.table("published_tables"))
    >>> cmp.loc[~cmp["matches"], ["item", "segment", "printed", "rebuilt_rounded"]].values.tolist()
    [['2E', 'tous', 0.75, 0.79]]
    """
    decimals = _check_decimals(decimals)
    _require_columns(scored, ["question", "item", "segment", "n", "count", "value", "rank"], "scored")
    _require_columns(published, ["item", "segment", "printed"], "published")
    extra = [c for c in ("table", "table_position") if c in published.columns]
    merged = scored[["question", "item", "segment", "n", "count", "rank", "value"]].merge(
        published[["item", "segment", *extra, "printed"]].astype({"item": str, "segment": str}),
        on=["item", "segment"],
        how="inner",
        validate="one_to_one",
    )
    if merged.empty:
        raise ValueError("none of the scored items and segments appears in the published table")
    exact = [_exact(c, n) for c, n in zip(merged["count"], merged["n"])]
    rounded = [math.nan if x is None else float(round_half_up(x, decimals)) for x in exact]
    matches = [x is not None and matches_printed(x, p, decimals) for x, p in zip(exact, merged["printed"])]
    return merged.assign(
        printed=[float(parse_printed(p)) for p in merged["printed"]], rebuilt_rounded=rounded, matches=matches
    )[["question", "item", "segment", *extra, "rank", "value", "printed", "rebuilt_rounded", "matches"]]


def _half_up(value, decimals: int) -> float:
    if value is None or pd.isna(value):
        return math.nan
    if not isinstance(value, (Real, Fraction, Decimal)):
        raise ValueError(f"cannot round {value!r}: not a number")
    return float(round_half_up(value, decimals))


def display_rounded(
    scored: pd.DataFrame, *, decimals: int = 2, columns: tuple[str, ...] = ("value", "ci_low", "ci_high")
) -> pd.DataFrame:
    """A copy with ``columns`` rounded half up, as the report prints them (still numbers).

    ``value`` is rounded from the exact ``count / n`` when those columns are
    present, so 21/8 gives 2.63 and never 2.62. Formatting with a decimal
    comma is :func:`ciatstudy.data.rounding.format_fr`'s job.

    Examples
    --------
    >>> frame = pd.DataFrame({"n": [16, 8], "count": [42, 1], "value": [42 / 16, 1 / 8]})
    >>> display_rounded(frame, columns=("value",))["value"].tolist()
    [2.63, 0.13]
    """
    decimals = _check_decimals(decimals)
    _require_columns(scored, list(columns), "scored")
    out = scored.copy()
    for column in columns:
        if column == "value" and {"count", "n"} <= set(scored.columns):
            exact = [_exact(c, n) for c, n in zip(scored["count"], scored["n"])]
            out[column] = [_half_up(x, decimals) for x in exact]
        else:
            out[column] = [_half_up(x, decimals) for x in scored[column]]
    return out


# --------------------------------------------------------------------------- question 1 layout
def split_agreement(
    scored: pd.DataFrame, *, threshold: float = 2, by: str = "tous", rest_ascending: bool = True, all_code: str = "tous"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split an agreement table as the report does: scores of 2 or more, then the rest.

    The report's caption says "score supérieur ou égal à 2", read here as the
    whole-sample (Tous) score (``by="tous"``, the default). The printed
    tables disagree with that reading: 1C (Tous 2,11) and 1E and 1Q (2,14)
    are at least 2 but printed in the second table. What the printed split
    actually follows is "2 or more in the whole sample and in every segment"
    (1C, 1E and 1Q are under 2 among MDA: 1,92, 1,92, 1,83);
    ``by="every_segment"`` reproduces the two printed tables exactly. The
    second printed table runs in ascending order (1B 1 first, 1Q 2,14 last);
    ``rest_ascending=True`` does the same.

    Parameters
    ----------
    scored : DataFrame
        One agreement question in the tidy contract (:func:`agreement_scores`).
    threshold : number, keyword-only
    by : {"tous", "every_segment"}, keyword-only
        Which score must reach the threshold: the whole sample's, or that of
        the whole sample and of every segment.
    rest_ascending : bool, keyword-only
        Order of the second table: ascending (as printed) or descending.
    all_code : str, keyword-only
        Segment code of the whole sample (``codebook.all_code``).

    Returns
    -------
    (DataFrame, DataFrame)
        The two tables, each with ``rank`` renumbered 1.. in its own order
        (ties in codebook order either way), rows sorted by it.

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> wave = load_wave("2014")
    >>> q1 = agreement_scores(wave.responses, codebook=wave.codebook, question="q1")
    >>> high, rest = split_agreement(q1, by="every_segment")
    >>> rest.loc[rest["segment"] == "tous", "item"].tolist()
    ['1B', '1P', '1F', '1N', '1C', '1E', '1Q']
    >>> high, rest = split_agreement(q1)
    >>> rest.loc[rest["segment"] == "tous", "item"].tolist()
    ['1B', '1P', '1F', '1N']
    """
    _require_columns(scored, TIDY_COLUMNS, "scored")
    if by not in ("tous", "every_segment"):
        raise ValueError(f"by must be 'tous' or 'every_segment', got {by!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, Real):
        raise ValueError(f"threshold must be a number, got {threshold!r}")
    if scored["question"].nunique() != 1:
        raise ValueError(f"split_agreement takes one question, got {sorted(scored['question'].unique())}")
    if not (scored["segment"] == all_code).any():
        raise ValueError(
            f"scored has no whole-sample rows (segment {all_code!r}); "
            f"its segments are {sorted(scored['segment'].unique())}"
        )
    exact = pd.Series([_exact(c, n) for c, n in zip(scored["count"], scored["n"])], index=scored.index)
    reaches = exact.map(lambda x: x is not None and x >= Fraction(threshold)).astype(bool)
    if by == "tous":
        reaches = reaches[scored["segment"] == all_code]
    high_items = set(reaches.groupby(scored["item"]).all().loc[lambda s: s].index)
    in_high = scored["item"].isin(high_items)
    return (
        _rerank(scored[in_high], exact, all_code, ascending=False),
        _rerank(scored[~in_high], exact, all_code, ascending=rest_ascending),
    )


def _rerank(table: pd.DataFrame, exact: pd.Series, all_code: str, *, ascending: bool) -> pd.DataFrame:
    heads = [
        (exact[i], rank, item)
        for i, rank, item in zip(table.index, table["rank"], table["item"])
        if table.at[i, "segment"] == all_code
    ]
    heads.sort(key=lambda h: (h[0] is None, (h[0] or 0) if ascending else -(h[0] or 0), h[1]))
    new_rank = {item: position for position, (_, _, item) in enumerate(heads, start=1)}
    out = table.assign(rank=table["item"].map(new_rank).astype("int64"))
    return out.sort_values("rank", kind="stable").reset_index(drop=True)

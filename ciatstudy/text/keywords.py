"""Words that set one segment apart (:func:`distinctive_words`) and keywords in their sentences
(:func:`keyword_in_context`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .frequencies import DEFAULT_TOP, _check_top, _french_key
from .tokens import DEFAULT_MIN_LENGTH, DEFAULT_POS, _analyse, _check_frame, _resources, _texts, corpus_tokens
from .wordlists import WordLists, _norm_word

if TYPE_CHECKING:  # spaCy is imported lazily: importing it costs about a second
    from spacy.language import Language


def distinctive_words(
    quotes: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    text: str = "text",
    respondent: str = "respondent_no",
    segment: str = "segment",
    prior_scale: float = 1.0,
    top: int | None = DEFAULT_TOP,
    pos: Iterable[str] = DEFAULT_POS,
    min_length: int = DEFAULT_MIN_LENGTH,
    extra_stop: Iterable[str] = (),
    nlp: "Language | None" = None,
    lists: WordLists | None = None,
) -> pd.DataFrame:
    """Words that set one segment apart from the others: log-odds with an informative Dirichlet prior.

    Monroe, Colaresi & Quinn (2008), "Fightin' words", *Political Analysis*
    16(4), eq. 22: for segment *i* against the rest *j*, with counts
    :math:`y`, totals :math:`n`, prior :math:`\\alpha_w` and
    :math:`\\alpha_0 = \\sum_w \\alpha_w`,

    .. math::

        \\delta_w = \\log\\frac{y_{iw}+\\alpha_w}{n_i+\\alpha_0-y_{iw}-\\alpha_w}
                 - \\log\\frac{y_{jw}+\\alpha_w}{n_j+\\alpha_0-y_{jw}-\\alpha_w},
        \\qquad z_w = \\delta_w / \\sqrt{1/(y_{iw}+\\alpha_w) + 1/(y_{jw}+\\alpha_w)}.

    The prior is the pooled corpus itself, :math:`\\alpha_w = s \\cdot y_w`
    (``prior_scale`` *s*): on corpora of a few hundred words it shrinks the
    rare words' estimates hard, which is the point. :math:`|z| > 1.96` would be
    "significant" only under the model's assumptions; on 2014's corpora, read
    the ranking, not the threshold.

    Parameters
    ----------
    quotes : DataFrame
        Answers, with ``text`` and ``respondent`` columns.
    segments : DataFrame
        One row per respondent: ``respondent`` and ``segment`` columns
        (e.g. the wave's ``respondents`` table).
    prior_scale : float
        Strength of the prior, in multiples of the pooled counts (> 0).
    top : int or None
        Keep the ``top`` lemmas of each segment (default 20), None for all.

    Returns
    -------
    DataFrame
        ``segment``, ``lemma``, ``count`` (in the segment), ``count_rest``
        (in the other segments), ``log_odds`` (:math:`\\delta`), ``z`` and
        ``rank`` (1 = most distinctive of the segment; ties by count, then
        lemma), segments in the order they first appear in ``segments``.
    """
    top = _check_top(top)
    _check_segments(segments, respondent, segment, prior_scale)
    tokens = corpus_tokens(
        quotes,
        text=text,
        respondent=respondent,
        pos=pos,
        min_length=min_length,
        extra_stop=extra_stop,
        nlp=nlp,
        lists=lists,
    )
    lookup = dict(zip(segments[respondent], segments[segment]))
    unknown = sorted({r for r in quotes[respondent] if r not in lookup})
    if unknown:
        raise ValueError(f"respondents {unknown[:10]} of the quotes are not in segments")
    kept = tokens[tokens["kept"]].copy()
    kept["_segment"] = kept[respondent].map(lookup)
    order = [s for s in dict.fromkeys(segments[segment]) if s in set(kept["_segment"])]
    if len(order) < 2:
        raise ValueError(f"distinctive words need words from at least two segments; the quotes hold {order}")
    counts = pd.crosstab(kept["lemma"], kept["_segment"]).reindex(columns=order, fill_value=0)
    pooled = counts.sum(axis=1).astype(float)
    alpha = prior_scale * pooled
    alpha0 = float(alpha.sum())
    frames = [_segment_log_odds(counts, seg, pooled, alpha, alpha0, top) for seg in order]
    return pd.concat(frames, ignore_index=True).astype({"segment": "str", "lemma": "str"})


def _check_segments(segments, respondent: str, segment: str, prior_scale) -> None:
    """A positive prior scale, and one segment for each respondent of ``segments``."""
    if (
        isinstance(prior_scale, bool)
        or not isinstance(prior_scale, (int, float, np.number))
        or not math.isfinite(prior_scale)
        or prior_scale <= 0
    ):
        raise ValueError(f"prior_scale must be a positive number, got {prior_scale!r}")
    _check_frame(segments, {"respondent": respondent, "segment": segment}, what="segments")
    if segments[segment].isna().any():
        raise ValueError(f"segments: {int(segments[segment].isna().sum())} respondent(s) have no {segment!r}")
    if segments[respondent].duplicated().any():
        dup = segments.loc[segments[respondent].duplicated(), respondent].tolist()[:5]
        raise ValueError(f"segments: respondents {dup} appear more than once")


def _segment_log_odds(counts: pd.DataFrame, seg, pooled: pd.Series, alpha: pd.Series, alpha0: float, top):
    """One segment against the rest: each lemma's log-odds and z (Monroe et al. 2008, eq. 22), ranked."""
    y_i = counts[seg].astype(float)
    y_j = pooled - y_i
    n_i, n_j = float(y_i.sum()), float(y_j.sum())
    delta = np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha)) - np.log((y_j + alpha) / (n_j + alpha0 - y_j - alpha))
    z = delta / np.sqrt(1.0 / (y_i + alpha) + 1.0 / (y_j + alpha))
    frame = pd.DataFrame(
        {
            "segment": seg,
            "lemma": counts.index.astype(str),
            "count": y_i.astype("int64").values,
            "count_rest": y_j.astype("int64").values,
            "log_odds": delta.values,
            "z": z.values,
        }
    )
    frame["_key"] = _french_key(frame["lemma"])
    frame = frame.sort_values(["z", "count", "_key"], ascending=[False, False, True], kind="mergesort")
    frame["rank"] = np.arange(1, len(frame) + 1, dtype="int64")
    return frame.drop(columns="_key").head(top) if top else frame.drop(columns="_key")


def keyword_in_context(
    quotes: pd.DataFrame,
    lemmas: Iterable[str],
    *,
    text: str = "text",
    respondent: str = "respondent_no",
    quote_id: str | None = "quote_id",
    nlp: "Language | None" = None,
    lists: WordLists | None = None,
) -> pd.DataFrame:
    """Each lemma with the sentences it appears in, as printed, and whose they are.

    Parameters
    ----------
    lemmas : list of str
        Lemmas to look up, e.g. ``word_frequencies(quotes)["lemma"]``; spelling
        variants listed as aliases are found too.
    quote_id : str or None
        Column identifying each quote, copied to the output (None: none).

    Returns
    -------
    DataFrame
        One row per lemma × sentence, in the order of ``lemmas``, then of the
        quotes and sentences: ``lemma``, the ``respondent`` column,
        ``quote_id`` (if asked), ``sentence_no`` (1-based within the quote),
        ``sentence`` (as printed, spaces collapsed), ``forms`` (the words as
        printed, ``"; "``-separated) and ``hits``.

    Examples
    --------
    >>> quotes = pd.DataFrame({"respondent_no": [7], "quote_id": ["q1"],
    ...                        "text": ["Des projets communs. Rien d’autre."]})
    >>> keyword_in_context(quotes, ["projet"])[["lemma", "respondent_no", "sentence", "forms"]]
        lemma  respondent_no              sentence    forms
    0  projet              7  Des projets communs.  projets
    """
    if isinstance(lemmas, (str, pd.DataFrame)) or not isinstance(lemmas, Iterable):
        raise ValueError(
            f"lemmas must be a list of lemmas, e.g. ['projet'] or freqs['lemma'], got {type(lemmas).__name__}"
        )
    nlp, lists = _resources(nlp, lists)
    wanted = list(dict.fromkeys(lists.alias(_norm_word(l)) for l in lemmas))
    items = _texts(quotes, text, respondent)
    if quote_id is not None:
        _check_frame(quotes, {"quote_id": quote_id})
        ids = quotes[quote_id].tolist()
    hits: dict[str, list] = {l: [] for l in wanted}
    for number, (value, who) in enumerate(items):
        analysis = _analyse(value, nlp, lists)
        found: dict[tuple[str, int], list[str]] = {}
        for tok in analysis.tokens:
            if tok.lemma in hits:
                found.setdefault((tok.lemma, tok.sentence), []).append(tok.token)
        for (lemma, s), forms in found.items():
            start, end = analysis.sentences[s]
            row = {"lemma": lemma, respondent: who}
            if quote_id is not None:
                row[quote_id] = ids[number]
            row.update(
                sentence_no=s + 1,
                sentence=" ".join(value[start:end].split()),
                forms="; ".join(dict.fromkeys(forms)),
                hits=len(forms),
            )
            hits[lemma].append((number, s, row))
    columns = (
        ["lemma", respondent]
        + ([quote_id] if quote_id is not None else [])
        + ["sentence_no", "sentence", "forms", "hits"]
    )
    rows = [row for l in wanted for _, _, row in sorted(hits[l], key=lambda h: (h[0], h[1]))]
    return pd.DataFrame(rows, columns=columns).astype({"sentence_no": "int64", "hits": "int64"})

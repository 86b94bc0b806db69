"""How often each lemma is used, and how big each corpus is.

:func:`word_frequencies` counts the lemmas kept by :func:`ciatstudy.text.tokens.corpus_tokens`
(occurrences and respondents); :func:`corpus_summary` counts answers, respondents, words and lemmas
per corpus.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .tokens import (
    DEFAULT_MIN_LENGTH,
    DEFAULT_POS,
    _analyse,
    _check_filter,
    _check_frame,
    _drop_reason,
    _resources,
    _texts,
    corpus_tokens,
)
from .wordlists import WordLists

if TYPE_CHECKING:  # spaCy is imported lazily: importing it costs about a second
    from spacy.language import Language

DEFAULT_TOP = 20


def _check_top(top) -> int | None:
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be a positive integer or None (all), got {top!r}")
    return int(top)


def _french_key(series: pd.Series) -> pd.Series:
    """Alphabetical order as a French reader expects (é with e), then by exact spelling."""
    return series.map(
        lambda s: "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)) + "\x00" + s
    )


def word_frequencies(
    quotes: pd.DataFrame,
    *,
    text: str = "text",
    respondent: str = "respondent_no",
    pos: Iterable[str] = DEFAULT_POS,
    min_length: int = DEFAULT_MIN_LENGTH,
    extra_stop: Iterable[str] = (),
    top: int | None = DEFAULT_TOP,
    nlp: "Language | None" = None,
    lists: WordLists | None = None,
) -> pd.DataFrame:
    """How often each lemma is used, and by how many respondents.

    Parameters
    ----------
    quotes : DataFrame
        One row per answer, with a ``text`` and a ``respondent`` column.
    text, respondent : str
        Column names.
    pos, min_length, extra_stop, nlp, lists
        See :func:`tokenize`.
    top : int or None
        Keep the first ``top`` lemmas (default 20); None keeps all.

    Returns
    -------
    DataFrame
        ``lemma``, ``count`` (occurrences), ``respondents`` (distinct
        respondents using it), ``share_respondents`` (of the respondents who
        wrote in ``quotes``, 0..1) and ``rank``: 1, 2, … in order of count,
        then respondents (both descending), then lemma alphabetically (accents
        folded, as in a French dictionary). Ties are broken by that order, so
        the last places of a top list may be one of several equal lemmas.

    Examples
    --------
    >>> quotes = pd.DataFrame({"respondent_no": [1, 2, 2],
    ...                        "text": ["Un projet commun.", "Des projets.", "Le projet d’un territoire."]})
    >>> word_frequencies(quotes)
            lemma  count  respondents  share_respondents  rank
    0      projet      3            2                1.0     1
    1      commun      1            1                0.5     2
    2  territoire      1            1                0.5     3
    """
    top = _check_top(top)
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
    n_respondents = quotes[respondent].nunique()
    kept = tokens[tokens["kept"]]
    table = (
        kept.groupby("lemma", sort=True).agg(count=("lemma", "size"), respondents=(respondent, "nunique")).reset_index()
    )
    table["share_respondents"] = table["respondents"] / n_respondents if n_respondents else np.nan
    table["_key"] = _french_key(table["lemma"])
    table = table.sort_values(["count", "respondents", "_key"], ascending=[False, False, True], kind="mergesort")
    table = table.drop(columns="_key").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1, dtype="int64")
    if top is not None:
        table = table.head(top)
    return table.astype({"lemma": "str", "count": "int64", "respondents": "int64", "share_respondents": "float64"})


def corpus_summary(
    quotes: pd.DataFrame,
    *,
    corpus: str = "corpus",
    text: str = "text",
    respondent: str = "respondent_no",
    total: str | None = "tous",
    pos: Iterable[str] = DEFAULT_POS,
    min_length: int = DEFAULT_MIN_LENGTH,
    extra_stop: Iterable[str] = (),
    nlp: "Language | None" = None,
    lists: WordLists | None = None,
) -> pd.DataFrame:
    """How many answers, respondents and words each corpus holds.

    Returns
    -------
    DataFrame
        One row per corpus (in order of first appearance), then a ``total`` row
        for all corpora together (None: no total row): ``corpus``, ``quotes``,
        ``respondents`` (distinct), ``words`` (printed words before filtering:
        tokens holding a letter, an elided ``l'`` counting as a word as in
        French lexicometry, a hyphenated compound as one, ``mise en place``
        as three), ``words_kept`` (lemma occurrences kept after filtering, an
        expression counting once) and ``lemmas`` (distinct lemmas kept).
    """
    _check_frame(quotes, {"corpus": corpus, "text": text, "respondent": respondent})
    if quotes[corpus].isna().any():
        raise ValueError(f"{int(quotes[corpus].isna().sum())} quote(s) have no {corpus!r}")
    pos, min_length, extra = _check_filter(pos, min_length, extra_stop)
    items = _texts(quotes, text, respondent)
    nlp, lists = _resources(nlp, lists)
    per_quote = []  # (words, kept lemmas) of each quote
    for value, _ in items:
        tokens = _analyse(value, nlp, lists).tokens
        kept = [t.lemma for t in tokens if not _drop_reason(t, pos, min_length, extra, lists)]
        per_quote.append((sum(t.words for t in tokens), kept))
    labels = quotes[corpus].tolist()
    groups = [(str(c), [i for i, l in enumerate(labels) if l == c]) for c in dict.fromkeys(labels)]
    if total is not None:
        if total in {g for g, _ in groups}:
            raise ValueError(f"total={total!r} is also the name of a corpus; choose another label")
        groups.append((total, list(range(len(labels)))))
    rows = []
    for name, rows_in in groups:
        kept = [lemma for i in rows_in for lemma in per_quote[i][1]]
        rows.append(
            {
                "corpus": name,
                "quotes": len(rows_in),
                "respondents": quotes[respondent].iloc[rows_in].nunique(),
                "words": sum(per_quote[i][0] for i in rows_in),
                "words_kept": len(kept),
                "lemmas": len(set(kept)),
            }
        )
    return pd.DataFrame(rows).astype(
        {
            "corpus": "str",
            "quotes": "int64",
            "respondents": "int64",
            "words": "int64",
            "words_kept": "int64",
            "lemmas": "int64",
        }
    )

"""The respondents' own words as the report shows them: quotes grouped by segment, and when a corpus is
big enough for word counts to say something.

Word counts over a handful of answers only list words (one answer: every word « used by 100 % »), so the
report shows the quotes in full first and analyses a corpus only from a stated size on
(:func:`big_enough`). Keywords in context show each sentence once (:func:`unique_kwic`), and a segment's
distinctive words are words it actually uses (:func:`present_in_segment`).
"""

from __future__ import annotations

import pandas as pd

MIN_ANSWERS = 10
MIN_WORDS = 200


def big_enough(answers: int, words: int, *, min_answers: int = MIN_ANSWERS, min_words: int = MIN_WORDS) -> bool:
    """Whether a corpus is big enough for frequency tables, clouds, keywords in context and distinctive words.

    >>> big_enough(16, 486), big_enough(9, 224), big_enough(12, 150)
    (True, False, False)
    """
    for name, value in (("answers", answers), ("words", words), ("min_answers", min_answers), ("min_words", min_words)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return answers >= min_answers and words >= min_words


def quote_groups(
    quotes: pd.DataFrame, segments: pd.DataFrame, *, respondent: str, order: list[str]
) -> list[tuple[str, pd.DataFrame]]:
    """The quotes of each segment, segments in ``order``, quotes in respondent order (then as given).

    >>> q = pd.DataFrame({"respondent_no": [3, 1, 2], "text": ["c", "a", "b"]})
    >>> s = pd.DataFrame({"respondent_no": [1, 2, 3], "segment": ["x", "y", "x"]})
    >>> [(g, f["text"].tolist()) for g, f in quote_groups(q, s, respondent="respondent_no", order=["x", "y"])]
    [('x', ['a', 'c']), ('y', ['b'])]
    """
    for name in (respondent, "segment"):
        if name not in segments.columns:
            raise ValueError(f"segments: column {name!r} not found; columns are {list(segments.columns)}")
    if respondent not in quotes.columns:
        raise ValueError(f"quotes: column {respondent!r} not found; columns are {list(quotes.columns)}")
    lookup = segments.drop_duplicates(respondent).set_index(respondent)["segment"]
    merged = quotes.assign(_segment=quotes[respondent].map(lookup), _order=range(len(quotes)))
    missing = merged.loc[merged["_segment"].isna(), respondent].tolist()
    if missing:
        raise ValueError(f"quotes: respondent(s) {missing[:5]} have no segment")
    groups = []
    for seg in order:
        part = merged[merged["_segment"] == seg].sort_values([respondent, "_order"], kind="stable")
        if len(part):
            groups.append((seg, part.drop(columns=["_segment", "_order"]).reset_index(drop=True)))
    return groups


def unique_kwic(kwic: pd.DataFrame, *, respondent: str, separator: str = ", ") -> pd.DataFrame:
    """Keywords in context with each sentence once: the keywords a sentence holds are listed together.

    ``kwic`` is :func:`ciatstudy.text.keywords.keyword_in_context`'s table (one row per keyword × sentence);
    sentences keep the order in which they first appear.

    >>> k = pd.DataFrame({"lemma": ["projet", "projet", "commun"], "respondent_no": [1, 2, 1],
    ...                   "quote_id": ["a", "b", "a"], "sentence_no": [1, 1, 1],
    ...                   "sentence": ["Un projet commun.", "Un projet.", "Un projet commun."]})
    >>> unique_kwic(k, respondent="respondent_no").to_dict("list")
    {'lemma': ['projet, commun', 'projet'], 'respondent_no': [1, 2], 'sentence': ['Un projet commun.', 'Un projet.']}
    """
    keys = [c for c in (respondent, "quote_id", "sentence_no", "sentence") if c in kwic.columns]
    if "sentence" not in keys or "lemma" not in kwic.columns:
        raise ValueError(f"kwic: columns 'lemma' and 'sentence' are needed; columns are {list(kwic.columns)}")
    grouped = kwic.groupby(keys, sort=False)["lemma"].agg(lambda s: separator.join(dict.fromkeys(s)))
    out = grouped.reset_index()
    return out[["lemma", respondent, "sentence"]] if respondent in out.columns else out[["lemma", "sentence"]]


def present_in_segment(distinct: pd.DataFrame, *, count: str = "count") -> pd.DataFrame:
    """Only the distinctive words a segment actually uses (a word can score for a segment by its absence).

    >>> d = pd.DataFrame({"segment": ["a", "a"], "lemma": ["x", "y"], "count": [2, 0]})
    >>> present_in_segment(d)["lemma"].tolist()
    ['x']
    """
    if count not in distinct.columns:
        raise ValueError(f"distinct: column {count!r} not found; columns are {list(distinct.columns)}")
    return distinct[distinct[count] > 0].reset_index(drop=True)

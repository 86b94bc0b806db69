"""How alike two wordings are: text folding (:func:`fold`), match scores from 0 to 1 (:func:`similarity`
and the score matrices the matcher compares), the one-to-one assignment of a score matrix, and the
thresholds a match must reach (:data:`TAKEN`, :data:`CANDIDATE`, :data:`MARGIN`).

Examples
--------
>>> fold("Quels sont les facteurs qui favorisent cette coopération ? (plusieurs réponses possibles)")
'quels sont les facteurs qui favorisent cette cooperation'
>>> round(similarity("Quels sont les freins à la coopération ?", "Quels sont les freins à cette coopération ?"), 2)
0.91
>>> french_score(0.934)
'0,93'
"""

from __future__ import annotations

import functools
import re
import textwrap

import numpy as np
from rapidfuzz import fuzz, process

from ..privacy import normalise

__all__ = ["TAKEN", "CANDIDATE", "MARGIN", "fold", "similarity", "french_score"]

TAKEN = 0.80  # a match at least this good (and clear of the next one) is taken
CANDIDATE = 0.60  # below this, a column is not a candidate for a question (it stays unmapped)
MARGIN = 0.05  # how far the best candidate must lead the second
ITEM_TAKEN = 0.75  # an option / row / answer label is matched to an item at least this well
SHAPE_LIMIT = 80  # distinct answers (most frequent first) compared for a column's shape

# Usual instructions appended to a question, dropped before comparing (after folding).
_SUFFIXES = (
    "plusieurs reponses possibles",
    "plusieurs reponses sont possibles",
    "une seule reponse possible",
    "une seule reponse",
    "reponse unique",
    "choix multiples",
    "cochez toutes les reponses qui s appliquent",
    "select all that apply",
    "choose one",
    "facultatif",
    "obligatoire",
    "optional",
    "required",
)
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|«[^«»]*»")


@functools.lru_cache(maxsize=65536)
def fold(text: str, *, brackets: bool = False) -> str:
    """A text reduced to what its wording says: see the module docstring.

    ``brackets=True`` keeps the content of bracketed notes (compared both ways:
    a note is sometimes what tells two options apart).

    >>> fold("Pensez-vous qu’il soit plus facile de coopérer… ")
    'pensez vous qu il soit plus facile de cooperer'
    >>> fold("cooperation/facteurs_declencheurs")
    'cooperation facteurs declencheurs'
    """
    text = normalise(text)
    if not brackets:
        stripped = _BRACKETS.sub(" ", text)
        text = stripped if stripped.strip(" .:;?!…") else text
    text = " ".join(re.sub(r"[\W_]+", " ", text).split())
    for suffix in _SUFFIXES:
        if text.endswith(" " + suffix) and len(text) > len(suffix) + 8:
            text = text[: -len(suffix) - 1].rstrip()
    return text


def _scores(queries: list[str], choices: list[str], *, contained: bool = True, tokens: bool = False) -> np.ndarray:
    """Similarity (0..1) of every folded query with every folded choice."""
    if not queries or not choices:
        return np.zeros((len(queries), len(choices)))
    best = np.maximum(
        process.cdist(queries, choices, scorer=fuzz.ratio),
        process.cdist(queries, choices, scorer=fuzz.token_sort_ratio),
    )
    if tokens:  # every word of one said in the other: « Oui, une MDA » says « oui »
        best = np.maximum(best, 0.9 * process.cdist(queries, choices, scorer=fuzz.token_set_ratio))
    if contained:
        # A text that begins the other (a dropped tail, an XML name made of a label's first words) counts,
        # a little less than an equal one, and only when the shorter is a real phrase, not two letters.
        # Only pairs that begin alike can be a text and its beginning: compare those alone.
        qhead = np.array([q[:3] for q in queries])[:, None]
        chead = np.array([c[:3] for c in choices])[None, :]
        for i, j in zip(*np.nonzero(qhead == chead)):
            q, c = queries[i], choices[j]
            short, long = (q, c) if len(q) <= len(c) else (c, q)
            # a phrase of six letters or more, or a whole first word (« role » in « role accompagnement »)
            if len(long) > len(short) and (len(short) >= 6 or len(short) >= 4 and long[len(short)] == " "):
                # the more of the longer text the shorter one says, the closer to an equal one
                weight = 0.9 + 0.1 * len(short) / len(long)
                best[i, j] = max(best[i, j], weight * fuzz.ratio(short, long[: len(short)]))
    out = best / 100.0
    out[np.array(queries, dtype=object)[:, None] == np.array(choices, dtype=object)[None, :]] = 1.0
    return out


def similarity(a: str, b: str) -> float:
    """Similarity (0..1) of two wordings after :func:`fold`, the better of with and without bracketed notes."""
    return float(
        max(_scores([fold(a)], [fold(b)])[0, 0], _scores([fold(a, brackets=True)], [fold(b, brackets=True)])[0, 0])
    )


def _alias_scores(
    texts: list[str], aliases: list[list[str]], *, contained: bool = True, tokens: bool = False
) -> np.ndarray:
    """Best similarity of each text with any alias of each target (rows: texts, columns: targets)."""
    flat, owner = [], []
    for t, names in enumerate(aliases):
        for name in names:
            for variant in {fold(name), fold(name, brackets=True)}:
                if variant:
                    flat.append(variant)
                    owner.append(t)
    queries = [fold(t) for t in texts]
    queries_b = [fold(t, brackets=True) for t in texts]
    raw = np.maximum(
        _scores(queries, flat, contained=contained, tokens=tokens),
        _scores(queries_b, flat, contained=contained, tokens=tokens),
    )
    out = np.zeros((len(texts), len(aliases)))
    for k, t in enumerate(owner):
        out[:, t] = np.maximum(out[:, t], raw[:, k])
    return out


def _code_hits(texts: list[str], codes: list[str]) -> np.ndarray:
    """1 where a text names an item code as a word of its own (``aff_1a``, ``Q2A``, ``1a``)."""
    out = np.zeros((len(texts), len(codes)))
    wanted = [code.casefold() for code in codes]
    for i, t in enumerate(texts):
        words = set(fold(t).split())
        for j, code in enumerate(wanted):
            if code in words or "q" + code in words:
                out[i, j] = 1.0
    return out


def french_score(score: float) -> str:
    """A score as French prints it: two decimals, decimal comma.

    >>> french_score(1), french_score(0.875)
    ('1,00', '0,88')
    """
    return f"{score:.2f}".replace(".", ",")


def _assign(matrix: np.ndarray) -> list[tuple[int, int, float]]:
    """One-to-one assignment, best pairs first: (row, column, score) pairs.

    Greedy rather than optimal (scipy's Hungarian solver costs seconds to import): with the clear-cut
    scores of labels that differ cosmetically both agree, and a doubtful pair is reported anyway.

    >>> _assign(np.array([[0.9, 0.8], [0.85, 0.1]]))
    [(0, 0, 0.9), (1, 1, 0.1)]
    """
    out, rows, cols = [], set(), set()
    for flat in np.argsort(-matrix, axis=None, kind="stable"):
        r, c = divmod(int(flat), matrix.shape[1])
        if r not in rows and c not in cols:
            rows.add(r)
            cols.add(c)
            out.append((r, c, float(matrix[r, c])))
    return sorted(out)


def _short(text: str, width: int = 60) -> str:
    return textwrap.shorten(" ".join(str(text).split()), width, placeholder="…")

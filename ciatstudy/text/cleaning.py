"""The text rewritten before spaCy reads it, with a map back to the characters as printed.

Markup, URLs, e-mail addresses, code fragments and the placeholders of redacted
personal data are blanked (replaced by as many spaces, so that offsets hold);
typographic apostrophes become ``'`` so that elisions split as the model
expects; optional endings such as ``association(s)`` lose the parentheses;
words joined by ``/`` are split; spaced acronyms (``M D A``) are joined;
project abbreviations (``asso°``) are expanded; prefixed compounds
(``inter-associative``) are read on their head word, the prefix kept aside to
be put back on its lemma (:mod:`ciatstudy.text.tokens`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .wordlists import _RE_APOSTROPHE, WordLists, load_word_lists

_HYPHEN_CLASS = r"\-‐‑"  # the same, inside a regex character class


class _Rewrite:
    """A text being rewritten, with the map from each of its positions to the original."""

    def __init__(self, text: str):
        self.text = text
        self.origin = list(range(len(text) + 1))
        self.prefix: dict[int, tuple[str, int]] = {}  # head position -> (prefix, original start)

    def sub(self, pattern: re.Pattern, replace) -> None:
        pieces, origin, last = [], [], 0
        for m in pattern.finditer(self.text):
            new = replace(m)
            if new is None:
                continue
            pieces.append(self.text[last : m.start()])
            origin.extend(self.origin[last : m.start()])
            if isinstance(new, tuple):  # (text, prefix): a prefix read off its head word
                new, prefix = new
                self.prefix[sum(map(len, pieces))] = (prefix, self.origin[m.start()])
            pieces.append(new)
            if len(new) == m.end() - m.start():  # same length: character for character
                origin.extend(self.origin[m.start() : m.end()])
            else:
                origin.extend([self.origin[m.start()]] * len(new))
            last = m.end()
        if not pieces:
            return
        pieces.append(self.text[last:])
        origin.extend(self.origin[last:])
        self.text = "".join(pieces)
        self.origin = origin


_RE_SPACES = re.compile(r"[\u00a0\u202f\u2009\u2007\t]")
_RE_OPTIONAL_END = re.compile(r"(?<=[^\W\d_])\((?:e|s|es|x|e\)\(s)\)", re.IGNORECASE)
_RE_SLASH = re.compile(r"(?<=[^\W\d_])(?=/)|(?<=/)(?=[^\W\d_])")  # a space each side of a slash
_RE_SPACED_ACRONYM = re.compile(r"(?<!\w)[A-Z](?: [A-Z]){2,}(?!\w)")


# Not words of the respondent, removed before tokenizing (replaced by as many spaces, so that every token
# keeps its offsets in the text as written, which quotes and keywords in context still show whole):
# markup (tags, even unclosed, and entities), URLs and domain names, e-mail addresses, code fragments
# (a call such as alert('x'), javascript:, an onerror= handler) and the placeholders of redacted
# personal data (« [courriel] »…).
_ATTRIBUTE = r"""(?:\s+[\w:.-]+(?:\s*=\s*(?:"[^"\n]*"?|'[^'\n]*'?|[^\s>]*))?)"""
_RE_NOT_WORDS = re.compile(
    rf"</?[A-Za-z][\w:-]*{_ATTRIBUTE}*\s*/?>?|</|<!--.*?(?:-->|$)|&(?:[A-Za-z]{{2,8}}|#\d{{1,7}}|#x[0-9A-Fa-f]{{1,6}});"
    r"|(?:https?|ftp)://[^\s<>\"«»]*|\bwww\.[^\s<>\"«»]+|(?:javascript|data|vbscript):[^\s<>\"«»]*"
    r"|\b[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fr|org|com|net|eu|info|io|be|ch)\b(?:/[^\s<>\"«»]*)?"
    r"|\b[A-Za-z_$][\w$.]*\((?:\s*|\s*(?:'[^'\n]*'|\"[^\"\n]*\"|\d+)\s*)\)(?:\s*;)?"
    r"|\bon[a-z]{3,20}\s*=\s*(?:\"[^\"\n]*\"?|'[^'\n]*'?|[^\s>]*)"
    r"|\[(?:courriel|téléphone|adresse IP|lien personnel|SIRET|RNA|adresse|nom|structure|fonction|"
    r"coordonnées|compte|position)(?: retirée?s?)?\]"
)


def _blank(match: re.Match) -> str:
    return " " * (match.end() - match.start())


@lru_cache(maxsize=8)
def _prefix_patterns(lists: WordLists) -> tuple[re.Pattern, ...]:
    patterns = []
    if lists.bound_prefixes:
        alt = "|".join(map(re.escape, sorted(lists.bound_prefixes, key=len, reverse=True)))
        patterns.append(
            re.compile(rf"(?<![\w{_HYPHEN_CLASS}])({alt})(?:[{_HYPHEN_CLASS}]|\s+)(?=[^\W\d_]{{2}})", re.IGNORECASE)
        )
    if lists.hyphen_prefixes:
        alt = "|".join(map(re.escape, sorted(lists.hyphen_prefixes, key=len, reverse=True)))
        patterns.append(
            re.compile(rf"(?<![\w{_HYPHEN_CLASS}])({alt})[{_HYPHEN_CLASS}](?=[^\W\d_]{{2}})", re.IGNORECASE)
        )
    return tuple(patterns)


@lru_cache(maxsize=8)
def _abbreviation_pattern(lists: WordLists) -> re.Pattern | None:
    if not lists.abbreviations:
        return None
    alt = "|".join(re.escape(a) for a, _ in sorted(lists.abbreviations, key=lambda p: -len(p[0])))
    return re.compile(rf"(?<![\w{_HYPHEN_CLASS}])({alt})°?(?![\w{_HYPHEN_CLASS}])", re.IGNORECASE)


def _rewrite(paragraph: str, lists: WordLists) -> _Rewrite:
    r = _Rewrite(unicodedata.normalize("NFC", paragraph))
    r.sub(_RE_NOT_WORDS, _blank)
    r.sub(_RE_APOSTROPHE, lambda m: "'")
    r.sub(_RE_SPACES, lambda m: " ")
    r.sub(_RE_OPTIONAL_END, lambda m: "")
    r.sub(_RE_SLASH, lambda m: " ")
    r.sub(_RE_SPACED_ACRONYM, lambda m: m.group(0).replace(" ", ""))
    abbreviations = _abbreviation_pattern(lists)
    if abbreviations is not None:
        table = dict(lists.abbreviations)
        r.sub(abbreviations, lambda m: table[m.group(1).lower()])
    for pattern in _prefix_patterns(lists):
        r.sub(pattern, lambda m: ("", m.group(1).lower()))
    return r


def normalise_text(text: str, *, lists: WordLists | None = None) -> str:
    """The text as spaCy reads it, after the project's rewriting rules (for inspection).

    Prefixes of compounds are removed here and put back on the head word's lemma.

    Examples
    --------
    >>> normalise_text("L’association(s) partenaire(s), 2 asso° inter-associatives, M D A")
    "L'association partenaire, 2 association associatives, MDA"
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    lists = lists or load_word_lists()
    return "\n".join(_rewrite(p, lists).text for p in text.split("\n"))

"""How text is folded before it is compared: labels for matching, identifiers for redaction and scans.

:func:`normalise` folds a label (HTML, accents, case, typographic quotes,
spaces) for matching headers, answers and pseudonymised values;
:func:`fold_with_map` folds case and accents character by character and
keeps where each folded character came from, so that a match in the folded
text can be cut out of the original.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

__all__ = ["normalise", "fold", "fold_with_map"]

_QUOTES_AND_DASHES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
    }
)


class _MarkTable(dict):
    """``str.translate`` table deleting combining marks (category Mn), filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if unicodedata.category(chr(code)) == "Mn" else code
        return self[code]


_NO_MARKS = _MarkTable()


@functools.lru_cache(maxsize=65536)  # an export repeats its answer labels in every row
def _normalise(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTES_AND_DASHES)
    if not text.isascii():
        text = unicodedata.normalize("NFD", text).translate(_NO_MARKS)
    return " ".join(text.casefold().split())


def normalise(text: str) -> str:
    """Fold a label for matching: no HTML, accents, case, typographic quotes or extra spaces.

    Examples
    --------
    >>> normalise("  D’accord  ")
    "d'accord"
    >>> normalise("Entièrement <b>d'accord</b>")
    "entierement d'accord"
    """
    return _normalise(str(text))


_FOLD = {"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u202f": " "}


class _FoldTable(dict):
    """``str.translate`` table folding case and accents, filled one character at a time as they are met."""

    def __init__(self):
        super().__init__()
        self.irregular: set[str] = set()  # characters that fold to other than one character (ß, ﬁ, a combining accent)
        self.irregular_re = re.compile("(?!)")

    def __missing__(self, code: int) -> str:
        ch = _FOLD.get(chr(code), chr(code))
        folded = "".join(p for p in unicodedata.normalize("NFKD", ch) if unicodedata.category(p) != "Mn").casefold()
        self[code] = folded
        if len(folded) != 1:
            self.irregular.add(chr(code))
            self.irregular_re = re.compile("[" + re.escape("".join(sorted(self.irregular))) + "]")
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Case- and accent-folded text (what :func:`fold_with_map` returns, without the index map).

    >>> fold("Ève Straße ﬁn")
    'eve strasse fin'
    """
    return text.translate(_FOLD_TABLE)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Case- and accent-folded text, with the index in ``text`` of every folded character."""
    folded = fold(text)
    if len(folded) == len(text) and not _FOLD_TABLE.irregular_re.search(text):
        return folded, list(range(len(text)))
    out, where = [], []
    for i, ch in enumerate(text):  # rare: a character folds to several, or to none
        piece = _FOLD_TABLE[ord(ch)]
        out.append(piece)
        where.extend([i] * len(piece))
    return "".join(out), where

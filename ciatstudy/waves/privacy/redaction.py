"""Redaction of free text: identifiers replaced by French placeholders, counted by kind.

:class:`Redactor` removes the identifiers found by form
(:mod:`~ciatstudy.waves.privacy.detectors`) and the values the export gives in
its identifier columns; :func:`redaction_summary`, :func:`recorded_file_name`
and :func:`excerpt` are what the import prints and records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .detectors import find_spans, resolve_overlaps
from .folding import fold, fold_with_map

__all__ = [
    "IDENTIFIER_KINDS",
    "PLACEHOLDERS",
    "SPACY_PER_PRECISION",
    "Redactor",
    "redaction_summary",
    "recorded_file_name",
    "excerpt",
]

#: spaCy's ``fr_core_news_sm`` as a detector of person names (PER entities), measured 2026-11-29 on the
#: 46 quotes of wave 2014 (organisations speaking; no person is named in them): 3 PER spans, none a
#: person (« Organiser », « France Bénévolat », « Champs Libre »): precision 0 / 3. On 300 synthetic
#: respondents' answers (``synth_wave(300, seed=3)``), 44 of the 48 names written were tagged, among 114
#: PER spans: precision 0.39 (« Laval », « N’hésitez », « Travailler »…). Redacting PER spans would take
#: words out of the corpus more often than names, so the import does not rely on the model: it removes
#: the names the export itself gives in its contact columns (``tests/test_privacy.py`` pins the 2014 figure).
SPACY_PER_PRECISION = {"2014 quotes": (0, 3), "synthetic answers": (44, 114)}

# Kinds of direct identifiers and the French placeholder that replaces them in free text.
IDENTIFIER_KINDS = {
    "email": "[courriel]",
    "phone": "[téléphone]",
    "ip": "[adresse IP]",
    "url": "[lien personnel]",
    "siret": "[SIRET]",
    "rna": "[RNA]",
    "address": "[adresse]",
    "name": "[nom]",
    "structure": "[structure]",
    "role": "[fonction]",
    "contact": "[coordonnées]",
    "account": "[compte]",
    "location": "[position]",
}
PLACEHOLDERS = frozenset(IDENTIFIER_KINDS.values())

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _token_key(folded: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(folded))


@dataclass
class Redactor:
    """Replaces identifiers in free text by French placeholders, and counts them by kind.

    ``known`` holds identifier values seen in the export's identifier columns
    (names, structures, e-mails…), each with its kind: they are removed
    wherever they appear in a free-text answer, as whole words, whatever the
    case, accents or spacing. E-mails (also written ``(at)``, ``[at]``,
    `` arobase ``), phone numbers, IP addresses, personal profile URLs,
    SIRET/SIREN and RNA numbers and French postal addresses are removed whether
    known or not (see :func:`find_identifiers`).

    Person names that appear in no contact column are **not** looked for with
    a named-entity model: see :data:`SPACY_PER_PRECISION`.

    Examples
    --------
    >>> r = Redactor({"Dupont": "name", "MDA de Quimperlé": "structure"})
    >>> r.redact("Merci à M. DUPONT (mda de quimperle) : jo@exemple.org")
    'Merci à M. [nom] ([structure]) : [courriel]'
    >>> r.counts
    {'name': 1, 'structure': 1, 'email': 1}
    """

    known: dict[str, str]
    min_length: int = 3

    def __post_init__(self):
        # Known values as sequences of folded tokens (words and single punctuation marks), indexed by their
        # first token: a text is matched in one pass over its tokens, whatever the number of values.
        self._by_first: dict[str, dict[tuple[str, ...], str]] = {}
        self._longest: dict[str, int] = {}
        for value, kind in self.known.items():
            folded = fold(str(value).strip())
            key = _token_key(folded)
            if len("".join(key)) < self.min_length or kind not in IDENTIFIER_KINDS or not key:
                continue
            self._by_first.setdefault(key[0], {}).setdefault(key, kind)
            self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))
        self.counts: dict[str, int] = {}

    @property
    def count(self) -> int:
        """Identifiers replaced so far, all kinds together."""
        return sum(self.counts.values())

    def _known_spans(self, text: str) -> list[tuple[int, int, str]]:
        folded, where = fold_with_map(text)
        tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
        words = [t for t, _, _ in tokens]
        found, i = [], 0
        while i < len(tokens):
            table = self._by_first.get(words[i])
            if table:
                for size in range(min(self._longest[words[i]], len(tokens) - i), 0, -1):
                    kind = table.get(tuple(words[i : i + size]))
                    if kind:
                        found.append((where[tokens[i][1]], where[tokens[i + size - 1][2] - 1] + 1, kind))
                        i += size - 1
                        break
            i += 1
        return found

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Where the identifiers of ``text`` are: (start, end, kind), non-overlapping, in order."""
        found = find_spans(text)
        if self._by_first:
            found += self._known_spans(text)
        return resolve_overlaps(found)

    def redact(self, text: str) -> str:
        """``text`` with every identifier replaced by its placeholder (counted in :attr:`counts`)."""
        text = str(text)
        pieces, last = [], 0
        for start, end, kind in self.spans(text):
            pieces += [text[last:start], IDENTIFIER_KINDS[kind]]
            self.counts[kind] = self.counts.get(kind, 0) + 1
            last = end
        return "".join(pieces) + text[last:] if pieces else text


def redaction_summary(counts: dict[str, int]) -> str:
    """The counts of a :class:`Redactor` as the import summary prints them, most frequent first.

    >>> redaction_summary({"email": 2, "phone": 3})
    '3 [téléphone], 2 [courriel]'
    """
    return ", ".join(
        f"{n} {IDENTIFIER_KINDS[kind]}"
        for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], list(IDENTIFIER_KINDS).index(kv[0])))
        if n
    )


def recorded_file_name(name: str, sha256: str, redactor: "Redactor | None" = None) -> str:
    """The export's file name as the wave records it: itself, or ``export-<hash>`` if it holds an identifier.

    The name is checked like a free-text answer (e-mails, phones, addresses…,
    and the export's own names and structures through ``redactor``), with ``_``
    and ``.`` read as spaces. A name holding any of them is replaced whole by
    the first 12 hex digits of the export's SHA-256, which still tells which
    file was imported.

    Examples
    --------
    >>> recorded_file_name("export_enquete_2026.csv", "ab" * 32)
    'export_enquete_2026.csv'
    >>> recorded_file_name("reponses_jo.martin@exemple.org.xlsx", "ab" * 32)
    'export-abababababab.xlsx'
    >>> recorded_file_name("Export 06 39 98 00 00.csv", "ab" * 32)
    'export-abababababab.csv'
    """
    name = str(name)
    stem, dot, suffix = name.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,5}", suffix):
        stem, suffix = name, ""
    spaced = re.sub(r"[_+]+", " ", stem)
    found = (redactor or Redactor({})).spans(stem) or (redactor or Redactor({})).spans(spaced)
    # Ten digits or more in a row are a phone number or a SIRET written without separators.
    if found or re.search(r"\d{9,}", stem):
        return f"export-{sha256[:12]}" + (f".{suffix.lower()}" if suffix else "")
    return name


def excerpt(cell: str, limit: int = 60) -> str:
    """A cell as a message may quote it: identifiers replaced, at most ``limit`` characters.

    Only the cell's start is looked at, so a 50 MB cell costs no more than a short one.

    >>> excerpt("Contact : jo@exemple.org " + "x" * 100, 30)
    'Contact : [courriel] xxxxxxxx…'
    """
    raw = str(cell)
    head = Redactor({}).redact(" ".join(raw[: limit * 4].split()))
    if len(head) <= limit and len(raw) <= limit * 4:
        return head
    return head[: limit - 1].rstrip() + "…"

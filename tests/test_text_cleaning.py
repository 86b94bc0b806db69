"""Issue 13.7: markup, URLs, e-mail-like tokens, code fragments and redaction placeholders never become words
of the word analysis; the quote itself is still shown as written (escaped by the report)."""

from __future__ import annotations

import pandas as pd
import pytest

from ciatstudy.text.cleaning import normalise_text
from ciatstudy.text.frequencies import word_frequencies
from ciatstudy.text.keywords import keyword_in_context
from ciatstudy.text.tokens import lemmatize, tokenize

# (hostile answer, the same answer without its markup, links and code)
HOSTILE = [
    ("<img src=x onerror=alert('x')> La coopération locale.", "La coopération locale."),
    ("<script>alert('x')</script> Mutualiser les moyens.", "Mutualiser les moyens."),
    ("<b>Territoire</b> &amp; <i>réseau</i>", "Territoire réseau"),
    ("Voir https://www.exemple.org/page?x=1 et www.asso.fr pour le projet.", "Voir et pour le projet."),
    (
        "Écrire à prenom.nom@exemple.org ou au [courriel], [téléphone], [nom] : partenariat.",
        "Écrire à ou au : partenariat.",
    ),
    ('javascript:alert(1) <a href="http://x.example" onclick="go()">Partenaires</a>', "Partenaires"),
    ("<!-- caché --> Bénévoles engagés", "Bénévoles engagés"),
    ("Le site mda-creon.fr présente le réseau.", "Le site présente le réseau."),
    ("<svg onload=alert(document.cookie)>Projet commun", "Projet commun"),
]
NOISE = {
    "script",
    "onerror",
    "alert",
    "img",
    "src",
    "https",
    "www",
    "courriel",
    "téléphone",
    "nom",
    "href",
    "onclick",
    "javascript",
    "svg",
    "onload",
    "document",
    "cookie",
    "exemple",
    "caché",
    "amp",
}


@pytest.mark.parametrize("text, clean", HOSTILE)
def test_markup_urls_emails_and_code_are_not_words(text, clean):
    lemmas = lemmatize(text)
    assert lemmas == lemmatize(clean) and lemmas
    assert not set(lemmas) & NOISE


def test_offsets_still_point_into_the_text_as_written():
    text = "<b>Territoire</b> et https://x.example.org/a réseau"
    tokens = tokenize(text)
    for token, start, end in zip(tokens["token"], tokens["start"], tokens["end"]):
        assert text[start:end] == token
    assert len(normalise_text(text)) == len(text)


def test_no_markup_word_reaches_the_frequency_table_while_quotes_stay_whole():
    quotes = pd.DataFrame(
        {
            "quote_id": ["a", "b", "c"],
            "respondent_no": [1, 2, 3],
            "text": [
                "<script>alert('x')</script> coopération",
                "<img src=x onerror=alert(1)> coopération",
                "https://evil.example.org/script coopération [courriel]",
            ],
        }
    )
    words = set(word_frequencies(quotes, top=None)["lemma"])
    assert words == {"coopération"}
    assert not words & {"script", "onerror", "alert", "img", "src", "https", "courriel", "evil"}
    context = keyword_in_context(quotes, ["coopération"])
    assert len(context) == 3

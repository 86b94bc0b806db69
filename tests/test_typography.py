"""French typography in generated text; respondents' words, URLs, CSS and attributes left alone."""

import re

import pandas as pd
import pytest
import yaml

from ciatstudy.pipeline.export import french_spacing
from ciatstudy.report import labels, render
from ciatstudy.report.typography import NBSP, NNBSP, french_html, french_text, verbatim_text
from conftest import ROOT


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Source : Annexe III", f"Source{NNBSP}: Annexe III"),
        ("Lecture: 5 répondants", f"Lecture{NNBSP}: 5 répondants"),
        ("2,68 ; 2,75", f"2,68{NNBSP}; 2,75"),
        ("qui a répondu ?", f"qui a répondu{NNBSP}?"),
        ("un mouvement à consolider !", f"un mouvement à consolider{NNBSP}!"),
        ("« Solidâges 21 »", f"«{NNBSP}Solidâges 21{NNBSP}»"),
        ("«AIRE 21»", f"«{NNBSP}AIRE 21{NNBSP}»"),
        (f"«{NBSP}imprimé{NBSP}»", f"«{NNBSP}imprimé{NNBSP}»"),
        ("79 %", f"79{NBSP}%"),
        ("79%", f"79{NBSP}%"),
        ("135 000 €", f"135 000{NBSP}€"),
        ("l'enquête d'accord", "l’enquête d’accord"),
        ("aujourd'hui", "aujourd’hui"),
    ],
)
def test_generated_french_gets_its_spaces_and_apostrophes(text, expected):
    assert french_text(text) == expected
    assert french_text(expected) == expected  # idempotent: a second pass changes nothing


@pytest.mark.parametrize(
    "text",
    [
        "https://exemple.org/page?id=3&x=1:2",
        "mailto:prenom@exemple.org",
        "www.rnma.fr/l'asso?x",
        "12:30",
        "ratio 1:2",
        "x=1;y=2",
        "'quoted'",
        "3'",
        "p = 0,05",
    ],
)
def test_urls_times_and_code_like_text_are_left_alone(text):
    assert french_text(text) == text


def test_html_changes_text_only_never_markup_attributes_or_code():
    page = (
        '<html><head><style>a:hover { color: red; } td::after { content: " : " }</style>'
        "<title>Rapport : vague 2014</title></head><body>"
        '<p title="a : b" data-x="l\'x ?">Note : l\'item <code>x : y</code> <a href="https://x.org/?a=1">lien</a></p>'
        '<pre>def f(): return 1 ; 2</pre><img alt="Part : 79 %" src="data:image/svg+xml;base64,PHN2Zz4=">'
        "<script>var a = b ? c : d;</script></body></html>"
    )
    out = french_html(page)
    assert '<style>a:hover { color: red; } td::after { content: " : " }</style>' in out
    assert f"<title>Rapport{NNBSP}: vague 2014</title>" in out
    assert '<p title="a : b" data-x="l\'x ?">' in out
    assert f"Note{NNBSP}: l’item <code>x : y</code>" in out
    assert '<a href="https://x.org/?a=1">lien</a>' in out
    assert "<pre>def f(): return 1 ; 2</pre>" in out
    assert 'alt="Part : 79 %"' in out
    assert "<script>var a = b ? c : d;</script>" in out


def test_escaped_markup_stays_escaped():
    page = "<td>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie : l&#x27;asso</td>"
    out = french_html(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie" in out and "<script>" not in out
    assert f"Cie{NNBSP}: l’asso" in out


def test_respondents_words_keep_their_spelling():
    quote = "c'est « la base » : on s'y retrouve ! 100 %"
    frame = pd.DataFrame({"lemma": ["base"], "sentence": [quote]})
    table = render.table_html(
        frame,
        caption="Mots dans leur contexte",
        source="Annexe III",
        columns={"lemma": "Mot", "sentence": "Phrase (telle que citée)"},
    )
    out = french_spacing(table)
    cell = re.search(r'<td class="verbatim">(.*?)</td>', out).group(1)
    import html

    shown = html.unescape(cell)
    assert shown.replace(NNBSP, " ").replace(NBSP, " ") == quote  # same characters, straight apostrophes
    assert "’" not in shown
    assert f"base{NNBSP}»{NNBSP}:" in shown  # no line of the quote starts with « : »
    assert "Phrase (telle que citée)" in out and "Mots dans leur contexte" in out


def test_verbatim_never_inserts_a_space_that_was_not_there():
    assert verbatim_text("voir:ici l'asso«x»") == "voir:ici l'asso«x»"


def test_text_inside_a_verbatim_element_nested_markup():
    out = french_html("<div class=\"note verbatim\"><p>l'asso : <em>oui</em></p></div><p>l'écart : 5 %</p>")
    assert "l&#x27;asso" in out and f"l’écart{NNBSP}: 5{NBSP}%" in out


def test_no_line_of_a_rendered_table_starts_with_a_mark():
    """The class of failure the committee saw: « : », « ; », « ? » or « % » at the start of a printed line."""
    frame = pd.DataFrame({"item": ["2A"], "value": ["79 %"], "note": ["écart de 5 points ; p = 0,35 : hasard ?"]})
    out = french_spacing(render.table_html(frame, caption="Question 2 : facteurs", source="Annexe III"))
    text = re.sub(r"<[^>]+>", "|", out)
    assert not re.search(r" [;:!?%»]", text) and not re.search(r"« ", text)


@pytest.mark.parametrize(
    ("template", "fields", "expected"),
    [
        ("{n} {n:réponse|réponses}", {"n": 0}, "0 réponse"),
        ("{n} {n:réponse|réponses}", {"n": 1}, "1 réponse"),
        ("{n} {n:réponse|réponses}", {"n": 2}, "2 réponses"),
        ("{n} {n:chiffre incohérent|chiffres incohérents}", {"n": "1\u202f234"}, "1\u202f234 chiffres incohérents"),
        ("{n:se distingue|se distinguent}", {"n": '<span class="fact">33</span>'}, "se distinguent"),
        ("{n:le|les} n° {k}", {"n": 1, "k": "7"}, "le n° 7"),
        ("{x:.1f}", {"x": 2.25}, "2.2"),  # ordinary format specs still work
    ],
)
def test_plural_forms_agree_with_their_count(template, fields, expected):
    assert labels.fill(template, **fields) == expected


def test_a_plural_form_needs_a_count():
    with pytest.raises(ValueError, match="not a count"):
        labels.fill("{n:mot|mots}", n="beaucoup")


def test_no_label_writes_a_plural_in_brackets():
    """« chiffre(s) incohérent(s) » reads as a form letter: every count-dependent word agrees instead."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")
        elif isinstance(node, str) and re.search(r"\w\((?:s|x|nt|es)\)", node):
            found.append(path)

    walk(labels.vocabulary(), "labels_fr")
    # the codebook's own sentences; its item wordings are the study's, transcribed as printed (« un(e) »)
    codebook = yaml.safe_load((ROOT / "data/raw/2014/codebook.yaml").read_text(encoding="utf-8"))
    walk(codebook.get("texts"), "codebook.texts")
    assert found == []

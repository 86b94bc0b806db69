"""ciatstudy.text: French tokens and lemmas, frequencies, clouds, distinctive words, contexts.

spaCy's French pipeline is loaded once for the module (about 2.5 s); every
other test runs on texts of a line or two.
"""

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from ciatstudy.data.io import write_csv
from ciatstudy.text import cleaning, clouds, frequencies, keywords, tokens, wordlists
from ciatstudy.text import lemmas as spacy_model

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def nlp():
    return spacy_model.load_model()


def lemmas(text, **kwargs):
    return tokens.lemmatize(text, **kwargs)


# A corpus small enough to count by hand (respondent 3 wrote twice).
SMALL = pd.DataFrame(
    {
        "quote_id": ["a", "b", "c", "d"],
        "respondent_no": [1, 2, 3, 3],
        "text": [
            "Les associations coopèrent sur un projet commun.",
            "Un projet partagé entre associations du territoire.",
            "Le territoire et ses associations : mutualisation des moyens.",
            "Mutualisation des moyens humains ; un projet commun ?",
        ],
    }
)
SEGMENTS = pd.DataFrame({"respondent_no": [1, 2, 3], "segment": ["mda", "non_mda", "non_mda"]})


# --------------------------------------------------------------------------- tokenization
@pytest.mark.usefixtures("nlp")
class TestFrenchEdgeCases:
    ELIDED = (
        "Jusqu'ici, lorsqu'elles s'appuient sur l'expérience d'un territoire, puisqu'on n'a "
        "qu'un projet, c'est j'espère la coopération."
    )

    def test_elisions_split_the_same_with_both_apostrophes(self):
        typographic = self.ELIDED.replace("'", "’")
        assert (
            lemmas(self.ELIDED)
            == lemmas(typographic)
            == ["appuyer", "expérience", "territoire", "projet", "espérer", "coopération"]
        )

    def test_elided_words_are_tokens_of_their_own_kept_as_printed(self):
        frame = tokens.tokenize(self.ELIDED.replace("'", "’"))
        elided = frame[frame["token"].str.endswith("’")]
        assert elided["token"].tolist() == ["Jusqu’", "lorsqu’", "s’", "l’", "d’", "puisqu’", "n’", "qu’", "c’", "j’"]
        assert set(elided["dropped"]) == {"stop"}

    def test_typographic_l_is_an_article_not_a_noun(self):
        frame = tokens.tokenize("L’association coopère.")
        assert frame.loc[0, ["token", "lemma", "pos", "kept"]].tolist() == ["L’", "le", "DET", False]
        assert lemmas("L’association coopère.") == ["association", "coopérer"]

    def test_words_that_hold_an_apostrophe_stay_whole(self):
        assert "aujourd'hui" in tokens.tokenize("Aujourd’hui, les associations.")["lemma"].tolist()

    def test_accents_are_kept(self):
        assert lemmas("Les bénévoles élaborent une réflexion sur l’événement et l’évènement.") == [
            "bénévole",
            "élaborer",
            "réflexion",
            "événement",
            "événement",
        ]

    @pytest.mark.parametrize(
        "written",
        [
            "inter-associative",
            "inter associative",
            "interassociative",
            "inter-associatives",
            "Inter-associatif",
            "inter‑associative",  # the last with a non-breaking hyphen (U+2011)
        ],
    )
    def test_inter_associatif_is_one_lemma_however_written(self, written):
        assert lemmas(f"La coopération {written} se développe.") == ["coopération", "inter-associatif", "développer"]

    def test_a_prefixed_word_is_reported_as_printed(self):
        frame = tokens.tokenize("Une coopération inter associative.")
        assert frame.loc[frame["lemma"] == "inter-associatif", "token"].tolist() == ["inter associative"]

    @pytest.mark.parametrize(
        "plural, singular",
        [
            ("Les associations", "L'association"),
            ("des territoires", "un territoire"),
            ("des projets communs", "un projet commun"),
            ("nos partenaires", "notre partenaire"),  # the model alone gives "partenair"
            ("les ateliers théâtraux", "l'atelier théâtral"),
        ],
    )
    def test_plural_and_singular_share_a_lemma(self, plural, singular):
        assert lemmas(plural) == lemmas(singular)

    def test_hyphenated_compounds_are_not_split(self):
        assert lemmas("Partager nos savoir-faire sur un projet co-porté.") == [
            "partager",
            "savoir-faire",
            "projet",
            "co-porter",
        ]

    def test_a_verb_tagged_as_adverb_is_a_verb(self):
        frame = tokens.tokenize("Les associations qu’elles aiment.")
        assert frame.loc[frame["token"] == "aiment", ["lemma", "pos"]].values.tolist() == [["aimer", "VERB"]]

    def test_sentence_initial_capital_is_no_proper_noun(self):
        frame = tokens.tokenize("Partenariat et convention.")
        assert frame.loc[0, ["lemma", "pos"]].tolist() == ["partenariat", "NOUN"]

    def test_punctuation_numbers_and_stop_words_are_dropped(self):
        frame = tokens.tokenize("En 2014, 35 associations (FB68) ont coopéré… etc.")
        assert frame.loc[frame["kept"], "lemma"].tolist() == ["association", "coopérer"]
        reasons = dict(zip(frame["token"], frame["dropped"]))
        assert reasons["2014"] == reasons["35"] == reasons["FB68"] == "number"
        assert reasons["("] == reasons["…"] == "punctuation"
        assert reasons["En"] == reasons["etc."] == "stop"

    def test_project_rewrites(self):
        assert (
            cleaning.normalise_text("Les association(s) partenaire(s) et 2 asso°, M D A, et/ou")
            == "Les association partenaire et 2 association, MDA, et / ou"
        )
        assert lemmas("2 asso° de secteurs différents, les assos, la M D A") == [
            "association",
            "secteur",
            "différent",
            "association",
        ]

    def test_fixed_expressions_are_one_lemma_or_none(self):
        assert lemmas("Ils ont mis en place un projet. La mise en place sur le long terme.") == [
            "mise en place",
            "projet",
            "mise en place",
            "long terme",
        ]
        assert lemmas("Il s’agit d’un projet où elles agissent ensemble.") == ["projet", "agir", "ensemble"]

    def test_differents_before_its_noun_means_various(self):
        assert lemmas("Différents projets de secteurs différents.") == ["projet", "secteur", "différent"]

    def test_names_made_of_common_words_are_not_counted_as_words(self):
        frame = tokens.tokenize("L'association Oh’is culture travaille avec Danse en Seine.")
        assert frame.loc[frame["pos"] == "PROPN", "lemma"].tolist() == ["oh'is culture", "danse en seine"]
        assert lemmas("L'association Oh’is culture travaille avec Danse en Seine.") == ["association", "travailler"]

    def test_keep_list_wins_over_stop_lists(self):
        # "personne" and "différent" are in spaCy's list; "projet" cannot be stopped by the caller
        assert lemmas("Des personnes de secteurs différents.") == ["personne", "secteur", "différent"]
        assert lemmas("Un projet commun.", extra_stop=["projet", "commun"]) == ["projet"]

    def test_parts_of_speech_and_minimum_length(self):
        text = "Les associations coopèrent sur un projet commun en Guyane."
        assert lemmas(text, pos=["NOUN"]) == ["association", "projet"]
        assert lemmas(text, pos=["NOUN", "PROPN"]) == ["association", "projet", "guyane"]
        assert lemmas(text, min_length=7) == ["association", "coopérer"]


# --------------------------------------------------------------------------- tables
def test_word_frequencies_of_a_hand_checked_corpus():
    table = frequencies.word_frequencies(SMALL, top=None)
    expected = pd.DataFrame(
        {
            "lemma": [
                "association",
                "projet",
                "commun",
                "territoire",
                "moyen",
                "mutualisation",
                "coopérer",
                "humain",
                "partager",
            ],
            "count": [3, 3, 2, 2, 2, 2, 1, 1, 1],
            "respondents": [3, 3, 2, 2, 1, 1, 1, 1, 1],
            "share_respondents": [1, 1, 2 / 3, 2 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3],
            "rank": range(1, 10),
        }
    ).astype({"lemma": "str", "count": "int64", "respondents": "int64", "rank": "int64"})
    pd.testing.assert_frame_equal(table, expected)
    assert frequencies.word_frequencies(SMALL, top=3)["lemma"].tolist() == ["association", "projet", "commun"]


def test_ties_are_broken_by_respondents_then_french_alphabetical_order():
    quotes = pd.DataFrame(
        {"respondent_no": [1, 2, 3], "text": ["Zèle et écoute.", "Écoute, zèle, éthique.", "Étude et écoute."]}
    )
    table = frequencies.word_frequencies(quotes, top=None)
    # écoute 3; zèle 2; then étude, éthique (1 each): é sorts with e, before z
    assert table["lemma"].tolist() == ["écoute", "zèle", "éthique", "étude"]


def test_distinctive_words_follow_monroe_et_al():
    table = keywords.distinctive_words(SMALL, SEGMENTS, top=None)
    mda = table[table["segment"] == "mda"].set_index("lemma")
    non = table[table["segment"] == "non_mda"].set_index("lemma")
    # kept words: mda 4 (association, coopérer, projet, commun), non_mda 13; prior = pooled counts (17)
    delta = math.log(2 / 19) - math.log(1 / 29)  # coopérer: y_i=1, y_j=0, alpha=1
    assert mda.loc["coopérer", "log_odds"] == pytest.approx(delta)
    assert mda.loc["coopérer", "z"] == pytest.approx(delta / math.sqrt(1 / 2 + 1 / 1))
    delta = math.log(4 / 17) - math.log(5 / 25)  # projet: y_i=1, y_j=2, alpha=3
    assert mda.loc["projet", "z"] == pytest.approx(delta / math.sqrt(1 / 4 + 1 / 5))
    assert mda.loc["coopérer", ["count", "count_rest", "rank"]].tolist() == [1, 0, 1]
    pd.testing.assert_series_equal(non["z"], -mda["z"].reindex(non.index), check_names=False)
    assert list(table.columns) == ["segment", "lemma", "count", "count_rest", "log_odds", "z", "rank"]
    assert len(keywords.distinctive_words(SMALL, SEGMENTS, top=2)) == 4


def test_keyword_in_context_gives_sentences_as_printed():
    quotes = pd.DataFrame(
        {
            "quote_id": ["q1", "q2"],
            "respondent_no": [7, 9],
            "text": ["Rien.\nDes projets communs d’associations. Un projet !", "Aucun."],
        }
    )
    table = keywords.keyword_in_context(quotes, ["projet", "association", "absent"])
    assert table.to_dict("records") == [
        {
            "lemma": "projet",
            "respondent_no": 7,
            "quote_id": "q1",
            "sentence_no": 2,
            "sentence": "Des projets communs d’associations.",
            "forms": "projets",
            "hits": 1,
        },
        {
            "lemma": "projet",
            "respondent_no": 7,
            "quote_id": "q1",
            "sentence_no": 3,
            "sentence": "Un projet !",
            "forms": "projet",
            "hits": 1,
        },
        {
            "lemma": "association",
            "respondent_no": 7,
            "quote_id": "q1",
            "sentence_no": 2,
            "sentence": "Des projets communs d’associations.",
            "forms": "associations",
            "hits": 1,
        },
    ]


def test_corpus_summary_counts_respondents_and_words():
    quotes = SMALL.assign(corpus=["definition", "definition", "argument", "argument"])
    table = frequencies.corpus_summary(quotes)
    assert table.to_dict("records") == [
        {"corpus": "definition", "quotes": 2, "respondents": 2, "words": 14, "words_kept": 8, "lemmas": 6},
        {"corpus": "argument", "quotes": 2, "respondents": 1, "words": 15, "words_kept": 9, "lemmas": 7},
        {"corpus": "tous", "quotes": 4, "respondents": 3, "words": 29, "words_kept": 17, "lemmas": 9},
    ]
    one = pd.DataFrame({"corpus": ["x"], "respondent_no": [1], "text": ["Ils ont mis en place un savoir-faire."]})
    # words as printed: Ils ont mis en place un savoir-faire; kept: mise en place, savoir-faire
    assert frequencies.corpus_summary(one, total=None).loc[0, ["words", "words_kept", "lemmas"]].tolist() == [7, 2, 2]


# --------------------------------------------------------------------------- determinism
CHILD = textwrap.dedent("""
    import sys
    import pandas as pd
    from ciatstudy.text import clouds, frequencies
    from ciatstudy.data.io import write_csv
    quotes = pd.read_json(sys.argv[1])
    freqs = frequencies.word_frequencies(quotes)
    write_csv(freqs, sys.argv[2])
    clouds.word_cloud(freqs, path=sys.argv[3], seed=7)
""")


@pytest.fixture(scope="module", autouse=True)
def child_run(tmp_path_factory):
    """The same table and cloud made by another process with another hash seed.

    Started before the first test, so that it loads spaCy while this process does.
    """
    folder = tmp_path_factory.mktemp("child")
    quotes = pd.concat([SMALL, SMALL.assign(respondent_no=SMALL["respondent_no"] + 10)], ignore_index=True)
    quotes.to_json(folder / "quotes.json")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    env["CIATSTUDY_ROOT"] = str(folder)  # write_csv writes only inside a project's output folders
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            str(folder / "quotes.json"),
            str(folder / "data/processed/child.csv"),
            str(folder / "child.png"),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    yield folder, child
    if child.poll() is None:
        child.kill()
        child.communicate()


def test_table_and_cloud_are_byte_identical_across_runs(tmp_path, child_run, monkeypatch):
    folder, child = child_run
    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))  # write_csv writes only inside a project's output folders
    outputs = []
    for run in (1, 2):
        tokens._analyse.cache_clear()
        freqs = frequencies.word_frequencies(pd.read_json(folder / "quotes.json"))
        outputs.append(
            (
                write_csv(freqs, tmp_path / "data/processed" / f"run{run}.csv").read_bytes(),
                clouds.word_cloud(freqs, path=tmp_path / f"run{run}.png", seed=7).read_bytes(),
            )
        )
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0, err.decode()
    assert outputs[0] == outputs[1]
    assert outputs[0] == ((folder / "data/processed/child.csv").read_bytes(), (folder / "child.png").read_bytes())


def test_cloud_png_holds_no_metadata(tmp_path):
    from PIL import Image

    path = clouds.word_cloud(
        frequencies.word_frequencies(SMALL), path=tmp_path / "sub" / "cloud.png", width=300, height=150
    )
    data = path.read_bytes()
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        chunks.append(data[at + 4 : at + 8].decode())
        at += 12 + length
    assert set(chunks) == {"IHDR", "IDAT", "IEND"}
    with Image.open(path) as image:
        assert image.size == (300, 150) and image.mode == "RGB"
    assert not list(path.parent.glob(".*"))  # no temporary file left behind


def test_cloud_font_renders_french():
    font = clouds.cloud_font()
    assert font.name == "DejaVuSans.ttf" and font.is_file()


def test_docstring_examples_run(nlp):
    import doctest

    modules = (wordlists, cleaning, tokens, frequencies, keywords)
    results = [doctest.testmod(m, optionflags=doctest.NORMALIZE_WHITESPACE) for m in modules]
    assert sum(r.attempted for r in results) >= 5 and not any(r.failed for r in results)


# --------------------------------------------------------------------------- word lists
def test_project_word_lists_hold_the_words_that_must_not_vanish():
    lists = wordlists.load_word_lists()
    for word in ("projet", "association", "territoire", "coopération", "mutualisation", "inter-associatif"):
        assert word in lists.keep
    assert {"le", "faire", "pouvoir"} <= lists.stop


@pytest.mark.parametrize(
    "content, message",
    [
        ("stop:\n  - {word: faire}\n", "gives no reason|needs the fields"),
        ("stop:\n  - {word: faire, reason: ''}\n", "gives no reason"),
        ("stop:\n  - {word: projet, reason: x}\nkeep:\n  - {word: projet, reason: y}\n", "both the stop and the keep"),
        ("multiwords:\n  - {lemmas: [mise], lemma: mise, reason: x}\n", "at least two lemmas"),
        ("stop: {faire: x}\n", "must be a list"),
    ],
)
def test_word_lists_are_checked(tmp_path, content, message):
    path = tmp_path / "lists.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        wordlists.load_word_lists(path)


# --------------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: tokens.lemmatize("x", pos="NOUN"), "pos must be a list"),
        (lambda: tokens.lemmatize("x", pos=["NOM"]), "unknown tags"),
        (lambda: tokens.lemmatize("x", min_length=0), "min_length"),
        (lambda: tokens.lemmatize("x", extra_stop="faire"), "extra_stop must be a list"),
        (lambda: tokens.tokenize(None), "text must be a string"),
        (lambda: frequencies.word_frequencies(SMALL, top=0), "top must be"),
        (lambda: frequencies.word_frequencies(SMALL, text="texte"), "no column 'texte'"),
        (
            lambda: frequencies.word_frequencies(
                SMALL.assign(respondent_no=[1, None, 3, 3]).astype({"respondent_no": "Int64"})
            ),
            "have no 'respondent_no'",
        ),
        (lambda: frequencies.word_frequencies(SMALL.assign(text=[1, 2, 3, 4])), "must hold text"),
        (lambda: frequencies.word_frequencies(SMALL["text"]), "must be a pandas DataFrame"),
        (lambda: keywords.keyword_in_context(SMALL, "projet"), "lemmas must be a list"),
        (lambda: keywords.distinctive_words(SMALL, SEGMENTS, prior_scale=0), "prior_scale"),
        (lambda: keywords.distinctive_words(SMALL, SEGMENTS.iloc[:2]), r"respondents \[3\]"),
        (lambda: keywords.distinctive_words(SMALL, SEGMENTS.assign(segment="mda")), "at least two segments"),
        (lambda: frequencies.corpus_summary(SMALL.assign(corpus="tous")), "also the name of a corpus"),
    ],
)
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"path": "cloud.jpg"}, "must end in .png"),
        ({"width": True}, "width must be an integer"),
        ({"height": 10}, "at least 50 pixels"),
        ({"seed": -1}, "non-negative"),
        ({"palette": []}, "palette is empty"),
    ],
)
def test_bad_cloud_arguments(tmp_path, kwargs, message):
    kwargs = {"path": tmp_path / "cloud.png", **kwargs}
    if not Path(kwargs["path"]).is_absolute():
        kwargs["path"] = tmp_path / kwargs["path"]
    freqs = pd.DataFrame({"lemma": ["projet"], "count": [2]})
    with pytest.raises(ValueError, match=message):
        clouds.word_cloud(freqs, **kwargs)


@pytest.mark.parametrize(
    "freqs, message",
    [
        (pd.DataFrame({"lemma": [], "count": []}), "nothing to draw"),
        (pd.DataFrame({"lemma": ["a", "b"], "count": [2, 0]}), "positive numbers"),
        (pd.DataFrame({"lemma": ["a", "a"], "count": [2, 1]}), "appear twice"),
        (pd.DataFrame({"mot": ["a"], "count": [2]}), "no column 'lemma'"),
    ],
)
def test_bad_frequency_tables(tmp_path, freqs, message):
    with pytest.raises(ValueError, match=message):
        clouds.word_cloud(freqs, path=tmp_path / "cloud.png")

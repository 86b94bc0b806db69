"""The report reads as a report (issue 14): title page, « À retenir » written from the tidy tables, one method
section, the survey before the programmes, plain French before the technical appendix, unique ids.

Unit tests of ciatstudy.report.findings / ciatstudy.report.frontmatter run on small tables; the tests marked ``notebook``
build wave 2014 and a synthetic new wave (compared with 2014) in a throw-away project and read the reports.
"""

import html
import re
from decimal import Decimal

import pandas as pd
import pytest

from ciatstudy.report import findings, frontmatter
from ciatstudy.data.codebook import Codebook
from ciatstudy.data.rounding import round_half_up
from ciatstudy.pipeline.sections import part_of, plan
from conftest import ROOT, shared_build

# the tests reading the run's shared builds say which (tests/conftest.py builds each wave once per run)
READS_BUILDS = pytest.mark.shared_builds("2014", "w-surveymonkey")  # the report tests below read these builds
NEW = "w-surveymonkey"  # the new wave: the SurveyMonkey fixture, compared with 2014
WAVES = ["2014", NEW]

# --------------------------------------------------------------------------- what the body must not hold
FORBIDDEN = {
    "p-value": r"p-value|\bvaleurs? p\b|\bp ?[=<>≤] ?\d|\bp entre\b",
    "test or interval name": r"Wilson|Fisher|Newcombe|MOVER|Cohen|Cliff|permutation|vraisemblance",
    "text statistics": r"log-odds|Dirichlet|score z|\|z\|",
    "reconstruction rule": r"variance minimale",
    "file name": r"\.csv\b|\.yaml\b|\.ipynb\b|data/raw|data/processed",
    "module name": r"ciatstudy\.",
    "internal id": r"\bc\d{2}\b|\bq\d+[a-z]?\b|\bnon_mda\b|\bsncf_call",
}


def _visible(fragment: str) -> str:
    """What a reader sees: text and alternative texts, without markup or inlined images."""
    fragment = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", fragment, flags=re.S)
    alts = " ".join(re.findall(r"\b(?:alt|title|aria-label)=\"([^\"]*)\"", fragment))
    return html.unescape(re.sub(r"<[^>]+>", "\n", fragment) + "\n" + alts)


def jargon(fragment: str) -> list[str]:
    text = _visible(fragment)
    found = []
    for what, pattern in FORBIDDEN.items():
        for m in re.finditer(pattern, text, flags=re.IGNORECASE if what != "internal id" else 0):
            found.append(f"{what}: …{text[max(0, m.start() - 60) : m.end() + 30]}…".replace("\n", " "))
    return found


def test_forbidden_patterns_catch_the_jargon_the_committee_found():
    body = (
        "<p>0,13 ; p entre 0,69 et 0,79</p><td>Intervalle de Wilson</td><p>règle de variance minimale</p>"
        "<p>voir data/raw/2014/objets_transactionnels.csv</p><p>ciatstudy.audit</p><td>c27 : texte</td>"
        '<p>Log-odds avec a priori de Dirichlet</p><img alt="tableau q1a">'
    )
    kinds = {line.split(":")[0] for line in jargon(body)}
    assert kinds == set(FORBIDDEN)
    assert jargon("<p>La valeur publiée ; 79 % des 28 répondants ; question 3 ; 1H</p>") == []


# --------------------------------------------------------------------------- small tables
CODEBOOK = {
    "wave": "w",
    "title": "Vague test",
    "source": "Export de test",
    "segments": {
        "variable": "segment",
        "all": {"code": "tous", "label": "Tous"},
        "levels": [{"code": "a", "label": "Groupe A"}, {"code": "b", "label": "Groupe B"}],
    },
    "responses": {"file": "r.csv"},
    "questions": [
        {
            "id": "q1",
            "kind": "agreement3",
            "title": "Accord",
            "items": [
                {"code": "1A", "label": "Alpha"},
                {"code": "1B", "label": "Bêta"},
                {"code": "1C", "label": "Gamma"},
            ],
        },
        {
            "id": "q2",
            "kind": "multi",
            "title": "Choix",
            "items": [{"code": "2A", "label": "Un"}, {"code": "2B", "label": "Deux"}],
        },
    ],
}


def _rows(question, item, label, values, ns=(30, 10, 20), *, distinguishable=False, p=(0.5, 0.5)):
    return [
        {
            "question": question,
            "item": item,
            "label": label,
            "segment": s,
            "n": n,
            "value": v,
            "test": "fisher_exact",
            "p_value": p[1],
            "p_value_min": p[0],
            "distinguishable": distinguishable,
        }
        for s, n, v in zip(("tous", "a", "b"), ns, values)
    ]


def _tables(**overrides):
    q1 = (
        _rows("q1", "1A", "Alpha", (2.5, 2.6, 2.45))
        + _rows("q1", "1B", "Bêta", (1.2, 1.1, 1.25))
        + _rows("q1", "1C", "Gamma", (2.5, 2.4, 2.55))
    )
    q2 = _rows("q2", "2A", "Un", (0.4, 0.9, 0.15), distinguishable=True, p=(0.001, 0.001)) + _rows(
        "q2", "2B", "Deux", (0.6, 0.5, 0.65)
    )
    tables = {"q1_scores": pd.DataFrame(q1), "q2_rates": pd.DataFrame(q2)}
    tables.update(overrides)
    return tables


def _text(found):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", f.html + " ".join(f.details))) for f in found)


def test_findings_name_most_and_least_agreed_statements_with_ties():
    cb = Codebook.from_dict(CODEBOOK)
    found = findings.agreement_findings(_tables(), cb)
    most, least = found
    assert "Alpha" in _text([most]) and "Gamma" in _text([most])  # tied at 2,50: both named
    assert "Bêta" in _text([least]) and "1,20" in _text([least])


def test_findings_top_choice_and_largest_gap_with_its_verdict():
    cb = Codebook.from_dict(CODEBOOK)
    tables = _tables()
    (choices,) = findings.choice_findings(tables, cb)
    assert "Deux" in choices.details[0] and "60\u00a0%" in choices.details[0]
    count, largest = findings.gap_findings(tables, cb)
    assert "2A" in _text([count]) and "10" in _text([count]) and "20" in _text([count])
    assert "Un" in _text([largest]) and "se distingue du hasard" in _text([largest])
    # the same gap, undecided or not distinguishable, says so in plain words
    for p, distinguishable, words in (((0.01, 0.2), False, "selon la répartition"), ((0.6, 0.7), False, "n'est pas")):
        q2 = _tables()["q2_rates"].assign(p_value=p[1], p_value_min=p[0], distinguishable=distinguishable)
        count, largest = findings.gap_findings(_tables(q2_rates=q2), cb)
        assert words in _text([largest])
        assert ("dépend de la répartition" in _text([count])) == (p[0] < 0.05)


def test_the_gap_count_never_says_none_and_then_some():
    """No « aucun des N écarts… ; pour 4 d'entre eux cela dépend »: the clear ones are counted apart."""
    cb = Codebook.from_dict(CODEBOOK)
    q2 = _tables()["q2_rates"].assign(p_value=0.2, p_value_min=0.01, distinguishable=False)
    count, _ = findings.gap_findings(_tables(q2_rates=q2), cb)
    text = _text([count])
    assert "aucun" not in text and "d'entre eux" not in text
    tested = 3 + 2  # q1's three items and q2's two, each tested once on the whole sample
    assert f"sur {tested} écarts mesurés, {tested - 2} ne se distinguent pas" in text
    assert "pour 2 autres" in text and "dépend de la répartition" in text


def test_findings_with_a_baseline_say_what_moved_and_only_then():
    cb = Codebook.from_dict(CODEBOOK)
    comparison = pd.DataFrame(
        [
            {
                "question": "q2",
                "item": "2A",
                "label": "Un",
                "segment": "tous",
                "value": 0.4,
                "value_baseline": 0.1,
                "change": 0.3,
                "test": "fisher_exact",
                "p_value": 0.01,
                "p_value_min": 0.01,
                "distinguishable": True,
            },
            {
                "question": "q2",
                "item": "2B",
                "label": "Deux",
                "segment": "tous",
                "value": 0.6,
                "value_baseline": 0.55,
                "change": 0.05,
                "test": "fisher_exact",
                "p_value": 0.8,
                "p_value_min": 0.8,
                "distinguishable": False,
            },
        ]
    )
    tables = _tables(comparison=comparison)
    assert findings.baseline_findings(tables, cb, None) == []
    moved = findings.baseline_findings(tables, cb, "2014")
    assert [f.key for f in moved] == ["moved_count", "moved_top"]
    none = findings.baseline_findings(_tables(comparison=comparison.assign(distinguishable=False)), cb, "2014")
    assert [f.key for f in none] == ["moved_count_none", "moved_top"] and "aucune des" in _text(none)
    assert "Un" in _text(moved) and "10\u00a0%" in _text(moved) and "40\u00a0%" in _text(moved)


def test_audit_finding_names_whole_sample_table_cells_first():
    cb = Codebook.from_dict(CODEBOOK)
    audit = pd.DataFrame(
        {
            "location": ["Question 2, tableau q2, ligne 1", "Texte", "Question 2, tableau q2, ligne 2", "Liste"],
            "figure": ["2A, Groupe A", "c12 : cité", "2B, Tous", "répondants"],
            "printed": ["0,5", "0,9", "0,61", "27"],
            "expected": ["0,42", "0,1", "0,64", "28"],
            "verdict": ["inconsistent", "inconsistent", "inconsistent", "consistent"],
            "explanation": [
                "x. Explication la plus probable : un chiffre diffère. Aussi compatible : autre",
                "y",
                "z",
                "",
            ],
            "check": ["cross_footing", "text", "cross_footing", "sample"],
            "segment": ["a", "tous", "tous", ""],
        }
    )
    (finding,) = findings.audit_findings({"audit": audit}, cb)
    assert ["2B" in finding.details[0], "2A" in finding.details[1], "cité" in finding.details[2]] == [True] * 3
    shown = _visible(" ".join(finding.details))
    assert "tableau q2" not in shown and "c12" not in shown
    assert "un chiffre diffère" in finding.details[1] and "Aussi compatible" not in finding.details[1]
    assert findings.audit_findings({}, cb) == []


def test_scoped_ids_are_unique_across_sections_and_links_follow():
    section = (
        '<h3 id="Les-mots-les-plus-utilisés">M</h3><a class="anchor-link" href="#Les-mots-les-plus-utilisés">¶</a>'
    )
    page = frontmatter.scope_ids(section, "corpus-a") + frontmatter.scope_ids(section, "corpus-b")
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 2
    assert all(f'id="{h}"' in page for h in re.findall(r'href="#([^"]+)"', page))
    linked = frontmatter.scope_ids('<p id="x">a</p><a href="#sec-methode">m</a>', "s")
    assert 'href="#sec-methode"' in linked  # a link to another part of the report is kept


@pytest.mark.parametrize(
    "text, expected",
    [
        ("c27 : (1,88 contre 1,33) [valeur MDA]", "(1,88 contre 1,33) [valeur MDA]"),
        ("Question 3, tableau q3, ligne 1", "Question 3, ligne 1"),
        ("Question 1, tableau q1a, lignes 6–7", "Question 1, premier tableau, lignes 6–7"),
        ("q3, somme Tous", "somme Tous"),
        ("6 items de q5 sur 8", "6 items de la question 5 sur 8"),
        ("1C non_mda < 2", "1C Non-MDA < 2"),
        ("base de sncf_call_2012.projects_strong_interest", "base du tableau publié"),
    ],
)
def test_plain_ids(text, expected):
    cb = Codebook.from_dict(
        {
            **CODEBOOK,
            "segments": {
                **CODEBOOK["segments"],
                "levels": [{"code": "mda", "label": "MDA"}, {"code": "non_mda", "label": "Non-MDA"}],
            },
        }
    )
    assert findings.plain_ids(text, cb) == expected


def test_glossary_holds_only_terms_the_report_uses():
    glossary = frontmatter.glossary_html(
        "Les MDA et le RNMA ; pas d'autre sigle. Une classe, une promesse, des lettres."
    )
    terms = re.findall(r"<dt>(.*?)</dt>", glossary)
    assert terms == ["MDA", "RNMA"]
    assert frontmatter.glossary_html("rien") == ""


def test_method_section_says_what_is_not_rebuilt_from_the_codebook_only():
    from ciatstudy.data.io import load_codebook

    cb2014 = load_codebook(ROOT / "data/raw/2014/codebook.yaml")
    method = frontmatter.method_html(cb2014, {"mda": 12, "non_mda": 16})
    assert "Thématique des projets retenus" in method and "schéma" in method and "Section VII" in method
    assert "MDA : 12 ; Non-MDA : 16 ; Tous : 28" in html.unescape(method)
    # the interval's width is the one of the smallest segment (12: a share of 50 % is 25 % to 75 %)
    assert "avec 12 répondants" in method and "25\u00a0% à 75\u00a0%" in html.unescape(method)
    assert "avec 1000 répondants" in frontmatter.method_html(cb2014, {"mda": 1000, "non_mda": 3000})
    signpost = frontmatter.signposts_html(cb2014, "call")
    assert "Thématique des projets retenus" in signpost and 'href="#sec-methode"' in signpost
    assert frontmatter.signposts_html(cb2014, "audit") == ""
    assert frontmatter.signposts_html(Codebook.from_dict(CODEBOOK), "call") == ""
    other = frontmatter.method_html(Codebook.from_dict(CODEBOOK), {"a": 10, "b": 20})
    assert "Section VII" not in other and "reconstitu" not in other and jargon(other) == []


def test_survey_comes_before_the_programmes_and_the_annexes():
    from ciatstudy.pipeline.sections import read_plan

    wave = read_plan("2014")
    sections = plan(wave.codebook, set(wave.files), baseline="2014")
    slugs = [s.slug for s in sections]
    order = [
        "profile",
        "corpus-definition",
        "corpus-argument",
        "agreement-q1",
        "choices-q2",
        "choices-q8",
        "conclusions",
        "comparison",
        "solidages",
        "call",
        "persons",
        "audit",
    ]
    assert [slugs.index(s) for s in order] == sorted(slugs.index(s) for s in order)
    parts = [part_of(s) for s in sections]
    assert parts == sorted(parts, key=["survey", "programmes", "annexes"].index)


# --------------------------------------------------------------------------- built reports
FACT = re.compile(
    r'<span class="fact" data-table="([^"]*)" data-where="([^"]*)" data-column="([^"]*)" '
    r'data-scale="([^"]*)">(.*?)</span>',
    re.S,
)


def _norm(text) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", html.unescape(str(text))).strip()


def _select(processed, table: str, where: str) -> pd.DataFrame:
    frames = []
    for name in table.split("+"):
        path = processed / f"{name}.csv"
        frames.append(pd.read_csv(path, dtype=str, keep_default_na=False) if name == "audit" else pd.read_csv(path))
    frame = pd.concat(frames, ignore_index=True)
    for condition in filter(None, html.unescape(where).split(";")):
        key, value = condition.split("=", 1)
        if key.endswith(("<", "≥")):  # a threshold: numeric comparison
            numbers = pd.to_numeric(frame[key[:-1]])
            frame = frame[numbers < float(value) if key.endswith("<") else numbers >= float(value)]
            continue
        column = frame[key.rstrip("!")].astype(str).map(_norm)
        frame = frame[(column != _norm(value)) if key.endswith("!") else (column == _norm(value))]
    return frame


def _check_fact(processed, table, where, column, scale, text) -> str | None:
    """None when the shown figure equals the table's, else what differs."""
    rows = _select(processed, table, where)
    if not column:
        expected = Decimal(len(rows))
    elif column.endswith(":max"):
        expected = Decimal(str(rows[column[:-4]].max()))
    else:
        if len(rows) != 1:
            return f"{table} [{where}] selects {len(rows)} rows"
        value = rows[column].iloc[0]
        if scale == "text":
            return None if _norm(value) == _norm(text) else f"{text!r} != {value!r}"
        expected = Decimal(repr(float(value))) * (100 if scale == "percent" else 1)
    shown = _norm(text).replace(" ", "").rstrip("%").replace(",", ".")
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    return (
        None
        if round_half_up(expected, decimals) == Decimal(shown)
        else f"{text!r} != {expected} ({table} [{where}] {column})"
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Wave 2014 and a synthetic new wave (imported from a survey-tool export, compared with 2014), built."""
    root = shared_build(tmp_path_factory, "2014")[0]
    _, code, log = shared_build(tmp_path_factory, NEW)
    assert code == 0, log
    return _reports(root)


def _reports(root) -> dict:
    out = {}
    for wave in WAVES:
        out[wave] = (root / "reports" / wave / "report.html").read_text(encoding="utf-8")
        out[f"{wave}:processed"] = root / "data/processed" / wave
    return out


def _summary(page: str) -> str:
    start = page.index('id="sec-a-retenir"')
    return page[start : page.index("</section>", start)]


@pytest.mark.notebook
@pytest.mark.parametrize("wave", WAVES)
@READS_BUILDS
def test_summary_precedes_the_first_question_and_the_method_follows_it(reports, wave):
    page = reports[wave]
    positions = [
        page.index(f'id="{a}"')
        for a in (
            "sec-a-retenir",
            "sec-methode",
            "sec-agreement-q1",
            "sec-choices-q8",
            "sec-annexe-technique",
            "sec-provenance",
        )
    ]
    assert positions == sorted(positions)
    assert page.index('class="cover"') < positions[0]


@pytest.mark.notebook
@pytest.mark.parametrize("wave", WAVES)
@READS_BUILDS
def test_every_number_of_the_summary_equals_its_tidy_table(reports, wave):
    summary = _summary(reports[wave])
    facts = FACT.findall(summary)
    assert len(facts) >= 10
    problems = [p for f in facts if (p := _check_fact(reports[f"{wave}:processed"], *f))]
    assert problems == []
    # no number typed in: once facts and references (item codes, question numbers) are out, no digit is left
    rest = re.sub(r'<span class="(?:ref|cited)">.*?</span>', "", FACT.sub("", summary))
    assert re.findall(r"\d", _visible(rest)) == []
    assert 5 <= summary.count('class="finding ') <= 8


@pytest.mark.notebook
@pytest.mark.parametrize("wave", WAVES)
@READS_BUILDS
def test_no_jargon_path_or_internal_id_before_the_technical_appendix(reports, wave):
    page = reports[wave]
    cut = page.index('id="sec-annexe-technique"')
    assert jargon(page[:cut]) == []
    assert jargon(page[cut:]) != []  # the appendix holds them (positive control)


@pytest.mark.notebook
@pytest.mark.parametrize("wave", WAVES)
@READS_BUILDS
def test_ids_are_unique_and_contents_links_reach_their_heading(reports, wave):
    page = reports[wave]
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    nav = page[page.index("<nav") : page.index("</nav>")]
    links = re.findall(r'<a href="#([^"]+)">(.*?)</a>', nav)
    assert len(links) > 10
    for target, title in links:
        at = page.index(f'id="{target}"')
        heading = re.search(r"<h2[^>]*>(.*?)</h2>", page[at:]).group(1)
        assert heading == title
    for target in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{target}"' in page, target


@pytest.mark.notebook
@READS_BUILDS
def test_sections_say_reconstructed_in_one_line_linking_to_the_method(reports):
    page = reports["2014"]
    notices = [n for n in re.findall(r'<p class="notice[^"]*">(.*?)</p>', page, flags=re.S) if "reconstitu" in n]
    assert len(notices) >= 9  # question 1 to 8 and the conclusions
    assert all('href="#sec-methode"' in n and len(_visible(n).strip()) < 120 for n in notices)


@pytest.mark.notebook
@READS_BUILDS
def test_a_new_wave_gets_its_own_summary_and_title_page_without_2014_statements(reports):
    new, old = reports[NEW], reports["2014"]
    assert _summary(new) != _summary(old)
    assert "finding-moved_count" in _summary(new) and "finding-moved_count" not in _summary(old)
    cover = new[new.index('class="cover"') : new.index("</header>")]
    assert NEW in cover
    front = new[: new.index('id="sec-profile"') if 'id="sec-profile"' in new else new.index('id="sec-agreement-q1"')]
    for statement in (
        "Dominique Thierry",
        "décembre 2014",
        "Thématique des projets retenus",
        "Solidâges",
        "28 structures",
    ):
        assert statement not in html.unescape(front), statement
    old_cover = old[old.index('class="cover"') : old.index("</header>")]
    assert "Dominique Thierry" in old_cover and "décembre 2014" in old_cover

"""The committee's workbook tables.xlsx: index, French names and headers, number formats, no formula, reproducible."""

import csv
import re
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from ciatstudy.data.io import load_codebook
from ciatstudy.report.workbook import (
    INTEGER,
    MAX_NAME,
    PERCENT,
    TWO_DECIMALS,
    parse_printed,
    printed_format,
    sheet_name,
    write_workbook,
)
from conftest import ROOT

INJECTIONS = [
    '=HYPERLINK("http://exemple.org/x","Voir la coopération")',
    "+33 6 39 98 00 00",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(ROOT / "data/raw/2014/codebook.yaml")


def _processed(folder: Path) -> Path:
    """A small processed folder shaped like a 2014 build's, with hostile free text."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for item, label, rank in (("2A", "Une volonté commune", 2), ("2B", "Un projet avec des associations proches", 1)):
        for segment, n, count in (("tous", 28, 20), ("mda", 12, 9), ("non_mda", 16, 11)):
            value = count / n
            rows.append(
                {
                    "question": "q2",
                    "item": item,
                    "label": label,
                    "segment": segment,
                    "n": n,
                    "count": count,
                    "value": value,
                    "ci_low": value - 0.2,
                    "ci_high": min(value + 0.15, 1),
                    "rank": rank,
                    "test": "fisher_exact",
                    "p_value": 0.35,
                    "distinguishable": False,
                }
            )
    pd.DataFrame(rows).to_csv(folder / "q2_rates.csv", index=False)
    scores = pd.DataFrame(rows).assign(
        question="q1", value=lambda f: 1 + 2 * f["value"], ci_low=2.1, ci_high=2.9, test="permutation_exact"
    )
    scores["item"] = scores["item"].str.replace("2", "1")
    scores.to_csv(folder / "q1_scores.csv", index=False)
    pd.DataFrame(
        {
            "question": ["q1", "q2"],
            "item": ["1A", "2B"],
            "segment": ["tous", "tous"],
            "value": [2.68, 0.79],
            "printed": [2.68, 0.79],
            "matches": [True, True],
        }
    ).to_csv(folder / "q2_published_comparison.csv", index=False)
    pd.DataFrame(
        {
            "option": ["Réunions ponctuelles", "Comité"],
            "n": [28, 28],
            "count": [23, 15],
            "share": [23 / 28, 15 / 28],
            "printed": ["82,1%", "53,6%"],
            "rebuilt": [82.1, 53.6],
            "matches": [True, True],
        }
    ).to_csv(folder / "call_cooperation_forms.csv", index=False)
    pd.DataFrame(
        {
            "location": ["Question 1"],
            "figure": ["1H, Tous"],
            "printed": ["2,68"],
            "expected": ["75/28"],
            "verdict": ["consistent"],
        }
    ).to_csv(folder / "audit.csv", index=False)
    pd.DataFrame(
        {"lemma": ["action"] * len(INJECTIONS), "respondent_no": range(1, len(INJECTIONS) + 1), "sentence": INJECTIONS}
    ).to_csv(folder / "kwic_definition.csv", index=False, quoting=csv.QUOTE_NONNUMERIC)  # keeps the lone CR in its cell
    pd.DataFrame(
        {
            "lemma": ["action", "projet"],
            "count": [7, 3],
            "respondents": [6, 3],
            "share_respondents": [0.75, 0.375],
            "rank": [1, 2],
        }
    ).to_csv(folder / "words_definition.csv", index=False)
    long_text = "Une phrase très longue " * 10
    pd.DataFrame({"type": ["Mutualisation"], "examples_as_printed": [long_text]}).to_csv(
        folder / "panorama_typology.csv", index=False
    )
    return folder


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, codebook):
    base = tmp_path_factory.mktemp("workbook")
    paths = SimpleNamespace(processed=_processed(base / "processed"))
    target = write_workbook(paths, base / "tables.xlsx", codebook=codebook)
    return target, openpyxl.load_workbook(target), paths


def test_first_sheet_is_an_index_linking_every_sheet(workbook):
    _, book, _ = workbook
    index = book.worksheets[0]
    assert index.title == "Sommaire"
    assert [c.value for c in index[1]] == ["Feuille", "Titre", "Contenu"]
    listed = [row[0].value for row in index.iter_rows(min_row=2)]
    assert listed == [ws.title for ws in book.worksheets[1:]]
    for row in index.iter_rows(min_row=2):
        assert row[0].hyperlink is not None and row[0].hyperlink.location == f"'{row[0].value}'!A1"
        assert row[1].value and row[2].value  # a French title and what the sheet holds
    titles = {row[0].value: row[1].value for row in index.iter_rows(min_row=2)}
    assert titles["Question 2"].startswith("Question 2\u202f: ")  # the codebook's title, French typography


def test_sheet_names_are_french_short_unique_and_whole_words(workbook):
    _, book, _ = workbook
    names = [ws.title for ws in book.worksheets]
    assert len(set(n.casefold() for n in names)) == len(names)
    assert all(len(n) <= MAX_NAME and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert "_" not in "".join(names)  # no snake_case file names
    assert {
        "Question 2",
        "Question 2 données",
        "Question 2 imprimé",
        "Question 1",
        "Appel à projets coopération",
        "Contrôle des chiffres",
        "Contexte Définitions",
        "Mots Définitions",
        "Panorama typologie",
    } <= set(names)
    # the study's order: the question's report table before its data sheet
    assert names.index("Question 2") < names.index("Question 2 données") < names.index("Question 2 imprimé")


@pytest.mark.parametrize(
    "wanted",
    [
        "Contexte – Question 4 : autres freins ou observations",
        "Mots distinctifs Question 3 : explications",
        "Appel à projets Fondation SNCF / RNMA : formes de coopération",
        "Un [titre] * avec ? des caractères interdits",
        "Anticonstitutionnellementissimementextraordinaire",
        "Court",
    ],
)
def test_sheet_name_never_cuts_a_word(wanted):
    taken = set()
    for _ in range(3):  # the same title three times: still unique
        name = sheet_name(wanted, taken)
        taken.add(name)
        assert len(name) <= MAX_NAME
        words = re.sub(r" \(\d+\)$", "", name).split(" ")
        source = re.sub(r"[\[\]:*?/\\]", "-", wanted).split()
        if len(source[0]) <= MAX_NAME:
            assert all(w == s for w, s in zip(words, source)), (name, wanted)  # whole words, in order
    assert len(taken) == 3


def test_headers_are_french(workbook):
    _, book, _ = workbook
    for ws in book.worksheets:
        headers = [c.value for c in ws[1]]
        assert all(h and not re.fullmatch(r"[a-z]+(_[a-z]+)+", h) for h in headers), (ws.title, headers)
    data = [c.value for c in book["Question 2 données"][1]]
    assert "Borne basse (IC 95\u00a0%)" in data and "Valeur p" in data and "Écart distinguable du hasard" in data


def _column(ws, header):
    headers = [c.value for c in ws[1]]
    return [row[headers.index(header)] for row in ws.iter_rows(min_row=2)]


def test_number_formats(workbook):
    _, book, _ = workbook
    layout = book["Question 2"]
    headers = [c.value for c in layout[1]]
    # items down (report order: 2B ranks first), segments across
    assert [r[0].value for r in layout.iter_rows(min_row=2)] == ["2B", "2A"]
    assert headers[:3] == ["Code", "Libellé", "Tous (n = 28)"] and "MDA (n = 12)" in headers
    for cell in _column(layout, "MDA (n = 12)"):
        assert isinstance(cell.value, float) and cell.number_format == PERCENT
    for cell in _column(book["Question 1"], "Tous (n = 28)"):
        assert cell.number_format == TWO_DECIMALS  # means
    data = book["Question 2 données"]
    assert all(isinstance(c.value, int) and c.number_format == INTEGER for c in _column(data, "Effectif (n)"))
    assert all(c.number_format == PERCENT for c in _column(data, "Valeur"))
    assert all(c.value in {"Oui", "Non"} for c in _column(data, "Écart distinguable du hasard"))
    # printed 2014 values as numbers, in the printed precision
    call = book["Appel à projets coopération"]
    printed = _column(call, "Valeur imprimée")
    assert [c.value for c in printed] == [pytest.approx(0.821), pytest.approx(0.536)]
    assert {c.number_format for c in printed} == {"0.0%"}
    assert [c.value for c in _column(call, "Valeur recalculée")] == [pytest.approx(0.821), pytest.approx(0.536)]
    assert all(c.number_format == PERCENT for c in _column(call, "Part"))
    audit = _column(book["Contrôle des chiffres"], "Valeur imprimée")
    assert audit[0].value == pytest.approx(2.68) and audit[0].number_format == "0.00"
    assert _column(book["Contrôle des chiffres"], "Verdict")[0].value == "cohérent"
    assert all(c.number_format == PERCENT for c in _column(book["Mots Définitions"], "Part des répondants"))


def test_frozen_header_filter_widths_and_wrapping(workbook):
    _, book, _ = workbook
    for ws in book.worksheets:
        assert ws.freeze_panes in {"A2", "C2"}, ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert all(ws.column_dimensions[c].width for c in "AB" if ws.max_column >= 2), ws.title
    assert book["Question 2"].freeze_panes == "C2"  # code and label stay in view
    long = _column(book["Panorama typologie"], "Exemples (tels qu’imprimés)")[0]
    assert long.alignment.wrap_text
    assert book["Panorama typologie"].row_dimensions[2].height >= 45  # the row shows every line of it
    assert book["Question 2"].row_dimensions[1].height >= 30  # wrapped headers too
    assert book["Panorama typologie"].column_dimensions["B"].width <= 70


def test_no_cell_is_a_formula(workbook):
    """Issue 12 point 2: free text starting with = + - @ tab CR stays text."""
    target, book, _ = workbook
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    sentences = _column(book["Contexte Définitions"], "Phrase (telle que citée)")
    # exactly as written, as text (an XML reader turns a lone CR into LF: line-end normalisation)
    assert [c.value for c in sentences] == [t.replace("\r", "\n") for t in INJECTIONS]
    assert all(c.data_type == "s" and c.quotePrefix for c in sentences)


def test_two_builds_are_byte_identical(workbook, tmp_path, codebook):
    first, _, paths = workbook
    time.sleep(1.1)  # a timestamp of the save would differ now
    second = write_workbook(paths, tmp_path / "again.xlsx", codebook=codebook)
    assert first.read_bytes() == second.read_bytes()


def test_an_empty_build_still_gives_a_valid_workbook(tmp_path):
    target = write_workbook(SimpleNamespace(processed=tmp_path / "none"), tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == "Sommaire" and len(book.sheetnames) == 2


@pytest.mark.parametrize(
    "text, number, fmt",
    [
        ("82,1%", 0.821, "0.0%"),
        ("2,68", 2.68, "0.00"),
        ("12", 12.0, "0"),
        ("25 %", 0.25, "0%"),
        ("1\u202f234", 1234.0, "0"),
        ("n.c.", "n.c.", None),
    ],
)
def test_printed_values_become_numbers_in_their_printed_precision(text, number, fmt):
    assert parse_printed(text) == (pytest.approx(number) if isinstance(number, float) else number)
    assert printed_format(text) == fmt

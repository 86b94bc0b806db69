"""``ciatstudy import``: every format's fixture imports to the answers it was drawn from; bad input is refused.

The fixtures (``tests/fixtures/exports/``, see its README) are written by the project; XLSX versions are
made here with openpyxl. The real exports in ``../shared/samples/exports/`` are read when present, to
check the readers on what the tools really write.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import FIX, FIXTURES, RAW_2014, ROOT  # noqa: F401  (FIX, FIXTURES: read from here by other modules)
from ciatstudy.errors import DataError
from ciatstudy.cli import main
from ciatstudy.waves.importers import FORMATS, import_export, read_export
from ciatstudy.waves.importers.decode import split_labels
from ciatstudy.waves.importers.layouts import match_key, sniff_format
from ciatstudy.waves.importers.reading import read_grid
from ciatstudy.data.io import load_codebook, load_wave
from ciatstudy.waves.synth.exports import csv_bytes

SAMPLES = ROOT.parent / "shared" / "samples" / "exports"
# FIX, FIXTURES (fixture file -> format, encoding, delimiter): see conftest


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A throw-away project holding only wave 2014's raw folder."""
    (tmp_path / "data" / "raw").mkdir(parents=True)
    shutil.copytree(RAW_2014, tmp_path / "data" / "raw" / "2014")
    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))
    monkeypatch.delenv("CIATSTUDY_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("CIATSTUDY_PSEUDONYM_KEY_FILE", raising=False)
    return tmp_path


def fixture_rows(name: str) -> list[list[str]]:
    fmt, encoding, delimiter = FIXTURES[name]
    text = (FIX / name).read_bytes().decode(encoding)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def write_like(rows, path: Path, fmt: str) -> Path:
    """Write rows back in the fixture's own style (encoding, delimiter, quoting)."""
    path.write_bytes(csv_bytes(rows, fmt))
    return path


def write_xlsx(rows, path: Path) -> Path:
    """An XLSX as the tools write it: numbers stored as numbers (``3,0`` as 3.0)."""
    import openpyxl

    def value(text):
        if text.isdigit() and len(text) < 16 and not (len(text) > 1 and text.startswith("0")):
            return int(text)
        if text.replace(",", "", 1).isdigit() and "," in text:
            return float(text.replace(",", "."))
        return text or None

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([value(v) for v in row])
    book.save(path)
    return path


def expected(stem: str) -> pd.DataFrame:
    return pd.read_csv(FIX / "expected" / f"{stem}.csv", dtype=str, keep_default_na=False)


def as_strings(responses: pd.DataFrame) -> pd.DataFrame:
    out = responses.drop(columns=["respondent_id"]).astype(object)
    return out.map(lambda v: "" if pd.isna(v) else str(v)).reset_index(drop=True)


# --------------------------------------------------------------------------- every format
CASES = [
    ("surveymonkey.csv", "csv"),
    ("surveymonkey.csv", "xlsx"),
    ("google_forms.csv", "csv"),
    ("limesurvey.csv", "csv"),
    ("kobotoolbox.csv", "csv"),
    ("kobotoolbox.csv", "xlsx"),
    ("plain_excel_fr.csv", "csv"),
    ("plain_excel_fr.csv", "xlsx"),
]


@pytest.mark.parametrize("name, container", CASES, ids=[f"{n.split('.')[0]}-{c}" for n, c in CASES])
def test_each_fixture_imports_to_the_answers_it_was_drawn_from(root, tmp_path, name, container):
    fmt = FIXTURES[name][0]
    source = (
        FIX / name if container == "csv" else write_xlsx(fixture_rows(name), tmp_path / name.replace(".csv", ".xlsx"))
    )
    summary = import_export(source, format=fmt, wave="2025")
    wave = load_wave("2025")
    assert not wave.reconstructed and wave.codebook.wave == "2025"
    got = as_strings(wave.responses)
    want = expected(name.split(".")[0])
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert summary.respondents == len(want) == len(wave.responses)
    assert summary.unmapped == [] and summary.missing_items == {}
    assert wave.segment_sizes() == summary.segments
    # every question scores with the colleague's scoring code, as the report will
    from ciatstudy.analysis.score import score_question

    for q in wave.codebook.questions:
        table = score_question(wave.responses, codebook=wave.codebook, question=q.id)
        assert set(table["segment"]) == {"tous", "mda", "non_mda"}


def test_what_the_wave_folder_holds(root):
    summary = import_export(FIX / "surveymonkey.csv", format="surveymonkey", wave="2025")
    folder = root / "data" / "raw" / "2025"
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "codebook.yaml",
        "datapackage.json",
        "quotes.csv",
        "responses.csv",
    ]
    digest = hashlib.sha256((FIX / "surveymonkey.csv").read_bytes()).hexdigest()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for text in ("surveymonkey.csv", digest, "SurveyMonkey", "--format surveymonkey", "2025-03-03"):
        assert text in readme
    codebook = yaml.safe_load((folder / "codebook.yaml").read_text(encoding="utf-8"))
    assert codebook["responses"] == {
        "file": "responses.csv",
        "id_column": "respondent_id",
        "reconstructed": False,
        "pseudonymised": False,
    }
    assert codebook["import"]["sha256"] == digest and codebook["wave"] == "2025"
    assert [lvl["n"] for lvl in codebook["segments"]["levels"]] == [
        summary.segments["mda"],
        summary.segments["non_mda"],
    ]
    questionnaire = yaml.safe_load((RAW_2014 / "codebook.yaml").read_text(encoding="utf-8"))["questions"]
    # wordings, items and bases carried over; 2014's notes and « Annexe III » sources are not (issue 13)
    assert codebook["questions"] == [{k: v for k, v in q.items() if k not in ("note", "source")} for q in questionnaire]
    assert "texts" not in codebook and all("source" not in f for f in codebook["free_text"])
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == ["responses", "quotes"]
    quotes = load_wave("2025").table("quotes")
    assert list(quotes.columns) == ["quote_id", "respondent_id", "segment", "corpus", "text", "source"]
    assert {"definition", "argument", "q4_remark", "q8_comment"} <= set(quotes["corpus"])
    ids = pd.read_csv(folder / "responses.csv", dtype=str)["respondent_id"]
    assert ids.tolist()[:2] == ["2025-001", "2025-002"]
    assert set(quotes["respondent_id"]) <= set(ids)


def test_the_summary_names_what_was_dropped_and_why(root, capsys):
    assert main(["import", str(FIX / "limesurvey.csv"), "--format", "limesurvey", "--wave", "2025"]) == 0
    out = capsys.readouterr().out
    assert "valid — 12 respondents" in out
    assert "personal data dropped" in out and "(ipaddr) [ip]" in out and "(COURRIEL) [email]" in out
    assert "metadata not imported" in out and "(interviewtime)" in out
    assert "empty responses skipped (no segment, no answer): rows 8" in out


def test_french_realities_are_read(root, tmp_path):
    plain = read_grid(FIX / "plain_excel_fr.csv")
    assert (plain.encoding, plain.delimiter) == ("cp1252", ";")
    monkey = read_grid(FIX / "surveymonkey.csv")
    assert (monkey.encoding, monkey.delimiter) == ("utf-8-sig", ",")
    # the same Google export re-saved by Excel: Windows-1252, semicolons, CRLF
    rows = fixture_rows("google_forms.csv")
    text = "\r\n".join(";".join(f'"{c}"' if (";" in c or "\n" in c) else c for c in r) for r in rows)
    path = tmp_path / "google_excel.csv"
    path.write_bytes(text.encode("cp1252"))
    import_export(path, format="google", wave="2025")
    pd.testing.assert_frame_equal(as_strings(load_wave("2025").responses), expected("google_forms"), check_dtype=False)


def test_checkbox_answers_are_split_against_labels_that_contain_commas():
    codebook = load_codebook(RAW_2014 / "codebook.yaml")
    q7 = codebook.question("q7")
    labels = {match_key(label): code for code, label in q7.items}
    cell = ", ".join(label for code, label in q7.items if code in ("7A", "7C", "7G"))
    assert cell.count(",") > 6
    assert split_labels(cell, labels, allow_other=False) == (["7A", "7C", "7G"], "")
    assert split_labels(cell + ", Un repas partagé, une fois l'an", labels, allow_other=True) == (
        ["7A", "7C", "7G"],
        "Un repas partagé, une fois l'an",
    )
    assert split_labels(cell + ", Un repas", labels, allow_other=False) is None


def test_a_mapping_reads_a_reworded_question_and_a_question_not_asked(root, tmp_path):
    rows = fixture_rows("surveymonkey.csv")
    q5 = next(i for i, h in enumerate(rows[0]) if h.startswith("Quels sont les facteurs"))
    rows[0][q5] = "Qu’est-ce qui favoriserait la coopération ?"
    extra = len(rows[0])
    for r, value in zip(
        rows, ["Comment avez-vous connu l’enquête ?", "Response"] + ["Par le réseau"] * (len(rows) - 2)
    ):
        r.append(value)
    export = write_like(rows, tmp_path / "reworded.csv", "surveymonkey")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "questions:\n  q5:\n    question: ['Qu''est-ce qui favoriserait la coopération ?']\n  q6: null\n",
        encoding="utf-8",
    )
    summary = import_export(export, format="surveymonkey", wave="2025", mapping=mapping)
    wave = load_wave("2025")
    want = expected("surveymonkey")
    got = as_strings(wave.responses)
    pd.testing.assert_frame_equal(
        got.drop(columns=list("6" + c for c in "ABCDEFG")),
        want.drop(columns=list("6" + c for c in "ABCDEFG")),
        check_dtype=False,
    )
    assert (got[[f"6{c}" for c in "ABCDEFG"]] == "").all().all()
    assert summary.absent_questions == ["q6"]
    assert any("Comment avez-vous connu" in c for c in summary.unmapped)
    readme = (root / "data/raw/2025/README.md").read_text(encoding="utf-8")
    assert "Comment avez-vous connu" in readme and "q6" in readme
    assert "Par le réseau" not in (root / "data/raw/2025/responses.csv").read_text(encoding="utf-8")
    assert extra == len(rows[0]) - 1


def test_an_existing_wave_is_never_overwritten(root):
    before = (root / "data/raw/2014/codebook.yaml").read_bytes()
    assert main(["import", str(FIX / "surveymonkey.csv"), "--format", "surveymonkey", "--wave", "2014"]) == 2
    assert (root / "data/raw/2014/codebook.yaml").read_bytes() == before
    import_export(FIX / "google_forms.csv", format="google", wave="2025")
    with pytest.raises(DataError, match="already exists"):
        import_export(FIX / "google_forms.csv", format="google", wave="2025")


# --------------------------------------------------------------------------- bad input
def _sm(tmp, edit):
    rows = fixture_rows("surveymonkey.csv")
    edit(rows)
    return write_like(rows, tmp / "export.csv", "surveymonkey"), "surveymonkey", None


def _google(tmp, edit):
    rows = fixture_rows("google_forms.csv")
    edit(rows)
    return write_like(rows, tmp / "formulaire.csv", "google"), "google", None


def _lime(tmp, edit):
    rows = fixture_rows("limesurvey.csv")
    edit(rows)
    return write_like(rows, tmp / "results-survey.csv", "limesurvey"), "limesurvey", None


def _kobo(tmp, edit):
    rows = fixture_rows("kobotoolbox.csv")
    edit(rows)
    return write_like(rows, tmp / "ciat_kobo.csv", "kobo"), "kobo", None


def _col(rows, start, header_row=0):
    return next(i for i, h in enumerate(rows[header_row]) if h.startswith(start))


def _set(rows, row, start, value, header_row=0):
    rows[row][_col(rows, start, header_row)] = value


def _bytes(tmp, name, data, fmt):
    path = tmp / name
    path.write_bytes(data)
    return path, fmt, None


def _wrong_flag(tmp):
    return FIX / "surveymonkey.csv", "limesurvey", None


def _wrong_flag_google_as_kobo(tmp):
    return FIX / "google_forms.csv", "kobo", None


def _missing_header_row(tmp):
    return _sm(tmp, lambda rows: rows.pop(1))


def _empty_file(tmp):
    return _bytes(tmp, "export.csv", b"", "surveymonkey")


def _header_only(tmp):
    return _google(tmp, lambda rows: rows.__delitem__(slice(1, None)))


def _unknown_matrix_label(tmp):
    return _sm(tmp, lambda rows: _set(rows, 5, "La CIAT est trop compliquée", "Plutôt d’accord", header_row=1))


def _unknown_checkbox_option(tmp):
    return _google(
        tmp,
        lambda rows: _set(
            rows,
            4,
            "Quelles peuvent-être les déclencheurs",
            "Une volonté de mutualiser pour rationaliser, Un label inconnu",
        ),
    )


def _duplicated_id(tmp):
    return _lime(tmp, lambda rows: rows.append(list(rows[3])))


def _duplicated_email(tmp):
    def edit(rows):
        twin = list(rows[2])
        twin[0] = "28/03/2025 18:12:40"
        rows.append(twin)

    return _google(tmp, edit)


def _question_missing(tmp):
    # Question 5's columns are gone (a reworded question whose options still read like the codebook's is
    # matched automatically: tests/test_matching.py).
    def edit(rows):
        start, end = _col(rows, "Quels sont les facteurs"), _col(rows, "Quels ont selon vous")
        rows[:] = [r[:start] + r[end:] for r in rows]

    return _sm(tmp, edit)


def _option_not_in_mapping(tmp):
    def edit(rows):
        at = _col(rows, "Quels sont les freins")
        for r, v in zip(rows, ["", "La crainte de la fusion"] + [""] * (len(rows) - 2)):
            r.insert(at + 3, v)

    return _sm(tmp, edit)


def _truncated_xlsx(tmp):
    full = write_xlsx(fixture_rows("surveymonkey.csv"), tmp / "full.xlsx").read_bytes()
    return _bytes(tmp, "export.xlsx", full[: len(full) // 2], "surveymonkey")


def _csv_named_xlsx(tmp):
    return _bytes(tmp, "export.xlsx", (FIX / "surveymonkey.csv").read_bytes(), "surveymonkey")


def _old_xls(tmp):
    return _bytes(tmp, "export.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "surveymonkey")


def _mixed_encodings(tmp):
    text = (FIX / "plain_excel_fr.csv").read_bytes().decode("cp1252")
    lines = text.split("\r\n")
    data = "\r\n".join(lines[:6]).encode("utf-8") + b"\r\n" + "\r\n".join(lines[6:]).encode("cp1252")
    return _bytes(tmp, "reponses.csv", data, "plain")


def _no_segment(tmp):
    return _kobo(tmp, lambda rows: _set(rows, 4, "identification/mda", ""))


def _unknown_segment(tmp):
    return _google(tmp, lambda rows: _set(rows, 3, "Votre structure est-elle", "Peut-être"))


def _truncated_csv(tmp):
    data = (FIX / "limesurvey.csv").read_bytes().rstrip(b"\n")
    cut = data.rfind(b'";"', 0, len(data) - 200)
    return _bytes(tmp, "results-survey.csv", data[: cut + 1] + b"\n", "limesurvey")


def _split_and_joined_disagree(tmp):
    def edit(rows):
        c = _col(rows, "cooperation/freins/le_manque_de_temps")
        rows[2][c] = "0" if rows[2][c] == "1" else "1"

    return _kobo(tmp, edit)


def _two_choices_in_choose_one(tmp):
    return _kobo(tmp, lambda rows: _set(rows, 3, "accompagnement/role", "un_accompagnateur un_animateur"))


def _off_scale(tmp):
    text = (FIX / "plain_excel_fr.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    rows[4][rows[0].index("1C")] = "2,5"
    return _bytes(tmp, "reponses.csv", csv_bytes(rows, "plain"), "plain")


def _empty_id(tmp):
    return _lime(tmp, lambda rows: _set(rows, 2, "id", ""))


def _duplicated_header(tmp):
    text = (FIX / "plain_excel_fr.csv").read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    rows[0][rows[0].index("2B")] = "2A"
    return _bytes(tmp, "reponses.csv", csv_bytes(rows, "plain"), "plain")


def _bad_mapping_yaml(tmp):
    mapping = tmp / "mapping.yaml"
    mapping.write_text("questions:\n  q5:\n    question: [Quels facteurs\n  q6: null\n", encoding="utf-8")
    return FIX / "surveymonkey.csv", "surveymonkey", mapping


def _mapping_unknown_question(tmp):
    mapping = tmp / "mapping.yaml"
    mapping.write_text(
        "# ma table de correspondance\nquestions:\n  q9:\n    question: [Autre question]\n", encoding="utf-8"
    )
    return FIX / "surveymonkey.csv", "surveymonkey", mapping


CATALOGUE = {
    "wrong format flag": (_wrong_flag, "does not look like a LimeSurvey"),
    "wrong format flag (Google read as Kobo)": (_wrong_flag_google_as_kobo, "use --format google"),
    "missing header row": (_missing_header_row, "second header row"),
    "empty file": (_empty_file, "empty"),
    "header but no response": (_header_only, "no response"),
    "unknown answer label": (_unknown_matrix_label, "unknown answer label"),
    "unknown checkbox option": (_unknown_checkbox_option, "Un label inconnu"),
    "duplicated respondent (same id)": (_duplicated_id, "duplicated respondent"),
    "duplicated respondent (same e-mail)": (_duplicated_email, "same e-mail address as row"),
    "question missing from the mapping": (_question_missing, "question q5"),
    "option missing from the mapping": (_option_not_in_mapping, "La crainte de la fusion"),
    "truncated XLSX": (_truncated_xlsx, "damaged or truncated"),
    "CSV named .xlsx": (_csv_named_xlsx, "not an XLSX"),
    "old .xls workbook": (_old_xls, "old Excel"),
    "mixed encodings": (_mixed_encodings, "mixed encodings"),
    "respondent with no segment": (_no_segment, "no segment"),
    "unknown segment answer": (_unknown_segment, "Peut-être"),
    "truncated CSV": (_truncated_csv, "cut short"),
    "option columns disagree with the joined cell": (_split_and_joined_disagree, "option columns say"),
    "two options in a choose-one question": (_two_choices_in_choose_one, "choose-one"),
    "answer off the scale": (_off_scale, "2,5"),
    "empty respondent id": (_empty_id, "empty respondent id"),
    "duplicated column header": (_duplicated_header, "duplicated column header"),
    "mapping is not valid YAML": (_bad_mapping_yaml, "not valid YAML"),
    "mapping names a question the codebook lacks": (_mapping_unknown_question, "q9"),
}


@pytest.mark.parametrize("case", list(CATALOGUE))
def test_bad_input_gives_one_located_error_and_writes_nothing(root, tmp_path, capsys, case):
    make, message = CATALOGUE[case]
    work = tmp_path / "in"
    work.mkdir()
    path, fmt, mapping = make(work)
    before = sorted(p.name for p in (root / "data" / "raw").iterdir())

    with pytest.raises(DataError) as info:
        import_export(path, format=fmt, wave="2025", mapping=mapping)
    err = info.value
    assert message in str(err)
    assert err.file in (path.name, getattr(mapping, "name", None))
    assert isinstance(err.row, int) and err.row >= 1
    assert err.column not in (None, "")

    argv = [str(path), "--format", fmt, "--wave", "2025"] + (["--mapping", str(mapping)] if mapping else [])
    assert main(["import", *argv]) == 2
    stderr = capsys.readouterr().err.strip()
    assert len(stderr.splitlines()) == 1 and stderr.startswith("ciatstudy: error: ") and f"row {err.row}" in stderr
    assert sorted(p.name for p in (root / "data" / "raw").iterdir()) == before  # no wave, no staging left


def test_the_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 15


# --------------------------------------------------------------------------- synthetic waves
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_synthetic_export_of_every_format_imports_back_to_its_answers(root, tmp_path, fmt):
    from ciatstudy.waves.synth.command import synth
    from ciatstudy.waves.synth.respondents import synth_wave

    path = synth(25, 7, fmt, tmp_path / f"synth-{fmt}.csv")
    import_export(path, format=fmt, wave="2030")
    got = as_strings(load_wave("2030").responses)
    truth = synth_wave(25, 7).truth().astype(object)
    want = truth.map(lambda v: "" if pd.isna(v) else str(v))
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_synthetic_answers_are_drawn_around_the_2014_data_of_the_project_whatever_its_folder(
    root, tmp_path, monkeypatch
):
    from ciatstudy.waves.synth.respondents import _baseline_rates

    codebook = load_wave("2014").codebook
    rates = _baseline_rates(codebook)
    other = tmp_path / "other"
    shutil.copytree(root / "data", other / "data")
    monkeypatch.setenv("CIATSTUDY_ROOT", str(other))
    assert _baseline_rates(codebook) is rates  # the same 2014 data in another folder: drawn once
    responses = other / "data/raw/2014/responses_reconstructed.csv"
    lines = responses.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    item = codebook.questions[1].codes[0]  # a choice item: 1 = chosen
    at = header.index(item)
    flipped = [lines[0]] + [
        ",".join(
            ("0" if cell == "1" else "1" if cell == "0" else cell) if i == at else cell
            for i, cell in enumerate(line.rstrip("\n").split(","))
        )
        + "\n"
        for line in lines[1:]
    ]
    responses.write_text("".join(flipped), encoding="utf-8")
    changed = _baseline_rates(codebook)
    segment = codebook.segment_codes[0]
    assert changed[(segment, item)] == pytest.approx(1 - rates[(segment, item)])


def test_synth_command_line_writes_a_file(tmp_path, capsys):

    target = tmp_path / "kobo.xlsx"
    assert main(["synth", "--n", "5", "--seed", "2", "--format", "kobo", "--output", str(target)]) == 0
    assert target.stat().st_size > 3000 and "5 respondents" in capsys.readouterr().out
    export = read_export(target, "kobo")
    assert len(export.rows) == 5 and export.grid.container == "xlsx"


# --------------------------------------------------------------------------- real exports
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples/exports/ not present")


@needs_samples
def test_real_surveymonkey_export_two_header_rows():
    export = read_export(SAMPLES / "surveymonkey" / "fivethirtyeight-steak-risk-survey.csv", "surveymonkey")
    assert len(export.columns) == 15 and len(export.rows) == 550 and export.header_rows == 2
    assert export.columns[0].readings == [("RespondentID", None)]
    assert export.columns[2].readings == [("Do you ever smoke cigarettes?", None)]  # row 2 "Response"


@needs_samples
def test_real_google_forms_exports():
    tv = read_export(SAMPLES / "google-forms" / "cs50-2020-favorite-tv-shows.csv", "google")
    assert [c.header for c in tv.columns] == ["Timestamp", "title", "genres"] and len(tv.rows) == 57
    grid = read_export(SAMPLES / "google-forms" / "travel-app-grid-excerpt.csv", "google")
    subs = {c.readings[0][1] for c in grid.columns if c.readings[0][1]}
    assert "Price level: 1 (Fast/Cheap Eats)" in subs and "Museum" in subs  # "[Museum ]" trimmed
    roads = read_export(SAMPLES / "google-forms" / "campus-road-roughness-survey.csv", "google")
    options = [
        "Brahmaputra to Core 5 ( Backside )",
        "Core 5 to Library",
        "Library to New Sac",
        "New Sac to Serpentine",
        "Serpentine to Faculty Market",
    ]
    labels = {match_key(o): str(i) for i, o in enumerate(options)}
    cells = [cells[1] for _, cells in roads.rows]
    assert all(split_labels(c, labels, allow_other=False) is not None for c in cells)
    assert split_labels(cells[0], labels, allow_other=False) == (["0", "1", "2"], "")


@needs_samples
def test_real_limesurvey_exports():
    lime = read_export(SAMPLES / "limesurvey" / "limonaid-survey_998192_R_data_file.csv", "limesurvey")
    assert len(lime.columns) == 71 and len(lime.rows) == 7
    assert ("How do you identify?", "Other") in [r for c in lime.columns for r in c.readings]
    german = read_export(SAMPLES / "limesurvey" / "de-statistik-results-survey397474-excerpt.csv", "limesurvey")
    assert len(german.rows) == 12 and german.columns[0].header == "Antwort ID"


@needs_samples
def test_real_kobotoolbox_exports():
    capuchin = read_export(SAMPLES / "kobotoolbox" / "capuchin-tool-survey-all-versions-excerpt.csv", "kobo")
    assert capuchin.grid.delimiter == ";" and len(capuchin.columns) == 152 and len(capuchin.rows) == 7
    split = next(c for c in capuchin.columns if c.header == "debris_at_site/almendra")
    assert split.readings[0] == ("debris_at_site", "almendra")
    transport = read_export(SAMPLES / "kobotoolbox" / "kpi-fixture-transportation.csv", "kobo")
    assert len(transport.rows) == 1


@needs_samples
def test_real_exports_are_recognised_and_wrong_flags_refused():
    tools = {
        "surveymonkey": "surveymonkey",
        "google-forms": "google",
        "limesurvey": "limesurvey",
        "kobotoolbox": "kobo",
    }
    for folder, fmt in tools.items():
        for path in sorted((SAMPLES / folder).glob("*.csv")):
            assert sniff_format(read_grid(path)) == fmt, path.name
            other = "kobo" if fmt != "kobo" else "google"
            with pytest.raises(DataError, match="does not look like"):
                read_export(path, other)

"""Each kind of bad input stops with one message naming file, row and column."""

import subprocess
import sys

import pytest

from ciatstudy.errors import DataError
from ciatstudy.data.io import load_wave

RESPONSES = "responses_reconstructed.csv"


def _edit(path, transform):
    text = path.read_text(encoding="utf-8")
    path.write_text(transform(text), encoding="utf-8")


def _cell(path, row, column, value):
    """Set one cell (row as a spreadsheet numbers it) of a comma-separated file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    fields = lines[row - 1].split(",")
    fields[header.index(column)] = value
    lines[row - 1] = ",".join(fields)
    path.write_text("\n".join(lines), encoding="utf-8")


def _error(folder) -> DataError:
    with pytest.raises(DataError) as err:
        load_wave(folder)
    return err.value


def test_the_2014_wave_is_valid(raw_copy):
    assert len(load_wave(raw_copy).responses) == 28


def test_unknown_item_code(raw_copy):
    _edit(raw_copy / RESPONSES, lambda t: t.replace(",1A,", ",1Z,", 1))
    err = _error(raw_copy)
    assert (err.file.endswith(RESPONSES), err.row, err.column) == (True, 1, "1Z")
    assert "unknown column" in err.reason


def test_value_outside_the_scale(raw_copy):
    _cell(raw_copy / RESPONSES, 5, "1C", "4")
    err = _error(raw_copy)
    assert (err.row, err.column) == (5, "1C") and "outside the scale" in err.reason


def test_choice_value_outside_the_scale(raw_copy):
    _cell(raw_copy / RESPONSES, 9, "4B", "2")
    err = _error(raw_copy)
    assert (err.row, err.column) == (9, "4B")


def test_duplicate_respondent_id(raw_copy):
    _cell(raw_copy / RESPONSES, 4, "respondent_id", "rec-mda-01")
    err = _error(raw_copy)
    assert (err.row, err.column) == (4, "respondent_id") and "duplicate" in err.reason


def test_missing_segment(raw_copy):
    _cell(raw_copy / RESPONSES, 7, "segment", "")
    err = _error(raw_copy)
    assert (err.row, err.column, err.reason) == (7, "segment", "missing segment")


def test_unknown_segment(raw_copy):
    _cell(raw_copy / RESPONSES, 7, "segment", "federation")
    assert _error(raw_copy).column == "segment"


def test_missing_required_column(raw_copy):
    path = raw_copy / RESPONSES
    lines = path.read_text(encoding="utf-8").split("\n")
    keep = [i for i, name in enumerate(lines[0].split(",")) if name != "2C"]
    path.write_text("\n".join(",".join(l.split(",")[i] for i in keep) if l else l for l in lines), encoding="utf-8")
    err = _error(raw_copy)
    assert (err.row, err.column, err.reason) == (1, "2C", "missing required column")


def test_empty_file(raw_copy):
    (raw_copy / RESPONSES).write_text("", encoding="utf-8")
    err = _error(raw_copy)
    assert err.file.endswith(RESPONSES) and err.reason == "the file is empty"


def test_header_only(raw_copy):
    _edit(raw_copy / RESPONSES, lambda t: t.split("\n")[0] + "\n")
    assert _error(raw_copy).row == 2


def test_wrong_delimiter(raw_copy):
    _edit(raw_copy / RESPONSES, lambda t: t.replace(",", ";"))
    err = _error(raw_copy)
    assert err.row == 1 and "semicolon-separated" in err.reason


def test_wrong_encoding(raw_copy):
    path = raw_copy / "quotes.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    err = _error(raw_copy)
    assert err.file.endswith("quotes.csv") and "not valid UTF-8" in err.reason
    assert err.row == 2 and err.column == "speaker_as_printed"  # "MDA de Créon", first accent of the file


def test_ragged_row(raw_copy):
    _edit(raw_copy / RESPONSES, lambda t: t.replace("\nrec-mda-03,mda,", "\nrec-mda-03,mda,3,", 1))
    err = _error(raw_copy)
    assert err.row == 4 and "fields where the header has" in err.reason


def test_side_table_type_and_enum(raw_copy):
    _cell(raw_copy / "staff_bands.csv", 3, "count", "four")
    err = _error(raw_copy)
    assert (err.file.endswith("staff_bands.csv"), err.row, err.column) == (True, 3, "count")


def test_choose_one_with_two_answers(raw_copy):
    _cell(raw_copy / RESPONSES, 2, "8B", "1")
    err = _error(raw_copy)
    assert err.row == 2 and "choose-one" in err.reason


def test_cli_validate_says_one_line_and_exits_non_zero(raw_copy):
    _cell(raw_copy / RESPONSES, 5, "1C", "7")
    done = subprocess.run(
        [sys.executable, "-m", "ciatstudy.cli", "validate", str(raw_copy)], capture_output=True, text=True
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "row 5" in lines[0] and "'1C'" in lines[0] and RESPONSES in lines[0]


def test_cli_validate_ok():
    done = subprocess.run([sys.executable, "-m", "ciatstudy.cli", "validate", "2014"], capture_output=True, text=True)
    assert done.returncode == 0 and "valid" in done.stdout


def test_cli_build_with_an_unknown_section_says_one_line():
    done = subprocess.run(
        [sys.executable, "-m", "ciatstudy.cli", "build", "--only", "nosuch"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "unknown section" in done.stderr


# --------------------------------------------------------------------------- wave names (issue 12, point 1)
BAD_NAMES = [
    "../raw/2014",
    "../../tmp/evil",
    "/tmp/evil",
    "",
    ".",
    "..",
    "2014/x",
    "a\\b",
    "20\x0014",
    "2014\n",
    "-rf",
    ".hidden",
    "w" * 65,
    "é",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_every_way_to_a_wave_refuses_a_bad_name(name, tmp_path, monkeypatch):
    from ciatstudy.data.config import Paths, check_wave_name, wave_folder

    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for attempt in (
        lambda: check_wave_name(name),
        lambda: Paths.for_wave(name),
        lambda: Paths(tmp_path, name),
        lambda: wave_folder(name),
        lambda: load_wave(name),
    ):
        with pytest.raises(ValueError) as err:
            attempt()
        assert "invalid wave name" in str(err.value) and "\n" not in str(err.value) and len(str(err.value)) < 200


@pytest.mark.parametrize("name", ["2014", "2025-printemps", "synth1500000", "v2.1", "_", "_plans"])
def test_good_wave_names_pass(name):
    from ciatstudy.data.config import Paths, check_wave_name

    assert check_wave_name(name) == name
    assert Paths.for_wave(name).processed.name == name


def test_a_folder_holding_a_codebook_is_still_a_wave(raw_copy, monkeypatch):
    monkeypatch.chdir(raw_copy.parent)
    assert load_wave("2014").name == "2014"  # the folder ./2014, read by path
    assert load_wave(str(raw_copy)).name == "2014"


# --------------------------------------------------------------------------- writes stay inside the outputs
def test_writes_outside_the_output_folders_are_refused_and_write_nothing(tmp_path, monkeypatch):
    import pandas as pd

    from ciatstudy.data.io import output_path, write_csv, write_text

    root = tmp_path / "project"
    (root / "data" / "raw" / "2014").mkdir(parents=True)
    monkeypatch.setenv("CIATSTUDY_ROOT", str(root))
    frame = pd.DataFrame({"a": [1]})
    for target in (
        root / "data/processed/../raw/2014/resource_persons.csv",  # a '..' inside the project
        root / "figures/../../evil.csv",  # out of the project
        tmp_path / "elsewhere.csv",  # another folder
        root / "notes.csv",  # the project, not an output
        root / "data" / "processed",
    ):  # an output folder itself
        for write in (lambda t: write_csv(frame, t), lambda t: write_text("x", t), output_path):
            with pytest.raises(DataError, match="refusing to write outside"):
                write(target)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "project",
        "project/data",
        "project/data/raw",
        "project/data/raw/2014",
    ]
    for ok in (
        "data/processed/2014/t.csv",
        "figures/2014/f.csv",
        "reports/2014/r.csv",
        ".build/cache/c.csv",
        "data/raw/2014/README.md",
    ):
        assert write_csv(frame, root / ok).exists()


def test_an_output_folder_linked_elsewhere_is_refused(tmp_path, monkeypatch):
    import pandas as pd

    from ciatstudy.data.io import write_csv

    root, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (root / "figures").mkdir(parents=True)
    elsewhere.mkdir()
    (root / "figures" / "2014").symlink_to(elsewhere)
    monkeypatch.setenv("CIATSTUDY_ROOT", str(root))
    with pytest.raises(DataError, match="refusing to write outside"):
        write_csv(pd.DataFrame({"a": [1]}), root / "figures" / "2014" / "x.csv")
    assert list(elsewhere.iterdir()) == []


# --------------------------------------------------------------------------- cells, ids, messages
def test_messages_quote_an_excerpt_and_stay_short(raw_copy):
    _cell(raw_copy / RESPONSES, 5, "1C", "7" * 50_000)
    err = _error(raw_copy)
    assert (err.row, err.column) == (5, "1C") and len(str(err)) <= 280 and "'" + "7" * 40 + "'…" in str(err)


@pytest.mark.parametrize("length, valid", [(64, True), (65, False), (10_000, False)])
def test_respondent_ids_have_a_length_limit(raw_copy, length, valid):
    _cell(raw_copy / RESPONSES, 3, "respondent_id", "i" * length)
    if valid:
        assert load_wave(raw_copy).responses["respondent_id"].str.len().max() == 64
    else:
        err = _error(raw_copy)
        assert (err.row, err.column) == (3, "respondent_id") and "longer than 64" in err.reason
        assert len(str(err)) <= 280


def test_a_message_is_one_line_whatever_the_file_name_holds():
    err = DataError("bad", file="a\nb.csv", row=2, column="x\ny" * 100)
    assert "\n" not in str(err) and len(str(err)) <= 280


@pytest.mark.parametrize(
    "case, transform, row, column, reason",
    [
        ("short", lambda t: t.replace("\nrec-mda-03,mda,3,", "\nrec-mda-03,mda,", 1), 4, None, "short row"),
        ("unclosed", lambda t: t.replace("\nrec-mda-07,mda,", '\nrec-mda-07,"mda,', 1), 8, "segment", "never closed"),
        (
            "blank lines counted",
            lambda t: t.replace("\nrec-mda-02,", "\n\n\nrec-mda-02,", 1).replace(
                "\nrec-mda-04,mda,3,", "\nrec-mda-04,mda,9,", 1
            ),
            7,
            "1A",
            "outside the scale",
        ),
    ],
)
def test_the_careful_reader_names_rows_by_their_line(raw_copy, case, transform, row, column, reason):
    _edit(raw_copy / RESPONSES, transform)
    err = _error(raw_copy)
    assert err.row == row and reason in str(err)
    if column:
        assert err.column == column


def test_a_bad_byte_at_a_row_start_names_that_row(raw_copy):
    path = raw_copy / RESPONSES
    path.write_bytes(path.read_bytes().replace(b"\nrec-mda-04,", b"\n\x91rec-mda-04,", 1))
    err = _error(raw_copy)
    assert (err.row, err.column) == (5, "respondent_id") and "UTF-8" in err.reason


# --------------------------------------------------------------------------- codebook and datapackage types
def _yaml_edit(path, change):
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _json_edit(path, change):
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _q(data, qid):
    return next(q for q in data["questions"] if q["id"] == qid)


def _res(data, name):
    return next(r for r in data["resources"] if r["name"] == name)


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda d: _q(d, "q1").update(items=5), "questions.q1.items"),
        (lambda d: _q(d, "q1")["items"][0].update(label=["a"]), "questions.q1.items.1A.label"),
        (lambda d: d["segments"].update(all="tous"), "segments.all"),
        (lambda d: d["segments"].update(levels=[]), "segments.levels"),
        (lambda d: d["published_rounding"].update(decimals="two"), "published_rounding.decimals"),
        (lambda d: _q(d, "q2").update(id="qx"), "questions.qx.id"),
        (lambda d: _q(d, "q2").update(id="q1"), "questions.q1.id"),
        (lambda d: d["responses"].update(reconstructed="yes"), "responses.reconstructed"),
        (lambda d: d["responses"].update(id_column="segment"), "responses.id_column"),
        (lambda d: d.pop("questions"), "questions"),
        (lambda d: d["scales"]["agreement3"].update(values={"trois": "x"}), "scales.agreement3.values.trois"),
    ],
)
def test_a_wrong_codebook_is_named_by_its_key_path(raw_copy, change, key):
    _yaml_edit(raw_copy / "codebook.yaml", change)
    err = _error(raw_copy)
    assert err.file.endswith("codebook.yaml") and err.key == key, str(err)


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda d: _res(d, "quotes").pop("path"), "resources.quotes.path"),
        (lambda d: _res(d, "quotes").update(path=["a.csv", "b.csv"]), "resources.quotes.path"),
        (lambda d: _res(d, "quotes")["schema"].update(fields="abc"), "resources.quotes.schema.fields"),
        (
            lambda d: _res(d, "quotes")["schema"]["fields"][0].update(type=3),
            "resources.quotes.schema.fields.quote_id.type",
        ),
        (
            lambda d: _res(d, "quotes")["schema"]["fields"][0].update(constraints={"required": "yes"}),
            "resources.quotes.schema.fields.quote_id.constraints.required",
        ),
        (
            lambda d: _res(d, "quotes")["schema"]["fields"][0].update(constraints={"pattern": "[a-"}),
            "resources.quotes.schema.fields.quote_id.constraints.pattern",
        ),
        (lambda d: d["resources"].append(dict(_res(d, "quotes"))), "resources.quotes.name"),
        (lambda d: d.update(resources="quotes.csv"), "resources"),
    ],
)
def test_a_wrong_datapackage_is_named_by_its_key_path(raw_copy, change, key):
    _json_edit(raw_copy / "datapackage.json", change)
    err = _error(raw_copy)
    assert err.file.endswith("datapackage.json") and err.key == key, str(err)


def test_invalid_json_names_line_and_column(raw_copy):
    (raw_copy / "datapackage.json").write_text('{\n  "resources": [\n    {"name": "x",, }\n  ]\n}\n', encoding="utf-8")
    assert "not valid JSON at line 3, column 18" in str(_error(raw_copy))


def test_the_checks_import_neither_jsonschema_nor_frictionless():
    """Measured: importing jsonschema costs 0.3-0.4 s, frictionless 0.5-1.1 s; ciatstudy.data.schema ~1 ms."""
    code = (
        "import sys, ciatstudy.data.codebook, ciatstudy.data.schema; "
        "print([m for m in ('jsonschema', 'frictionless', 'yaml', 'pandas') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- inputs stay inside the wave
@pytest.mark.parametrize("name", ["quotes.csv", RESPONSES, "datapackage.json"])
def test_an_input_linked_outside_the_wave_is_refused_unread(raw_copy, tmp_path, name):
    secret = tmp_path / "secret.csv"
    secret.write_text("TOP-SECRET-LINE,x\n1,2\n", encoding="utf-8")
    (raw_copy / name).unlink()
    (raw_copy / name).symlink_to(secret)
    err = _error(raw_copy)
    assert "outside the wave's folder" in str(err) and "TOP-SECRET" not in str(err) and name in str(err)


def test_a_link_inside_the_wave_is_fine(raw_copy):
    (raw_copy / "quotes.csv").rename(raw_copy / "quotes-original.csv")
    (raw_copy / "quotes.csv").symlink_to("quotes-original.csv")
    assert load_wave(raw_copy).has("quotes")


@pytest.mark.parametrize("elsewhere", [1_000, sys.maxsize])
def test_the_cell_limit_holds_whatever_limit_another_library_set(raw_copy, elsewhere):
    """The csv module's cell limit is one setting for the whole process, which other libraries change on import
    (frictionless raises it to sys.maxsize): reading a wave sets its own limit and puts the other one back."""
    import csv

    _cell(raw_copy / RESPONSES, 5, "1C", "9" * 200_000)
    _cell(raw_copy / RESPONSES, 6, "1C", "x" * 5_000)  # within our limit, over the other one: not the error
    previous = csv.field_size_limit(elsewhere)
    try:
        err = _error(raw_copy)
        assert csv.field_size_limit() == elsewhere
    finally:
        csv.field_size_limit(previous)
    assert (err.row, err.column) == (5, "1C") and "131 072" in err.reason, err

"""Each kind of bad input stops with one message naming file, row and column."""

import subprocess
import sys

import pytest

from ciatstudy.errors import DataError
from ciatstudy.io import load_wave

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
    done = subprocess.run([sys.executable, "-m", "ciatstudy.cli", "validate", str(raw_copy)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "row 5" in lines[0] and "'1C'" in lines[0] and RESPONSES in lines[0]


def test_cli_validate_ok():
    done = subprocess.run([sys.executable, "-m", "ciatstudy.cli", "validate", "2014"], capture_output=True, text=True)
    assert done.returncode == 0 and "valid" in done.stdout


def test_cli_build_with_an_unknown_section_says_one_line():
    done = subprocess.run([sys.executable, "-m", "ciatstudy.cli", "build", "--only", "nosuch"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and "unknown section" in done.stderr

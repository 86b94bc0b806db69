"""Large waves: the columnar read and the Parquet cache give exactly what the careful CSV reader gives."""

import pandas as pd
import pytest

from ciatstudy.data import io
from ciatstudy.errors import DataError

ROWS = 3000


@pytest.fixture
def big_wave(project, monkeypatch):
    """Wave 2014's raw folder with a responses file of ROWS respondents, treated as large."""
    monkeypatch.setattr(io, "CACHE_MIN_BYTES", 0)
    path = project / "data/raw/2014/responses_reconstructed.csv"
    small = pd.read_csv(path, dtype=str, keep_default_na=False)
    big = pd.concat([small] * (ROWS // len(small) + 1), ignore_index=True).head(ROWS)
    big["respondent_id"] = [f"rec-{i:05d}" for i in range(ROWS)]
    big.to_csv(path, index=False, lineterminator="\n")
    return path


def _cache_files(project):
    return sorted((project / ".build" / "cache").glob("responses-*.parquet"))


def test_columnar_read_equals_careful_read(big_wave):
    codebook = io.load_wave("2014").codebook
    fast = io._fast_responses(big_wave, codebook)
    assert fast is not None, "a well-formed file takes the columnar path"
    careful = io.read_csv(big_wave)
    pd.testing.assert_frame_equal(
        io.validate_responses(fast, codebook, file="f"), io.validate_responses(careful, codebook, file="f")
    )


def test_second_read_comes_from_the_cache_and_equals_the_first(big_wave, project, monkeypatch):
    first = io.load_wave("2014").responses
    io.wait_for_cache()
    assert len(_cache_files(project)) == 1

    careful = io.read_csv

    def no_parse(path, *args):
        if path == big_wave:
            raise AssertionError("the responses CSV was parsed again")
        return careful(path, *args)

    monkeypatch.setattr(io, "_fast_responses", no_parse)
    monkeypatch.setattr(io, "read_csv", no_parse)
    second = io.load_wave("2014").responses
    pd.testing.assert_frame_equal(first, second)
    assert len(second) == ROWS and second["1A"].dtype == "Int8"


def test_a_changed_file_is_read_again(big_wave, project):
    io.load_wave("2014")
    io.wait_for_cache()
    text = big_wave.read_text(encoding="utf-8").splitlines()
    fields = text[5].split(",")
    fields[2] = "1" if fields[2] != "1" else "3"  # respondent of file row 6, item 1A
    text[5] = ",".join(fields)
    big_wave.write_text("\n".join(text) + "\n", encoding="utf-8")
    again = io.load_wave("2014").responses.set_index("respondent_id")
    assert int(again.loc[fields[0], "1A"]) == int(fields[2])
    io.wait_for_cache()
    assert len(_cache_files(project)) == 2  # keyed by size and modification time: a new entry


def test_a_damaged_cache_is_rebuilt_not_trusted(big_wave, project):
    first = io.load_wave("2014").responses
    io.wait_for_cache()
    (cache,) = _cache_files(project)
    cache.write_bytes(b"not parquet")
    pd.testing.assert_frame_equal(io.load_wave("2014").responses, first)
    io.wait_for_cache()
    assert len(pd.read_parquet(cache)) == ROWS


@pytest.mark.parametrize("value, message", [("7", "outside the scale of q1"), ("x", "outside the scale of q1")])
def test_bad_cell_in_a_large_file_is_named_and_nothing_is_cached(big_wave, project, monkeypatch, value, message):
    lines = big_wave.read_text(encoding="utf-8").splitlines()
    fields = lines[2999].split(",")
    fields[2] = value
    lines[2999] = ",".join(fields)
    big_wave.write_text("\n".join(lines) + "\n", encoding="utf-8")
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    monkeypatch.setattr(io, "read_csv", lambda *a: pytest.fail("located by the careful reader (slow on large files)"))
    with pytest.raises(DataError) as err:
        io.read_responses(big_wave, codebook)
    assert err.value.row == 3000 and err.value.column == "1A" and message in str(err.value)
    assert "responses_reconstructed.csv" in str(err.value)
    assert f": {value} is outside" in str(err.value) or f": '{value}' is outside" in str(err.value)
    io.wait_for_cache()
    assert _cache_files(project) == []


def test_an_edit_of_the_loaded_answers_never_reaches_the_cache(big_wave, project, monkeypatch):
    import threading

    import pyarrow.parquet as pq

    go, write = threading.Event(), pq.write_table

    def held_write(*args, **kwargs):  # the cache is written only after the caller's edit
        go.wait(10)
        return write(*args, **kwargs)

    monkeypatch.setattr(pq, "write_table", held_write)
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    answers = io.read_responses(big_wave, codebook)
    before = int(answers["1A"].iloc[0])
    answers.loc[answers.index[0], "1A"] = 1 if before != 1 else 3
    go.set()
    io.wait_for_cache()
    (cache,) = _cache_files(project)
    assert int(pd.read_parquet(cache)["1A"].iloc[0]) == before


def test_a_quoted_header_still_takes_the_columnar_path(big_wave):
    lines = big_wave.read_text(encoding="utf-8").split("\n", 1)
    big_wave.write_text(",".join(f'"{name}"' for name in lines[0].split(",")) + "\n" + lines[1], encoding="utf-8")
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    fast = io._fast_responses(big_wave, codebook)
    assert fast is not None and list(fast.columns[:3]) == ["respondent_id", "segment", "1A"]


def test_columns_in_another_order_give_the_same_answers(big_wave):
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    expected = io.validate_responses(io.read_csv(big_wave), codebook, file="f")
    frame = pd.read_csv(big_wave, dtype=str, keep_default_na=False)
    frame[list(reversed(frame.columns))].to_csv(big_wave, index=False, lineterminator="\n")
    fast = io._fast_responses(big_wave, codebook)
    assert fast is not None
    pd.testing.assert_frame_equal(io.validate_responses(fast, codebook, file="f"), expected)


def test_a_wrong_header_is_named_before_any_row_is_read(big_wave, monkeypatch):
    text = big_wave.read_text(encoding="utf-8")
    big_wave.write_text(text.replace(",1B,", ",1Z,", 1), encoding="utf-8")
    monkeypatch.setattr(io, "read_csv", lambda *a: pytest.fail("the careful reader was needed"))
    with pytest.raises(DataError) as err:
        io.read_responses(big_wave, io.load_codebook(big_wave.parent / "codebook.yaml"))
    assert (err.value.row, err.value.column) == (1, "1Z") and "unknown column" in str(err.value)


def _outcome(read):
    try:
        return read().reset_index(drop=True)
    except DataError as err:
        return (err.row, err.column)


@pytest.mark.parametrize("cell", ["02", "-0", "00", " 2 ", "+2", "2.0", "\u0662", "300", "x", ""])
@pytest.mark.parametrize("column", ["1A", "2A"])
def test_large_and_small_files_are_read_alike(big_wave, cell, column):
    """The columnar reader (large files) and the careful reader (any file) accept and refuse the same cells."""
    frame = pd.read_csv(big_wave, dtype=str, keep_default_na=False)
    frame.loc[1500, column] = cell
    frame.to_csv(big_wave, index=False, lineterminator="\n")
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    large = _outcome(lambda: io.read_responses(big_wave, codebook))
    careful = _outcome(lambda: io.validate_responses(io.read_csv(big_wave), codebook, file="f"))
    if isinstance(careful, tuple):
        assert large == careful == (1502, column)
    else:
        pd.testing.assert_frame_equal(large, careful)


def test_one_question_of_a_large_wave_comes_from_the_cache_alone(big_wave):
    whole = io.load_wave("2014").responses
    io.wait_for_cache()
    part = io.load_wave("2014", questions=["q8"]).responses
    assert list(part.columns) == ["respondent_id", "segment", "8A", "8B", "8C"]
    pd.testing.assert_frame_equal(part, whole[list(part.columns)])
    with pytest.raises(ValueError, match="unknown question 'q9'"):
        io.load_wave("2014", questions=["q9"])


# --------------------------------------------------------------------------- rows: both readers alike
def _read_both(path, codebook):
    """(large reader's outcome, careful reader's outcome) of the same file."""
    large = _outcome(lambda: io.read_responses(path, codebook))
    careful = _outcome(lambda: io.validate_responses(io.read_csv(path), codebook, file="f"))
    return large, careful


def _break_line(path, n, transform):
    """Rewrite line ``n`` (header = 1) of ``path`` as bytes."""
    lines = path.read_bytes().split(b"\n")
    lines[n - 1] = transform(lines[n - 1])
    path.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize(
    "case, transform, row, reason",
    [
        ("short", lambda t: t.rsplit(b",", 1)[0], 1500, "short row"),
        ("very short", lambda t: t.split(b",", 1)[0], 2999, "short row"),
        ("long", lambda t: t + b",1", 1500, "long row"),
        ("first row long", lambda t: t + b",1", 2, "long row"),
    ],
)
def test_rows_with_too_few_or_too_many_fields_are_refused_by_both_readers(
    big_wave, project, case, transform, row, reason
):
    _break_line(big_wave, row, transform)
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    with pytest.raises(DataError) as err:
        io.read_responses(big_wave, codebook)
    assert err.value.row == row and reason in str(err.value)
    with pytest.raises(DataError) as careful:
        io.read_csv(big_wave)
    assert (careful.value.row, careful.value.column) == (err.value.row, err.value.column)
    io.wait_for_cache()
    assert _cache_files(project) == []  # the altered answers are never cached


@pytest.mark.parametrize(
    "case, n, transform, row, column",
    [
        ("bad byte at a row's start", 1200, lambda t: b"\xff" + t, 1200, "respondent_id"),
        (
            "bad byte in a cell",
            1200,
            lambda t: t.replace(b",mda,", b",m\xe9a,", 1).replace(b",non_mda,", b",n\xe9n,", 1),
            1200,
            "segment",
        ),
        ("quote never closed", 2000, lambda t: t.replace(b",", b',"', 3).replace(b',"', b",", 2), 2000, "1B"),
    ],
)
def test_bad_bytes_and_unclosed_quotes_are_named_alike_by_both_readers(big_wave, case, n, transform, row, column):
    _break_line(big_wave, n, transform)
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    large, careful = _read_both(big_wave, codebook)
    assert large == careful == (row, column)


def test_blank_lines_keep_rows_named_by_their_line_in_both_readers(big_wave):
    """A blank line is skipped but counted: the bad cell after it is named by its own line."""
    _break_line(big_wave, 100, lambda t: b"\n" + t)  # line 100 is now blank, the old line 100 is line 101
    _break_line(
        big_wave,
        2001,
        lambda t: t.replace(b",mda,", b",mda,9,", 1).replace(b",non_mda,", b",non_mda,9,", 1).rsplit(b",", 1)[0],
    )
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    large, careful = _read_both(big_wave, codebook)
    assert large == careful == (2001, "1A")


def test_a_blank_line_alone_changes_no_answer(big_wave):
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    before = io.read_responses(big_wave, codebook).reset_index(drop=True)
    io.wait_for_cache()
    _break_line(big_wave, 10, lambda t: b"\n" + t)
    after = io.read_responses(big_wave, codebook)
    pd.testing.assert_frame_equal(after.reset_index(drop=True), before)
    assert list(after.index[7:9]) == [9, 11]  # the blank line 10 is skipped but counted


def test_a_huge_cell_is_refused_with_its_row_and_never_echoed(big_wave, project):
    _break_line(
        big_wave,
        1500,
        lambda t: (
            t.replace(b",mda,", b",mda," + b"7" * 300_000 + b"x,", 1)
            .replace(b",non_mda,", b",non_mda," + b"7" * 300_000 + b"x,", 1)
            .rsplit(b",", 1)[0]
        ),
    )
    codebook = io.load_codebook(big_wave.parent / "codebook.yaml")
    with pytest.raises(DataError) as err:
        io.read_responses(big_wave, codebook)
    assert (
        err.value.row == 1500
        and len(str(err.value)) <= 280
        and "77777777777777777777777777777777777777777" not in str(err.value)
    )
    io.wait_for_cache()
    assert _cache_files(project) == []

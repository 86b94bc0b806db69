"""``ciatstudy import`` against hostile or broken exports: exit 2, one short located line, nothing written.

Every case goes through the command line (:func:`ciatstudy.cli.main`) in a throw-away project and checks the
same four promises: exit code 2; exactly one line on stderr, of at most 300 characters, naming the file;
no Python traceback; and the project's ``data/raw/`` tree unchanged (no wave, no staging folder left).
"""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from ciatstudy.cli import main
from ciatstudy.waves.importers import reading
from test_import import FIX, fixture_rows, root, write_like, write_xlsx  # noqa: F401  (root is a fixture)

BIG = 50 * 1024 * 1024  # the 50 MB cell of issue 12


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _run(capsys, args: list[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["import", *args])
    out = capsys.readouterr()
    return code, out.err


def _check_refused(
    root: Path, capsys, path: Path | str, fmt: str, wave: str = "2025", *, expect: str = "", name: str | None = None
) -> str:
    before = _tree(root / "data" / "raw")
    code, err = _run(capsys, [str(path), "--format", fmt, "--wave", wave])
    lines = err.splitlines()
    assert code == 2, err[:500]
    assert len(lines) == 1, err[:500]
    assert len(lines[0]) <= 300, lines[0][:500]
    assert "Traceback" not in err
    assert (name or Path(path).name) in lines[0], lines[0]
    assert expect.lower() in lines[0].lower(), lines[0]
    assert _tree(root / "data" / "raw") == before
    return lines[0]


# --------------------------------------------------------------------------- hostile files
def _google_rows():
    return fixture_rows("google_forms.csv")


def _free_text_column(rows) -> int:
    return next(i for i, h in enumerate(rows[0]) if h.startswith("Votre définition"))


def _xlsx_bomb(path: Path, inflated: int = 300 * 1024 * 1024) -> Path:
    """A real workbook whose sheet is padded with ``inflated`` bytes of spaces: a few hundred KB on disk."""
    good = write_xlsx(_google_rows(), path.with_suffix(".good.xlsx"))
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if not item.filename.endswith("sheet1.xml"):
                dst.writestr(item, data)
                continue
            head, tail = data.rsplit(b"</worksheet>", 1)
            info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as out:
                out.write(head)
                chunk = b" " * (4 * 1024 * 1024)
                for _ in range(inflated // len(chunk)):
                    out.write(chunk)
                out.write(b"</worksheet>" + tail)
    good.unlink()
    return path


def test_xlsx_zip_bomb_is_refused_before_inflating_with_bounded_memory(root, capsys, tmp_path):
    bomb = _xlsx_bomb(tmp_path / "bombe.xlsx")
    assert bomb.stat().st_size < 2 * 1024 * 1024  # small on disk
    with zipfile.ZipFile(bomb) as z:
        assert sum(i.file_size for i in z.infolist()) > 300 * 1024 * 1024  # large once inflated
    tracemalloc.start()
    line = _check_refused(root, capsys, bomb, "google", expect="zip bomb")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "inflate" in line and "row 1" in line
    assert peak < 20 * 1024 * 1024, peak  # nothing inflated: under 20 MB traced (300 MB otherwise)


def test_xlsx_inflating_past_the_total_limit_is_refused(root, capsys, tmp_path, monkeypatch):
    path = write_xlsx(_google_rows(), tmp_path / "export.xlsx")
    monkeypatch.setattr(reading, "MAX_XLSX_EXPANDED", 10_000)  # the same check, at a small scale
    _check_refused(root, capsys, path, "google", expect="zip bomb")


def test_xlsx_with_too_many_members_is_refused(root, capsys, tmp_path):
    path = tmp_path / "membres.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(reading.MAX_XLSX_MEMBERS + 1):
            z.writestr(f"xl/m{i}.xml", b"")
    _check_refused(root, capsys, path, "google", expect="archive members")


def test_a_normal_xlsx_passes_the_archive_check(tmp_path):
    path = write_xlsx(_google_rows(), tmp_path / "export.xlsx")
    reading._check_archive(path, "export.xlsx")  # no error
    assert reading.read_grid(path).rows[1][0] == _google_rows()[1][0]


@pytest.mark.parametrize("where", ["free text", "respondent id", "header"])
def test_a_50_mb_cell_is_located_and_quoted_by_a_short_excerpt(root, capsys, tmp_path, where):
    rows = _google_rows()
    if where == "free text":
        row, col = 3, _free_text_column(rows)
    elif where == "respondent id":  # Google Forms has none: its first column (Horodateur) plays the part
        row, col = 2, 0
    else:
        row, col = 1, 4
    # written around a marker, then the 50 MB put in its place: the csv module takes 2 s to write such a cell
    rows[row - 1][col] = "Écrire à jo@exemple.org MARKER"
    path = write_like(rows, tmp_path / "enorme.csv", "google")
    path.write_bytes(path.read_bytes().replace(b"MARKER", b"x" * BIG, 1))
    line = _check_refused(root, capsys, path, "google", expect="characters")
    letter = reading.column_letter(col)
    assert f"row {row}, column '{letter}" in line, line
    assert "jo@exemple.org" not in line and "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" not in line
    assert "quote" not in line  # not blamed on the quoting


def test_an_unclosed_quote_names_its_row_and_column(root, capsys, tmp_path):
    rows = _google_rows()
    col = _free_text_column(rows)
    text = write_like(rows, tmp_path / "x.csv", "google").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    cells = next(iter(__import__("csv").reader([lines[2]])))
    cells[col] = "MARK"
    broken = ",".join(f'"{c}"' if c != "MARK" else '"Une réponse sans fin' for c in cells) + "\r\n"
    path = tmp_path / "guillemet.csv"
    path.write_text("".join(lines[:2]) + broken + "".join(lines[3:]), encoding="utf-8")
    line = _check_refused(root, capsys, path, "google", expect="never closed")
    assert f"row 3, column '{reading.column_letter(col)}" in line, line


def _bytes_case(name: str, data: bytes):
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return make


def _rows_case(name: str, change):
    def make(tmp_path: Path) -> Path:
        rows = _google_rows()
        change(rows)
        return write_like(rows, tmp_path / name, "google")

    return make


def _text_case(name: str, change):
    def make(tmp_path: Path) -> Path:
        text = write_like(_google_rows(), tmp_path / "tmp.csv", "google").read_bytes()
        path = tmp_path / name
        path.write_bytes(change(text))
        return path

    return make


def _xlsx_case(name: str, change):
    def make(tmp_path: Path) -> Path:
        good = write_xlsx(_google_rows(), tmp_path / "good.xlsx").read_bytes()
        path = tmp_path / name
        path.write_bytes(change(good))
        return path

    return make


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


CASES = {
    "empty file": (_bytes_case("vide.csv", b""), "empty"),
    "only blanks and a BOM": (_bytes_case("blancs.csv", b"\xef\xbb\xbf \r\n\t\r\n"), "empty"),
    "NUL bytes": (_bytes_case("nul.csv", b"\x00" * 4096), "empty"),
    "random binary": (_bytes_case("bruit.csv", bytes(range(256)) * 64), ""),
    "old .xls": (_bytes_case("ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), ".xls"),
    "CSV renamed .xlsx": (_text_case("renomme.xlsx", lambda b: b), "zip signature"),
    "truncated workbook": (_xlsx_case("coupe.xlsx", lambda b: b[: len(b) // 2]), "damaged or truncated"),
    "zip without a workbook": (_bytes_case("archive.xlsx", _zip_of({"readme.txt": b"hello"})), "XLSX"),
    "bad UTF-16": (_bytes_case("utf16.csv", b"\xff\xfe" + b"\x00\xd8" * 8), "UTF-16"),
    "mixed encodings": (
        _text_case(
            "melange.csv",
            lambda b: b.replace("Oui".encode(), "Oui\xe9".encode("cp1252"), 1) if b.count("é".encode()) else b,
        ),
        "mixed encodings",
    ),
    "short row": (_rows_case("court.csv", lambda rows: rows[2].__delitem__(slice(5, None))), "cut short"),
    "extra fields": (_rows_case("long.csv", lambda rows: rows[2].extend(["en trop", "encore"])), "stray delimiter"),
    "header only": (_rows_case("entete.csv", lambda rows: rows.__delitem__(slice(1, None))), "no response"),
    "unknown segment answer with an e-mail": (
        _rows_case(
            "segment.csv",
            lambda rows: rows[1].__setitem__(
                rows[0].index(next(h for h in rows[0] if "Maison des associations" in h)), "jo@exemple.org"
            ),
        ),
        "unknown segment",
    ),
    "stray text after a closing quote": (
        _text_case("apres.csv", lambda b: b.replace(b"\r\n", b'\r\n"ab"cd,', 1)),
        "never closed, or stray text",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_export_is_refused_with_one_located_line(root, capsys, tmp_path, case):
    make, expect = CASES[case]
    path = make(tmp_path)
    line = _check_refused(root, capsys, path, "google", expect=expect)
    assert "jo@exemple.org" not in line
    assert "row " in line and "column " in line, line


def test_bad_paths_and_wave_names_are_refused(root, capsys, tmp_path):
    path = write_like(_google_rows(), tmp_path / "ok.csv", "google")
    _check_refused(root, capsys, tmp_path / "absent.csv", "google", expect="not found")
    _check_refused(root, capsys, tmp_path, "google", expect="not found", name=tmp_path.name)
    for wave in ("../evil", "..", "a/b", "/tmp/x", ".cache", "x" * 80):
        _check_refused(root, capsys, path, "google", wave=wave, expect="invalid wave name", name="wave")
    _check_refused(root, capsys, path, "google", wave="2014", expect="already exists", name="2014")
    assert not (root / "data" / "evil").exists() and not Path("/tmp/x").exists()


def test_a_hostile_export_writes_nothing_even_when_it_fails_late(root, capsys, tmp_path):
    """A valid start and a bad last row: the staging folder is removed too."""
    rows = _google_rows()
    rows[-1][_free_text_column(rows)] = "y" * (reading.MAX_CELL + 1)
    path = write_like(rows, tmp_path / "tard.csv", "google")
    _check_refused(root, capsys, path, "google", expect="characters")
    assert not [p for p in (root / "data" / "raw").iterdir() if p.name != "2014"]
    assert os.listdir(root / "data" / "raw") == ["2014"]

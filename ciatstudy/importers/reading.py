"""Reading a survey-tool export into a grid of strings, whatever its encoding, delimiter or container.

Exports come as CSV (comma, semicolon or tab; UTF-8 with or without BOM,
UTF-16 from Excel's "Unicode text", Windows-1252 from Excel's "CSV") or as
XLSX. The grid keeps every record as a list of strings and the number a
spreadsheet shows for it (header = row 1; a quoted line break does not start
a new row), so that every error can say where to look.

Errors about the whole file (empty, damaged, not a workbook) point at row 1,
column A: where the analyst opens the file.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Grid:
    """The records of one export file, as strings, with their spreadsheet row numbers."""

    file: str                    # name shown in messages
    rows: list[list[str]]        # every record, header rows included, padded to the header's width
    numbers: list[int]           # spreadsheet row number of each record
    container: str               # "csv" or "xlsx"
    encoding: str = ""           # CSV only
    delimiter: str = ""          # CSV only
    sha256: str = ""
    size: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


# --------------------------------------------------------------------------- decoding
def _locate(text_before: str, delimiter: str) -> tuple[int, int]:
    """(spreadsheet row, 0-based column) of the end of ``text_before``."""
    records = list(csv.reader(io.StringIO(text_before, newline=""), delimiter=delimiter)) or [[]]
    if text_before.endswith(("\n", "\r")):
        return len(records) + 1, 0
    return len(records), max(len(records[-1]) - 1, 0)


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the first record: the most frequent of , ; tab outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text[:200_000]:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
        elif not quoted and ch in "\r\n":
            break
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Text and encoding name of a CSV export: UTF-8 (BOM or not), UTF-16 with BOM, or Windows-1252.

    A file that is UTF-8 in places and something else elsewhere (rows pasted
    from another file) is refused, at the first byte that is not UTF-8.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, body = "utf-8-sig", data
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise DataError("the file starts with a UTF-16 byte-order mark but is not valid UTF-16",
                            file=file, row=1, column="A") from None
    else:
        encoding, body = "utf-8", data
    try:
        return body.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        bad = exc.start
    valid_utf8 = [m for m in _UTF8_MULTIBYTE.finditer(data) if _is_utf8(m.group(0))]
    if encoding == "utf-8-sig" or valid_utf8:
        before = data[:bad].decode("utf-8-sig", "replace")
        row, col = _locate(before, _sniff_delimiter(before))
        header = next(csv.reader(io.StringIO(before, newline=""), delimiter=_sniff_delimiter(before)), [])
        name = (f"{column_letter(col)} ({header[col]})" if row > 1 and col < len(header) and header[col]
                else column_letter(col))
        raise DataError(f"mixed encodings: the file is UTF-8 but byte 0x{data[bad]:02x} here is not "
                        f"(a row pasted from a Windows-1252 file?); re-save the whole file as UTF-8",
                        file=file, row=row, column=name)
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("cp1252", "replace")
        row, col = _locate(before, _sniff_delimiter(before))
        raise DataError(f"neither UTF-8 nor Windows-1252 (byte 0x{data[exc.start]:02x}); re-save as UTF-8",
                        file=file, row=row, column=column_letter(col)) from None


def _is_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _read_csv(data: bytes, file: str) -> tuple[list[list[str]], str, str]:
    text, encoding = decode(data, file)
    text = text.lstrip("\ufeff")
    delimiter = _sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        before_rows = 0
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            for _ in reader:
                before_rows += 1
        except csv.Error:
            pass
        raise DataError(f"malformed CSV ({exc}): an unbalanced double quote?", file=file,
                        row=before_rows + 1, column="A") from None
    return rows, encoding, delimiter


# --------------------------------------------------------------------------- XLSX
def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, file: str) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except DataError:
        raise
    except Exception as exc:  # BadZipFile, KeyError, zlib.error, EOFError, InvalidFileException...
        raise DataError(f"not a readable XLSX workbook, damaged or truncated ({type(exc).__name__}: {exc}); "
                        "export it again from the survey tool", file=file, row=1, column="A") from None
    return rows


# --------------------------------------------------------------------------- entry point
def read_grid(path: str | Path, *, display: str | None = None) -> Grid:
    """Read a CSV or XLSX export into a :class:`Grid` (every cell a string, rows padded).

    Raises
    ------
    DataError
        Missing or empty file, damaged workbook, undecodable or mixed encodings,
        malformed quoting, or a record with more or fewer fields than the header.
    """
    path = Path(path)
    file = display or path.name
    if not path.is_file():
        raise DataError("file not found", file=file)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise DataError("the file is empty", file=file, row=1, column="A")
    is_zip = data[:4] == b"PK\x03\x04"
    suffix = path.suffix.lower()
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataError("old Excel format (.xls): save the export as .xlsx or as CSV UTF-8",
                        file=file, row=1, column="A")
    if suffix in (".xlsx", ".xlsm") or is_zip:
        if not is_zip:
            raise DataError("named .xlsx but not an XLSX workbook (no zip signature); a CSV renamed?",
                            file=file, row=1, column="A")
        rows, container, encoding, delimiter = _read_xlsx(path, file), "xlsx", "", ""
    else:
        (rows, encoding, delimiter), container = _read_csv(data, file), "csv"
    # Trailing empty columns (XLSX sheets often report a wider range) and empty records after the last.
    width = max((i + 1 for row in rows for i, v in enumerate(row) if v.strip()), default=0)
    while rows and not any(v.strip() for v in rows[-1]):
        rows.pop()
    if not rows or width == 0:
        raise DataError("the file holds no cell with text", file=file, row=1, column="A")
    numbers = list(range(1, len(rows) + 1))
    header_width = len(rows[0]) if container == "csv" else width
    out = []
    for number, row in zip(numbers, rows):
        if container == "csv" and row and len(row) != header_width:
            if len(row) < header_width:
                missing = len(row)
                raise DataError(f"{len(row)} fields where the header has {header_width}: the row is cut short "
                                "(a truncated file or a stray line break?)", file=file, row=number,
                                column=f"{column_letter(missing)} ({rows[0][missing]})")
            extra = header_width
            if any(v.strip() for v in row[header_width:]):
                raise DataError(f"{len(row)} fields where the header has {header_width} (a stray delimiter?)",
                                file=file, row=number, column=column_letter(extra))
            row = row[:header_width]
        row = (row + [""] * header_width)[:header_width]
        out.append(row)
    grid = Grid(file, out, numbers, container, encoding, delimiter, digest, len(data))
    if container == "csv":
        grid.notes.append(f"{DELIMITERS.get(delimiter, repr(delimiter))}-separated, {encoding}")
    return grid

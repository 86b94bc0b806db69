"""Reading a survey-tool export into a grid of strings, whatever its encoding, delimiter or container.

Exports come as CSV (comma, semicolon or tab; UTF-8 with or without BOM,
UTF-16 from Excel's "Unicode text", Windows-1252 from Excel's "CSV") or as
XLSX. The grid keeps every record as a list of strings and the number a
spreadsheet shows for it (header = row 1; a quoted line break does not start
a new row), so that every error can say where to look.

Errors about the whole file (empty, damaged, not a workbook) point at row 1,
column A: where the analyst opens the file. Messages quote at most a short,
redacted excerpt of a cell (:func:`ciatstudy.waves.privacy.excerpt`), never a whole
cell: a hostile or broken export must not flood the terminal or echo personal data.

Hostile files are refused before they cost memory:

* a cell longer than a spreadsheet cell may be (32 767 characters, Excel's
  limit, which every survey tool's export respects) is refused, naming its row
  and column;
* an XLSX workbook is a zip archive: its members are checked against their
  *declared* sizes before anything is inflated (a member inflating more than
  :data:`MAX_XLSX_RATIO` times, or more than :data:`MAX_XLSX_EXPANDED` bytes in
  all, is a zip bomb). The declared sizes bound what is read, since Python's
  :mod:`zipfile` never returns more than a member's declared size (and checks
  its CRC); rows and cells read from the sheet are bounded too.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import DataError
from ..privacy import excerpt

#: Longest cell accepted, in characters: Excel's own limit for a cell.
MAX_CELL = 32_767
#: Largest total size an XLSX may declare for its members once inflated (bytes).
MAX_XLSX_EXPANDED = 512 * 1024 * 1024
#: Largest compression ratio of an XLSX member (inflated / compressed), for members over 1 MiB inflated.
MAX_XLSX_RATIO = 150
#: Most members an XLSX archive may hold, and most rows a sheet may have (Excel's limit).
MAX_XLSX_MEMBERS = 10_000
MAX_ROWS = 1_048_576

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

    file: str  # name shown in messages
    rows: list[list[str]]  # every record, header rows included, padded to the header's width
    numbers: list[int]  # spreadsheet row number of each record
    container: str  # "csv" or "xlsx"
    encoding: str = ""  # CSV only
    delimiter: str = ""  # CSV only
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
            raise DataError(
                "the file starts with a UTF-16 byte-order mark but is not valid UTF-16", file=file, row=1, column="A"
            ) from None
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
        name = (
            f"{column_letter(col)} ({header[col]})"
            if row > 1 and col < len(header) and header[col]
            else column_letter(col)
        )
        raise DataError(
            f"mixed encodings: the file is UTF-8 but byte 0x{data[bad]:02x} here is not "
            f"(a row pasted from a Windows-1252 file?); re-save the whole file as UTF-8",
            file=file,
            row=row,
            column=name,
        )
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("cp1252", "replace")
        row, col = _locate(before, _sniff_delimiter(before))
        raise DataError(
            f"neither UTF-8 nor Windows-1252 (byte 0x{data[exc.start]:02x}); re-save as UTF-8",
            file=file,
            row=row,
            column=column_letter(col),
        ) from None


def _is_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _quote_column(record: str, delimiter: str) -> int:
    """0-based column of the malformed cell of ``record`` (the text from the record's start to the end
    of the file): the cell whose quote is never closed, or whose closing quote text follows."""
    column, i, at_start = 0, 0, True
    while i < len(record):
        ch = record[i]
        if ch == '"' and at_start:
            end = i + 1
            while True:  # to the closing quote ("" is a quote inside the cell)
                end = record.find('"', end)
                if end < 0:
                    return column
                if record[end + 1 : end + 2] != '"':
                    break
                end += 2
            i = end + 1
            if i < len(record) and record[i] not in (delimiter, "\r", "\n"):
                return column
            at_start = False
            continue
        if ch == delimiter:
            column += 1
            at_start = True
        elif ch in "\r\n":
            break
        else:
            at_start = False
        i += 1
    return column


def _read_csv(data: bytes, file: str) -> tuple[list[list[str]], str, str]:
    text, encoding = decode(data, file)
    text = text.lstrip("\ufeff")
    delimiter = _sniff_delimiter(text)
    rows: list[list[str]] = []
    starts = [0]  # offset of the line the reader will read next
    record_start = 0

    def lines():
        offset = 0
        for line in io.StringIO(text, newline=""):
            offset += len(line)
            starts[0] = offset
            yield line

    # The csv module caps a field at 128 KiB and then blames the quoting; the real limit is MAX_CELL,
    # checked with its row and column once the record is read.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        reader = csv.reader(lines(), delimiter=delimiter, strict=True)
        try:
            for row in reader:
                rows.append(row)
                record_start = starts[0]
        except csv.Error as exc:
            number = len(rows) + 1
            column = _quote_column(text[record_start:], delimiter)
            raise DataError(
                f"malformed CSV ({exc}): a double quote opened in this cell is never closed, or "
                "stray text follows a closing quote",
                file=file,
                row=number,
                column=_column_name(column, rows[0] if rows and number > 1 else []),
            ) from None
    finally:
        csv.field_size_limit(limit)
    return rows, encoding, delimiter


def _column_name(index: int, header: list[str]) -> str:
    """``K`` or ``K (header text)``, the header shortened."""
    letter = column_letter(index)
    if index < len(header) and header[index].strip():
        return f"{letter} ({excerpt(header[index], 40)})"
    return letter


def _check_cells(rows: list[list[str]], file: str) -> None:
    """Refuse a cell longer than :data:`MAX_CELL`, naming its row and column, quoting only its start."""
    for number, row in enumerate(rows, start=1):
        if row and max(map(len, row)) > MAX_CELL:
            index = next(i for i, v in enumerate(row) if len(v) > MAX_CELL)
            raise DataError(
                f"a cell of {len(row[index]):,} characters, more than a spreadsheet cell holds "
                f"({MAX_CELL:,}); starts « {excerpt(row[index], 40)} »".replace(",", "\u202f"),
                file=file,
                row=number,
                column=_column_name(index, rows[0] if number > 1 else []),
            )


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


def _check_archive(path: Path, file: str) -> None:
    """Refuse a zip bomb from the archive's directory alone, before any member is inflated."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise DataError(
            f"not a readable XLSX workbook, damaged or truncated ({type(exc).__name__}); "
            "export it again from the survey tool",
            file=file,
            row=1,
            column="A",
        ) from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise DataError(
            f"not a plausible XLSX workbook: {len(members):,} archive members (at most {MAX_XLSX_MEMBERS:,})".replace(
                ",", "\u202f"
            ),
            file=file,
            row=1,
            column="A",
        )
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_XLSX_RATIO:
            raise DataError(
                f"refused as a zip bomb: a member of the workbook would inflate {ratio:,.0f} times "
                f"(to {member.file_size / 1e6:,.0f} MB; at most {MAX_XLSX_RATIO} times)".replace(",", "\u202f"),
                file=file,
                row=1,
                column="A",
            )
        if total > MAX_XLSX_EXPANDED:
            raise DataError(
                f"refused as a zip bomb: the workbook would inflate to more than {MAX_XLSX_EXPANDED // 2**20} MiB",
                file=file,
                row=1,
                column="A",
            )


def _read_xlsx(path: Path, file: str) -> list[list[str]]:
    import openpyxl

    _check_archive(path, file)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            # A sheet's declared dimension may be false (A1:XFD1048576 for one cell): rows are read as
            # they are, and their number is bounded.
            sheet.reset_dimensions()
            rows = []
            for row in sheet.iter_rows(values_only=True):
                if len(rows) >= MAX_ROWS:
                    raise DataError(
                        f"more than {MAX_ROWS:,} rows, the most a sheet may hold".replace(",", "\u202f"),
                        file=file,
                        row=MAX_ROWS + 1,
                        column="A",
                    )
                rows.append([_cell_text(v) for v in row])
        finally:
            book.close()
    except DataError:
        raise
    except Exception as exc:  # BadZipFile, KeyError, zlib.error, EOFError, InvalidFileException...
        raise DataError(
            f"not a readable XLSX workbook, damaged or truncated ({type(exc).__name__}: "
            f"{excerpt(exc, 80)}); export it again from the survey tool",
            file=file,
            row=1,
            column="A",
        ) from None
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
        raise DataError(
            "old Excel format (.xls): save the export as .xlsx or as CSV UTF-8", file=file, row=1, column="A"
        )
    if suffix in (".xlsx", ".xlsm") or is_zip:
        if not is_zip:
            raise DataError(
                "named .xlsx but not an XLSX workbook (no zip signature); a CSV renamed?", file=file, row=1, column="A"
            )
        rows, container, encoding, delimiter = _read_xlsx(path, file), "xlsx", "", ""
    else:
        (rows, encoding, delimiter), container = _read_csv(data, file), "csv"
    # Trailing empty columns (XLSX sheets often report a wider range) and empty records after the last.
    width = max((i + 1 for row in rows for i, v in enumerate(row) if v.strip()), default=0)
    while rows and not any(v.strip() for v in rows[-1]):
        rows.pop()
    if not rows or width == 0:
        raise DataError("the file holds no cell with text", file=file, row=1, column="A")
    _check_cells(rows, file)
    numbers = list(range(1, len(rows) + 1))
    header_width = len(rows[0]) if container == "csv" else width
    out = []
    for number, row in zip(numbers, rows):
        if container == "csv" and row and len(row) != header_width:
            if len(row) < header_width:
                missing = len(row)
                raise DataError(
                    f"{len(row)} fields where the header has {header_width}: the row is cut short "
                    "(a truncated file or a stray line break?)",
                    file=file,
                    row=number,
                    column=f"{column_letter(missing)} ({rows[0][missing]})",
                )
            extra = header_width
            if any(v.strip() for v in row[header_width:]):
                raise DataError(
                    f"{len(row)} fields where the header has {header_width} (a stray delimiter?)",
                    file=file,
                    row=number,
                    column=column_letter(extra),
                )
            row = row[:header_width]
        row = (row + [""] * header_width)[:header_width]
        out.append(row)
    grid = Grid(file, out, numbers, container, encoding, delimiter, digest, len(data))
    if container == "csv":
        grid.notes.append(f"{DELIMITERS.get(delimiter, repr(delimiter))}-separated, {encoding}")
    return grid

"""Reading and writing files: the only module that touches the disk.

Every reader checks what it reads and raises :class:`~ciatstudy.errors.DataError`
naming the file, the row (as a spreadsheet numbers it, header = row 1) and the
column; every writer writes to a temporary file and moves it into place, so a
failure never leaves a half-written output.
"""

from __future__ import annotations

import csv
import hashlib
import io as _io
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .codebook import Codebook, read_wave_inputs
from .config import inside_wave, project_root
from .config import wave_folder as config_wave_folder
from ..errors import DataError, excerpt
from .schema import check_datapackage, parse_json, parse_yaml
from .validate import check_response_columns, check_table_schema, validate_responses


# --------------------------------------------------------------------------- reading
def _display(path: Path) -> str:
    """A file as messages name it: relative to the project when inside it (a link named as itself)."""
    root = project_root()
    for candidate in (Path(os.path.abspath(path)), Path(path).resolve()):
        if candidate.is_relative_to(root):
            return str(candidate.relative_to(root))
    return str(path)


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (BOM tolerated) or say where it is not UTF-8."""
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", file=_display(path))
    if not path.is_file():
        raise DataError("not a regular file", file=_display(path))
    data = path.read_bytes()
    if not data.strip():
        raise DataError("the file is empty", file=_display(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row, column = _locate_byte(data, exc.start)
        raise DataError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); re-save the file as UTF-8 "
            "(Excel: 'CSV UTF-8'), or bring it in with `ciatstudy import`, which reads Windows-1252",
            file=_display(path),
            row=row,
            column=column,
        ) from None


def _locate_byte(data: bytes, offset: int) -> tuple[int, str | None]:
    """(row, column) of the byte at ``offset``: the line its CSV row starts on, and that cell's column.

    The row is named as every message names it (:class:`~ciatstudy.errors.DataError`): a
    byte at the very start of a line belongs to that line's row, not to the row before.
    """
    prefix = data[:offset].decode("utf-8-sig")
    # A sentinel where the bad byte was: the record holding it tells the row and the cell.
    reader = csv.reader(_io.StringIO(prefix + "\ue000"))
    header, record, start, end = None, [], 1, 0
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            header = record if header is None else header
    except csv.Error:  # a huge cell before the byte: name its line, without a column
        return prefix.count("\n") + 1, None
    index = len(record) - 1
    column = header[index] if header is not None and start > 1 and 0 <= index < len(header) else None
    return start, column


# A cell longer than this is refused (Python's csv default, 128 KiB): no answer, id or quote is that long,
# and a message must never carry such a cell. Set for each read: the csv module's limit is one setting for the
# whole process, which other libraries change on import (frictionless raises it).
MAX_CELL = 131_072


@contextmanager
def _csv_cell_limit(limit: int):
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _rows_of(text: str, name: str) -> tuple[list[str], list[int]]:
    """The header and the line each data row starts on, refusing a row whose field count differs.

    One pass of Python's csv reader (quotes read as pandas reads them), before pandas parses;
    blank lines are skipped but counted, so that rows are named by their line in
    the file (header = line 1). A quote never closed, a row with too few or too many
    fields and a cell over :data:`MAX_CELL` characters are refused, naming the row.
    """
    with _csv_cell_limit(MAX_CELL):
        return _read_rows(text, name)


def _read_rows(text: str, name: str) -> tuple[list[str], list[int]]:
    reader = csv.reader(_io.StringIO(text))
    header: list[str] | None = None
    starts: list[int] = []
    start, end, record = 1, 0, []
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            if header is None:
                header = record
                if not header or not any(h.strip() for h in header):
                    raise DataError("the first line is empty: a header row is expected", file=name, row=1)
                for position, column in enumerate(header, start=1):
                    if not column.strip():
                        raise DataError(f"column {position} of the header has no name", file=name, row=1)
                width = len(header)
                continue
            if len(record) == width:
                starts.append(start)
            elif not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line
            elif len(record) < width:
                _unclosed_quote(text, record, start, end, header, name)
                raise DataError(
                    f"{len(record)} fields where the header has {width}: a short row (a cell or "
                    "a separator is missing)",
                    file=name,
                    row=start,
                    column=header[len(record)],
                )
            else:
                raise DataError(
                    f"{len(record)} fields where the header has {width}: a long row (field "
                    f"{width + 1} has no column; a separator too many, or a cell to quote)",
                    file=name,
                    row=start,
                )
    except csv.Error as exc:
        row = end + 1
        if "field larger than field limit" in str(exc):
            _unclosed_quote(text, None, row, None, header or [], name)
            raise DataError(
                f"a cell of more than {MAX_CELL:,} characters".replace(",", " ") + ": cells are limited to that length",
                file=name,
                row=row,
                column=_huge_column(text, row, header or []),
            ) from None
        raise DataError(f"cannot be parsed as CSV ({excerpt(str(exc), 80)})", file=name, row=row) from None
    if header is None:
        raise DataError("the first line is empty: a header row is expected", file=name, row=1)
    if not starts and header and "\n" in header[-1]:
        _unclosed_quote(text, header, 1, end, header, name)
    if record is not header and starts and record and len(record) == len(header):
        _unclosed_quote(text, record, starts[-1], end, header, name)
    return header, starts


def _unclosed_quote(
    text: str, record: list[str] | None, start: int, end: int | None, header: list[str], name: str
) -> None:
    """Refuse the row starting on line ``start`` if a double quote in it opens a cell never closed.

    Python's csv reader then silently runs the cell to the end of the file (or stops at its
    cell-length limit); reading the row again with strict rules tells that case from a
    well-quoted cell. ``record``/``end``: the row as read and its last line, when known.
    """
    if record is not None and (not record or "\n" not in record[-1] or end < text.count("\n")):
        return
    offset = _line_offset(text, start)
    limit = csv.field_size_limit(sys.maxsize)  # error path only: the cell runs to the end of the file
    try:
        next(csv.reader(_io.StringIO(text[offset:]), strict=True), None)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            # the cell left open is the last one that the row's own line starts
            newline = text.find("\n", offset)
            first_line = text[offset : newline if newline >= 0 else None]
            index = len(next(csv.reader([first_line]), [""])) - 1
            raise DataError(
                "a double quote opens this cell and is never closed (the rest of the file would be "
                'one cell): close the quote, or double it ("") inside a quoted cell',
                file=name,
                row=start,
                column=header[index] if 0 <= index < len(header) else None,
            ) from None
    finally:
        csv.field_size_limit(limit)


def _huge_column(text: str, start: int, header: list[str]) -> str | None:
    """The column of the first over-long cell of the row starting on line ``start``."""
    limit = csv.field_size_limit(sys.maxsize)
    try:
        record = next(csv.reader(_io.StringIO(text[_line_offset(text, start) :])), [])
    except csv.Error:
        return None
    finally:
        csv.field_size_limit(limit)
    index = next((i for i, value in enumerate(record) if len(value) > MAX_CELL), None)
    return header[index] if index is not None and index < len(header) else None


def _line_offset(text: str, line: int) -> int:
    """Character offset where ``line`` (1-based) starts."""
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def read_csv(path: Path) -> pd.DataFrame:
    """Read a comma-separated raw file as strings, checking its shape.

    Empty cells stay empty strings; typing is the schema's job. The frame's
    index is the line number each row starts on (header = line 1), the row
    number of every message; a row with more or fewer fields than the header is
    refused.
    """
    path = Path(path)
    text = read_text(path)
    name = _display(path)
    header, starts = _rows_of(text, name)
    if len(header) == 1:
        for sep, label in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if sep in header[0]:
                raise DataError(
                    f"only one column found and the header contains a {label}: the file looks "
                    f"{label}-separated, raw wave files are comma-separated",
                    file=name,
                    row=1,
                )
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise DataError("duplicated column name", file=name, row=1, column=dup)
    if not starts:
        raise DataError("the file has a header but no data rows", file=name, row=2)
    try:
        frame = pd.read_csv(
            _io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
            index_col=False,
        )
    except pd.errors.ParserError as exc:  # the pass above should have named the row: a safety net
        raise DataError(f"cannot be parsed as CSV ({excerpt(str(exc).strip(), 80)})", file=name) from None
    if len(frame) != len(starts) or list(frame.columns) != header:
        raise DataError("rows cannot be told apart consistently (check the quotes)", file=name)
    frame.index = pd.Index(starts) if starts[-1] != len(starts) + 1 else pd.RangeIndex(2, 2 + len(starts))
    return frame


def _strict_rows(pacsv):
    """pyarrow's parse options for the columnar reader: blank lines kept, no line break inside a cell.

    A file pyarrow reads is then one row per line, so that row ``i`` is line ``i + 2``
    as the careful reader numbers it: a multi-line cell fails here, and a blank line
    comes as a row with an empty id, which :func:`_fast_responses` hands to the careful
    reader. pyarrow refuses a row with too few or too many fields by itself.
    """
    return pacsv.ParseOptions(ignore_empty_lines=False, newlines_in_values=False)


def _fast_responses(path: Path, codebook: Codebook) -> pd.DataFrame | None:
    """Columnar read of a large, well-formed responses file (None: let the careful reader explain).

    The header is checked first, so a wrong column is named at once rather than
    after the careful reader has gone through every row.
    """
    try:
        import pyarrow as pa
        from pyarrow import csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is pinned
        return None
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader([handle.readline()]), [])  # quoted names too ("1A" as pyarrow writes it)
    except UnicodeDecodeError:
        return None
    if len(set(header)) != len(header):
        return None  # a repeated name: the careful reader says which
    check_response_columns(header, codebook, file=_display(path))
    types = {
        codebook.id_column: pa.string(),
        codebook.segment_variable: pa.string(),
        **{code: pa.int8() for code in codebook.item_codes},
    }
    try:
        table = pacsv.read_csv(
            path,
            parse_options=_strict_rows(pacsv),
            convert_options=pacsv.ConvertOptions(
                column_types=types, null_values=[""], strings_can_be_null=False, include_columns=list(types)
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError, OSError):
        table = _text_where_needed(path, codebook)  # a cell that is no integer, e.g. "x" or "2.0"
        if table is None:
            return None
    if table.num_rows == 0:
        return None
    import pyarrow.compute as pc

    if pc.min(pc.utf8_length(table[codebook.id_column])).as_py() == 0:
        # pyarrow reads a blank line as a row of empty cells: the careful reader skips blank lines
        # (counting them, for the row numbers) and names a truly empty id
        return None
    frame = table.to_pandas(types_mapper={pa.int8(): pd.Int8Dtype()}.get)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def _text_where_needed(path: Path, codebook: Codebook):
    """The file read as text, item columns typed int8 where every cell is an integer.

    Columns holding another text stay text, for the validation to name the first
    bad cell as the careful reader would, without a pass of the careful reader
    over a million rows (1.5 M rows: 7 s instead of 40). None when even a text read
    fails (ragged rows, bytes that are not UTF-8): the careful reader locates those.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    try:
        table = pacsv.read_csv(
            path,
            parse_options=_strict_rows(pacsv),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in codebook.response_columns()}, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError, OSError):
        return None
    items = set(codebook.item_codes)
    columns = {}
    for name in table.column_names:
        column = table[name]
        if name in items:
            text = pc.utf8_trim_whitespace(column)
            if pc.all(pc.match_substring_regex(text, r"^(-?[0-9]+)?$")).as_py():  # the careful reader's integers
                try:
                    column = pc.cast(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text), pa.int8())
                except pa.ArrowInvalid:  # beyond int8, hence off every scale: left as text to be named
                    pass
        columns[name] = column
    return pa.table(columns)


CACHE_MIN_BYTES = 1_000_000


def _cache_file(path: Path, codebook: Codebook) -> Path:
    """Where the validated answers of a large file are kept, keyed by everything that shapes them."""
    stat = path.stat()
    key = hashlib.sha256(
        json.dumps(
            [
                str(path.resolve()),
                stat.st_size,
                stat.st_mtime_ns,
                json.dumps(codebook.raw, sort_keys=True, default=str),
                *(
                    hashlib.sha256((Path(__file__).parent / name).read_bytes()).hexdigest()
                    for name in ("validate.py", "io.py")
                ),  # the reading rules
                pd.__version__,
            ]
        ).encode()
    ).hexdigest()[:20]
    return project_root() / ".build" / "cache" / f"responses-{key}.parquet"


def read_responses(path: Path, codebook: Codebook, *, columns: list[str] | None = None) -> pd.DataFrame:
    """A wave's answers, validated against its codebook (only ``columns`` of them when given).

    Large files are read once: their validated answers are cached as Parquet
    under ``.build/cache`` (keyed by the file's size and modification time,
    the codebook and the reading and validation code), so every later section reads
    columns of int8 instead of re-parsing text. A large well-formed file is
    first parsed by pyarrow; anything it cannot read goes through
    :func:`read_csv`, whose checks name the file, row and column of the problem.
    """
    path = Path(path)
    # Only a project's own waves are cached (not, e.g., an import being checked in a temporary folder).
    large = (
        path.exists()
        and path.stat().st_size > CACHE_MIN_BYTES
        and path.resolve().is_relative_to(project_root() / "data" / "raw")
    )
    if large:
        cache = _cache_file(path, codebook)
        if cache.exists():
            try:
                return pd.read_parquet(cache, columns=columns)
            except Exception:  # a damaged cache is rebuilt, never trusted
                cache.unlink(missing_ok=True)
    frame = _fast_responses(path, codebook) if large else None
    if frame is None:
        frame = read_csv(path)
    validated = validate_responses(frame, codebook, file=_display(path))  # every column, whatever is kept
    if large:
        _write_cache_in_background(validated, cache)
    # a new frame: pandas copies on write while the cache writer still holds `validated`,
    # so a caller's edit cannot reach the cache
    return validated.copy(deep=False) if columns is None else validated[columns]


_CACHE_WRITES: list = []


def _write_cache_in_background(frame: pd.DataFrame, cache: Path) -> None:
    """Write the Parquet cache while the caller goes on scoring (1.5 M rows: ~1 s saved of ~5).

    pyarrow releases the GIL while it encodes, so on two cores the write overlaps the
    caller's own work; the interpreter waits for the thread before it exits, and
    :func:`wait_for_cache` lets a caller that starts other processes wait for it.
    """
    import threading

    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(table, source: pd.DataFrame) -> None:
        # `source` is held until the file is written: the table may share its buffers, and pandas
        # copies a frame on write while another reference to its data is alive.
        try:
            with atomic_path(cache) as tmp:
                pq.write_table(table, tmp)
        except OSError:  # no room or no right to write: the next read parses the CSV again, nothing is lost
            pass

    thread = threading.Thread(
        target=write, args=(pa.Table.from_pandas(frame), frame), name=f"ciatstudy-cache-{cache.name}"
    )
    thread.start()
    _CACHE_WRITES.append(thread)


def wait_for_cache() -> None:
    """Block until every cache file this process started writing is in place."""
    while _CACHE_WRITES:
        _CACHE_WRITES.pop().join()


def load_codebook(path: Path) -> Codebook:
    """Read and check a ``codebook.yaml`` (YAML syntax with line and column; types with the key path)."""
    path = Path(path)
    data = parse_yaml(read_text(path), file=_display(path))
    return Codebook.from_dict(data, file=_display(path))


def load_datapackage(folder: Path) -> dict | None:
    """A wave's ``datapackage.json``, checked (:func:`ciatstudy.data.schema.check_datapackage`), or None."""
    path = Path(folder) / "datapackage.json"
    if not path.exists() and not path.is_symlink():
        return None
    name = _display(path)
    package = parse_json(read_text(inside_wave(path, folder)), file=name)
    check_datapackage(package, file=name)
    return package


# --------------------------------------------------------------------------- waves
@dataclass
class Wave:
    """Everything one wave holds, validated: what the notebooks work on."""

    name: str
    folder: Path
    codebook: Codebook
    responses: pd.DataFrame  # one row per respondent, item columns Int8
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # side tables by resource name
    files: dict[str, Path] = field(default_factory=dict)  # resource name -> file

    @property
    def reconstructed(self) -> bool:
        return self.codebook.reconstructed

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            raise KeyError(f"wave {self.name} has no table {name!r}; it has {sorted(self.tables)}")
        return self.tables[name]

    def has(self, name: str) -> bool:
        return name in self.tables

    def segment_sizes(self) -> dict[str, int]:
        seg = self.codebook.segment_variable
        counts = self.responses[seg].value_counts()
        return {code: int(counts.get(code, 0)) for code in self.codebook.segment_codes}

    def __repr__(self) -> str:
        """One line (the dataclass's own repr printed every answer and table: 37 000 characters for 2014).

        >>> load_wave("2014")
        <Wave 2014: 28 respondents (mda 12, non_mda 16), 8 questions, 15 tables, reconstructed>
        """
        sizes = ", ".join(f"{code} {n}" for code, n in self.segment_sizes().items())
        return (
            f"<Wave {self.name}: {len(self.responses)} respondents ({sizes}), "
            f"{len(self.codebook.questions)} questions, {len(self.tables)} tables"
            f"{', reconstructed' if self.reconstructed else ''}>"
        )


def wave_folder(wave_or_path: str | os.PathLike) -> tuple[str, Path]:
    """Resolve ``"2014"`` or a folder path to (wave name, folder), or say why it is not a wave."""
    name, folder = config_wave_folder(wave_or_path)
    if not folder.is_dir():
        raise DataError(
            f"no wave {str(wave_or_path)!r}: {folder} does not exist (bring a survey export in with `ciatstudy import`)"
        )
    if not (folder / "codebook.yaml").exists():
        raise DataError("file not found: every wave needs a codebook", file=_display(folder / "codebook.yaml"))
    return name, folder


def load_wave(wave_or_path: str | os.PathLike = "2014", *, questions: list[str] | None = None) -> Wave:
    """Load and validate a wave: codebook, responses and every described table.

    ``questions`` keeps only those questions' answers (with the id and the segment):
    a section about one question of a 1.5-million-respondent wave then holds a
    tenth of it. The whole file is still validated, or read from its validated cache.

    Examples
    --------
    >>> wave = load_wave("2014")
    >>> wave.segment_sizes()
    {'mda': 12, 'non_mda': 16}
    >>> list(load_wave("2014", questions=["q8"]).responses.columns)
    ['respondent_id', 'segment', '8A', '8B', '8C']
    """
    name, folder = wave_folder(wave_or_path)
    codebook, package, inputs = read_wave_inputs(folder, file_name=_display)  # syntax, types, places
    responses_path = inputs["responses"]
    columns = None if questions is None else codebook.response_columns(questions)  # ValueError if unknown
    responses = read_responses(responses_path, codebook, columns=columns)
    tables, files = {}, {"responses": responses_path}
    for resource in package.get("resources", []):
        rname = str(resource["name"])
        path = folder / resource["path"]  # inside the folder: read_wave_inputs checked every path
        if path == responses_path or resource.get("format", "csv") != "csv":
            continue
        frame = read_csv(path)
        tables[rname] = check_table_schema(frame, resource.get("schema") or {}, file=_display(path))
        files[rname] = path
    return Wave(name, folder, codebook, responses.reset_index(drop=True), tables, files)


# --------------------------------------------------------------------------- writing
# Where the package writes, relative to the project root: tables, figures, reports, the build's state,
# cache and staging (.build), and the raw folders that `import` and `reconstruct --write` create.
OUTPUT_FOLDERS = ("data/processed", "figures", "reports", ".build", "data/raw")


def output_path(target: Path) -> Path:
    """``target`` if it lies inside one of the project's :data:`OUTPUT_FOLDERS`, else a DataError.

    The wave-name check keeps the package's own paths there (:func:`ciatstudy.data.config.check_wave_name`);
    this guard proves it at the moment of writing, whatever built the path: a ``..`` in it,
    or a folder that is a link to elsewhere, is refused before anything is written.

    Examples
    --------
    >>> from ciatstudy.data.config import project_root
    >>> output_path(project_root() / "figures" / "2014" / "x.png").name
    'x.png'
    >>> output_path(project_root() / "figures" / ".." / ".." / "evil.png")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ciatstudy.errors.DataError: refusing to write outside the project's output folders (data/processed, figures, reports, .build, data/raw): ...evil.png
    """
    target = Path(target)
    root = project_root()
    absolute = Path(os.path.abspath(target))
    resolved = target.resolve()  # links followed, as the write would follow them
    allowed = [root / folder for folder in OUTPUT_FOLDERS]
    if ".." not in target.parts and any(
        absolute.is_relative_to(a) and resolved.is_relative_to(a.resolve()) and absolute != a for a in allowed
    ):
        return target
    shown = str(target)
    raise DataError(
        f"refusing to write outside the project's output folders ({', '.join(OUTPUT_FOLDERS)}): "
        f"{'...' + shown[-60:] if len(shown) > 60 else shown}"
    )


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path next to ``target``; move it into place on success.

    No guard here: :func:`write_csv`, :func:`write_text` and :func:`save_figure` check their
    target with :func:`output_path` first; this primitive also serves files whose place the
    user chose explicitly (``ciatstudy synth --output``, a word cloud's ``path``).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_csv(frame: pd.DataFrame, target: Path) -> Path:
    """Write a tidy table deterministically (dots for decimals, '\\n' line ends), inside the outputs."""
    with atomic_path(output_path(target)) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n", float_format="%.10g")
    return Path(target)


def write_text(text: str, target: Path) -> Path:
    """Write a UTF-8 text file inside the project's outputs (:func:`output_path`)."""
    with atomic_path(output_path(target)) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def save_figure(fig, target: Path, *, dpi: int = 110) -> Path:
    """Save a matplotlib figure as a PNG and, beside it, the SVG the report embeds; both byte-identical across runs.

    The SVG keeps its text as glyph outlines (matplotlib's default ``svg.fonttype = "path"``): the chart
    looks the same on every screen and printer whatever fonts the reader has, and an ``<img>`` cannot
    load fonts anyway; the words stay readable to everyone in the caption, the alt text and the tables.
    """
    bbox = _tight_bbox(fig, dpi)
    with atomic_path(output_path(target)) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi, bbox_inches=bbox, metadata={"Software": None})
    if Path(target).suffix.lower() == ".png":
        import matplotlib

        # a fixed salt makes the SVG's clip-path and hatch ids, hence its bytes, the same in every run
        with atomic_path(Path(target).with_suffix(".svg")) as tmp, matplotlib.rc_context({"svg.hashsalt": "ciatstudy"}):
            fig.savefig(tmp, format="svg", bbox_inches=bbox, metadata={"Date": None, "Creator": None})
    return Path(target)


def _tight_bbox(fig, dpi: int):
    """The figure's tight bounding box (inches, padded as ``bbox_inches="tight"`` pads), measured once.

    ``savefig(bbox_inches="tight")`` draws the whole figure once more to measure it, for each format; measured
    here once (layout without rasterising) and given to both, the PNG is the same and the charts save ~20 %
    faster. ``"tight"`` where the canvas cannot measure (a backend without a renderer of its own).
    """
    import matplotlib

    get_renderer = getattr(fig.canvas, "get_renderer", None)
    if get_renderer is None:
        return "tight"
    original = fig.dpi
    try:
        fig.set_dpi(dpi)
        fig.draw_without_rendering()  # applies the layout engine, as savefig's own measuring draw does
        return fig.get_tightbbox(get_renderer()).padded(matplotlib.rcParams["savefig.pad_inches"])
    finally:
        fig.set_dpi(original)

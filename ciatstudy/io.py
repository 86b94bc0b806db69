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
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from .codebook import Codebook
from .config import project_root
from .config import wave_folder as config_wave_folder
from .errors import DataError
from .validate import check_response_columns, check_table_schema, validate_responses


# --------------------------------------------------------------------------- reading
def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(project_root()))
    except ValueError:
        return str(path)


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (BOM tolerated) or say where it is not UTF-8."""
    path = Path(path)
    if not path.exists():
        raise DataError("file not found", file=_display(path))
    data = path.read_bytes()
    if not data.strip():
        raise DataError("the file is empty", file=_display(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Count CSV records, not physical lines: quoted cells may hold line breaks.
        records = list(csv.reader(_io.StringIO(data[:exc.start].decode("utf-8-sig"))))
        row = max(len(records), 1)
        names = records[0] if records else []
        current = records[-1] if records else []
        col_index = max(len(current) - 1, 0)
        column = names[col_index] if col_index < len(names) and row > 1 else None
        raise DataError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); re-save the file as UTF-8 "
            "(Excel: 'CSV UTF-8'), or bring it in with `ciatstudy import`, which reads Windows-1252",
            file=_display(path), row=row, column=column) from None


def read_csv(path: Path) -> pd.DataFrame:
    """Read a comma-separated raw file as strings, checking its shape.

    Empty cells stay empty strings; typing is the schema's job. The frame's
    index is the row number as a spreadsheet shows it (header = row 1).
    """
    path = Path(path)
    text = read_text(path)
    name = _display(path)
    first_line = text.split("\n", 1)[0]
    header = next(csv.reader([first_line])) if first_line.strip() else []
    if not header:
        raise DataError("the first line is empty: a header row is expected", file=name, row=1)
    if len(header) == 1:
        for sep, label in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if sep in header[0]:
                raise DataError(f"only one column found and the header contains a {label}: the file looks "
                                f"{label}-separated, raw wave files are comma-separated", file=name, row=1)
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise DataError("duplicated column name", file=name, row=1, column=dup)
    try:
        frame = pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=True, engine="c")
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if not match:
            raise DataError(f"cannot be parsed as CSV: {exc}", file=name) from None
        expected, line, saw = map(int, match.groups())
        raise DataError(f"{saw} fields where the header has {expected}", file=name, row=line,
                        column=header[min(expected, len(header)) - 1]) from None
    if frame.empty:
        raise DataError("the file has a header but no data rows", file=name, row=2)
    short = frame.index[frame.iloc[:, -1].isna()] if frame.shape[1] else []
    if len(short):
        raise DataError(f"fewer fields than the header's {len(header)}", file=name, row=int(short[0]) + 2,
                        column=header[-1])
    frame.index = pd.RangeIndex(2, 2 + len(frame))  # file row numbers, for messages
    return frame


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
    types = {codebook.id_column: pa.string(), codebook.segment_variable: pa.string(),
             **{code: pa.int8() for code in codebook.item_codes}}
    try:
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types=types, null_values=[""], strings_can_be_null=False, include_columns=list(types)))
    except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError, OSError):
        table = _text_where_needed(path, codebook)  # a cell that is no integer, e.g. "x" or "2.0"
        if table is None:
            return None
    if table.num_rows == 0:
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
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in codebook.response_columns()},
            strings_can_be_null=False))
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
    key = hashlib.sha256(json.dumps([str(path.resolve()), stat.st_size, stat.st_mtime_ns,
                                     json.dumps(codebook.raw, sort_keys=True, default=str),
                                     *(hashlib.sha256((Path(__file__).parent / name).read_bytes()).hexdigest()
                                       for name in ("validate.py", "io.py")),  # the reading rules
                                     pd.__version__]).encode()).hexdigest()[:20]
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
    large = (path.exists() and path.stat().st_size > CACHE_MIN_BYTES
             and path.resolve().is_relative_to(project_root() / "data" / "raw"))
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

    thread = threading.Thread(target=write, args=(pa.Table.from_pandas(frame), frame),
                              name=f"ciatstudy-cache-{cache.name}")
    thread.start()
    _CACHE_WRITES.append(thread)


def wait_for_cache() -> None:
    """Block until every cache file this process started writing is in place."""
    while _CACHE_WRITES:
        _CACHE_WRITES.pop().join()


def load_codebook(path: Path) -> Codebook:
    path = Path(path)
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=_display(path),
                        row=mark.line + 1 if mark else None) from None
    return Codebook.from_dict(data, file=_display(path))


def load_datapackage(folder: Path) -> dict | None:
    path = Path(folder) / "datapackage.json"
    if not path.exists():
        return None
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", file=_display(path), row=exc.lineno) from None


# --------------------------------------------------------------------------- waves
@dataclass
class Wave:
    """Everything one wave holds, validated: what the notebooks work on."""

    name: str
    folder: Path
    codebook: Codebook
    responses: pd.DataFrame                      # one row per respondent, item columns Int8
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # side tables by resource name
    files: dict[str, Path] = field(default_factory=dict)           # resource name -> file

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


def wave_folder(wave_or_path: str | os.PathLike) -> tuple[str, Path]:
    """Resolve ``"2014"`` or a folder path to (wave name, folder), or say why it is not a wave."""
    name, folder = config_wave_folder(wave_or_path)
    if not folder.is_dir():
        raise DataError(f"no wave {str(wave_or_path)!r}: {folder} does not exist "
                        "(bring a survey export in with `ciatstudy import`)")
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
    codebook = load_codebook(folder / "codebook.yaml")
    package = load_datapackage(folder)
    resources = {r["name"]: r for r in (package or {}).get("resources", [])}
    responses_path = folder / codebook.responses_file
    columns = None if questions is None else codebook.response_columns(questions)  # ValueError if unknown
    responses = read_responses(responses_path, codebook, columns=columns)
    tables, files = {}, {"responses": responses_path}
    for rname, resource in resources.items():
        path = folder / resource["path"]
        if path == responses_path or resource.get("format", "csv") != "csv":
            continue
        frame = read_csv(path)
        tables[rname] = check_table_schema(frame, resource.get("schema", {}), file=_display(path))
        files[rname] = path
    return Wave(name, folder, codebook, responses.reset_index(drop=True), tables, files)


# --------------------------------------------------------------------------- writing
@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path next to ``target``; move it into place on success."""
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
    """Write a tidy table deterministically (dots for decimals, '\\n' line ends)."""
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n", float_format="%.10g")
    return Path(target)


def write_text(text: str, target: Path) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def save_figure(fig, target: Path, *, dpi: int = 110) -> Path:
    """Save a matplotlib figure as a PNG and, beside it, the SVG the report embeds; both byte-identical across runs.

    The SVG keeps its text as glyph outlines (matplotlib's default ``svg.fonttype = "path"``): the chart
    looks the same on every screen and printer whatever fonts the reader has, and an ``<img>`` cannot
    load fonts anyway; the words stay readable to everyone in the caption, the alt text and the tables.
    """
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    if Path(target).suffix.lower() == ".png":
        import matplotlib

        # a fixed salt makes the SVG's clip-path and hatch ids, hence its bytes, the same in every run
        with atomic_path(Path(target).with_suffix(".svg")) as tmp, matplotlib.rc_context({"svg.hashsalt": "ciatstudy"}):
            fig.savefig(tmp, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return Path(target)

"""The committee's workbook ``tables.xlsx``: every processed table, ready to read in a spreadsheet.

- a first sheet « Sommaire » lists every sheet with its French title, what it holds and a link to it;
- sheet names are French, at most 31 characters, unique, cut only between words;
- headers are French (``labels_fr.yaml``); shares are numbers shown as percents, means with two
  decimals, counts as integers; printed values (« 82,1% », « 2,68 ») become numbers;
- each question has a sheet laid out as in the report (items down, segments across) and keeps its
  long tidy table on a separate data sheet for analysts;
- widths fitted, header row frozen, autofilter on, long texts wrapped;
- no cell is ever a formula: text is written as text whatever it starts with (``=``, ``+``, ``-``,
  ``@``, tab, CR), so an answer such as ``=HYPERLINK(...)`` stays inert;
- two builds give a byte-identical file: fixed document properties, fixed zip entry dates.
"""

from __future__ import annotations

import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from . import labels
from ..data.io import atomic_path
from .typography import french_text

MAX_NAME = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# openpyxl refuses these control characters; free text may carry them
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PERCENT, TWO_DECIMALS, THREE_DECIMALS, INTEGER = "0%", "0.00", "0.000", "0"
WRAP_AT = 60  # characters: wider text wraps in its cell
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Sheet:
    """One sheet: its name, the index's title and description, the table and a format per column."""

    name: str
    title: str
    content: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    frozen_columns: int = 0


def _vocabulary() -> dict:
    return labels.vocabulary()["workbook"]


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique sheet name of at most 31 characters, never cut inside a word.

    >>> sheet_name("Contexte – Question 4 : autres freins", set())
    'Contexte – Question 4 - autres'
    >>> sheet_name("Personnes ressources", {"Personnes ressources"})
    'Personnes ressources (2)'
    """
    base = re.sub(r"\s+", " ", _FORBIDDEN.sub("-", wanted)).strip(" '")
    base = _cut(base, MAX_NAME) or "Feuille"
    name, number = base, 1
    while name.casefold() in {t.casefold() for t in taken}:
        number += 1
        suffix = f" ({number})"
        name = _cut(base, MAX_NAME - len(suffix)) + suffix
    return name


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    words, out = text.split(" "), ""
    for word in words:
        candidate = f"{out} {word}".strip()
        if len(candidate) > limit:
            break
        out = candidate
    return out.rstrip(" -–,;") or text[:limit]  # one word longer than the limit: nothing else to do


def _header(column: str) -> str:
    return _vocabulary()["columns"].get(column) or labels.column(column)


def parse_printed(value):
    """A value as printed in 2014 (« 82,1% », « 2,68 », 0.79) as a number, or the text unchanged.

    >>> parse_printed("82,1%"), parse_printed("2,68"), parse_printed(0.79), parse_printed("n.c.")
    (0.821, 2.68, 0.79, 'n.c.')
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%").replace(",", "."))
    except ValueError:
        return value
    return round(number / 100, 10) if percent else number


# ----------------------------------------------------------------------------- what each table is
def _describe(stem: str, codebook) -> tuple[str, str, str, str]:
    """Sheet name, title, content and kind ('' or a question kind) of a processed table."""
    catalogue = _vocabulary()["tables"]
    if stem in catalogue:
        entry = catalogue[stem]
        return entry["sheet"], entry["title"], entry["content"], ""
    match = re.fullmatch(r"q(\d+)_(rates|scores|published_comparison|distribution)", stem)
    if match:
        number, part = int(match.group(1)), match.group(2)
        title = _question_title(codebook, f"q{number}")
        entry = _vocabulary()["question_tables"][part]
        return (
            entry["sheet"].format(number=number),
            entry["title"].format(number=number, title=title),
            entry["content"],
            part,
        )
    match = re.fullmatch(r"(words|kwic|distinctive)_(.+)", stem)
    if match:
        part, corpus = match.groups()
        short = _vocabulary()["corpora"].get(corpus) or _corpus_title(codebook, corpus)
        entry = _vocabulary()["corpus_tables"][part]
        return (
            entry["sheet"].format(corpus=short),
            entry["title"].format(corpus=_corpus_title(codebook, corpus)),
            entry["content"],
            "",
        )
    return stem.replace("_", " "), stem.replace("_", " "), _vocabulary()["unknown_content"], ""


def _question_title(codebook, question: str) -> str:
    try:
        return codebook.question(question).title
    except (AttributeError, KeyError, ValueError):
        return question


def _corpus_title(codebook, corpus: str) -> str:
    raw = getattr(codebook, "raw", None) or {}
    return next((c.get("title", corpus) for c in raw.get("free_text", []) if c.get("id") == corpus), corpus)


# ----------------------------------------------------------------------------- formats
_COUNTS = {
    "n",
    "count",
    "count_rest",
    "respondents",
    "rank",
    "projects",
    "territories",
    "base",
    "respondent_no",
    "sentence_no",
    "hits",
    "table_position",
    "quotes",
    "words",
}
_SHARES = {"share", "share_respondents"}


def column_format(stem: str, column: str, values: pd.Series, *, shares: bool = True) -> str | None:
    """The number format of a column: percent for shares, two decimals for means, integer for counts.

    >>> column_format("q2_rates", "value", pd.Series([0.5])), column_format("q1_scores", "value", pd.Series([2.5]))
    ('0%', '0.00')
    """
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    # a question's values are shares unless it is scored (agreement means); its rates/distribution always are
    shares = stem.endswith(("_rates", "_distribution")) or (
        shares and stem.endswith("_published_comparison") and _looks_like_shares(values)
    )
    if (
        column in _SHARES
        or column == "percent"
        or (shares and column in {"value", "ci_low", "ci_high", "printed", "rebuilt_rounded", "difference"})
    ):
        return PERCENT
    if column.startswith("p_value"):
        return THREE_DECIMALS
    if column in _COUNTS or (values.dropna() == values.dropna().round()).all():
        return INTEGER
    return TWO_DECIMALS


def _looks_like_shares(values: pd.Series) -> bool:
    finite = values.dropna()
    return bool(len(finite)) and bool(((finite >= 0) & (finite <= 1)).all())


# ----------------------------------------------------------------------------- sheets
def _tidy_sheet(stem: str, frame: pd.DataFrame, codebook) -> tuple[str, str, str, pd.DataFrame, dict, str]:
    name, title, content, kind = _describe(stem, codebook)
    frame = frame.copy()
    formats: dict = {}
    if "printed" in frame.columns and not pd.api.types.is_numeric_dtype(frame["printed"]):
        # printed as text in 2014 (« 82,1% », « 2,68 »): a number with the printed precision wherever it is one
        formats["printed"] = [printed_format(v) for v in frame["printed"]]
        percent = all(str(v).strip().endswith("%") for v in frame["printed"].dropna())
        frame["printed"] = frame["printed"].map(parse_printed).astype(object)
        if percent and "rebuilt" in frame.columns and pd.api.types.is_numeric_dtype(frame["rebuilt"]):
            frame["rebuilt"] = frame["rebuilt"] / 100  # rebuilt in the printed unit (82.1 for « 82,1% »)
            formats["rebuilt"] = formats["printed"]
    if "percent" in frame.columns and pd.api.types.is_numeric_dtype(frame["percent"]):
        frame["percent"] = frame["percent"] / 100  # printed as « 25 » meaning 25 %
    words = _value_words(codebook)
    for column in frame.columns:
        if pd.api.types.is_bool_dtype(frame[column]):
            frame[column] = frame[column].map({True: "Oui", False: "Non"})
        elif column in words:  # codes such as "done" or "fisher_exact" shown in French
            frame[column] = frame[column].map(lambda v, c=column: words[c].get(v, v))
    shares = _question_kind(codebook, stem) != "agreement3"
    for column in frame.columns:
        if column not in formats and (found := column_format(stem, column, frame[column], shares=shares)):
            formats[column] = found
    return name, title, content, frame, formats, kind


def printed_format(value) -> str | None:
    """The number format that shows a printed value as it was printed (its decimals, its percent sign).

    >>> printed_format("82,1%"), printed_format("2,68"), printed_format("12"), printed_format("n.c.")
    ('0.0%', '0.00', '0', None)
    """
    number = parse_printed(value)
    if not isinstance(number, (int, float)) or isinstance(value, (int, float)):
        return None if not isinstance(value, (int, float)) else TWO_DECIMALS
    text = str(value).strip().rstrip("%").strip()
    decimals = len(text.split(",", 1)[1]) if "," in text else 0
    pattern = "0" + ("." + "0" * decimals if decimals else "")
    return pattern + "%" if str(value).strip().endswith("%") else pattern


def _value_words(codebook) -> dict:
    vocabulary = labels.vocabulary()
    words = {
        "verdict": vocabulary["audit"]["verdicts"],
        "check": vocabulary["audit"]["checks"],
        "indicator": vocabulary["indicators"],
        "interview_status": vocabulary["interview_status"],
        **_vocabulary()["values"],
    }
    if codebook is not None:
        words["segment"] = _segment_labels(codebook)
    return words


def _question_kind(codebook, stem: str) -> str | None:
    match = re.match(r"(q\d+)_", stem)
    if match is None or codebook is None:
        return None
    try:
        return codebook.question(match.group(1)).kind
    except (AttributeError, KeyError, ValueError):
        return None


def question_layout(rates: pd.DataFrame, *, kind: str, segment_labels: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """A question's table as the report prints it: one row per item in report order, segments across.

    Each segment gives its value and its 95 % interval; the last columns give the MDA / Non-MDA test.

    >>> rates = pd.DataFrame({"item": ["2A", "2A"], "label": ["x", "x"], "segment": ["tous", "mda"], "n": [3, 1],
    ...                       "value": [0.5, 1.0], "ci_low": [0.1, 0.2], "ci_high": [0.9, 1.0], "rank": [1, 1]})
    >>> list(question_layout(rates, kind="rates", segment_labels={"tous": "Tous", "mda": "MDA"})[0].columns)[:3]
    ['Code', 'Libellé', 'Tous (n = 3)']
    """
    share = kind in {"rates", "distribution"}
    value_format = PERCENT if share else TWO_DECIMALS
    segments = list(dict.fromkeys(rates["segment"]))
    sizes = rates.groupby("segment", sort=False)["n"].max().to_dict()
    order = rates.sort_values(["rank", "item"]).drop_duplicates("item")
    words = _vocabulary()["layout"]
    out = pd.DataFrame({words["item"]: order["item"].tolist(), words["label"]: order["label"].tolist()})
    formats = {}
    for s in segments:
        rows = rates[rates["segment"] == s].set_index("item").reindex(order["item"])
        name = segment_labels.get(s, s)
        head = f"{name} (n = {int(sizes[s])})"
        low, high = words["low"].format(segment=name), words["high"].format(segment=name)
        out[head], out[low], out[high] = rows["value"].tolist(), rows["ci_low"].tolist(), rows["ci_high"].tolist()
        formats.update({head: value_format, low: value_format, high: value_format})
    tests = order.set_index("item")
    if "p_value" in tests.columns:
        out[words["p_value"]] = tests["p_value"].tolist()
        formats[words["p_value"]] = THREE_DECIMALS
    if "distinguishable" in tests.columns:
        out[words["distinguishable"]] = ["Oui" if bool(v) else "Non" for v in tests["distinguishable"]]
    return out, formats


def collect_sheets(processed: Path, codebook=None, tables: list[Path] | None = None) -> list[Sheet]:
    """Every sheet of the workbook but the index, in the order of the study, names made unique.

    ``tables``: the build's declared tables (default: every table of ``processed``), so that a table a
    notebook run by hand left behind never reaches the workbook.
    """
    if tables is None:
        tables = sorted(processed.glob("*.csv")) if processed.exists() else []
    tables = sorted((Path(t) for t in tables), key=_study_order)
    segment_labels = _segment_labels(codebook)
    taken, sheets = {_vocabulary()["index"]["name"]}, []

    def add(name, title, content, frame, formats, frozen=0):
        unique = sheet_name(name, taken)
        taken.add(unique)
        sheets.append(Sheet(unique, french_text(title), french_text(content), frame, formats, frozen))

    for path in tables:
        stem = path.stem
        name, title, content, frame, formats, kind = _tidy_sheet(stem, pd.read_csv(path), codebook)
        if kind in {"rates", "scores"}:
            entry = _vocabulary()["question_tables"]["layout"]
            number = int(stem[1 : stem.index("_")])
            wide, wide_formats = question_layout(pd.read_csv(path), kind=kind, segment_labels=segment_labels)
            wide = wide.rename(columns=french_text)
            wide_formats = {french_text(c): f for c, f in wide_formats.items()}
            add(
                entry["sheet"].format(number=number),
                entry["title"].format(number=number, title=_question_title(codebook, f"q{number}")),
                entry["content"],
                wide,
                wide_formats,
                frozen=2,
            )
        headers = {c: french_text(_header(c)) for c in frame.columns}
        add(name, title, content, frame.rename(columns=headers), {headers[c]: f for c, f in formats.items()})
    return sheets


def _study_order(path: Path) -> tuple:
    """The report's order: fixed tables as listed in labels_fr.yaml, the questions (table, data, printed,
    answers) and the corpora (words, context, distinctive words) where the markers stand."""
    words = _vocabulary()
    order = list(words["order"])
    stem = path.stem
    question = re.fullmatch(r"q(\d+)_(rates|scores|published_comparison|distribution)", stem)
    if question:
        parts = ["rates", "scores", "published_comparison", "distribution"]
        return (order.index("questions"), int(question.group(1)), parts.index(question.group(2)), stem)
    corpus = re.fullmatch(r"(words|kwic|distinctive)_(.+)", stem)
    if corpus:
        corpora = list(words["corpora"])
        rank = corpora.index(corpus.group(2)) if corpus.group(2) in corpora else len(corpora)
        return (order.index("corpora"), rank, ["words", "kwic", "distinctive"].index(corpus.group(1)), stem)
    return (order.index(stem) if stem in order else len(order), 0, 0, stem)


def _segment_labels(codebook) -> dict[str, str]:
    if codebook is None:
        return {}
    return {codebook.all_code: codebook.all_label, **dict(codebook.segments)}


# ----------------------------------------------------------------------------- writing
def _write_value(cell, value, number_format: str | None) -> None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        value = value.item()
    if isinstance(value, bool):
        value = "Oui" if value else "Non"
    if isinstance(value, (int, float)):
        if number_format == INTEGER and float(value).is_integer():
            value = int(value)
        cell.value = value
        if number_format:
            cell.number_format = number_format
        return
    text = _ILLEGAL.sub("", str(value))
    cell.value = text
    # never a formula: openpyxl would store "=..." as one; the quote prefix keeps Excel from
    # re-reading the text as a formula when someone edits the cell
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _fill_sheet(ws, frame: pd.DataFrame, formats: dict[str, str], frozen_columns: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, grey = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    for j, header in enumerate(frame.columns, start=1):
        cell = ws.cell(row=1, column=j)
        _write_value(cell, str(header), None)
        cell.font, cell.fill, cell.alignment = bold, grey, wrap
    widths = [min(max(len(str(h)) * 0.8, 8), 30) for h in frame.columns]
    texts: dict[tuple[int, int], str] = {}
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        for j, (header, value) in enumerate(zip(frame.columns, row), start=1):
            cell = ws.cell(row=i, column=j)
            fmt = formats.get(header)
            _write_value(cell, value, fmt[i - 2] if isinstance(fmt, list) else fmt)
            shown = len(str(value)) if isinstance(value, str) else 8
            widths[j - 1] = max(widths[j - 1], min(shown, WRAP_AT))
            cell.alignment = wrap if isinstance(value, str) and len(value) > WRAP_AT else top
            if isinstance(value, str) and len(value) > WRAP_AT:
                texts[i, j] = value
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = round(width + 2, 1)
    # spreadsheets do not grow a row for wrapped text on opening: give each row the lines its text needs
    lines = {1: max((_lines(str(h), widths[j]) for j, h in enumerate(frame.columns)), default=1)}
    for (i, j), text in texts.items():
        lines[i] = max(lines.get(i, 1), _lines(text, widths[j - 1]))
    for i, count in lines.items():
        if count > 1:
            ws.row_dimensions[i].height = 15 * count
    ws.freeze_panes = ws.cell(row=2, column=frozen_columns + 1)
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(len(frame) + 1, 2)}"


def _lines(text: str, width: float) -> int:
    """Lines a text takes in a column ``width`` characters wide (words wrap; an estimate, 10 % slack).

    >>> _lines("court", 30), _lines("mot " * 30, 30)
    (1, 5)
    """
    usable, count, used = max(int(width * 0.9), 1), 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > usable:
            count, used = count + 1, len(word)
        else:
            used += (1 if used else 0) + len(word)
    return count


def _index_frame(sheets: list[Sheet]) -> pd.DataFrame:
    words = _vocabulary()["index"]
    return pd.DataFrame(
        {
            words["sheet"]: [s.name for s in sheets],
            words["title"]: [s.title for s in sheets],
            words["content"]: [s.content for s in sheets],
        }
    )


def _fixed_date() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc).replace(tzinfo=None) if epoch else datetime(*_ZIP_DATE)


def build_workbook(sheets: list[Sheet]):
    """An openpyxl workbook: the index first, then every sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    book = Workbook()
    index = book.active
    words = _vocabulary()["index"]
    index.title = words["name"]
    if not sheets:
        sheets = [
            Sheet(
                sheet_name(words["empty_sheet"], {words["name"]}),
                words["empty_title"],
                words["empty_title"],
                pd.DataFrame({words["empty_title"]: []}),
            )
        ]
    _fill_sheet(index, _index_frame(sheets), {}, 0)
    for row, sheet in enumerate(sheets, start=2):
        link = index.cell(row=row, column=1)
        # an internal link (a location in this file), not a HYPERLINK formula
        quoted = sheet.name.replace("'", "''")
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!A1", display=sheet.name)
        link.font = Font(color="0563C1", underline="single")
        ws = book.create_sheet(sheet.name)
        _fill_sheet(ws, sheet.frame, sheet.formats, sheet.frozen_columns)
    props = book.properties
    props.creator = props.lastModifiedBy = "ciatstudy"
    props.title = _vocabulary()["document_title"]
    props.language = "fr-FR"
    props.created = props.modified = _fixed_date()
    return book


def _normalise_zip(source: Path, target: Path, replace: dict[str, bytes]) -> None:
    """Copy the archive with fixed entry dates (and ``replace``'s entries): the same workbook, the same bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            new.writestr(entry, replace.get(info.filename) or old.read(info.filename))


def write_workbook(paths, target: Path, codebook=None, tables: list[Path] | None = None) -> Path:
    """Write ``tables.xlsx`` from the wave's processed tables (see the module's docstring)."""
    from openpyxl.xml.functions import tostring

    book = build_workbook(collect_sheets(paths.processed, codebook, tables))
    with atomic_path(target) as tmp:
        raw = tmp.with_name(tmp.name + ".raw")
        try:
            book.save(raw)
            # openpyxl stamps the save time into docProps/core.xml: write the fixed properties back
            book.properties.modified = _fixed_date()
            core = tostring(book.properties.to_tree())
            _normalise_zip(raw, tmp, {"docProps/core.xml": core})
        finally:
            raw.unlink(missing_ok=True)
    return Path(target)

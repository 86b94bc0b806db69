"""How each survey tool lays out its export: header rows, question/sub-question names, metadata.

A layout turns a :class:`~ciatstudy.waves.importers.reading.Grid` into an
:class:`Export`: one :class:`Column` per column, each with the ways its header
can be read as *(question, row or option)*, and the data rows. The layouts:

``surveymonkey``
    "All responses data": two header rows. Row 1 holds the question (only on
    its first column; blank on the following ones), row 2 the option or matrix
    row (``Response`` / ``Open-Ended Response`` for a whole-question column).
    Metadata first: Respondent ID, Collector ID, dates, IP Address, Email
    Address, First Name, Last Name, Custom Data.
``limesurvey``
    "Export responses": one header row, question codes (``Q1[SQ001]``,
    ``Q2[other]``) or full texts (``Question [Sub-question]``); metadata
    ``id, submitdate, lastpage, startlanguage, seed, ipaddr, token...``.
``google``
    Google Forms / Sheets CSV: ``Timestamp``/``Horodateur`` first, grids as
    ``Question [Row]``, checkbox answers joined in one cell.
``kobo``
    KoboToolbox / ODK: XML names as ``group/question``, select_multiple as a
    space-separated cell and/or ``question/option`` 0/1 columns; metadata
    ``_id, _uuid, _submission_time, username, deviceid...``.
``plain``
    Already in codebook codes: one header row, ``respondent_id``, ``segment``
    and one column per item code.
"""

from __future__ import annotations

import functools
import re
import textwrap
from dataclasses import dataclass, field
from functools import cached_property

from ...errors import DataError
from ..privacy import normalise
from .reading import Grid, column_letter

FORMATS = ("surveymonkey", "limesurvey", "google", "kobo", "plain")
FORMAT_LABELS = {
    "surveymonkey": "SurveyMonkey (All responses data)",
    "limesurvey": "LimeSurvey (Export responses)",
    "google": "Google Forms (CSV)",
    "kobo": "KoboToolbox / ODK",
    "plain": "tableau en codes du codebook",
}

_SM_ID = ("respondent id", "respondentid", "id du repondant", "identifiant du repondant", "id de repondant")
_SM_WHOLE = ("response", "open-ended response", "reponse", "reponse ouverte", "open-ended", "reponse libre")
_LS_ID = ("id", "response id", "id de la reponse", "antwort id", "id reponse", "identifiant de la reponse")
_LS_META = (
    "submitdate",
    "date submitted",
    "date de soumission",
    "datum abgeschickt",
    "lastpage",
    "last page",
    "derniere page",
    "letzte seite",
    "startlanguage",
    "start language",
    "langue de depart",
    "start-sprache",
    "seed",
)
_GOOGLE_FIRST = ("timestamp", "horodateur", "marca temporal", "zeitstempel", "horodatage", "date et heure")
_KOBO_META = ("_uuid", "_id", "_submission_time", "meta/instanceid", "_index", "__version__", "_validation_status")
_BRACKETED = re.compile(r"^(?P<key>.*?)\s*\[(?P<sub>[^\[\]]*)\]\s*$", re.S)


@functools.lru_cache(maxsize=200_000)
def match_key(text: str) -> str:
    """Normalised form used to match headers and labels (see :func:`ciatstudy.waves.privacy.normalise`),
    without closing punctuation: ``"Autre :"`` and ``"autre"`` match.

    >>> match_key("Pensez-vous qu'il soit plus facile de coopérer… ")
    "pensez-vous qu'il soit plus facile de cooperer"
    """
    return normalise(text).rstrip(" .:;?!").strip()


@dataclass
class Column:
    index: int
    header: str  # as shown to the analyst
    readings: list[tuple[str, str | None]]  # (question, row/option) readings, most specific first
    letter: str = ""
    names: set[str] = field(default_factory=set)  # normalised exact names
    broad: set[str] = field(default_factory=set)  # normalised question keys of (question, sub) readings

    def __post_init__(self):
        self.letter = column_letter(self.index)
        self.names = {match_key(self.header)}
        for key, sub in self.readings:
            if sub is None:
                self.names.add(match_key(key))
            else:
                for joined in (f"{key} [{sub}]", f"{key}[{sub}]", f"{key}/{sub}"):
                    self.names.add(match_key(joined))
                self.broad.add(match_key(key))

    @cached_property
    def where(self) -> str:
        """How an error names the column: its letter and (shortened) header."""
        return f"{self.letter} ({textwrap.shorten(self.header, 90, placeholder='…')})"


@dataclass
class Export:
    grid: Grid
    format: str
    columns: list[Column]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells) of the data rows
    header_rows: int

    @property
    def file(self) -> str:
        return self.grid.file


# --------------------------------------------------------------------------- signatures
def _norm_cells(row) -> list[str]:
    return [match_key(c) for c in row]


def _signature(grid: Grid, fmt: str) -> str | None:
    """None when the grid looks like ``fmt``, else why not."""
    head = _norm_cells(grid.rows[0])
    if fmt == "surveymonkey":
        # Row 2 (options) is checked by the layout itself, which can then say "row 2" precisely.
        return None if any(h in _SM_ID for h in head) else "no 'Respondent ID' column in row 1"
    if fmt == "limesurvey":
        if not any(h in _LS_ID for h in head):
            return "no response id column ('id' or 'Response ID')"
        if not any(h in _LS_META for h in head):
            return "no LimeSurvey metadata column (submitdate, lastpage, startlanguage)"
        return None
    if fmt == "google":
        return None if head and head[0] in _GOOGLE_FIRST else "the first column is not 'Timestamp' / 'Horodateur'"
    if fmt == "kobo":
        return (
            None
            if any(h in _KOBO_META for h in head)
            else "no KoboToolbox metadata column (_id, _uuid, _submission_time)"
        )
    if fmt == "plain":
        if any(h in _SM_ID for h in head) or any(h in _KOBO_META for h in head) or (head and head[0] in _GOOGLE_FIRST):
            return "it carries a survey tool's metadata columns"
        return None if "segment" in head else "no 'segment' column"
    raise ValueError(f"unknown format {fmt!r}")


def sniff_format(grid: Grid) -> str | None:
    """The format a grid looks like, or None."""
    for fmt in ("surveymonkey", "kobo", "google", "limesurvey", "plain"):
        if _signature(grid, fmt) is None:
            return fmt
    return None


# --------------------------------------------------------------------------- layouts
def _bracketed(header: str) -> list[tuple[str, str | None]]:
    m = _BRACKETED.match(header)
    if m and m.group("key").strip():
        return [(m.group("key").strip(), m.group("sub").strip()), (header, None)]
    return [(header, None)]


def _surveymonkey(grid: Grid) -> tuple[list[Column], int]:
    top = grid.rows[0]
    second = grid.rows[1] if len(grid.rows) > 1 else [""] * len(top)
    id_index = next(i for i, h in enumerate(top) if match_key(h) in _SM_ID)
    if second[id_index].strip() or not any(v.strip() for v in second):
        raise DataError(
            "the second header row (options and matrix rows) is missing: row 2 already holds answers; "
            "export 'All responses data' with both header rows",
            file=grid.file,
            row=2,
            column=f"{column_letter(id_index)} ({top[id_index]})",
        )
    columns, current = [], ""
    for i, (q, sub) in enumerate(zip(top, second)):
        q, sub = q.strip(), sub.strip()
        if q:
            current = q
        elif not current:
            current = f"Column {column_letter(i)}"
        if not sub or match_key(sub) in _SM_WHOLE:
            columns.append(Column(i, current, [(current, None)]))
        else:
            columns.append(Column(i, f"{current} [{sub}]", [(current, sub)]))
    return columns, 2


def _single_header(grid: Grid, reader) -> tuple[list[Column], int]:
    return [
        Column(i, h.strip() or f"Column {column_letter(i)}", reader(h.strip(), i)) for i, h in enumerate(grid.rows[0])
    ], 1


def _kobo_readings(headers: list[str]):
    present = {h.strip() for h in headers}

    def reader(header: str, _i: int):
        parts = header.split("/")
        readings = [(header, None)]
        if len(parts) >= 2:
            parent = "/".join(parts[:-1])
            if parent in present:  # select_multiple split column: question/option
                readings = [(parent, parts[-1]), (parts[-2], parts[-1]), (header, None)]
            else:  # group/question (or group/row of a matrix group)
                readings += [(parts[-1], None), (parent, parts[-1]), (parts[-2], parts[-1])]
        return readings

    return reader


def parse(grid: Grid, fmt: str) -> Export:
    """Read the header rows of ``grid`` as the survey tool ``fmt`` writes them.

    Raises
    ------
    DataError
        The grid does not look like ``fmt`` (the message names the format it
        looks like), a header row is missing, or there is no data row.
    """
    if fmt not in FORMATS:
        raise DataError(
            f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}", file=grid.file, row=1, column="A"
        )
    why = _signature(grid, fmt)
    if why:
        guess = sniff_format(grid)
        hint = f"; it looks like a {guess} export: use --format {guess}" if guess and guess != fmt else ""
        raise DataError(
            f"this does not look like a {FORMAT_LABELS[fmt]} export: {why}{hint}",
            file=grid.file,
            row=1,
            column=f"A ({textwrap.shorten(grid.rows[0][0] or '', 60) or 'empty'})",
        )
    if fmt == "surveymonkey":
        columns, header_rows = _surveymonkey(grid)
    elif fmt in ("limesurvey", "google"):
        columns, header_rows = _single_header(grid, lambda h, i: _bracketed(h))
    elif fmt == "kobo":
        columns, header_rows = _single_header(grid, _kobo_readings(grid.rows[0]))
    else:
        columns, header_rows = _single_header(grid, lambda h, i: [(h, None)])
    seen = {}
    for c in columns:
        if c.header in seen and fmt != "surveymonkey":
            raise DataError("duplicated column header", file=grid.file, row=1, column=c.where)
        seen[c.header] = c
    rows = [(n, r) for n, r in zip(grid.numbers[header_rows:], grid.rows[header_rows:]) if any(v.strip() for v in r)]
    if not rows:
        raise DataError(
            "the export has its header but no response", file=grid.file, row=header_rows + 1, column=columns[0].where
        )
    return Export(grid, fmt, columns, rows, header_rows)

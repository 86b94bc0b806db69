"""``ciatstudy import``: bring a survey-tool export in as a new wave, without personal data.

::

    ciatstudy import export.csv --format surveymonkey --wave 2025 [--mapping m.yaml] [--key-file ~/k]
    ciatstudy import export.csv --format surveymonkey --wave 2025 --suggest-mapping m.yaml

reads the export (SurveyMonkey, LimeSurvey, Google Forms, KoboToolbox, or a
plain table in codebook codes; CSV in any usual encoding and delimiter, or
XLSX), maps it onto the questionnaire's codebook — what the mapping does not
say exactly is matched automatically by wording and answer shape
(:mod:`.matching`), every match shown with its score; ambiguous or missing
matches stop the import, all listed at once —, drops personal data, and
writes ``data/raw/<wave>/``:

``codebook.yaml``
    the questionnaire's codebook, with this wave's metadata and
    ``responses: {file: responses.csv, reconstructed: false}``;
``responses.csv``
    one row per respondent: id, segment, one column per item (3/2/1, 1/0, empty);
``quotes.csv``
    the free-text answers (``quote_id, respondent_id, segment, corpus, text,
    source``), with identifiers replaced by tags such as ``[courriel]``;
``datapackage.json``
    describes both tables (Frictionless Data);
``README.md``
    where and when the export came from (file, format, SHA-256, date), what
    was dropped and why, and the command that made the folder.

Everything is built in a temporary folder next to the target, validated with
:func:`ciatstudy.data.io.load_wave`, and moved into place in one rename: a failed
import leaves nothing behind. An existing wave is never overwritten.

Examples
--------
>>> FORMATS
('surveymonkey', 'limesurvey', 'google', 'kobo', 'plain')
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ...data.codebook import Codebook
from ...data.config import Paths, check_wave_name, project_root
from ...errors import DataError
from ..privacy import Redactor, key_id, load_key, normalise, pseudonym, recorded_file_name, redaction_summary
from .decode import Plan, Respondent, assign_roles, decode_rows
from .layouts import FORMAT_LABELS, FORMATS, Export, parse
from .mapping import Mapping, load_mapping
from .matching import Matching, MatchError, match_export
from .suggest import suggestion_yaml
from .reading import read_grid

__all__ = [
    "FORMATS",
    "ImportSummary",
    "import_export",
    "suggest_mapping",
    "read_export",
    "configure_parser",
    "run_import",
]

_LINK_ORDER = ("email", "structure", "name")


@dataclass
class ImportSummary:
    """What an import did, for the terminal and the wave's README."""

    wave: str
    folder: Path
    source: str
    format: str
    sha256: str
    size: int
    reading: str
    respondents: int
    segments: dict[str, int]
    answered: dict[str, int]  # question -> respondents answering it
    quotes: int
    redactions: int
    identifiers: list[tuple[str, str]]  # (column, kind) dropped
    ignored: list[str]
    unmapped: list[str]
    missing_items: dict[str, list[str]]
    absent_questions: list[str]
    skipped_rows: list[int]
    other_texts_dropped: int
    pseudonymised: bool
    key_id: str = ""
    unlinked: int = 0
    mapping_files: list[str] = field(default_factory=list)
    submitted: tuple[str, str] | None = None
    redaction_counts: dict[str, int] = field(default_factory=dict)  # kind -> identifiers replaced in free text
    matches: list[str] = field(default_factory=list)  # automatic matches, as shown
    mapping_notes: list[str] = field(default_factory=list)  # what the analyst's mapping replaced
    corpora: dict[str, int] = field(default_factory=dict)  # free-text corpus -> answers kept
    ticked_nothing: dict[str, int] = field(default_factory=dict)  # choose-any question -> respondents ticking none
    bases: dict[str, str] = field(default_factory=dict)  # choose-any question -> codebook base

    def text(self) -> str:
        """The validation summary printed by ``ciatstudy import``."""
        seg = ", ".join(f"{k} {v}" for k, v in self.segments.items())
        lines = [
            f"imported {self.source} ({FORMAT_LABELS[self.format]}, {self.reading}) as wave {self.wave}: "
            f"valid — {self.respondents} respondents ({seg})",
            f"  written to {self.folder}: codebook.yaml, responses.csv, "
            f"{'quotes.csv, ' if self.quotes else ''}datapackage.json, README.md",
            "  answers per question: " + ", ".join(f"{q} {n}" for q, n in self.answered.items()),
        ]
        if self.ticked_nothing:
            lines.append(
                "  ticked no option (choose-any; base in parentheses): "
                + ", ".join(f"{q} {n} ({self.bases.get(q, 'segment')})" for q, n in self.ticked_nothing.items())
            )
        if self.quotes:
            lines.append(
                f"  free text: {self.quotes} answers kept in quotes.csv"
                + (
                    f", {self.redactions} identifiers inside them replaced: " + redaction_summary(self.redaction_counts)
                    if self.redactions
                    else ""
                )
            )
        ids = (
            "pseudonymised (HMAC-SHA256, key " + self.key_id + ")" if self.pseudonymised else "numbered in export order"
        )
        lines.append(
            f"  respondent ids: {ids}"
            + (f"; {self.unlinked} without e-mail, structure or name kept a plain number" if self.unlinked else "")
        )
        if self.identifiers:
            lines.append(
                f"  personal data dropped ({len(self.identifiers)} columns): "
                + "; ".join(f"{c} [{k}]" for c, k in self.identifiers)
            )
        if self.matches:
            lines.append(f"  matched automatically ({len(self.matches)}; score 1,00 = identical once folded):")
            lines += [f"    {m}" for m in self.matches]
        for note in self.mapping_notes:
            lines.append(f"  mapping: {note}")
        if self.ignored:
            lines.append(f"  metadata not imported ({len(self.ignored)}): " + "; ".join(self.ignored))
        if self.absent_questions:
            lines.append("  questions not asked in this wave (mapping): " + ", ".join(self.absent_questions))
        for q, items in self.missing_items.items():
            lines.append(f"  WARNING {q}: items not in the export, imported as no answer: {', '.join(items)}")
        if self.unmapped:
            lines.append(
                f"  WARNING unmapped columns, NOT imported ({len(self.unmapped)}): " + "; ".join(self.unmapped)
            )
        if self.skipped_rows:
            lines.append(
                "  empty responses skipped (no segment, no answer): rows " + ", ".join(map(str, self.skipped_rows))
            )
        if self.other_texts_dropped:
            lines.append(
                f"  WARNING {self.other_texts_dropped} 'other' texts have no corpus in the mapping and were not kept"
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------- reading
def read_export(file: str | os.PathLike, format: str) -> Export:
    """Read an export file and its header rows (no mapping yet): for inspection and tests.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "formulaire.csv"
    >>> _ = path.write_text("Horodateur,Votre structure est-elle une MDA ?,Q1 [Ligne un]\\n"
    ...                     "03/03/2025 10:00:00,Oui,D'accord\\n", encoding="utf-8")
    >>> export = read_export(path, "google")
    >>> [c.readings[0] for c in export.columns]
    [('Horodateur', None), ('Votre structure est-elle une MDA ?', None), ('Q1', 'Ligne un')]
    """
    path = Path(file)
    return parse(read_grid(path, display=path.name), format)


def _questionnaire(root: Path, questionnaire: str | os.PathLike | None) -> tuple[Codebook, dict]:
    from ...data.io import load_codebook

    path = Path(questionnaire) if questionnaire else Paths.for_wave("2014", root).raw / "codebook.yaml"
    codebook = load_codebook(path)
    return codebook, yaml.load(
        path.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )  # noqa: S506 - safe


# --------------------------------------------------------------------------- building the wave
def _ids(respondents: list[Respondent], wave: str, key: bytes | None, export: Export) -> tuple[list[str], int]:
    if key is None:
        return [f"{wave}-{i:03d}" for i in range(1, len(respondents) + 1)], 0
    ids, unlinked, seen = [], 0, {}
    for i, r in enumerate(respondents, start=1):
        by_kind: dict[str, list[tuple[str, object]]] = {}
        for kind, value, col in r.identifiers:
            by_kind.setdefault(kind, []).append((value, col))
        source = next(((kind, by_kind[kind]) for kind in _LINK_ORDER if kind in by_kind), None)
        if source is None:
            ids.append(f"{wave}-{i:03d}")
            unlinked += 1
            continue
        kind, values = source
        # One e-mail or structure (the first given: tools may repeat it); a name may be split in columns.
        value = " ".join(dict.fromkeys(v for v, _ in values)) if kind == "name" else values[0][0]
        pid = pseudonym(value, key, kind=kind)
        if pid in seen:
            raise DataError(
                f"duplicated respondent: the same {kind} as row {seen[pid]} (linkage would merge them); "
                "remove the duplicate response in the survey tool and export again",
                file=export.file,
                row=r.row,
                column=values[0][1].where,
            )
        seen[pid] = r.row
        ids.append(pid)
    return ids, unlinked


def _check_duplicate_emails(respondents: list[Respondent], export: Export) -> None:
    seen: dict[str, int] = {}
    for r in respondents:
        for kind, value, col in r.identifiers:
            if kind == "email" and "@" in value:
                key = normalise(value)
                if key in seen and seen[key] != r.row:
                    raise DataError(
                        f"duplicated respondent: the same e-mail address as row {seen[key]}; remove the "
                        "duplicate response in the survey tool and export again",
                        file=export.file,
                        row=r.row,
                        column=col.where,
                    )
                seen.setdefault(key, r.row)


def _redactor(respondents: list[Respondent]) -> Redactor:
    known: dict[str, str] = {}
    for r in respondents:
        for kind, value, _ in r.identifiers:
            if kind in ("ip", "location", "role"):
                continue
            known[value] = kind
            if kind == "name":
                for token in re.split(r"[\s,;/]+", value):
                    if len(token) >= 3 and token[:1].isupper():
                        known.setdefault(token, "name")
    return Redactor(known)


def _responses_frame(respondents, ids, codebook: Codebook) -> pd.DataFrame:
    rows = []
    for rid, r in zip(ids, respondents):
        row = {codebook.id_column: rid, codebook.segment_variable: r.segment}
        row.update({code: "" if r.answers[code] is None else str(r.answers[code]) for code in codebook.item_codes})
        rows.append(row)
    return pd.DataFrame(rows, columns=codebook.response_columns(), dtype=object)


def _quotes_frame(respondents, ids, redactor: Redactor, fmt: str) -> tuple[pd.DataFrame, int]:
    rows, dropped = [], 0
    for rid, r in zip(ids, respondents):
        for corpus, text, col in r.texts:
            if corpus is None:
                dropped += 1
                continue
            clean = redactor.redact(text).replace("\r\n", "\n").strip()
            if clean:
                rows.append(
                    {
                        "quote_id": f"t{len(rows) + 1:03d}",
                        "respondent_id": rid,
                        "segment": r.segment,
                        "corpus": corpus,
                        "text": clean,
                        "source": f"{FORMAT_LABELS[fmt]}, colonne {col.where}",
                    }
                )
    return pd.DataFrame(
        rows, columns=["quote_id", "respondent_id", "segment", "corpus", "text", "source"], dtype=object
    ), dropped


def _without_questionnaire_texts(raw: dict, answers: dict[str, int] | None = None) -> dict:
    """The questionnaire's questions and free-text entries without what they say of its own wave.

    A question's ``note`` and ``source`` and a corpus's ``source`` describe the questionnaire wave's
    publication (2014: « Annexe III, Question 3 », what its print omitted); ``texts`` and
    ``interview_grid`` too. A new wave's report must not repeat them (issue 13), so they are left
    out of its codebook; the wordings, items, labels and bases stay.

    >>> raw = {"questions": [{"id": "q3", "kind": "multi", "note": "1 + 3 + 9 = 13", "source": "Annexe III",
    ...        "items": []}], "free_text": [{"id": "definition", "source": "Annexe III"}], "texts": {"a": "b"}}
    >>> out = _without_questionnaire_texts(raw)
    >>> out["questions"], out["free_text"], out["texts"]
    ([{'id': 'q3', 'kind': 'multi', 'items': []}], [{'id': 'definition'}], {})
    """
    drop = {"note", "source"}
    return {
        "questions": [{k: v for k, v in q.items() if k not in drop} for q in raw.get("questions", [])],
        "free_text": [{k: v for k, v in f.items() if k not in drop} for f in raw.get("free_text") or []],
        "texts": {},
        "interview_grid": None,
    }


def _codebook_dict(raw: dict, wave: str, summary: ImportSummary, sizes: dict[str, int], today: str) -> dict:
    data = dict(raw)
    # The questionnaire wave's front matter (its study's reference, what it published, what is not
    # rebuilt) describes that study, not this export: the new wave's report must not repeat it.
    data.pop("report", None)
    data.update(_without_questionnaire_texts(raw))

    def lower_first(text: str) -> str:
        return text[:1].lower() + text[1:] if text[1:2].islower() else text

    seg_text = " et ".join(
        f"{sizes[level['code']]} {lower_first(level.get('description') or level['label'])} ({level['label']})"
        for level in raw["segments"]["levels"]
    )
    data["wave"] = wave
    data["title"] = f"{raw.get('title', 'Enquête')} — vague {wave}"
    if summary.submitted:
        first, last = summary.submitted
        data["date"] = first if first == last else f"{first}/{last}"  # ISO 8601 interval
        data["period"] = {
            "first": first,
            "last": last,
            "note": "Premier et dernier envoi d'une réponse, d'après l'export (jamais la date de l'import).",
        }
    else:
        data["date"] = "non précisée (l'export ne donne pas la date des réponses)"
        data.pop("period", None)
    data["population"] = f"{summary.respondents} structures ayant répondu au questionnaire : {seg_text}"
    data["source"] = (
        f"Export {FORMAT_LABELS[summary.format]} « {summary.source} » (SHA-256 {summary.sha256}), "
        f"importé le {today} par ciatstudy import"
    )
    data["published_rounding"] = {
        "decimals": int((raw.get("published_rounding") or {}).get("decimals", 2)),
        "method": "half_up",
        "note": "Affichage à deux décimales, arrondi au demi supérieur, comme le rapport de 2014.",
    }
    segments = dict(raw["segments"])
    segments["levels"] = [{**level, "n": sizes[level["code"]]} for level in raw["segments"]["levels"]]
    data["segments"] = segments
    data["responses"] = {
        "file": "responses.csv",
        "id_column": raw.get("responses", {}).get("id_column", "respondent_id"),
        "reconstructed": False,
        "pseudonymised": summary.pseudonymised,
        **({"key_id": summary.key_id} if summary.pseudonymised else {}),
    }
    data["import"] = {
        "file": summary.source,
        "format": summary.format,
        "sha256": summary.sha256,
        "imported": today,
        "mapping": summary.mapping_files,
        "questionnaire_wave": str(raw.get("wave", "")),
    }
    for corpus in data["free_text"]:  # the plan leaves out a corpus with no answer (ciatstudy.pipeline.sections)
        corpus["answers"] = int(summary.corpora.get(str(corpus["id"]), 0))
    return {k: v for k, v in data.items() if v is not None and v != {}}


def _field(name, ftype, description, **constraints):
    spec = {"name": name, "type": ftype, "description": description}
    if constraints:
        spec["constraints"] = constraints
    return spec


def _datapackage(wave: str, codebook: Codebook, has_quotes: bool, summary: ImportSummary) -> dict:
    corpora = [str(f.get("id")) for f in (codebook.raw.get("free_text") or [])]
    fields = [
        _field(
            codebook.id_column,
            "string",
            "Respondent id: keyed pseudonym (p-…) or number in export order; never the survey tool's own id.",
            required=True,
            unique=True,
        ),
        _field(
            codebook.segment_variable,
            "string",
            "Segment code of the codebook.",
            required=True,
            enum=codebook.segment_codes,
        ),
    ]
    for q in codebook.questions:
        values = [3, 2, 1] if q.kind == "agreement3" else [1, 0]
        for code, label in q.items:
            fields.append(_field(code, "integer", f"{q.id} ({q.kind}): {label}", enum=values))
    resources = [
        {
            "name": "responses",
            "path": "responses.csv",
            "title": f"Réponses de la vague {wave}",
            "description": "One row per respondent, one column per item of the codebook: 3/2/1 for agreement items, "
            "1/0 for choices, empty for no answer. Imported from the survey tool's export; no personal data.",
            "sources": [{"title": f"{summary.source} ({FORMAT_LABELS[summary.format]})"}],
            "format": "csv",
            "encoding": "utf-8",
            "schema": {"fields": fields, "primaryKey": [codebook.id_column]},
        }
    ]
    if has_quotes:
        resources.append(
            {
                "name": "quotes",
                "path": "quotes.csv",
                "title": f"Réponses libres de la vague {wave}",
                "description": "Free-text answers, one row per answer; e-mails, phone numbers, IP addresses and the names, "
                "structures and e-mails given elsewhere in the export are replaced by tags.",
                "sources": [{"title": f"{summary.source} ({FORMAT_LABELS[summary.format]})"}],
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        _field(
                            "quote_id", "string", "t001, t002… in export order.", required=True, pattern="^t[0-9]{3,}$"
                        ),
                        _field("respondent_id", "string", "Respondent id, as in responses.csv.", required=True),
                        _field("segment", "string", "Segment code.", required=True, enum=codebook.segment_codes),
                        _field(
                            "corpus",
                            "string",
                            "Free-text question (codebook free_text id).",
                            required=True,
                            enum=corpora,
                        ),
                        _field("text", "string", "The answer, identifiers replaced by tags.", required=True),
                        _field("source", "string", "Export and column the answer comes from.", required=True),
                    ],
                    "primaryKey": ["quote_id"],
                },
            }
        )
    return {
        "name": f"ciat-{wave}".lower(),
        "title": f"Enquête CIAT — vague {wave} (import d'un export d'enquête)",
        "description": f"Wave {wave} of ciatstudy, imported by `ciatstudy import` from {summary.source}. See README.md.",
        "resources": resources,
    }


def _readme(summary: ImportSummary, wave: str, today: str, command: str) -> str:
    def bullet(items):
        items = list(items)
        return "\n".join(f"- {i}" for i in items) if items else "- (none)"

    ids = (
        f"keyed pseudonyms `p-…` (HMAC-SHA256 of the normalised e-mail, else structure, else name; key "
        f"`{summary.key_id}` kept outside the repository): the same respondent gets the same id in every wave "
        f"imported with this key"
        if summary.pseudonymised
        else f"numbers in export order (`{wave}-001`…); the survey tool's own response ids are not kept"
    )
    period = f"{summary.submitted[0]} to {summary.submitted[1]}" if summary.submitted else "not given by the export"
    return f"""# Wave {wave} — raw data (imported)

**Imported, not edited.** These files were written by `ciatstudy import` on {today}; do not edit them by
hand: fix the mapping and import again (remove this folder first).

## Source
| | |
|---|---|
| export file | `{summary.source}` |
| format | {FORMAT_LABELS[summary.format]} (`--format {summary.format}`), {summary.reading} |
| SHA-256 | `{summary.sha256}` |
| size | {summary.size} bytes |
| responses submitted | {period} |
| imported | {today} |
| mapping | {", ".join(f"`{m}`" for m in summary.mapping_files)} |
| automatic matches | {len(summary.matches)} (listed below) |
| command | `{command}` |

The export itself holds personal data and is **not** part of this folder: keep it where the survey
tool's data are kept, outside the repository.

## Files
| file | what it is |
|---|---|
| `codebook.yaml` | the questionnaire's codebook (questions, items, labels, segments) with this wave's metadata; `responses.reconstructed: false` |
| `responses.csv` | {summary.respondents} respondents ({", ".join(f"{k} {v}" for k, v in summary.segments.items())}): id, segment, one column per item (3/2/1 agreement, 1/0 choices, empty = no answer) |
| `quotes.csv` | {summary.quotes} free-text answers by corpus, identifiers replaced by tags ({summary.redactions} replaced) |
| `datapackage.json` | Frictionless description of both tables, checked by `load_wave` |

## Respondent ids
{ids}.

## Personal data dropped
Direct identifiers are not imported (columns, with the kind recognised):
{bullet(f"`{c}` ({k})" for c, k in summary.identifiers)}

## Metadata not imported
{bullet(f"`{c}`" for c in summary.ignored)}

## Not imported because the mapping does not cover them
{bullet(f"`{c}`" for c in summary.unmapped)}

## Items missing from the export (imported as no answer)
{bullet(q + ": " + ", ".join(items) for q, items in summary.missing_items.items())}

## Questions not asked in this wave
{bullet(summary.absent_questions)}

## Matched automatically (wording and answer shape, score 0–1)
{bullet(f"`{m}`" for m in summary.matches)}

## Empty responses skipped (no segment and no answer)
{bullet(f"row {n}" for n in summary.skipped_rows)}
"""


def _submitted(export: Export) -> tuple[str, str] | None:
    """First and last submission day (ISO), from the tool's timestamp column, if any."""
    # The submission itself first (KoboToolbox also writes when the form was closed on the device: "end").
    names = [
        "_submission_time",
        "submitdate",
        "date submitted",
        "date de soumission",
        "timestamp",
        "horodateur",
        "end date",
        "date de fin",
        "end",
        "datestamp",
    ]
    columns = sorted(
        (c for c in export.columns if c.header.strip().casefold() in names),
        key=lambda c: names.index(c.header.strip().casefold()),
    )
    for col in columns:
        header = col.header.strip().casefold()
        texts = [cells[col.index].strip() for _, cells in export.rows if cells[col.index].strip()]
        slashed = [
            tuple(int(g) for g in m.groups()) for t in texts if (m := re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})", t))
        ]
        # dd/mm/yyyy (French Google Forms) or mm/dd/yyyy (SurveyMonkey, English Google Forms): decided by
        # the values themselves when one of them is unambiguous, else by the tool and the header's language.
        if any(a > 12 for a, _, _ in slashed):
            day_first = True
        elif any(b > 12 for _, b, _ in slashed):
            day_first = False
        else:
            day_first = export.format != "surveymonkey" and header != "timestamp"
        days = []
        for t in texts:
            m = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})", t)  # ISO (LimeSurvey, Kobo), SurveyMonkey y/m/d
            if m:
                y, mo, d = (int(g) for g in m.groups())
                days.append(f"{y:04d}-{mo:02d}-{d:02d}")
                continue
            m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", t)
            if m:
                days.append("-".join(m.groups()))
                continue
            m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})", t)
            if m:
                a, b, y = (int(g) for g in m.groups())
                day, month = (a, b) if day_first else (b, a)
                days.append(f"{y:04d}-{month:02d}-{day:02d}")
        if days:
            return min(days), max(days)
    return None


def import_export(
    file: str | os.PathLike,
    *,
    format: str,
    wave: str,
    mapping: str | os.PathLike | None = None,
    key_file: str | os.PathLike | None = None,
    root: str | os.PathLike | None = None,
    questionnaire: str | os.PathLike | None = None,
    link: bool | None = None,
    command: str | None = None,
) -> ImportSummary:
    """Import a survey-tool export as wave ``wave``: see the module docstring.

    Parameters
    ----------
    file : path
        The export (CSV or XLSX).
    format : {"surveymonkey", "limesurvey", "google", "kobo", "plain"}
    wave : str
        Name of the new wave (folder ``data/raw/<wave>/``, which must not exist).
    mapping : path, optional
        YAML laid over the format's default mapping (see :mod:`.mapping`).
    key_file : path, optional
        Pseudonymisation key (outside the repository). Giving one, or setting
        ``CIATSTUDY_PSEUDONYM_KEY``/``_FILE``, asks for keyed pseudonyms.
    root : path, optional
        Project root (default: ``CIATSTUDY_ROOT`` or the package's checkout).
    questionnaire : path, optional
        Codebook of the questionnaire (default: wave 2014's).
    link : bool, optional
        Force (True) or refuse (False) pseudonyms; default: whether a key is available.

    Returns
    -------
    ImportSummary

    Raises
    ------
    DataError
        Any problem with the export, the mapping or the key, naming the file,
        row and column; nothing is written then.
    """
    root = Path(root) if root else project_root()
    if format not in FORMATS:
        raise DataError(
            f"unknown format {format!r}; expected one of {', '.join(FORMATS)}", file=Path(file).name, row=1, column="A"
        )
    try:
        check_wave_name(wave)  # the one check of every command that takes a wave
    except ValueError as exc:
        raise DataError(str(exc)) from None
    target = Paths.for_wave(str(wave), root).raw
    if target.exists():
        raise DataError(
            f"wave {wave} already exists ({target}); raw data are read-only: choose another wave name, "
            "or remove the folder to import again"
        )
    codebook, raw_codebook = _questionnaire(root, questionnaire)
    maps: Mapping = load_mapping(format, codebook, mapping)
    if link is None:
        link = bool(
            key_file or os.environ.get("CIATSTUDY_PSEUDONYM_KEY") or os.environ.get("CIATSTUDY_PSEUDONYM_KEY_FILE")
        )
    key = load_key(key_file, repository=root) if link else None

    export = read_export(file, format)
    found: Matching = match_export(export, maps, codebook)
    if found.problems:
        raise MatchError(export.file, found.problems)
    plan: Plan = assign_roles(export, maps, codebook)
    respondents, skipped = decode_rows(export, plan, maps, codebook)
    _check_duplicate_emails(respondents, export)
    ids, unlinked = _ids(respondents, str(wave), key, export)
    responses = _responses_frame(respondents, ids, codebook)
    quotes, dropped = _quotes_frame(respondents, ids, redactor := _redactor(respondents), format)

    sizes = {code: int((responses[codebook.segment_variable] == code).sum()) for code in codebook.segment_codes}
    answered = {}
    for q in codebook.questions:
        cols = responses[q.codes]
        answered[q.id] = int((cols != "").any(axis=1).sum())
    roles = plan.roles
    summary = ImportSummary(
        wave=str(wave),
        folder=target,
        source=recorded_file_name(export.file, export.grid.sha256, redactor),
        format=format,
        sha256=export.grid.sha256,
        size=export.grid.size,
        reading=", ".join(export.grid.notes) or export.grid.container.upper(),
        respondents=len(respondents),
        segments=sizes,
        answered=answered,
        quotes=len(quotes),
        redactions=redactor.count,
        redaction_counts=dict(redactor.counts),
        identifiers=[(c.where, roles[c.index].identifier) for c in plan.of("identifier")],
        ignored=[c.where for c in plan.of("ignore")],
        unmapped=[c.where for c in plan.of("unmapped")],
        missing_items=plan.missing_items,
        absent_questions=[q for q, m in maps.questions.items() if m.absent],
        skipped_rows=skipped,
        other_texts_dropped=dropped,
        pseudonymised=key is not None,
        key_id=key_id(key) if key else "",
        unlinked=unlinked,
        mapping_files=maps.files,
        submitted=_submitted(export),
        matches=[m.line() for m in found.fuzzy()],
        mapping_notes=maps.notes,
        corpora={str(k): int(v) for k, v in quotes["corpus"].value_counts().items()},
        ticked_nothing={q.id: len(respondents) - answered[q.id] for q in codebook.questions if q.kind != "agreement3"},
        bases={q.id: q.base for q in codebook.questions if q.kind != "agreement3"},
    )
    today = _dt.date.today().isoformat()
    command = command or (
        f"ciatstudy import {summary.source} --format {format} --wave {wave}"
        + (f" --mapping {Path(mapping).name}" if mapping else "")
        + (" --key-file <key outside the repository>" if key else "")
    )
    _write_wave(target, summary, responses, quotes, raw_codebook, codebook, sizes, today, command)
    return summary


def suggest_mapping(
    file: str | os.PathLike,
    *,
    format: str,
    output: str | os.PathLike,
    mapping: str | os.PathLike | None = None,
    root: str | os.PathLike | None = None,
    questionnaire: str | os.PathLike | None = None,
) -> Matching:
    """Write the complete mapping that automatic matching finds for ``file``, for review; write nothing else.

    The YAML names the segment, every question, item and answer label the
    export uses (exact ones included, so the file is complete on its own),
    with each match's score as a comment, the doubtful ones marked
    ``REVIEW``, and the columns matched to nothing listed at the end. Passed
    back with ``--mapping``, it gives the same wave as the automatic import.

    Returns
    -------
    Matching
        What was found (the problems are written in the file, not raised).
    """
    from ...data.io import atomic_path

    root = Path(root) if root else project_root()
    if format not in FORMATS:
        raise DataError(
            f"unknown format {format!r}; expected one of {', '.join(FORMATS)}", file=Path(file).name, row=1, column="A"
        )
    codebook, _ = _questionnaire(root, questionnaire)
    maps: Mapping = load_mapping(format, codebook, mapping)
    export = read_export(file, format)
    found = match_export(export, maps, codebook)
    target = Path(output)
    if target.resolve() == Path(file).resolve():
        raise DataError("--suggest-mapping would overwrite the export itself; name another file", file=str(output))
    # The analyst chooses where the mapping goes (like synth's --output): not one of the project's outputs.
    with atomic_path(target) as tmp:
        tmp.write_text(suggestion_yaml(export, found, codebook), encoding="utf-8")
    return found


def _write_wave(
    target: Path,
    summary: ImportSummary,
    responses: pd.DataFrame,
    quotes: pd.DataFrame,
    raw_codebook: dict,
    codebook: Codebook,
    sizes: dict,
    today: str,
    command: str,
) -> None:
    from ...data.io import load_wave, write_csv, write_text

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=target.parent))
    try:
        cb = _codebook_dict(raw_codebook, summary.wave, summary, sizes, today)
        write_text(
            "# Codebook of wave " + summary.wave + ", written by `ciatstudy import` from the questionnaire's "
            "codebook (see README.md).\n" + yaml.safe_dump(cb, sort_keys=False, allow_unicode=True, width=100),
            staging / "codebook.yaml",
        )
        write_csv(responses, staging / "responses.csv")
        if len(quotes):
            write_csv(quotes, staging / "quotes.csv")
        package = _datapackage(summary.wave, codebook, bool(len(quotes)), summary)
        write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", staging / "datapackage.json")
        write_text(_readme(summary, summary.wave, today, command), staging / "README.md")
        load_wave(staging)  # the same checks as every later load
        os.chmod(staging, 0o755)
        try:
            os.rename(staging, target)
        except OSError as exc:
            raise DataError(
                f"could not move the new wave into place ({exc}); nothing was written", file=str(target)
            ) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


# --------------------------------------------------------------------------- command line
def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Arguments of ``ciatstudy import`` (used by :mod:`ciatstudy.cli`)."""
    parser.add_argument("file", metavar="FILE", help="the survey tool's export (CSV or XLSX)")
    parser.add_argument("--format", required=True, choices=FORMATS, help="the tool that wrote the export")
    parser.add_argument("--wave", required=True, help="name of the new wave, e.g. 2025 (data/raw/WAVE/ must not exist)")
    parser.add_argument("--mapping", metavar="MAPPING.yaml", help="mapping laid over the format's default one")
    parser.add_argument(
        "--suggest-mapping",
        metavar="MAPPING.yaml",
        dest="suggest_mapping",
        help="write the mapping that automatic matching finds (for review, then --mapping) and nothing else",
    )
    parser.add_argument(
        "--key-file",
        metavar="KEY",
        help="pseudonymisation key, outside the repository: "
        "respondent ids become keyed pseudonyms, linkable across waves",
    )
    parser.set_defaults(func=run_import)
    return parser


def run_import(args: argparse.Namespace) -> int:
    """Run an import from parsed arguments and print its summary (DataError propagates)."""
    if getattr(args, "suggest_mapping", None):
        found = suggest_mapping(args.file, format=args.format, output=args.suggest_mapping, mapping=args.mapping)
        print(
            f"wrote {args.suggest_mapping}: a mapping for {Path(args.file).name} — {len(found.matches)} matches "
            f"({len(found.fuzzy())} automatic), {len(found.problems)} to settle (marked REVIEW), "
            f"{len(found.unmatched)} columns matched to nothing; nothing else was written. Review it, then: "
            f"ciatstudy import {Path(args.file).name} --format {args.format} --wave {args.wave} "
            f"--mapping {args.suggest_mapping}"
        )
        return 0
    summary = import_export(args.file, format=args.format, wave=args.wave, mapping=args.mapping, key_file=args.key_file)
    print(summary.text())
    return 0

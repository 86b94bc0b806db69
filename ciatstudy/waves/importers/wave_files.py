"""Writing the new wave's folder: its codebook, datapackage and README, built in a staging folder,
validated as every later load is, and moved into place in one rename (a failed import leaves nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from ...data.codebook import Codebook
from ...errors import DataError
from .layouts import FORMAT_LABELS
from .summary import ImportSummary


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

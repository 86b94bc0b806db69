"""What an import did (:class:`ImportSummary`): the summary ``ciatstudy import`` prints and the wave's
README records, and the export's submission dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..privacy import redaction_summary
from .layouts import FORMAT_LABELS, Export


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

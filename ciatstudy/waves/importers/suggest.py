"""``--suggest-mapping``: the mapping automatic matching found, written as YAML for review.

The file is complete on its own: the segment question and answers, every
question with its header as the export writes it, every row, option and answer
label with the item or score it was matched to — exact ones included — each
with its score and the codebook text as a comment. Doubtful matches carry
``REVIEW`` and their candidates; questions found nowhere are written as
comments to fill in; columns matched to nothing are listed at the end.
"""

from __future__ import annotations

import datetime as _dt
import json

from ...data.codebook import Codebook
from .layouts import FORMAT_LABELS, Export, match_key
from .match_results import Match, Matching, Problem
from .similarity import _short, french_score

__all__ = ["suggestion_yaml"]


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def _comment(m: Match) -> str:
    label = f" « {_short(m.label, 70)} »" if m.label and m.score < 1 else ""
    flag = "automatic" if m.auto else "mapping"
    return f"  # {french_score(m.score)} {flag}{label}"


def _unique(matches: list[Match]) -> list[Match]:
    seen, out = set(), []
    for m in matches:
        key = (m.path, match_key(m.source))
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def suggestion_yaml(export: Export, found: Matching, codebook: Codebook) -> str:
    """The suggested mapping of ``export`` as YAML text (see the module docstring)."""
    matches = _unique(found.matches)
    by_path: dict[str, list[Match]] = {}
    for m in matches:
        by_path.setdefault(m.path, []).append(m)
    out = [
        f"# Mapping suggested by `ciatstudy import --suggest-mapping` for {export.file}",
        f"# ({FORMAT_LABELS[export.format]}), {_dt.date.today().isoformat()}. Scores: 1,00 = identical once case,",
        "# accents, quotes and punctuation are set aside; lower = matched by similar wording or answer shape.",
        "# Review every line (above all those marked REVIEW), then import with --mapping this-file.",
        "# This file is laid over the format's default mapping (see docs/mapping.md).",
        f"format: {export.format}",
    ]
    problems_for: dict[str, list[Problem]] = {}
    for p in found.problems:
        head = p.key.split(":")[0].split(".")
        problems_for.setdefault(".".join(head[:2]) if head[0] == "questions" else head[0], []).append(p)

    def review(prefix: str, indent: str) -> None:
        for p in problems_for.pop(prefix, []):
            out.append(f"{indent}# REVIEW: {p.what}")
            cands = "; ".join(f"« {_short(c, 60)} » ({french_score(s)})" for c, s in p.candidates[:3])
            out.append(f"{indent}#   candidates: {cands or 'none'}")
            out.append(f"{indent}#   write: {p.key}")

    # segment
    out.append("segment:")
    seg_q = by_path.get("segment.question", [])
    if seg_q:
        out.append(f"  question: [{_q(seg_q[0].source)}]{_comment(seg_q[0])}")
    values = by_path.get("segment.values", [])
    if values:
        out.append("  values:")
        out += [f"    {_q(m.source)}: {m.target}{_comment(m)}" for m in values]
    review("segment", "  ")
    # coded columns (plain tables)
    columns = [m for m in by_path.get("columns", []) if m.score < 1]
    if columns:
        out.append("columns:")
        out += [f"  {_q(m.source)}: {m.target}{_comment(m)}" for m in columns]
    # questions
    out.append("questions:")
    for q in codebook.questions:
        qmap = found.mapping.questions[q.id]
        prefix = f"questions.{q.id}"
        if qmap.absent:
            out.append(f"  {q.id}: null   # not asked in this wave (said by a mapping)")
            continue
        start = len(out)
        out.append(f"  {q.id}:   # {_short(q.wording or q.title, 80)}")
        heads = by_path.get(f"{prefix}.question", [])
        if heads:
            out.append("    question:")
            out += [f"      - {_q(m.source)}{_comment(m)}" for m in heads]
        items = by_path.get(f"{prefix}.items", [])
        if items:
            out.append("    items:")
            out += [f"      {_q(m.source)}: {m.target}{_comment(m)}" for m in items]
        answers = by_path.get(f"{prefix}.answers", [])
        if answers:
            out.append("    answers:")
            out += [f"      {_q(m.source)}: {m.target}{_comment(m)}" for m in answers]
        other = by_path.get(f"{prefix}.other.match", [])
        if other:
            out.append("    other:   # free text written instead of (or beside) an option")
            out.append(f"      match: [{', '.join(_q(m.source) for m in other)}]")
            if qmap.other and qmap.other.item:
                out.append(f"      item: {qmap.other.item}")
            if qmap.other and qmap.other.corpus:
                out.append(f"      corpus: {qmap.other.corpus}")
        if len(out) == start + 1:  # nothing found: a comment, never an empty entry (null = not asked)
            out[start] = f"  # {q.id}: found in no column — {_short(q.wording or q.title, 70)}"
        review(prefix, "    ")
    # free text
    free = {k: v for k, v in by_path.items() if k.startswith("free_text.")}
    if free:
        out.append("free_text:")
        for path, ms in free.items():
            out.append(f"  {path.split('.', 1)[1]}:")
            out += [f"    - {_q(m.source)}{_comment(m)}" for m in ms]
    for prefix in list(problems_for):
        review(prefix, "")
    if found.unmatched:
        out.append("# Columns matched to nothing (not imported unless mapped above; personal data and metadata the")
        out.append("# default mapping names are not listed):")
        out += [f"#   - {w}" for w in found.unmatched]
    return "\n".join(out) + "\n"

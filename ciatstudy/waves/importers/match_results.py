"""What matching found (:class:`Matching`): the taken matches with their scores, and the problems —
ambiguous or missing matches — that :class:`MatchError` lists all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import DataError
from .layouts import Column
from .mapping import Mapping
from .similarity import _short, french_score


__all__ = ["Match", "Matching", "MatchError"]


@dataclass
class Match:
    """One taken match: an export text read as a codebook target."""

    path: str  # mapping key path, e.g. "questions.q5.question" or "questions.q1.items"
    source: str  # the export's text (header, row, option or answer label)
    target: str  # q5, 1A, a score 3, a segment code, a corpus id
    score: float  # 1.0 for what the mapping says exactly
    label: str = ""  # the codebook text it was matched to
    auto: bool = True  # found by matching (False: the mapping said it)

    def line(self) -> str:
        """``q5 ← « Quels sont les facteurs… » (0,93)``: how the import summary shows it."""
        return f"{self.target} ← « {_short(self.source, 48)} » ({french_score(self.score)})"


@dataclass
class Problem:
    """An ambiguous or missing match: what, the best candidates, and the mapping key that settles it."""

    what: str
    candidates: list[tuple[str, float]]
    key: str
    row: int = 1  # where in the export (spreadsheet row; 1 = header)
    column: str = "A"

    def text(self) -> str:
        from ..privacy import Redactor

        cands = "; ".join(f"« {_short(c, 50)} » ({french_score(s)})" for c, s in self.candidates[:3]) or "none"
        # an answer label may itself be an e-mail or a phone number: a message never repeats one
        return Redactor({}).redact(f"{self.what}; best candidates: {cands}; write in a mapping: {self.key}")

    def line(self) -> str:
        return f"  - row {self.row}, column {self.column!r}: {self.text()}"


class MatchError(DataError):
    """Ambiguous or missing matches, all listed at once."""

    def __init__(self, file: str, problems: list[Problem]):
        self.problems = problems
        if len(problems) == 1:  # one problem: the usual one located line
            p = problems[0]
            super().__init__(p.text(), file=file, row=p.row, column=p.column)
            return
        head = (
            f"{len(problems)} questions, items or labels could not be matched with confidence; "
            "settle them in a mapping file (--mapping; `--suggest-mapping FILE` writes one to review):"
        )
        super().__init__(head, file=file)
        # The one exception to the one-line rule: every problem on a line of its own, so that one attempt
        # shows all of them (each line is short: wordings are cut, identifiers masked).
        self.args = (str(self) + "\n" + "\n".join(p.line() for p in problems),)


@dataclass
class Matching:
    """What :func:`match_export` found: the taken matches, the problems, the mapping it completes."""

    mapping: Mapping
    matches: list[Match] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # columns matched to nothing (``where``)
    groups: dict[str, list[Column]] = field(default_factory=dict)  # question -> its columns

    def fuzzy(self) -> list[Match]:
        """The matches found by matching, not said by the mapping (what the import summary shows)."""
        return [m for m in self.matches if m.auto]

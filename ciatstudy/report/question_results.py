"""Everything a question's section shows, computed once: scores, segment tests, printed values."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import render
from ..analysis import score
from ..data.io import Wave


@dataclass
class QuestionResults:
    question: str
    kind: str
    scored: pd.DataFrame  # tidy contract: one row per item × segment
    with_tests: pd.DataFrame  # the same with each item's segment test columns
    tests: pd.DataFrame  # one row per item: MDA / Non-MDA gap, test, verdict
    comparison: pd.DataFrame | None  # rebuilt against printed values (waves with published tables)
    source: str
    segment_labels: dict[str, str]
    sizes: dict[str, int]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables this question writes to data/processed/<wave>/, by file name."""
        suffix = "scores" if self.kind == "agreement3" else "rates"
        out = {f"{self.question}_{suffix}.csv": self.with_tests}
        if self.comparison is not None:
            out[f"{self.question}_published_comparison.csv"] = self.comparison
        return out


def question_results(wave: Wave, question: str) -> QuestionResults:
    """Scores (3/2/1 means or shares), segment tests and the comparison with the printed tables.

    Parameters
    ----------
    wave : Wave
        A loaded wave (:func:`ciatstudy.data.io.load_wave`).
    question : str
        A question id of the wave's codebook (``"q4"``).

    Returns
    -------
    QuestionResults
        ``scored`` is the design's tidy table (one row per item × segment); ``with_tests``
        adds the MDA / Non-MDA test columns, ``tests`` has one row per item.

    Examples
    --------
    >>> from ciatstudy.data.io import load_wave
    >>> results = question_results(load_wave("2014", questions=["q8"]), "q8")
    >>> results.kind, results.scored.shape, sorted(results.tables())
    ('single', (9, 10), ['q8_published_comparison.csv', 'q8_rates.csv'])
    """
    cb = wave.codebook
    q = cb.question(question)
    scorer = score.agreement_scores if q.kind == "agreement3" else score.selection_rates
    scored = scorer(wave.responses, codebook=cb, question=question)
    tests = score.segment_tests(wave.responses, codebook=cb, question=question)
    comparison = (
        score.published_comparison(scored, wave.table("published_tables")) if wave.has("published_tables") else None
    )
    source = (
        f"{q.source} (tableaux publiés ; réponses reconstituées)"
        if wave.reconstructed
        else " — ".join(filter(None, [q.source, render.plain_source(cb.source)]))
    )
    with_tests = score.add_segment_tests(scored, wave.responses, codebook=cb, tests=tests)
    return QuestionResults(
        question,
        q.kind,
        scored,
        with_tests,
        tests,
        comparison,
        source,
        {cb.all_code: cb.all_label, **dict(cb.segments)},
        wave.segment_sizes(),
    )

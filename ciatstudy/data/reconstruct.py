"""Per-respondent answers of wave 2014, reconstructed from the published tables.

The report prints, per segment (MDA n = 12, Non-MDA n = 16), the share of
respondents choosing each option and the mean 3/2/1 agreement score of each
statement, rounded half up to two decimals. At these sizes two decimals pin a
single integer behind every printed share (steps of 1/12 and 1/16 are wider
than 0.01), and a single sum of scores behind every mean. The rule, fixed and
documented so that the result is reproducible:

1. **Counts.** For a share, the count k in 0..n with round_half_up(k/n) equal
   to the printed value; for a mean, the sum S in n..3n with
   round_half_up(S/n) equal to it. No such integer: stop, naming the table
   cell. Several (only possible with coarser printing): the one nearest to
   printed × n, the smallest on a tie.
2. **Agreement distributions.** Many (n3, n2, n1) give the same S; we take the
   one of least variance, which uses two adjacent answers only: with
   e = S − n extra points, n2 = e and n1 = n − e when e ≤ n, otherwise
   n3 = e − n and n2 = 2n − e. It invents no disagreement the mean does not
   force.
3. **Respondents.** Each segment gets anonymous ids ``rec-<segment>-NN``.
   Within a question, items are taken in codebook order and their positive
   answers (or their 3s, 2s, 1s) are dealt to the segment's respondents in
   rotation, each item starting where the previous one stopped. A choose-one
   question whose counts sum to n thus gives every respondent exactly one
   answer. Only the per-segment distributions are data: which reconstructed
   respondent holds which answer carries no information, and no reconstructed
   answer belongs to a named organisation.

The Tous column is not used: it is checked against the segments elsewhere
(the audit), because the report is not always consistent with itself.
"""

from __future__ import annotations

import csv
import io as _io
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from .codebook import Codebook
from ..errors import DataError
from .rounding import parse_printed, round_half_up

PUBLISHED_FILE = "published_tables.csv"


def _cell(item: str, segment: str, printed: str, row) -> dict:
    return {
        "file": PUBLISHED_FILE,
        "row": None if row is None else int(row),
        "column": "printed",
        "where": f"item {item}, segment {segment}, printed {printed!r}",
    }


def _solve(candidates, n: int, printed: str, decimals: int, *, item: str, segment: str, row, what: str) -> int:
    target = parse_printed(printed)
    target = target.quantize(Decimal(1).scaleb(-decimals))
    hits = [c for c in candidates if round_half_up(Fraction(c, n), decimals) == target]
    if not hits:
        cell = _cell(item, segment, printed, row)
        raise DataError(
            f"no integer {what} over n = {n} rounds half up to the printed value ({cell['where']})",
            file=cell["file"],
            row=cell["row"],
            column=cell["column"],
        )
    return min(hits, key=lambda c: (abs(Fraction(c) - Fraction(str(target)) * n), c))


def count_for_share(printed: str, n: int, *, decimals: int = 2, item: str = "?", segment: str = "?", row=None) -> int:
    """The number of respondents k whose share k/n prints as ``printed``.

    >>> count_for_share("0,13", 16)
    2
    """
    return _solve(range(n + 1), n, printed, decimals, item=item, segment=segment, row=row, what="count")


def score_sum_for_mean(
    printed: str, n: int, *, decimals: int = 2, item: str = "?", segment: str = "?", row=None
) -> int:
    """The sum of 3/2/1 scores S whose mean S/n prints as ``printed``.

    >>> score_sum_for_mean("2,63", 16)
    42
    """
    return _solve(
        range(n, 3 * n + 1), n, printed, decimals, item=item, segment=segment, row=row, what="sum of 3/2/1 scores"
    )


def agreement_distribution(score_sum: int, n: int) -> tuple[int, int, int]:
    """Least-variance (n3, n2, n1) with n answers summing to ``score_sum``.

    >>> agreement_distribution(42, 16)
    (10, 6, 0)
    """
    if not n <= score_sum <= 3 * n:
        raise ValueError(f"a sum of {score_sum} is impossible for {n} answers scored 1 to 3")
    extra = score_sum - n
    return (0, extra, n - extra) if extra <= n else (extra - n, 2 * n - extra, 0)


def segment_counts(codebook: Codebook, published: pd.DataFrame, sizes: dict[str, int]) -> pd.DataFrame:
    """Integer counts behind every printed segment value (tidy: item, segment, n, count, n3, n2, n1)."""
    needed = {"question", "item", "segment", "printed"}
    missing = needed - set(published.columns)
    if missing:
        raise ValueError(f"published table lacks columns {sorted(missing)}")
    rows = []
    for question in codebook.questions:
        for code in question.codes:
            for segment in codebook.segment_codes:
                sel = published[(published["item"] == code) & (published["segment"] == segment)]
                if len(sel) != 1:
                    raise DataError(
                        f"expected one printed value for item {code}, segment {segment}, found {len(sel)}",
                        file=PUBLISHED_FILE,
                        column="printed",
                    )
                row, printed = sel.index[0], sel["printed"].iloc[0]
                n = sizes[segment]
                rec = {"question": question.id, "item": code, "segment": segment, "n": n, "printed": printed}
                if question.kind == "agreement3":
                    total = score_sum_for_mean(
                        printed, n, decimals=codebook.decimals, item=code, segment=segment, row=row
                    )
                    n3, n2, n1 = agreement_distribution(total, n)
                    rec.update(count=total, n3=n3, n2=n2, n1=n1)
                else:
                    k = count_for_share(printed, n, decimals=codebook.decimals, item=code, segment=segment, row=row)
                    rec.update(count=k, n3=None, n2=None, n1=None)
                rows.append(rec)
        if question.kind == "single":
            for segment in codebook.segment_codes:
                total = sum(r["count"] for r in rows if r["question"] == question.id and r["segment"] == segment)
                if total != sizes[segment]:
                    raise DataError(
                        f"{question.id} is choose-one but its printed shares for segment {segment} "
                        f"add up to {total} respondents out of {sizes[segment]}",
                        file=PUBLISHED_FILE,
                        column="printed",
                    )
    return pd.DataFrame(rows)


def reconstruct_responses(codebook: Codebook, published: pd.DataFrame, sizes: dict[str, int]) -> pd.DataFrame:
    """Wide per-respondent answers (id, segment, one column per item) reproducing the segments."""
    counts = segment_counts(codebook, published, sizes).set_index(["item", "segment"])
    frames = []
    for segment in codebook.segment_codes:
        n = sizes[segment]
        data = {
            codebook.id_column: [f"rec-{segment.replace('_', '')}-{i + 1:02d}" for i in range(n)],
            codebook.segment_variable: [segment] * n,
        }
        for question in codebook.questions:
            offset = 0
            for code in question.codes:
                c = counts.loc[(code, segment)]
                column = [0] * n
                if question.kind == "agreement3":
                    dealt = [3] * int(c["n3"]) + [2] * int(c["n2"]) + [1] * int(c["n1"])
                    step = int(c["n3"]) or int(c["n2"])
                else:
                    dealt = [1] * int(c["count"]) + [0] * (n - int(c["count"]))
                    step = int(c["count"])
                for j, value in enumerate(dealt):
                    column[(offset + j) % n] = value
                offset = (offset + step) % n
                data[code] = column
        frames.append(pd.DataFrame(data))
    return pd.concat(frames, ignore_index=True)


def to_csv_text(responses: pd.DataFrame) -> str:
    """The exact text of the committed raw file (comma, '\\n', no index)."""
    buffer = _io.StringIO()
    responses.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()

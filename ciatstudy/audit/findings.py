"""The audit's table of findings: one row per printed figure checked, with its verdict.

Every check gives one verdict per figure (column ``verdict``):

``consistent``
    the printed figure can be reproduced (the row says by which integers);
``inconsistent``
    it cannot; ``cause`` and ``explanation`` give the most likely reason,
    *computed* from the other printed figures, then the other reasons that
    also fit;
``not_testable``
    the figure cannot be checked (the row says why).

Explanations are in French (they go into the report's table); ``cause`` is a
stable code for programs and tests. ``printed`` keeps the figure as printed,
``expected`` the figure the data give, in the report's own notation.
"""

from __future__ import annotations

import pandas as pd


VERDICTS = ("consistent", "inconsistent", "not_testable")
CHECKS = ("granularity", "rounding", "cross_footing", "choose_one", "sort_order", "text", "sample")
COLUMNS = [
    "location",
    "figure",
    "printed",
    "expected",
    "verdict",
    "explanation",
    "check",
    "cause",
    "question",
    "item",
    "segment",
]


def _row(**kw) -> dict:
    out = {c: "" for c in COLUMNS}
    out.update({k: ("" if v is None else str(v)) for k, v in kw.items()})
    return out


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS) if rows else pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})

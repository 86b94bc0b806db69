"""``text``: every claim the narrative makes, checked.

Every figure or wording claim the narrative makes about a table item
(``narrative_claims.csv``) against the printed table
(:mod:`ciatstudy.audit.table_claims`), the figures of one sentence against
each other, and the counts it quotes against the side tables
(:mod:`ciatstudy.audit.count_claims`).
"""

from __future__ import annotations

import pandas as pd

from .cells import TableSpec, _Tables
from .claim_format import CLAIM_COLUMNS, CLAIM_KINDS, _claim_row
from .count_claims import _count_claim
from .findings import _frame
from .table_claims import (
    _chose_claim,
    _comparison_claim,
    _gap_claim,
    _level_claim,
    _rank_claim,
    _sentence_footing,
    _spread_claim,
    _value_claim,
)


def check_claims(
    claims: pd.DataFrame,
    published: pd.DataFrame | None,
    spec: TableSpec | None,
    quantities: dict | None = None,
    *,
    flagged: set | None = None,
) -> pd.DataFrame:
    """Every claim of the narrative (``narrative_claims.csv``) against the tables and counts.

    ``flagged``: (item, segment) cells that fail cross-footing, mentioned when
    a claim quotes one of them.
    """
    missing = set(CLAIM_COLUMNS) - set(claims.columns)
    if missing:
        raise ValueError(f"claims table lacks columns {sorted(missing)}")
    t = _Tables(published, spec) if published is not None and spec is not None else None
    quantities = quantities or {}
    flagged = flagged or set()
    rows = []
    for i in range(len(claims)):
        c = {k: ("" if pd.isna(v) else str(v)) for k, v in claims.iloc[i].items()}
        try:
            rows.extend(_claim_rows(c, t, quantities, flagged))
        except (KeyError, ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"claim {c['claim_id']}: {exc}") from None
    if t is not None:
        rows.extend(_sentence_footing(claims, t))
    return _frame(rows)


def _claim_rows(c: dict, t: _Tables | None, quantities: dict, flagged: set) -> list[dict]:
    kind = c["kind"]
    if kind not in CLAIM_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if kind == "untestable":
        return [_claim_row(c, printed=c["claimed"], expected="—", verdict="not_testable", explanation=c["note"])]
    if kind in ("count", "base", "grim", "bands"):
        return [_count_claim(c, quantities)]
    if t is None:
        return [
            _claim_row(
                c,
                printed=c["claimed"],
                expected="—",
                verdict="not_testable",
                explanation="pas de tableau publié pour cette vague.",
            )
        ]
    spec = t.spec
    handler = {
        "value": _value_claim,
        "comparison": _comparison_claim,
        "level": _level_claim,
        "count_chose": _chose_claim,
        "rank": _rank_claim,
        "gap": _gap_claim,
        "spread": _spread_claim,
    }[kind]
    return [handler(c, t, spec, flagged)]

"""A narrative claim as the audit reads it.

The columns and kinds of ``narrative_claims.csv``, how a claimed figure is
read (a share, or a percentage), the relations a claim states, and the
finding row (``check`` = ``text``) a claim gives.
"""

from __future__ import annotations

from decimal import Decimal

from ..data.rounding import parse_printed
from .cells import TableSpec, _Cell, _places, _reading, _Tables
from .findings import _row


CLAIM_COLUMNS = [
    "claim_id",
    "location",
    "kind",
    "question",
    "item",
    "segment",
    "versus",
    "relation",
    "claimed",
    "text",
    "note",
    "source",
]
CLAIM_KINDS = (
    "value",
    "comparison",
    "level",
    "count_chose",
    "rank",
    "gap",
    "spread",
    "count",
    "base",
    "grim",
    "bands",
    "untestable",
)


def _claim_reading(claimed: str, decimals: int) -> tuple[Decimal, int, bool]:
    text = str(claimed).strip()
    if text.endswith("%"):
        places = _places(text) + 2
        return (parse_printed(text) / 100).quantize(Decimal(1).scaleb(-places)), places, True
    value, places = _reading(text, decimals)
    return value, places, False


def _relation_holds(a, rel: str, b) -> bool:
    return {"=": a == b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[rel]


_REL_FR = {"<": "<", ">": ">", "<=": "≤", ">=": "≥", "=": "="}


def _claim_row(c: dict, **kw) -> dict:
    base = dict(
        location=c["location"],
        figure=f"{c['claim_id']} : {c['text']}",
        check="text",
        question=c["question"],
        item=c["item"],
        segment=c["segment"],
    )
    base.update(kw)
    return _row(**base)


def _segments_of(c: dict, spec: TableSpec) -> list[str]:
    return spec.columns if c["segment"] in ("*", "") else [c["segment"]]


def _cell_or_fail(t: _Tables, item: str, seg: str) -> _Cell:
    cell = t.get(item, seg)
    if cell is None:
        raise KeyError(f"no printed value for item {item}, column {seg}")
    return cell

"""The published tables as the audit reads them.

:class:`TableSpec` says what the audit needs to know about a wave's survey
tables; a printed figure is read at the decimals the report prints (a figure
printed with fewer decimals, "0,5", is read as its trailing zeros dropped,
0,50, as the codebook's rounding note says); every printed cell knows the
integer counts it can come from (k/n for a share, S/n with S in n..3n for a
mean of 3/2/1 scores, rounded half up).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd

from ..data.rounding import format_fr, parse_printed


@dataclass(frozen=True)
class TableSpec:
    """What the audit needs to know about a wave's survey tables.

    Parameters
    ----------
    kinds : question id -> ``agreement3`` | ``multi`` | ``single``
    sizes : segment code -> n, in column order, whole sample excluded
    all_code : code of the whole-sample column ("tous")
    decimals : decimals the report prints (trailing zeros dropped)
    labels : segment code -> printed column label (defaults to the code)
    item_order : question id -> item codes in questionnaire order
        (default: sorted codes)
    choose_one : questions to audit as choose-one; ``None`` = the ``single``
        questions plus any ``multi`` question printed as choose-one (counts
        adding up to n ± 1 in every column)
    """

    kinds: dict
    sizes: dict
    all_code: str = "tous"
    decimals: int = 2
    labels: dict = field(default_factory=dict)
    item_order: dict = field(default_factory=dict)
    choose_one: frozenset | None = None

    @property
    def n_all(self) -> int:
        return sum(int(v) for v in self.sizes.values())

    @property
    def segments(self) -> list[str]:
        return list(self.sizes)

    @property
    def columns(self) -> list[str]:
        return [self.all_code, *self.sizes]

    def n(self, segment: str) -> int:
        return self.n_all if segment == self.all_code else int(self.sizes[segment])

    def label(self, segment: str) -> str:
        return self.labels.get(segment, segment)

    @classmethod
    def from_codebook(cls, codebook, sizes: dict[str, int]) -> "TableSpec":
        labels = {codebook.all_code: codebook.all_label, **dict(codebook.segments)}
        return cls(
            kinds={q.id: q.kind for q in codebook.questions},
            sizes={s: int(sizes[s]) for s in codebook.segment_codes},
            all_code=codebook.all_code,
            decimals=codebook.decimals,
            labels=labels,
            item_order={q.id: q.codes for q in codebook.questions},
        )


def _places(printed: str) -> int:
    text = str(printed).strip().rstrip("%").strip()
    return len(text.split(",", 1)[1]) if "," in text else 0


def _reading(printed: str, decimals: int) -> tuple[Decimal, int]:
    """The printed value and the places it is compared at ("0,5" -> 0.50, 2)."""
    places = max(decimals, _places(printed))
    return parse_printed(printed).quantize(Decimal(1).scaleb(-places)), places


def _q(value: Fraction, places: int, mode=ROUND_HALF_UP) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=mode)


def _counts(target: Decimal, places: int, n: int, lo: int, hi: int, mode=ROUND_HALF_UP) -> list[int]:
    """Integers c in lo..hi with c/n rounding (``mode``) to ``target``."""
    if n <= 0:
        return []
    centre = Fraction(str(target)) * n
    spread = Fraction(n, 10**places) + 2
    a, b = max(lo, math.floor(centre - spread)), min(hi, math.ceil(centre + spread))
    return [c for c in range(a, b + 1) if _q(Fraction(c, n), places, mode) == target]


def _range(kind: str, n: int) -> tuple[int, int]:
    return (n, 3 * n) if kind == "agreement3" else (0, n)


def _nearest(counts: list[int], target: Decimal, n: int) -> int | None:
    if not counts:
        return None
    goal = Fraction(str(target)) * n
    return min(counts, key=lambda c: (abs(c - goal), c))


def _show(value, places: int) -> str:
    """A value the way the report prints it: decimal comma, trailing zeros dropped."""
    return format_fr(value, places, strip_zeros=True)


def _frac(c: int, n: int) -> str:
    return f"{c}/{n}"


def _digits(value: Decimal, places: int) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}".replace(".", "").lstrip("-")


def _one_digit(a: Decimal, b: Decimal, places: int) -> bool:
    da, db = _digits(a, places), _digits(b, places)
    return len(da) == len(db) and sum(x != y for x, y in zip(da, db)) == 1


def _transposed(a: Decimal, b: Decimal, places: int) -> bool:
    da, db = _digits(a, places), _digits(b, places)
    if len(da) != len(db) or da == db:
        return False
    diff = [i for i, (x, y) in enumerate(zip(da, db)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and da[diff[0]] == db[diff[1]] and da[diff[1]] == db[diff[0]]


def _fmt_int(x) -> str:
    x = Fraction(x)
    if x.denominator == 1:
        return f"{x.numerator:,}".replace(",", "\u202f")
    return format_fr(x, 3, strip_zeros=True)


@dataclass
class _Cell:
    question: str
    table: str
    pos: int
    item: str
    segment: str
    printed: str
    value: Decimal
    places: int
    n: int
    kind: str
    counts: list[int]

    @property
    def lo_hi(self) -> tuple[int, int]:
        return _range(self.kind, self.n)

    @property
    def count(self) -> int | None:
        return _nearest(self.counts, self.value, self.n)

    def reachable_with(self, n: int, mode=ROUND_HALF_UP) -> list[int]:
        lo, hi = _range(self.kind, n)
        return _counts(self.value, self.places, n, lo, hi, mode)


class _Tables:
    """The published tables as cells, with look-ups by row and column."""

    def __init__(self, published: pd.DataFrame, spec: TableSpec):
        need = {"question", "item", "segment", "printed"}
        missing = need - set(published.columns)
        if missing:
            raise ValueError(f"published table lacks columns {sorted(missing)}")
        self.spec = spec
        self.cells: dict[tuple[str, str], _Cell] = {}
        self.rows: dict[str, list[str]] = {}  # question -> items in printed order
        self.tables: dict[tuple[str, str], list[str]] = {}
        frame = published.reset_index(drop=True)
        order = {q: i for i, q in enumerate(spec.kinds)}
        records = []
        for i in range(len(frame)):
            r = frame.iloc[i]
            q = str(r["question"])
            if q not in spec.kinds:
                raise ValueError(f"question {q!r} of the published table has no kind in the spec")
            seg = str(r["segment"])
            if seg not in spec.columns:
                raise ValueError(f"segment {seg!r} is not one of {spec.columns}")
            table = str(r["table"]) if "table" in frame.columns else q
            pos = int(r["table_position"]) if "table_position" in frame.columns else i + 1
            records.append((order[q], table, pos, q, str(r["item"]), seg, str(r["printed"])))
        for _, table, pos, q, item, seg, printed in sorted(records, key=lambda t: (t[0], t[1], t[2])):
            value, places = _reading(printed, spec.decimals)
            n, kind = spec.n(seg), spec.kinds[q]
            lo, hi = _range(kind, n)
            cell = _Cell(q, table, pos, item, seg, printed, value, places, n, kind, _counts(value, places, n, lo, hi))
            if (item, seg) in self.cells:
                raise ValueError(f"two printed values for item {item}, column {seg}")
            self.cells[(item, seg)] = cell
            if item not in self.rows.setdefault(q, []):
                self.rows[q].append(item)
                self.tables.setdefault((q, table), []).append(item)

    def get(self, item: str, seg: str) -> _Cell | None:
        return self.cells.get((item, seg))

    def complete(self, item: str) -> bool:
        return all((item, s) in self.cells for s in self.spec.columns)

    def neighbours(self, cell: _Cell) -> list[_Cell]:
        """Same column, adjacent rows of the same printed table."""
        items = self.tables[(cell.question, cell.table)]
        i = items.index(cell.item)
        out = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(items):
                other = self.get(items[j], cell.segment)
                if other is not None:
                    out.append(other)
        return out

    def location(self, cell_or_item, seg: str | None = None) -> str:
        cell = cell_or_item if isinstance(cell_or_item, _Cell) else self.get(cell_or_item, seg or self.spec.all_code)
        return f"Question {cell.question.lstrip('q')}, tableau {cell.table}, ligne {cell.pos}"

    def figure(self, cell: _Cell) -> str:
        return f"{cell.item}, {self.spec.label(cell.segment)}"

    def unit(self, cell: _Cell) -> str:
        return "points de score" if cell.kind == "agreement3" else "répondants"

"""Audit of the published figures: every printed number recomputed or explained.

statcheck and the GRIM / GRIMMER / DEBIT family check psychology papers by
asking whether a printed statistic *can* come out of the data it describes.
This module does the same for a wave's published survey tables, the claims
the narrative makes about them and the counts quoted around them. Every check
gives one verdict per figure:

``consistent``
    the printed figure can be reproduced (the row says by which integers);
``inconsistent``
    it cannot; ``cause`` and ``explanation`` give the most likely reason,
    *computed* from the other printed figures, then the other reasons that
    also fit;
``not_testable``
    the figure cannot be checked (the row says why).

The checks (column ``check``):

``granularity``
    GRIM: a share printed for a segment of n respondents must be k/n for an
    integer k, and a mean of 3/2/1 scores must be S/n with S in n..3n, after
    rounding half up at the printed decimals. A figure printed with fewer
    decimals ("0,5") is read as its trailing zeros dropped (0,50), as the
    codebook's rounding note says.
``rounding``
    every cell whose exact value lies half-way (2/16 = 0,125) shows which rule
    the report used: half up prints 0,13, Python's half-to-even 0,12.
``cross_footing``
    the whole-sample column must equal the integer counts behind the segment
    columns, added up: (k_MDA + k_Non-MDA) / 28, never a rounded average.
``choose_one``
    in a choose-one question the counts of a column add up to its n. A
    multiple-choice question whose counts add up to n ± 1 in every column is
    audited as printed-as-choose-one (2014: question 3).
``sort_order``
    a table that is not in questionnaire order must be sorted by its
    whole-sample column.
``text``
    every figure or wording claim the narrative makes about a table item
    (``narrative_claims.csv``) against the printed table, and the figures of
    one sentence against each other.
``sample``
    statements about how many respondents, projects or associations, and the
    side tables (staff bands, budget bands, sectors, percentages with their
    counts) against the lists they summarise.

Explanations (column ``cause``) are tried in a fixed order, strongest first:
``swapped_cells`` / ``swapped_columns`` (one exchange explains two
mismatches), ``systematic_shift`` (the same gap of whole respondents across a
question), ``different_base_n`` (a whole column fits another n),
``copied_value`` (the figure is another printed cell of the same row, or the
same column of the next row), ``transposed_digits``, ``one_digit_typo``,
``truncated`` / ``rounding_rule``, then the weak ones: ``different_base_n``
for a single cell and ``off_by_respondents`` (the figure is one or two
respondents away). Within a class the whole-sample cell comes first: it is
derived from the segments, which are the study's data and which the
narrative quotes. The first cause is named in ``cause``; the explanation
lists the others that also fit.

Explanations are in French (they go into the report's table); ``cause`` is a
stable code for programs and tests. ``printed`` keeps the figure as printed,
``expected`` the figure the data give, in the report's own notation.

The module is pure: DataFrames in, a tidy DataFrame out. :func:`run_audit`
loads a wave (through :mod:`ciatstudy.data.io`) and runs everything.

Examples
--------
>>> pub = pd.DataFrame({
...     "question": ["q9"] * 3, "table": ["q9"] * 3, "table_position": [1] * 3,
...     "item": ["9A"] * 3, "segment": ["tous", "a", "b"],
...     "printed": ["0,5", "0,5", "0,5"]})
>>> spec = TableSpec(kinds={"q9": "multi"}, sizes={"a": 12, "b": 16})
>>> out = audit_tables(pub, spec)
>>> sorted(set(out["verdict"]))
['consistent']
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import combinations, product

import pandas as pd

from ..data.rounding import format_fr, parse_printed

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

# Single-cell explanations, most specific first. The "specific" ones name the exact value printed
# (another cell of the row, the same digits in another order, the other rounding); the generic ones
# (a neighbour's value, one digit, one or two respondents) fit by chance more often, so among them a
# whole-sample cell is preferred to a segment cell. An internal tag (key) maps to the public cause.
# A whole-sample cell holding a segment's value (or the reverse) is specific; two segment cells that
# are equal often are so genuinely (0,25 of 12 and of 16), so a copy between them is generic.
SPECIFIC = ("copied_row", "transposed_digits", "rounding_rule", "truncated")
GENERIC = ("copied_segment", "copied_adjacent", "one_digit_typo", "off_by_respondents")
WEAKEST = ("base_cell",)
_PUBLIC = {
    "copied_row": "copied_value",
    "copied_segment": "copied_value",
    "copied_adjacent": "copied_value",
    "base_cell": "different_base_n",
}
AGREE_THRESHOLD = Fraction(2)  # "d'accord" = 2: the report's own criterion ("score ≥ 2")


# =========================================================================== specification
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


# =========================================================================== numbers
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


def _row(**kw) -> dict:
    out = {c: "" for c in COLUMNS}
    out.update({k: ("" if v is None else str(v)) for k, v in kw.items()})
    return out


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS) if rows else pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})


# =========================================================================== cells
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


def _what(cell: _Cell, c: int) -> str:
    if cell.kind == "agreement3":
        return f"somme des scores {c} sur {cell.n} répondants"
    return f"{c} répondant{'s' if c > 1 else ''} sur {cell.n}"


# =========================================================================== single-cell diagnoses
def _diagnose(tables: _Tables, cell: _Cell, needed: int) -> list[tuple[str, str]]:
    """Why ``cell`` prints what it prints when the other figures need ``needed`` (a count)."""
    spec, n, places = tables.spec, cell.n, cell.places
    want = _q(Fraction(needed, n), places)
    want_s = _show(want, places)
    out = []
    if want == cell.value:
        return out
    # copied from another printed cell of the row, or of the same column next row
    for seg in spec.columns:
        other = tables.get(cell.item, seg)
        if seg != cell.segment and other is not None and other.value == cell.value:
            tag = "copied_row" if spec.all_code in (seg, cell.segment) else "copied_segment"
            out.append(
                (
                    tag,
                    f"{cell.printed} est la valeur {spec.label(seg)} de la même ligne "
                    f"(recopiée ?), alors qu'il faudrait {want_s}",
                )
            )
            break
    else:
        for other in tables.neighbours(cell):
            if other.value == cell.value:
                out.append(
                    (
                        "copied_adjacent",
                        f"{cell.printed} est la valeur de la ligne voisine ({other.item}) "
                        f"dans la même colonne (recopiée ?), alors qu'il faudrait {want_s}",
                    )
                )
                break
    if _transposed(cell.value, want, places):
        out.append(("transposed_digits", f"chiffres intervertis : {want_s} imprimé {cell.printed}"))
    elif _one_digit(cell.value, want, places):
        out.append(("one_digit_typo", f"un seul chiffre diffère : {want_s} imprimé {cell.printed}"))
    out.extend(_rounding_causes(Fraction(needed, n), cell))
    bases = [m for m in _other_bases(spec, n) if _q(Fraction(needed, m), places) == cell.value]
    if bases:
        out.append(("base_cell", f"{needed} rapporté à n = {bases[0]} au lieu de {n} donne {cell.printed}"))
    if cell.counts:
        d = cell.count - needed
        if 0 < abs(d) <= 2:
            out.append(
                (
                    "off_by_respondents",
                    f"{cell.printed} = {_frac(cell.count, n)} : {_units(tables, cell, abs(d))} de "
                    f"{'plus' if d > 0 else 'moins'} que les {needed} qu'il faudrait ({want_s})",
                )
            )
    return out


def _rounding_causes(exact: Fraction, cell: _Cell) -> list[tuple[str, str]]:
    """Half-to-even at a half-way value, or truncation, giving the printed figure."""
    c, n = exact.numerator * cell.n // exact.denominator, cell.n
    label = _frac(c, n) if Fraction(c, n) == exact else format_fr(exact, cell.places + 2)
    if _q(exact, cell.places) == cell.value:
        return []
    if _q(exact, cell.places, ROUND_HALF_EVEN) == cell.value:
        return [
            (
                "rounding_rule",
                f"{label} = {format_fr(exact, cell.places + 1)}, à mi-chemin, arrondi au pair "
                f"(et non au demi supérieur) donne {cell.printed}",
            )
        ]
    if _q(exact, cell.places, ROUND_DOWN) == cell.value:
        return [("truncated", f"{label} tronqué au lieu d'être arrondi donne {cell.printed}")]
    return []


def _units(tables: "_Tables", cell: _Cell, k: int) -> str:
    unit = tables.unit(cell)
    return f"{k} {unit if k > 1 else unit.replace('répondants', 'répondant').replace('points', 'point')}"


def _other_bases(spec: TableSpec, n: int) -> list[int]:
    near = [m for d in (1, 2, 3) for m in (n - d, n + d) if m > 0]
    others = [m for m in [*spec.sizes.values(), spec.n_all] if m != n]
    return list(dict.fromkeys([*near, *others]))


def _rank(candidates: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Order (cell index, tag, text), most likely first; tags become public causes.

    Specific explanations first (cause order, then the whole-sample cell
    before segment cells); then generic ones in the whole-sample cell (index
    0), then generic ones in a segment cell; a different n for one cell last.
    """
    order = {c: i for i, c in enumerate((*SPECIFIC, *GENERIC, *WEAKEST))}

    def key(c):
        idx, tag = c[0], c[1]
        tier = 0 if tag in SPECIFIC else 3 if tag in WEAKEST else (1 if idx <= 0 else 2)
        return (tier, order.get(tag, 99), idx)

    ranked = sorted([c for c in candidates if c[1] in order], key=key)
    return [(i, _PUBLIC.get(tag, tag), text) for i, tag, text in ranked]


def _compose(lead: str, ranked: list[tuple[int, str, str]], limit: int = 3) -> tuple[str, str]:
    if not ranked:
        return (
            "not_reachable",
            lead
            + " Aucune explication simple (échange, recopie, faute de frappe, autre base, 1–2 répondants) ne convient.",
        )
    first = ranked[0]
    text = f"{lead} Explication la plus probable : {first[2]}."
    rest = [c[2] for c in ranked[1:limit]]
    if rest:
        text += " Aussi compatible : " + " ; ".join(rest) + "."
    return first[1], text


# =========================================================================== granularity
def check_granularity(published: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """GRIM: is every printed share k/n, every printed mean S/n (S in n..3n)?

    >>> pub = pd.DataFrame({"question": ["q9"] * 3, "item": ["9A"] * 3,
    ...                     "segment": ["tous", "a", "b"], "printed": ["0,5", "0,66", "0,5"]})
    >>> out = check_granularity(pub, TableSpec(kinds={"q9": "multi"}, sizes={"a": 12, "b": 16}))
    >>> out.loc[out["segment"] == "a", ["verdict", "cause"]].values.tolist()
    [['inconsistent', 'truncated']]
    """
    t = _Tables(published, spec)
    column_base = _column_bases(t)
    rows = []
    for (item, seg), cell in t.cells.items():
        base = dict(
            location=t.location(cell),
            figure=t.figure(cell),
            printed=cell.printed,
            check="granularity",
            question=cell.question,
            item=item,
            segment=seg,
        )
        lo, hi = cell.lo_hi
        if cell.counts:
            c = cell.count
            note = f"{cell.printed} = {_frac(c, cell.n)} ({_what(cell, c)})."
            if _places(cell.printed) < cell.places:
                note += (
                    f" « {cell.printed} » est lu {format_fr(cell.value, cell.places)} : zéro(s) final(s) "
                    "omis, comme partout dans le rapport."
                )
            rows.append(_row(**base, expected=_frac(c, cell.n), verdict="consistent", explanation=note))
            continue
        exact = Fraction(str(cell.value))
        if exact * cell.n < lo or exact * cell.n > hi:
            what = "une moyenne de scores 1 à 3" if cell.kind == "agreement3" else "une part entre 0 et 1"
            rows.append(
                _row(
                    **base,
                    expected="—",
                    verdict="inconsistent",
                    cause="not_reachable",
                    explanation=f"{cell.printed} ne peut pas être {what}.",
                )
            )
            continue
        below = [c for c in range(lo, hi + 1) if _q(Fraction(c, cell.n), cell.places) < cell.value]
        above = [c for c in range(lo, hi + 1) if _q(Fraction(c, cell.n), cell.places) > cell.value]
        near = [c for c in (below[-1] if below else None, above[0] if above else None) if c is not None]
        expected = " ou ".join(
            f"{_show(_q(Fraction(c, cell.n), cell.places), cell.places)} ({_frac(c, cell.n)})" for c in near
        )
        lead = (
            f"{cell.printed} n'est atteignable par aucun {'total de scores' if cell.kind == 'agreement3' else 'effectif'}"
            f" sur n = {cell.n} (arrondi au demi supérieur, {cell.places} décimales) ; voisins : {expected}."
        )
        candidates = []
        if (cell.question, seg) in column_base:
            m = column_base[(cell.question, seg)]
            candidates.append(
                (
                    -1,
                    "different_base_n",
                    f"toute la colonne {spec.label(seg)} de {cell.question} s'obtient avec n = {m} "
                    f"au lieu de {cell.n} ({cell.printed} = {_frac(cell.reachable_with(m)[0], m)})",
                )
            )
        needed = _needed_from_row(t, cell)
        if needed is not None:
            for cause, text in _diagnose(t, cell, needed):
                if cause == "off_by_respondents":
                    continue
                candidates.append(
                    (0, cause, f"les autres colonnes de la ligne imposent {_frac(needed, cell.n)} ; {text}")
                )
        if not any(c[1] in ("truncated", "rounding_rule") for c in candidates):
            for k in range(lo, hi + 1):
                found = _rounding_causes(Fraction(k, cell.n), cell)
                if found:
                    candidates.append((1, *found[0]))
                    break
        for c in near:
            v = _q(Fraction(c, cell.n), cell.places)
            if _transposed(cell.value, v, cell.places):
                candidates.append(
                    (1, "transposed_digits", f"chiffres intervertis de {_show(v, cell.places)} ({_frac(c, cell.n)})")
                )
            elif _one_digit(cell.value, v, cell.places):
                candidates.append(
                    (1, "one_digit_typo", f"faute d'un chiffre sur {_show(v, cell.places)} ({_frac(c, cell.n)})")
                )
        bases = [m for m in _other_bases(spec, cell.n) if cell.reachable_with(m)]
        if bases:
            candidates.append(
                (
                    1,
                    "base_cell",
                    "atteignable avec n = "
                    + ", ".join(f"{m} ({_frac(cell.reachable_with(m)[0], m)})" for m in bases[:3]),
                )
            )
        column = [c for c in candidates if c[0] == -1]
        ranked = column + _rank([(0, tag, text) for i, tag, text in candidates if i >= 0])
        cause, text = _compose(lead, ranked)
        rows.append(_row(**base, expected=expected, verdict="inconsistent", cause=cause, explanation=text))
    return _frame(rows)


def _column_bases(t: _Tables) -> dict[tuple[str, str], int]:
    """(question, column) whose unreachable cells all fit one other n, with every cell of the column."""
    out = {}
    for q, items in t.rows.items():
        for seg in t.spec.columns:
            cells = [t.get(i, seg) for i in items if t.get(i, seg) is not None]
            if not any(not c.counts for c in cells):
                continue
            n = t.spec.n(seg)
            for m in _other_bases(t.spec, n):
                if all(c.reachable_with(m) for c in cells):
                    out[(q, seg)] = m
                    break
    return out


def _needed_from_row(t: _Tables, cell: _Cell) -> int | None:
    """The count ``cell`` must hold for its row to cross-foot, from the other (reachable) cells."""
    if not t.complete(cell.item):
        return None
    spec = t.spec
    others = {s: t.get(cell.item, s) for s in spec.columns if s != cell.segment}
    if any(not o.counts for o in others.values()):
        return None
    if cell.segment == spec.all_code:
        need = sum(o.count for o in others.values())
    else:
        need = others[spec.all_code].count - sum(o.count for s, o in others.items() if s != spec.all_code)
    lo, hi = cell.lo_hi
    return need if lo <= need <= hi else None


# =========================================================================== rounding rule
def check_rounding(published: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Cells whose exact value is half-way: which rounding did the report use?

    >>> pub = pd.DataFrame({"question": ["q9"] * 3, "item": ["9A"] * 3,
    ...                     "segment": ["tous", "a", "b"], "printed": ["0,07", "0", "0,13"]})
    >>> check_rounding(pub, TableSpec(kinds={"q9": "multi"}, sizes={"a": 12, "b": 16}))["verdict"].tolist()
    ['consistent']
    """
    t = _Tables(published, spec)
    rows = []
    for (item, seg), cell in t.cells.items():
        candidates = range(cell.lo_hi[0], cell.lo_hi[1] + 1)
        for c in candidates:
            exact = Fraction(c, cell.n)
            up, even = _q(exact, cell.places), _q(exact, cell.places, ROUND_HALF_EVEN)
            if up == even or cell.value not in (up, even):
                continue
            ok = cell.value == up
            rows.append(
                _row(
                    location=t.location(cell),
                    figure=t.figure(cell),
                    printed=cell.printed,
                    expected=_show(up, cell.places),
                    check="rounding",
                    verdict="consistent" if ok else "inconsistent",
                    cause="" if ok else "rounding_rule",
                    explanation=(
                        f"{_frac(c, cell.n)} = {format_fr(exact, cell.places + 1)} tombe à mi-chemin : "
                        f"arrondi au demi supérieur {_show(up, cell.places)}, au pair "
                        f"{_show(even, cell.places)} ; le rapport imprime {cell.printed}"
                        + (" (demi supérieur)." if ok else " : arrondi au pair, pas au demi supérieur.")
                    ),
                    question=cell.question,
                    item=item,
                    segment=seg,
                )
            )
    return _frame(rows)


# =========================================================================== cross-footing
@dataclass
class _Foot:
    item: str
    question: str
    table: str
    tous: _Cell
    segs: dict
    combos: list  # possible totals from the segments
    expected: int | None  # the total from the nearest segment counts
    ok: bool
    testable: bool

    @property
    def delta(self) -> int | None:
        if not self.testable or not self.tous.counts or self.expected is None:
            return None
        return self.tous.count - self.expected


def _feet(t: _Tables) -> list[_Foot]:
    spec, out = t.spec, []
    for q, items in t.rows.items():
        for item in items:
            if not t.complete(item):
                continue
            tous = t.get(item, spec.all_code)
            segs = {s: t.get(item, s) for s in spec.segments}
            testable = all(c.counts for c in segs.values())
            combos = sorted({sum(ks) for ks in product(*[c.counts for c in segs.values()])}) if testable else []
            expected = sum(c.count for c in segs.values()) if testable else None
            ok = testable and bool(set(combos) & set(tous.counts))
            out.append(_Foot(item, q, tous.table, tous, segs, combos, expected, ok, testable))
    return out


def _foot_ok(t: _Tables, item: str, override: dict) -> bool:
    """Does ``item`` cross-foot once some printed cells are replaced (``override``: seg -> printed)?"""
    spec = t.spec
    counts = {}
    for s in spec.columns:
        cell = t.get(item, s)
        printed = override.get(s, cell.printed)
        value, places = _reading(printed, spec.decimals)
        lo, hi = _range(cell.kind, cell.n)
        counts[s] = _counts(value, places, cell.n, lo, hi)
        if not counts[s]:
            return False
    totals = {sum(ks) for ks in product(*[counts[s] for s in spec.segments])}
    return bool(totals & set(counts[spec.all_code]))


def check_cross_footing(published: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Whole-sample column against the integer counts behind the segment columns.

    >>> pub = pd.DataFrame({"question": ["q9"] * 3, "item": ["9A"] * 3,
    ...                     "segment": ["tous", "a", "b"], "printed": ["0,75", "0,75", "0,81"]})
    >>> out = check_cross_footing(pub, TableSpec(kinds={"q9": "multi"}, sizes={"a": 12, "b": 16}))
    >>> out[["expected", "verdict", "cause"]].values.tolist()
    [['0,79', 'inconsistent', 'copied_value']]
    """
    t = _Tables(published, spec)
    feet = _feet(t)
    N = spec.n_all
    explained: dict[str, tuple[str, str]] = {}
    bad = [f for f in feet if f.testable and not f.ok]

    # 1. swaps: whole-sample cells of two rows, segment cells of two rows, two segment columns of a row
    for f, g in combinations(bad, 2):
        if f.question != g.question or f.item in explained or g.item in explained:
            continue
        if _foot_ok(t, f.item, {spec.all_code: g.tous.printed}) and _foot_ok(
            t, g.item, {spec.all_code: f.tous.printed}
        ):
            for a, b in ((f, g), (g, f)):
                explained[a.item] = (
                    "swapped_cells",
                    f"les cellules {spec.label(spec.all_code)} de {f.item} et {g.item} sont interverties : "
                    f"les segments donnent {_show(_q(Fraction(a.expected, N), a.tous.places), a.tous.places)} "
                    f"pour {a.item}, valeur imprimée à la ligne {b.item}",
                )
            continue
        for s in spec.segments:
            if _foot_ok(t, f.item, {s: g.segs[s].printed}) and _foot_ok(t, g.item, {s: f.segs[s].printed}):
                for a, b in ((f, g), (g, f)):
                    explained[a.item] = (
                        "swapped_cells",
                        f"les cellules {spec.label(s)} de {f.item} ({f.segs[s].printed}) et de {g.item} "
                        f"({g.segs[s].printed}) sont interverties : une fois échangées, les deux lignes "
                        f"se recoupent avec {spec.label(spec.all_code)}",
                    )
                break
    for f in bad:
        if f.item in explained:
            continue
        for s1, s2 in combinations(spec.segments, 2):
            if _foot_ok(t, f.item, {s1: f.segs[s2].printed, s2: f.segs[s1].printed}):
                explained[f.item] = (
                    "swapped_columns",
                    f"les valeurs {spec.label(s1)} ({f.segs[s1].printed}) et {spec.label(s2)} "
                    f"({f.segs[s2].printed}) sont interverties : échangées, elles redonnent "
                    f"{spec.label(spec.all_code)} = {f.tous.printed}",
                )
                break

    # 2. the same shift across a question; one other base for a whole column
    by_q: dict[str, list[_Foot]] = {}
    for f in bad:
        if f.item not in explained:
            by_q.setdefault(f.question, []).append(f)
    for q, fs in by_q.items():
        qfeet = [f for f in feet if f.question == q and f.testable]
        for m in [m for d in (1, 2, 3, 4) for m in (N - d, N + d)]:
            if len(fs) >= 2 and all(_q(Fraction(f.expected, m), f.tous.places) == f.tous.value for f in qfeet):
                for f in fs:
                    explained[f.item] = (
                        "different_base_n",
                        f"toute la colonne {spec.label(spec.all_code)} de {q} s'obtient en rapportant la "
                        f"somme des segments à n = {m} au lieu de {N} ({f.expected}/{m})",
                    )
                break
        groups: dict[int, list[_Foot]] = {}
        for f in fs:
            if f.item not in explained and f.delta:
                groups.setdefault(f.delta, []).append(f)
        for d, group in groups.items():
            if len(group) < 3:
                continue
            names = ", ".join(sorted(g.item for g in group))
            total = len(t.rows[q])
            for f in group:
                explained[f.item] = (
                    "systematic_shift",
                    f"même écart de {'+' if d > 0 else '−'}{_units(t, f.tous, abs(d))} sur {len(group)} "
                    f"items de {q} sur {total} "
                    f"({names}) : "
                    + (
                        f"un répondant ayant choisi ces {len(group)} items semble manquer au numérateur de "
                        f"la colonne {spec.label(spec.all_code)} (le dénominateur reste {N})"
                        if d == -1
                        else f"{abs(d)} réponses de {'moins' if d < 0 else 'trop'} par item dans la colonne "
                        f"{spec.label(spec.all_code)}"
                    ),
                )

    rows = []
    for f in feet:
        tous = f.tous
        base = dict(
            location=t.location(tous),
            figure=t.figure(tous),
            printed=tous.printed,
            check="cross_footing",
            question=f.question,
            item=f.item,
            segment=spec.all_code,
        )
        if not f.testable:
            unreachable = [c for c in f.segs.values() if not c.counts]
            rows.append(
                _row(
                    **base,
                    expected="—",
                    verdict="not_testable",
                    explanation="valeur(s) de segment non atteignable(s) : "
                    + ", ".join(f"{spec.label(c.segment)} {c.printed} (n = {c.n})" for c in unreachable)
                    + " (voir le contrôle de granularité).",
                )
            )
            continue
        parts = " + ".join(f"{_frac(c.count, c.n)}" for c in f.segs.values())
        exp_value = _q(Fraction(f.expected, N), tous.places)
        sums = f"{spec.label(spec.all_code)} = ({' + '.join(str(c.count) for c in f.segs.values())}) / {N}"
        if f.ok:
            rows.append(
                _row(
                    **base,
                    expected=_show(exp_value, tous.places),
                    verdict="consistent",
                    explanation=f"{parts} → {sums} = {_show(exp_value, tous.places)}.",
                )
            )
            continue
        lead = f"{parts} → {sums} = {_show(exp_value, tous.places)}, imprimé {tous.printed}."
        lo_seg = min(c.value for c in f.segs.values())
        hi_seg = max(c.value for c in f.segs.values())
        if tous.value < lo_seg or tous.value > hi_seg:
            lead += (
                f" {tous.printed} est hors de l'intervalle des segments [{_show(lo_seg, tous.places)} ; "
                f"{_show(hi_seg, tous.places)}] : impossible quel que soit l'arrondi."
            )
        if f.item in explained:
            cause, text = explained[f.item]
            others = _row_candidates(t, f)
            cause, text = cause, f"{lead} Explication la plus probable : {text}."
            alt = [c[2] for c in others if c[1] != cause][:2]
            if alt:
                text += " Aussi compatible : " + " ; ".join(alt) + "."
        else:
            cause, text = _compose(lead, _row_candidates(t, f))
        rows.append(
            _row(**base, expected=_show(exp_value, tous.places), verdict="inconsistent", cause=cause, explanation=text)
        )
    return _frame(rows)


def _row_candidates(t: _Tables, f: _Foot) -> list[tuple[int, str, str]]:
    """Which single cell of the row, changed, makes it cross-foot — and why it would print as it does."""
    spec = t.spec
    out = []
    cells = [f.tous, *f.segs.values()]
    for idx, cell in enumerate(cells):
        if cell.segment == spec.all_code:
            needs = [f.expected]
        else:
            if not f.tous.counts:
                continue
            rest = sum(c.count for s, c in f.segs.items() if s != cell.segment)
            needs = [k - rest for k in f.tous.counts]
        for need in needs:
            lo, hi = cell.lo_hi
            if not lo <= need <= hi:
                continue
            for cause, text in _diagnose(t, cell, need):
                out.append((idx, cause, f"cellule {spec.label(cell.segment)} : {text}"))
    return _rank(out)


# =========================================================================== choose-one
def _choose_one_questions(t: _Tables) -> list[str]:
    spec = t.spec
    if spec.choose_one is not None:
        return [q for q in t.rows if q in spec.choose_one]
    out = []
    for q, items in t.rows.items():
        kind = spec.kinds[q]
        if kind == "single":
            out.append(q)
        elif kind == "multi":
            sums = []
            for s in spec.columns:
                cells = [t.get(i, s) for i in items]
                if any(c is None or not c.counts for c in cells):
                    break
                sums.append(abs(sum(c.count for c in cells) - spec.n(s)) <= 1)
            else:
                if sums and all(sums):
                    out.append(q)
    return out


def check_choose_one(published: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """In a choose-one question, do the counts of each column add up to its n?

    >>> pub = pd.DataFrame({"question": ["q9"] * 6, "item": ["9A"] * 3 + ["9B"] * 3,
    ...                     "segment": ["tous", "a", "b"] * 2,
    ...                     "printed": ["0,5", "0,5", "0,5", "0,5", "0,5", "0,5"]})
    >>> check_choose_one(pub, TableSpec(kinds={"q9": "single"}, sizes={"a": 12, "b": 16}))["verdict"].tolist()
    ['consistent', 'consistent', 'consistent']
    """
    t = _Tables(published, spec)
    rows = []
    sums = {}
    for q in _choose_one_questions(t):
        for s in spec.columns:
            cells = [t.get(i, s) for i in t.rows[q]]
            if all(c.counts for c in cells):
                sums[(q, s)] = sum(c.count for c in cells)
    for q in _choose_one_questions(t):
        items = t.rows[q]
        printed_as = (
            ""
            if spec.kinds[q] == "single"
            else (
                " (question à choix multiples dans le codebook, imprimée comme à choix unique : ses colonnes somment à n ± 1)"
            )
        )
        for s in spec.columns:
            cells = [t.get(i, s) for i in items]
            n = spec.n(s)
            base = dict(
                location=f"Question {q.lstrip('q')}, tableau {cells[0].table}",
                figure=f"{q}, somme {spec.label(s)}",
                printed=" + ".join(c.printed for c in cells),
                check="choose_one",
                question=q,
                item="",
                segment=s,
            )
            if any(not c.counts for c in cells):
                rows.append(
                    _row(
                        **base,
                        expected=str(n),
                        verdict="not_testable",
                        explanation="une valeur de la colonne n'est pas atteignable (voir granularité).",
                    )
                )
                continue
            total = sums[(q, s)]
            detail = " + ".join(str(c.count) for c in cells)
            if total == n:
                rows.append(
                    _row(
                        **base,
                        expected=str(n),
                        verdict="consistent",
                        explanation=f"{detail} = {total} = n{printed_as}.",
                    )
                )
                continue
            d = total - n
            text = f"{detail} = {total} choix pour {n} répondants{printed_as} : " + (
                f"{'un répondant a' if d == 1 else f'{d} répondants ont'} coché plusieurs réponses, "
                f"ou une cellule compte {d} de trop"
                if d > 0
                else f"{-d} répondant(s) sans réponse, ou une cellule compte {-d} de moins"
            )
            if s != spec.all_code:
                fixes = []
                for c in cells:
                    new = c.count - d
                    lo, hi = c.lo_hi
                    if lo <= new <= hi:
                        tous = t.get(c.item, spec.all_code)
                        others = sum(t.get(c.item, o).count for o in spec.segments if o != s)
                        if tous is not None and tous.counts and tous.count == new + others:
                            fixes.append(
                                f"{c.item} {spec.label(s)} {c.printed} → "
                                f"{_show(_q(Fraction(new, c.n), c.places), c.places)}"
                            )
                if fixes:
                    text += (
                        " ; seule correction d'une cellule qui redonne aussi la valeur "
                        f"{spec.label(spec.all_code)} imprimée de sa ligne : " + ", ".join(fixes)
                    )
            else:
                seg_total = [sums.get((q, o)) for o in spec.segments]
                if all(v is not None for v in seg_total):
                    if sum(seg_total) == total:
                        text += (
                            f" ; la colonne {spec.label(s)} somme à {total} = "
                            + " + ".join(str(v) for v in seg_total)
                            + " : elle compte le même surplus que les segments"
                        )
            rows.append(
                _row(
                    **base,
                    expected=str(n),
                    verdict="inconsistent",
                    cause="extra_choice" if d > 0 else "missing_choice",
                    explanation=text + ".",
                )
            )
    return _frame(rows)


# =========================================================================== sort order
def check_sort_order(published: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Are tables that are not in questionnaire order sorted by the whole-sample column?

    >>> pub = pd.DataFrame({"question": ["q9"] * 6, "table": ["q9"] * 6,
    ...                     "table_position": [1, 1, 1, 2, 2, 2], "item": ["9B"] * 3 + ["9A"] * 3,
    ...                     "segment": ["tous", "a", "b"] * 2,
    ...                     "printed": ["0,5", "0,5", "0,5", "0,25", "0,25", "0,25"]})
    >>> check_sort_order(pub, TableSpec(kinds={"q9": "multi"}, sizes={"a": 12, "b": 16}))["verdict"].tolist()
    ['consistent']
    """
    t = _Tables(published, spec)
    rows = []
    for (q, table), items in t.tables.items():
        cells = [t.get(i, spec.all_code) for i in items]
        if any(c is None for c in cells) or len(cells) < 2:
            continue
        order = spec.item_order.get(q) or sorted(t.rows[q])
        location = f"Question {q.lstrip('q')}, tableau {table}"
        in_order = [i for i in order if i in items]
        if items == in_order:
            rows.append(
                _row(
                    location=location,
                    figure=f"ordre du tableau {table}",
                    printed=" ; ".join(items),
                    expected="ordre du questionnaire",
                    verdict="consistent",
                    check="sort_order",
                    explanation="tableau imprimé dans l'ordre du questionnaire : aucun tri à vérifier.",
                    question=q,
                )
            )
            continue
        values = [c.value for c in cells]
        desc = sum(a > b for a, b in zip(values, values[1:]))
        asc = sum(a < b for a, b in zip(values, values[1:]))
        descending = desc >= asc
        direction = "décroissant" if descending else "croissant"
        breaks = [(a, b) for a, b in zip(cells, cells[1:]) if (a.value < b.value if descending else a.value > b.value)]
        if not breaks:
            rows.append(
                _row(
                    location=location,
                    figure=f"ordre du tableau {table}",
                    printed=" ; ".join(f"{c.item} {c.printed}" for c in cells),
                    expected=f"ordre {direction} de {spec.label(spec.all_code)}",
                    verdict="consistent",
                    check="sort_order",
                    question=q,
                    explanation=f"lignes triées par {spec.label(spec.all_code)} {direction} (ex aequo admis).",
                )
            )
            continue
        for a, b in breaks:
            feet_ok = all(_foot_ok(t, c.item, {}) for c in (a, b) if t.complete(c.item))
            text = (
                f"tableau trié par {spec.label(spec.all_code)} {direction} sauf {a.item} ({a.printed}) imprimé "
                f"avant {b.item} ({b.printed}) : échanger ces deux lignes voisines rétablit l'ordre"
            )
            if feet_ok:
                text += " ; les deux valeurs se recoupent avec les segments, c'est donc l'ordre qui est faux, pas les valeurs"
            rows.append(
                _row(
                    location=f"{location}, lignes {a.pos}–{b.pos}",
                    figure=f"{a.item} avant {b.item}",
                    printed=f"{a.printed} puis {b.printed}",
                    expected=f"{b.item} avant {a.item}",
                    verdict="inconsistent",
                    cause="out_of_order",
                    check="sort_order",
                    explanation=text + ".",
                    question=q,
                    item=f"{a.item}|{b.item}",
                )
            )
    return _frame(rows)


# =========================================================================== quantities (counts in the side tables)
def _expr(text: str, quantities: dict) -> Fraction:
    """Evaluate ``a / b``, ``a + b``, ``a - b`` over named quantities and numbers (left to right)."""
    tokens = str(text).split()
    if not tokens:
        raise ValueError("empty expression")

    def value(tok: str) -> Fraction:
        if tok in quantities:
            return Fraction(quantities[tok][0])
        try:
            return Fraction(tok.replace(",", "."))
        except ValueError:
            raise ValueError(f"unknown quantity {tok!r}; known: {sorted(quantities)}") from None

    acc = value(tokens[0])
    for op, tok in zip(tokens[1::2], tokens[2::2]):
        v = value(tok)
        acc = {"+": acc + v, "-": acc - v, "/": acc / v, "*": acc * v}[op]
    return acc


def _expr_text(text: str, quantities: dict) -> str:
    """``12 (MDA de la liste)``, or ``230 (…) / 80 (…) = 2,875`` for an expression."""
    tokens = str(text).split()
    parts = [f"{_fmt_int(quantities[tok][0])} ({quantities[tok][1]})" if tok in quantities else tok for tok in tokens]
    out = " ".join(parts)
    if len(tokens) > 1:
        out += f" = {_fmt_int(_expr(text, quantities))}"
    return out


def percent_base(percents: list[str], counts: list[int], *, max_n: int = 1000) -> list[int]:
    """Every n ≤ ``max_n`` for which each count/n prints as its percent (half up).

    >>> percent_base(["82,1%", "53,6%"], [23, 15])[:1]
    [28]
    """
    readings = [_reading(p, 0) for p in percents]
    out = []
    for n in range(max(counts + [1]), max_n + 1):
        if all(_q(Fraction(100 * c, n), places) == v for (v, places), c in zip(readings, counts)):
            out.append(n)
    return out


def percent_sum_bases(percents: list[Decimal], *, places: int = 0, max_n: int = 500) -> list[int]:
    """Every n ≤ ``max_n`` with integer counts reproducing each percent and adding up to n.

    >>> percent_sum_bases([Decimal(50), Decimal(50)])[:3]
    [2, 4, 6]
    """
    out = []
    for n in range(1, max_n + 1):
        lo = hi = 0
        feasible = True
        for p in percents:
            ks = (
                [k for k in range(0, n + 1) if _q(Fraction(100 * k, n), places) == p]
                if n <= 60
                else _counts(p / 100, places + 2, n, 0, n)
            )
            if not ks:
                feasible = False
                break
            lo += min(ks)
            hi += max(ks)
        if feasible and lo <= n <= hi:
            out.append(n)
    return out


def wave_quantities(
    tables: dict[str, pd.DataFrame], *, labels: dict[str, str] | None = None
) -> dict[str, tuple[Fraction, str]]:
    """Named counts computed from a wave's side tables: what count claims are checked against.

    ``respondents.count[.<segment>]``, ``respondents.max_no.<segment>``,
    ``<table>.<indicator>`` (and ``.base``) for indicator/value tables,
    ``<table>.base`` for percent/count tables (the n that reproduces every
    percent), ``resource_persons.persons``.
    """
    q: dict[str, tuple[Fraction, str]] = {}
    labels = labels or {}
    resp = tables.get("respondents")
    if resp is not None and {"respondent_no", "segment"} <= set(resp.columns):
        q["respondents.count"] = (Fraction(len(resp)), "répondants de la liste « Qui a répondu ? »")
        for seg, sub in resp.groupby("segment", sort=False):
            q[f"respondents.count.{seg}"] = (Fraction(len(sub)), f"répondants {labels.get(seg, seg)} de la liste")
            top = sub.loc[sub["respondent_no"].astype(int).idxmax()]
            name = top["name_as_printed"] if "name_as_printed" in sub.columns else ""
            q[f"respondents.max_no.{seg}"] = (
                Fraction(int(top["respondent_no"])),
                f"N° le plus élevé de la colonne {labels.get(seg, seg)} "
                f"(N°{int(top['respondent_no'])}" + (f", {name}" if name else "") + ")",
            )
    for name, frame in tables.items():
        cols = set(frame.columns)
        if {"indicator", "value"} <= cols:
            for _, r in frame.iterrows():
                if pd.isna(r["value"]):
                    continue
                label = f"{name}.{r['indicator']}"
                q[label] = (Fraction(str(r["value"])).limit_denominator(10**6), label)
                if "base" in cols and not pd.isna(r["base"]):
                    q[f"{label}.base"] = (Fraction(int(r["base"])), f"base de {label}")
        if {"response_percent_as_printed", "response_count"} <= cols:
            bases = percent_base(list(frame["response_percent_as_printed"]), [int(c) for c in frame["response_count"]])
            if bases:
                q[f"{name}.base"] = (Fraction(bases[0]), f"effectif qui redonne les pourcentages de {name}")
    persons = tables.get("resource_persons")
    if persons is not None and "interview_status" in persons.columns:
        n = int((persons["interview_status"] != "other").sum())
        q["resource_persons.persons"] = (Fraction(n), "personnes nommées en annexe II")
    return q


# =========================================================================== narrative claims
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


def _cell_or_fail(t: _Tables, item: str, seg: str) -> _Cell:
    cell = t.get(item, seg)
    if cell is None:
        raise KeyError(f"no printed value for item {item}, column {seg}")
    return cell


def _value_claim(c, t, spec, flagged):
    cell = _cell_or_fail(t, c["item"], c["segment"])
    claimed, places, pct = _claim_reading(c["claimed"], spec.decimals)
    shown = cell.value.quantize(Decimal(1).scaleb(-places))
    expected = f"{format_fr(shown * 100, places - 2)} %" if pct else _show(shown, places)
    if claimed == shown:
        text = f"le tableau imprime {cell.printed} pour {t.figure(cell)}."
        if (cell.item, cell.segment) in flagged:
            text += " Mais cette cellule du tableau est elle-même incohérente (voir le recoupement)."
        return _claim_row(c, printed=c["claimed"], expected=expected, verdict="consistent", explanation=text)
    lead = f"le tableau imprime {cell.printed} pour {t.figure(cell)}, le texte cite {c['claimed']}."
    cands = []
    for seg in spec.columns:
        other = t.get(cell.item, seg)
        if seg == cell.segment or other is None:
            continue
        ov = other.value.quantize(Decimal(1).scaleb(-places))
        if ov == claimed:
            cands.append(
                (0, "reversed", f"c'est la valeur {spec.label(seg)} de la même ligne : segments cités à l'envers")
            )
        elif _one_digit(claimed, ov, places) or _transposed(claimed, ov, places):
            cands.append(
                (
                    5,
                    "reversed",
                    f"à un chiffre près, c'est la valeur {spec.label(seg)} ({other.printed}) : "
                    f"segments cités à l'envers, avec une faute de frappe",
                )
            )
    if _transposed(claimed, shown, places):
        cands.append((1, "transposed_digits", f"chiffres intervertis de {cell.printed}"))
    elif _one_digit(claimed, shown, places):
        cands.append((1, "one_digit_typo", f"un seul chiffre diffère de {cell.printed}"))
    if any(k[0] == 1 for k in cands):
        cands = [k for k in cands if k[0] != 5]
    for item in t.rows[cell.question]:
        other = t.get(item, cell.segment)
        if item != cell.item and other is not None and other.value.quantize(Decimal(1).scaleb(-places)) == claimed:
            cands.append((3, "copied_value", f"c'est la valeur {t.figure(other)} (autre ligne)"))
            break
    ks = _counts(claimed, places, cell.n, *cell.lo_hi)
    if ks and cell.counts and 0 < abs(ks[0] - cell.count) <= 2:
        cands.append(
            (
                4,
                "off_by_respondents",
                f"{c['claimed']} = {_frac(ks[0], cell.n)}, soit "
                f"{abs(ks[0] - cell.count)} {t.unit(cell)} d'écart avec {_frac(cell.count, cell.n)}",
            )
        )
    if not ks:
        fits = [
            m
            for m in [*spec.sizes.values(), spec.n_all]
            if m != cell.n and _counts(claimed, places, m, *_range(cell.kind, m))
        ]
        lead += (
            f" {c['claimed']} n'est d'ailleurs atteignable par aucun effectif sur n = {cell.n}"
            + (f" (il l'est avec n = {', '.join(map(str, fits))})" if fits else "")
            + "."
        )
    cands.sort(key=lambda x: x[0])
    cause, text = _compose(lead, cands)
    return _claim_row(c, printed=c["claimed"], expected=expected, verdict="inconsistent", cause=cause, explanation=text)


def _side(t, spec, c, which: str) -> tuple[_Cell, str]:
    """The other side of a comparison: a segment of the same item, or another item in the same segment."""
    if which in spec.columns:
        return _cell_or_fail(t, c["item"], which), spec.label(which)
    cell = _cell_or_fail(t, which, c["segment"])
    return cell, f"{which} ({spec.label(c['segment'])})"


def _comparison_claim(c, t, spec, flagged):
    left = _cell_or_fail(t, c["item"], c["segment"])
    right, right_name = _side(t, spec, c, c["versus"])
    rel = c["relation"]
    printed = f"{t.figure(left)} {_REL_FR[rel]} {right_name}"
    expected = f"{left.printed} contre {right.printed}"
    if _relation_holds(left.value, rel, right.value):
        return _claim_row(
            c,
            printed=printed,
            expected=expected,
            verdict="consistent",
            explanation=f"{t.figure(left)} = {left.printed}, {right_name} = {right.printed}.",
        )
    text = f"le tableau donne {t.figure(left)} = {left.printed} et {right_name} = {right.printed} : "
    if _relation_holds(right.value, rel, left.value):
        text += "la relation affirmée vaut dans l'autre sens"
        if c["versus"] in spec.columns and t.complete(left.item):
            swapped = {left.segment: right.printed, right.segment: left.printed}
            if _foot_ok(t, left.item, {}) and not _foot_ok(t, left.item, swapped):
                text += (
                    f" ; la valeur {spec.label(spec.all_code)} ({t.get(left.item, spec.all_code).printed}) "
                    "confirme les colonnes imprimées : c'est le texte qui inverse les segments"
                )
            elif _foot_ok(t, left.item, swapped):
                text += (
                    " ; les colonnes échangées se recouperaient aussi : le tableau a peut-être interverti les colonnes"
                )
        cause = "reversed"
    else:
        text += "les deux valeurs sont égales"
        cause = "contradicts_table"
    return _claim_row(
        c, printed=printed, expected=expected, verdict="inconsistent", cause=cause, explanation=text + "."
    )


def _agree_range(cell: _Cell) -> tuple[int, int] | None:
    """How many respondents can have answered 2 or 3, given the printed mean (its sum S)."""
    if cell.kind != "agreement3" or not cell.counts:
        return None
    extra = cell.count - cell.n
    return math.ceil(extra / 2), min(extra, cell.n)


def _level_claim(c, t, spec, flagged):
    threshold, places, pct = _claim_reading(c["claimed"], spec.decimals)
    rel = c["relation"]
    fails, details = [], []
    for seg in _segments_of(c, spec):
        cell = _cell_or_fail(t, c["item"], seg)
        details.append(f"{spec.label(seg)} {cell.printed}")
        if not _relation_holds(cell.value, rel, threshold):
            fails.append(cell)
    printed = f"{c['item']} {c['segment'] if c['segment'] not in ('', '*') else 'tous segments'} {_REL_FR[rel]} {c['claimed']}"
    expected = " ; ".join(details)
    if not fails:
        return _claim_row(
            c,
            printed=printed,
            expected=expected,
            verdict="consistent",
            explanation=f"{c['item']} : {expected} ({_REL_FR[rel]} {c['claimed']}).",
        )
    parts, agreement = [], False
    for cell in fails:
        s = f"{t.figure(cell)} = {cell.printed}, pas {_REL_FR[rel]} {c['claimed']}"
        rng = _agree_range(cell)
        if rng is not None and Fraction(str(threshold)) == AGREE_THRESHOLD:
            agreement = True
            s += f" (de {rng[0]} à {rng[1]} répondants d'accord ou entièrement d'accord sur {cell.n})"
        parts.append(s)
    text = " ; ".join(parts)
    if agreement:
        text += (
            " ; seuil 2 = « d'accord », le critère du rapport lui-même (« score supérieur ou égal à 2 "
            "(entièrement d'accord et d'accord) »)"
        )
    others = [
        s
        for s in spec.columns
        if s not in _segments_of(c, spec)
        and (cell := t.get(c["item"], s)) is not None
        and _relation_holds(cell.value, rel, threshold)
    ]
    cause = "contradicts_table"
    if others and c["segment"] not in ("", "*"):
        holders = ", ".join(f"{spec.label(s)} ({t.get(c['item'], s).printed})" for s in others)
        text += f" ; l'affirmation vaut pour {holders}"
        cause = "reversed"
    return _claim_row(
        c, printed=printed, expected=expected, verdict="inconsistent", cause=cause, explanation=text + "."
    )


def _chose_claim(c, t, spec, flagged):
    claimed = int(c["claimed"])
    fails, details = [], []
    for seg in _segments_of(c, spec):
        cell = _cell_or_fail(t, c["item"], seg)
        if not cell.counts:
            return _claim_row(
                c,
                printed=c["claimed"],
                expected="—",
                verdict="not_testable",
                explanation=f"{t.figure(cell)} = {cell.printed} n'est pas atteignable (voir granularité).",
            )
        if cell.kind == "agreement3":
            lo, hi = _agree_range(cell)
            span = f"{lo}" if lo == hi else f"{lo} à {hi}"
            details.append(f"{spec.label(seg)} : {cell.printed} → {span} d'accord sur {cell.n}")
            holds = lo <= claimed <= hi
        else:
            details.append(f"{spec.label(seg)} : {cell.printed} = {_frac(cell.count, cell.n)}")
            holds = cell.count == claimed
        if not holds:
            fails.append(cell)
    expected = " ; ".join(details)
    if not fails:
        return _claim_row(c, printed=c["claimed"], expected=expected, verdict="consistent", explanation=f"{expected}.")
    return _claim_row(
        c,
        printed=c["claimed"],
        expected=expected,
        verdict="inconsistent",
        cause="contradicts_table",
        explanation=f"le texte dit {claimed} répondant(s) ; le tableau : {expected}.",
    )


def _rank_claim(c, t, spec, flagged):
    rel = c["relation"]
    m = re.fullmatch(r"(max|min|top(\d+)|bottom(\d+))", rel)
    if not m:
        raise ValueError(f"rank relation {rel!r} is not max, min, topK or bottomK")
    k = 1 if rel in ("max", "min") else int(m.group(2) or m.group(3))
    top = rel == "max" or rel.startswith("top")
    wanted = c["item"].split("|")
    q = t.get(wanted[0], spec.all_code).question
    fails, details = [], []
    for seg in _segments_of(c, spec):
        cells = [t.get(i, seg) for i in t.rows[q] if t.get(i, seg) is not None]
        values = sorted((x.value for x in cells), reverse=top)
        cut = values[min(k, len(values)) - 1]
        for item in wanted:
            cell = _cell_or_fail(t, item, seg)
            inside = cell.value >= cut if top else cell.value <= cut
            position = 1 + sum((x.value > cell.value) if top else (x.value < cell.value) for x in cells)
            details.append(f"{spec.label(seg)} : {item} {cell.printed} ({_ordinal(position)} sur {len(cells)})")
            if not inside:
                beyond = [x for x in cells if ((x.value > cell.value) if top else (x.value < cell.value))]
                fails.append(
                    f"{spec.label(seg)} : {item} = {cell.printed} n'est que {_ordinal(position)} "
                    f"{'plus forte' if top else 'plus faible'} valeur sur {len(cells)} ("
                    + ", ".join(f"{x.item} {x.printed}" for x in beyond)
                    + " "
                    + ("au-dessus" if top else "en dessous")
                    + ")"
                )
    expected = " ; ".join(details)
    label = {"max": "la plus forte", "min": "la plus faible"}.get(
        rel, f"parmi les {k} {'premières' if top else 'dernières'}"
    )
    printed = f"{c['item']} {label}"
    if not fails:
        return _claim_row(
            c, printed=printed, expected=expected, verdict="consistent", explanation=f"{expected} (ex aequo admis)."
        )
    return _claim_row(
        c,
        printed=printed,
        expected=expected,
        verdict="inconsistent",
        cause="contradicts_table",
        explanation=" ; ".join(fails) + ".",
    )


def _ordinal(k: int) -> str:
    return "1re" if k == 1 else f"{k}e"


def _gap_claim(c, t, spec, flagged):
    left = _cell_or_fail(t, c["item"], c["segment"])
    right, right_name = _side(t, spec, c, c["versus"])
    threshold, _, _ = _claim_reading(c["claimed"], spec.decimals)
    gap = abs(left.value - right.value)
    rel = c["relation"]
    ok = _relation_holds(gap, rel, threshold)
    text = (
        f"écart |{left.printed} − {right.printed}| = {_show(gap, left.places)} "
        f"({_REL_FR[rel]} {c['claimed']} {'vérifié' if ok else 'non vérifié'})."
    )
    return _claim_row(
        c,
        printed=f"écart {_REL_FR[rel]} {c['claimed']}",
        expected=_show(gap, left.places),
        verdict="consistent" if ok else "inconsistent",
        cause="" if ok else "contradicts_table",
        explanation=text,
    )


def _spread_claim(c, t, spec, flagged):
    q = c["question"]

    def spread(seg):
        values = [t.get(i, seg).value for i in t.rows[q] if t.get(i, seg) is not None]
        return max(values) - min(values)

    a, b = spread(c["segment"]), spread(c["versus"])
    rel = c["relation"]
    ok = _relation_holds(a, rel, b)
    text = (
        f"étendue (max − min) des réponses : {spec.label(c['segment'])} {_show(a, spec.decimals)}, "
        f"{spec.label(c['versus'])} {_show(b, spec.decimals)}."
    )
    return _claim_row(
        c,
        printed=f"étendue {spec.label(c['segment'])} {_REL_FR[rel]} {spec.label(c['versus'])}",
        expected=f"{_show(a, spec.decimals)} contre {_show(b, spec.decimals)}",
        verdict="consistent" if ok else "inconsistent",
        cause="" if ok else "contradicts_table",
        explanation=text,
    )


def _count_claim(c: dict, quantities: dict) -> dict:
    kind, rel = c["kind"], c["relation"]
    if kind == "bands":
        return _bands_claim(c)
    if kind == "grim":
        return _grim_claim(c, quantities)
    claimed = Fraction(str(parse_printed(c["claimed"])))
    computed = _expr(c["item"], quantities)
    source = _expr_text(c["item"], quantities)
    shown = _fmt_int(computed)
    if rel == "about":
        ok = abs(computed - claimed) <= claimed / 10
        how = f"{c['claimed']} ≈ {shown} (à 10 % près)"
    else:
        ok = _relation_holds(claimed, rel, computed)
        how = f"{c['claimed']} {_REL_FR[rel]} {shown}"
    if ok:
        return _claim_row(
            c,
            printed=c["claimed"],
            expected=shown,
            verdict="consistent",
            explanation=f"données : {source} ; {how} : vérifié.",
        )
    text = f"données : {source} ; le texte dit {c['claimed']}, or {how} est faux"
    if kind == "base":
        cause = "different_base_n"
        text += (
            f" : la base ({c['claimed']}) n'est pas l'effectif de référence ({shown}), écart de "
            f"{_fmt_int(abs(claimed - computed))} ; le texte ne dit pas pourquoi"
        )
    else:
        cause = "wrong_count"
        prefix = c["item"].split()[0].split(".")[0] + "."
        related = [(k, v) for k, v in quantities.items() if k.startswith(prefix) and k not in c["item"].split()]
        same = [v[1] for k, v in related if v[0] == claimed]
        if same:
            text += f" ; {c['claimed']} coïncide avec : " + ", ".join(same)
        others = [f"{_fmt_int(v[0])} {v[1]}" for k, v in related if v[0] != claimed and ".count" in k]
        if others:
            text += " ; la liste donne aussi " + ", ".join(others)
    return _claim_row(
        c, printed=c["claimed"], expected=shown, verdict="inconsistent", cause=cause, explanation=text + "."
    )


def _grim_claim(c: dict, quantities: dict) -> dict:
    value, places, _ = _claim_reading(c["claimed"], 0)
    n = int(_expr(c["item"], quantities))
    ks = _counts(value, places, n, 0, n)
    source = _expr_text(c["item"], quantities)
    if ks:
        return _claim_row(
            c,
            printed=c["claimed"],
            expected=f"{ks[0]}/{n}",
            verdict="consistent",
            explanation=f"{c['claimed']} = {ks[0]}/{n} sur la base {source}.",
        )
    near = [m for d in range(1, 7) for m in (n - d, n + d) if m > 0 and _counts(value, places, m, 0, m)]
    lo = max([k for k in range(n + 1) if _q(Fraction(k, n), places) < value], default=None)
    text = (
        f"{c['claimed']} n'est atteignable par aucun effectif sur n = {source}"
        + (
            f" : {lo}/{n} = {format_fr(Fraction(100 * lo, n), places - 2)} %, "
            f"{lo + 1}/{n} = {format_fr(Fraction(100 * (lo + 1), n), places - 2)} %"
            if lo is not None and lo < n
            else ""
        )
        + (f" ; il l'est avec n = {', '.join(map(str, sorted(near)[:4]))}" if near else "")
        + " : autre base non dite, ou chiffre arrondi à la dizaine."
    )
    return _claim_row(
        c, printed=c["claimed"], expected="—", verdict="inconsistent", cause="different_base_n", explanation=text
    )


def _bands_claim(c: dict) -> dict:
    bands = [b.strip() for b in c["claimed"].split("|")]
    bounds = []
    for b in bands:
        m = re.fullmatch(r"(\d+)(?:-(\d+)|\+)", b)
        if not m:
            raise ValueError(f"band {b!r} is not 'LOW-HIGH' or 'LOW+'")
        bounds.append((int(m.group(1)), int(m.group(2)) if m.group(2) else None))
    gaps = [(a, b) for a, b in zip(bounds, bounds[1:]) if a[1] != b[0]]
    if not gaps:
        return _claim_row(
            c,
            printed=c["claimed"],
            expected=c["claimed"],
            verdict="consistent",
            explanation="tranches contiguës : chaque borne haute est la borne basse de la suivante.",
        )
    texts, fixed = [], list(bands)
    cause = "contradicts_table"
    for a, b in gaps:
        hi, nxt = str(a[1]), str(b[0])
        text = (
            f"la tranche {_fmt_int(a[0])} – {_fmt_int(a[1])} est suivie d'une tranche qui commence à "
            f"{_fmt_int(b[0])} : les bornes ne se suivent pas"
        )
        extra = len(hi) - len(nxt)
        if extra > 0 and hi.startswith(nxt) and set(hi[len(nxt) :]) == {"0"}:
            text += (
                f" ; {_fmt_int(a[1])} a {'un zéro' if extra == 1 else f'{extra} zéros'} de trop : "
                f"la tranche est {_fmt_int(a[0])} – {_fmt_int(b[0])} (faute de frappe)"
            )
            cause = "one_digit_typo"
        texts.append(text)
        fixed[bounds.index(a)] = f"{a[0]}-{b[0]}"
    return _claim_row(
        c,
        printed=c["claimed"],
        expected="|".join(fixed),
        verdict="inconsistent",
        cause=cause,
        explanation=" ; ".join(texts) + ".",
    )


def _sentence_footing(claims: pd.DataFrame, t: _Tables) -> list[dict]:
    """Figures quoted together for the whole sample and every segment: do they add up?"""
    spec = t.spec
    values = claims[claims["kind"] == "value"]
    rows = []
    for (location, item), group in values.groupby(["location", "item"], sort=False):
        by_seg = {str(r["segment"]): str(r["claimed"]) for _, r in group.iterrows()}
        if set(by_seg) != set(spec.columns):
            continue
        cell = t.get(item, spec.all_code)
        parsed = {s: _claim_reading(by_seg[s], spec.decimals) for s in spec.columns}
        figure = f"{item} : " + " / ".join(f"{spec.label(s)} {by_seg[s]}" for s in spec.columns)
        base = dict(
            location=location,
            figure=figure,
            printed=by_seg[spec.all_code],
            check="text",
            question=cell.question if cell else "",
            item=item,
            segment=spec.all_code,
        )
        ks = {}
        for s in spec.segments:
            v, places, _ = parsed[s]
            n = spec.n(s)
            found = _counts(v, places, n, *_range(cell.kind, n))
            if not found:
                rows.append(
                    _row(
                        **base,
                        expected="—",
                        verdict="not_testable",
                        explanation=f"les chiffres cités ensemble ne peuvent être recoupés : {spec.label(s)} "
                        f"{by_seg[s]} n'est atteignable par aucun effectif sur n = {n}.",
                    )
                )
                break
            ks[s] = _nearest(found, v, n)
        else:
            total = sum(ks.values())
            v, places, pct = parsed[spec.all_code]
            exp = _q(Fraction(total, spec.n_all), places)
            shown = f"{format_fr(exp * 100, places - 2)} %" if pct else _show(exp, places)
            detail = " + ".join(f"{ks[s]}/{spec.n(s)}" for s in spec.segments)
            if exp == v:
                rows.append(
                    _row(
                        **base,
                        expected=shown,
                        verdict="consistent",
                        explanation=f"chiffres cités ensemble cohérents : {detail} → {total}/{spec.n_all}.",
                    )
                )
            else:
                lo = min(parsed[s][0] for s in spec.segments)
                hi = max(parsed[s][0] for s in spec.segments)
                text = (
                    f"chiffres cités ensemble incompatibles : {detail} → {total}/{spec.n_all} = {shown}, "
                    f"le texte cite {by_seg[spec.all_code]}"
                )
                if v < lo or v > hi:
                    text += " (hors de l'intervalle des deux segments : impossible quel que soit l'arrondi)"
                rows.append(
                    _row(
                        **base,
                        expected=shown,
                        verdict="inconsistent",
                        cause="cross_footing",
                        explanation=text + " ; voir le recoupement du tableau.",
                    )
                )
    return rows


# =========================================================================== sample and side tables
def _band_bounds(code: str) -> tuple[int, int | None]:
    m = re.fullmatch(r"(\d+)(?:-(\d+)|(\+))?", str(code))
    if not m:
        raise ValueError(f"band {code!r} is not 'N', 'LOW-HIGH' or 'LOW+'")
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else (None if m.group(3) else low)
    return low, high


def check_sample(
    tables: dict[str, pd.DataFrame], *, sizes: dict[str, int] | None = None, labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """Respondent list, staff and budget bands, sectors and percent tables against each other.

    Runs the checks whose tables are present; ``sizes`` are the segment sizes
    the survey tables use (codebook).
    """
    labels = labels or {}
    lab = lambda s: labels.get(s, s)  # noqa: E731
    rows = []
    resp = tables.get("respondents")
    if resp is not None:
        nos = sorted(int(x) for x in resp["respondent_no"])
        counts = resp["segment"].value_counts()
        ok = nos == list(range(1, len(nos) + 1))
        rows.append(
            _row(
                location="Annexe III, « Qui a répondu ? »",
                figure="numéros des répondants",
                printed=f"N°1 à N°{max(nos)}",
                expected=f"{len(nos)} numéros distincts",
                verdict="consistent" if ok else "inconsistent",
                cause="" if ok else "wrong_count",
                check="sample",
                explanation=(
                    f"N°1 à N°{len(nos)}, chacun une fois."
                    if ok
                    else f"numéros manquants ou en double : {sorted(set(range(1, max(nos) + 1)) - set(nos))}."
                ),
            )
        )
        for seg, n in (sizes or {}).items():
            have = int(counts.get(seg, 0))
            rows.append(
                _row(
                    location="Annexe III, « Qui a répondu ? »",
                    figure=f"répondants {lab(seg)}",
                    printed=str(have),
                    expected=str(n),
                    check="sample",
                    segment=seg,
                    verdict="consistent" if have == n else "inconsistent",
                    cause="" if have == n else "different_base_n",
                    explanation=f"{have} répondants {lab(seg)} dans la liste, n = {n} dans les tableaux.",
                )
            )
        if "budget_band" in resp.columns:
            have = resp["budget_band"].replace("", pd.NA).notna()
            unsure = resp.loc[
                resp.get("budget_uncertain", pd.Series(False, index=resp.index)).fillna(False).astype(bool),
                "respondent_no",
            ].tolist()
            ok = bool(have.all())
            text = f"{int(have.sum())} répondants sur {len(resp)} ont une tranche de budget, chacun une seule fois" + (
                f" ; N°{', N°'.join(map(str, unsure))} imprimé avec « (?) »" if unsure else ""
            )
            if not ok:
                text += f" ; sans tranche : N°{', N°'.join(map(str, resp.loc[~have, 'respondent_no']))}"
            rows.append(
                _row(
                    location="Annexe III, Budget",
                    figure="tranches de budget",
                    printed=str(int(have.sum())),
                    expected=str(len(resp)),
                    check="sample",
                    verdict="consistent" if ok else "inconsistent",
                    cause="" if ok else "incomplete",
                    explanation=text + ".",
                )
            )
    staff = tables.get("staff_bands")
    if staff is not None and resp is not None:
        for seg, sub in staff.groupby("segment", sort=False):
            total = int(sub["count"].sum())
            n = int(resp["segment"].value_counts().get(seg, 0))
            detail = " + ".join(str(int(x)) for x in sub["count"])
            rows.append(
                _row(
                    location="Annexe III, Emploi",
                    figure=f"tranches de salariés {lab(seg)}",
                    printed=detail,
                    expected=str(n),
                    check="sample",
                    segment=seg,
                    verdict="consistent" if total == n else "inconsistent",
                    cause="" if total == n else "wrong_count",
                    explanation=f"{detail} = {total} pour {n} répondants {lab(seg)}.",
                )
            )
        if "budget_band" in resp.columns:
            for seg, sub in staff.groupby("segment", sort=False):
                lows = [_band_bounds(b)[0] for b, k in zip(sub["band"], sub["count"]) if int(k) > 0]
                if not lows or min(lows) < 2:
                    continue
                small = resp[(resp["segment"] == seg) & (resp["budget_band"].astype(str).str.startswith("0-"))]
                if small.empty:
                    continue
                names = ", ".join(
                    f"N°{r.respondent_no}" + (f" ({r.mda_status})" if "mda_status" in resp.columns else "")
                    for r in small.itertuples()
                )
                rows.append(
                    _row(
                        location="Annexe III, Emploi et Budget",
                        figure=f"salariés et budget {lab(seg)}",
                        printed=f"{len(small)} {lab(seg)} à moins de 10 000 €",
                        expected=f"tous les {lab(seg)} ont au moins {min(lows)} salariés",
                        verdict="not_testable",
                        check="sample",
                        segment=seg,
                        explanation=(
                            f"tous les {lab(seg)} ont au moins {min(lows)} salariés (Emploi), mais "
                            f"{names} sont dans la tranche 0–10 000 € : {min(lows)} salaires dépassent "
                            "10 000 € par an, sauf si le personnel est payé par la ville et hors "
                            "budget ; rien ne permet de trancher."
                        ),
                    )
                )
    sectors = tables.get("respondent_sectors")
    if sectors is not None and resp is not None:
        missing = sorted(set(int(x) for x in resp["respondent_no"]) - set(int(x) for x in sectors["respondent_no"]))
        multi = sectors["respondent_no"].astype(int).value_counts()
        multi = sorted(int(k) for k, v in multi.items() if v > 1)
        ok = not missing
        text = (
            f"{len(resp) - len(missing)} répondants sur {len(resp)} figurent dans le tableau des secteurs"
            + (f" ; absent(s) : N°{', N°'.join(map(str, missing))}" if missing else "")
            + (f" ; dans plusieurs secteurs : N°{', N°'.join(map(str, multi))}" if multi else "")
        )
        rows.append(
            _row(
                location="Annexe III, Secteurs représentés",
                figure="répondants classés par secteur",
                printed=str(len(resp) - len(missing)),
                expected=str(len(resp)),
                check="sample",
                verdict="consistent" if ok else "inconsistent",
                cause="" if ok else "incomplete",
                explanation=text + ".",
            )
        )
    quantities = wave_quantities(tables, labels=labels)
    for name, frame in tables.items():
        cols = set(frame.columns)
        if {"response_percent_as_printed", "response_count"} <= cols:
            rows.extend(_percent_count_rows(name, frame))
        if "percent" in cols and "count" not in cols and "value" not in cols:
            rows.append(_percent_sum_row(name, frame, quantities))
    return _frame(rows)


def _percent_count_rows(name: str, frame: pd.DataFrame) -> list[dict]:
    percents = list(frame["response_percent_as_printed"])
    counts = [int(c) for c in frame["response_count"]]
    bases = percent_base(percents, counts)
    label_col = next(
        (c for c in frame.columns if c.endswith("_as_printed") and c != "response_percent_as_printed"), frame.columns[0]
    )
    rows = []
    for (_, r), p, k in zip(frame.iterrows(), percents, counts):
        fits = [n for n in range(max(counts), 1001) if _q(Fraction(100 * k, n), _reading(p, 0)[1]) == _reading(p, 0)[0]]
        base = dict(location=f"{name}", figure=f"{r[label_col]}", printed=f"{p} ; {k}", check="sample")
        if bases:
            n = bases[0]
            others = (
                f" ; autres bases possibles ≤ 1000 : {', '.join(map(str, bases[1:4]))}"
                if len(bases) > 1
                else " ; seule base ≤ 1000 qui redonne toutes les lignes"
            )
            rows.append(
                _row(
                    **base,
                    expected=f"{k}/{n}",
                    verdict="consistent",
                    explanation=f"{k}/{n} = {format_fr(Fraction(100 * k, n), 2)} % → {p}{others}.",
                )
            )
        else:
            rows.append(
                _row(
                    **base,
                    expected="—",
                    verdict="inconsistent",
                    cause="different_base_n",
                    explanation=f"aucune base commune ne redonne tous les pourcentages ; pour cette ligne : "
                    f"{', '.join(map(str, fits[:4])) or 'aucune'}.",
                )
            )
    return rows


def _percent_sum_row(name: str, frame: pd.DataFrame, quantities: dict) -> dict:
    percents = [Decimal(str(p)).quantize(Decimal(1)) for p in frame["percent"]]
    total = sum(percents)
    bases = percent_sum_bases(percents)
    sibling = [
        (k, v)
        for k, v in quantities.items()
        if name.startswith(k.split(".")[0]) and k.split(".")[0] != name and v[0].denominator == 1 and v[0] > 1
    ]
    fits = [(k, v) for k, v in sibling if int(v[0]) in bases]
    base = dict(
        location=name,
        figure=f"somme des pourcentages de {name}",
        printed=f"{total} %",
        expected="100 %",
        check="sample",
    )
    if total == 100:
        return _row(**base, verdict="consistent", explanation="les pourcentages somment à 100.")
    if bases:
        text = (
            f"la somme ({total} %) s'explique par l'arrondi : des effectifs entiers redonnent chaque pourcentage "
            f"et somment à n pour n = {', '.join(map(str, bases[:5]))}…"
        )
        if fits:
            named = {}
            for k, v in sorted(fits, key=lambda kv: (kv[1][0], kv[0].endswith(".base"))):
                named.setdefault(int(v[0]), k)
            text += " ; parmi les effectifs cités : " + ", ".join(f"n = {n} ({k})" for n, k in named.items())
        return _row(**base, verdict="consistent", explanation=text + ".")
    return _row(
        **base,
        verdict="inconsistent",
        cause="wrong_count",
        explanation=f"aucun effectif ≤ 500 ne redonne ces pourcentages avec une somme de {total} %.",
    )


# =========================================================================== drivers
def audit_tables(
    published: pd.DataFrame, spec: TableSpec, claims: pd.DataFrame | None = None, quantities: dict | None = None
) -> pd.DataFrame:
    """Every table check (and the claims, if given) on one set of published tables."""
    parts = [
        check_granularity(published, spec),
        check_rounding(published, spec),
        check_cross_footing(published, spec),
        check_choose_one(published, spec),
        check_sort_order(published, spec),
    ]
    if claims is not None:
        foot = parts[2]
        flagged = {(r.item, r.segment) for r in foot.itertuples() if r.verdict == "inconsistent"}
        parts.append(check_claims(claims, published, spec, quantities, flagged=flagged))
    return pd.concat(parts, ignore_index=True)


def run_audit(wave: str = "2014") -> pd.DataFrame:
    """Audit every published figure of a wave: the frame written to ``data/processed/<wave>/audit.csv``.

    >>> audit = run_audit("2014")
    >>> sorted(set(audit["verdict"])) == sorted(VERDICTS)
    True
    """
    from ..data.io import load_wave

    w = load_wave(wave)
    cb = w.codebook
    sizes = {
        lvl["code"]: int(lvl["n"]) for lvl in cb.raw.get("segments", {}).get("levels", []) if "n" in lvl
    } or w.segment_sizes()
    spec = TableSpec.from_codebook(cb, sizes)
    quantities = wave_quantities(w.tables, labels=spec.labels)
    parts = []
    claims = w.table("narrative_claims") if w.has("narrative_claims") else None
    if w.has("published_tables"):
        parts.append(audit_tables(w.table("published_tables"), spec, claims, quantities))
    elif claims is not None:
        parts.append(check_claims(claims, None, None, quantities))
    parts.append(check_sample(w.tables, sizes=sizes, labels=spec.labels))
    out = pd.concat(parts, ignore_index=True)
    order = {c: i for i, c in enumerate(CHECKS)}
    out = out.iloc[sorted(range(len(out)), key=lambda i: order.get(out["check"].iloc[i], 99))].reset_index(drop=True)
    return out


def summary_lines(audit: pd.DataFrame) -> list[str]:
    """One line per verdict: how many figures, by check.

    >>> df = pd.DataFrame({"verdict": ["consistent", "inconsistent"], "check": ["granularity", "text"]})
    >>> summary_lines(df)
    ['consistent: 1 (granularity 1)', 'inconsistent: 1 (text 1)', 'not_testable: 0']
    """
    lines = []
    for verdict in VERDICTS:
        sub = audit[audit["verdict"] == verdict]
        by = sub["check"].value_counts()
        detail = ", ".join(f"{c} {int(by[c])}" for c in CHECKS if c in by.index)
        lines.append(f"{verdict}: {len(sub)}" + (f" ({detail})" if detail else ""))
    return lines

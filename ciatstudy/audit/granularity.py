"""Can every printed cell come out of its segment's n, and which rounding rule did the report use?

``granularity``
    GRIM: a share printed for a segment of n respondents must be k/n for an
    integer k, and a mean of 3/2/1 scores must be S/n with S in n..3n, after
    rounding half up at the printed decimals. A figure printed with fewer
    decimals ("0,5") is read as its trailing zeros dropped (0,50), as the
    codebook's rounding note says.
``rounding``
    every cell whose exact value lies half-way (2/16 = 0,125) shows which rule
    the report used: half up prints 0,13, Python's half-to-even 0,12.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN
from fractions import Fraction

import pandas as pd

from ..data.rounding import format_fr
from .cells import TableSpec, _Cell, _frac, _one_digit, _places, _q, _show, _Tables, _transposed
from .diagnoses import _compose, _diagnose, _other_bases, _rank, _rounding_causes
from .findings import _frame, _row


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
        candidates = _unreachable_candidates(t, cell, near, column_base)
        column = [c for c in candidates if c[0] == -1]
        ranked = column + _rank([(0, tag, text) for i, tag, text in candidates if i >= 0])
        cause, text = _compose(lead, ranked)
        rows.append(_row(**base, expected=expected, verdict="inconsistent", cause=cause, explanation=text))
    return _frame(rows)


def _unreachable_candidates(
    t: _Tables, cell: _Cell, near: list[int], column_base: dict[tuple[str, str], int]
) -> list[tuple[int, str, str]]:
    """Why an unreachable cell prints what it prints: (-1 for its whole column, 0 from its row, 1 alone; tag, text)."""
    spec, seg = t.spec, cell.segment
    lo, hi = cell.lo_hi
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
            candidates.append((0, cause, f"les autres colonnes de la ligne imposent {_frac(needed, cell.n)} ; {text}"))
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
                "atteignable avec n = " + ", ".join(f"{m} ({_frac(cell.reachable_with(m)[0], m)})" for m in bases[:3]),
            )
        )
    return candidates


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


def _what(cell: _Cell, c: int) -> str:
    if cell.kind == "agreement3":
        return f"somme des scores {c} sur {cell.n} répondants"
    return f"{c} répondant{'s' if c > 1 else ''} sur {cell.n}"


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

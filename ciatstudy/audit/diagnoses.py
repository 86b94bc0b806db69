"""Why a printed figure differs from the one the other printed figures need.

Explanations (column ``cause`` of the findings) are tried in a fixed order,
strongest first: ``swapped_cells`` / ``swapped_columns`` (one exchange
explains two mismatches), ``systematic_shift`` (the same gap of whole
respondents across a question), ``different_base_n`` (a whole column fits
another n), ``copied_value`` (the figure is another printed cell of the same
row, or the same column of the next row), ``transposed_digits``,
``one_digit_typo``, ``truncated`` / ``rounding_rule``, then the weak ones:
``different_base_n`` for a single cell and ``off_by_respondents`` (the
figure is one or two respondents away). Within a class the whole-sample cell
comes first: it is derived from the segments, which are the study's data and
which the narrative quotes. The first cause is named in ``cause``; the
explanation lists the others that also fit.

This module holds the single-cell diagnoses and their ranking; the
explanations spanning several cells (swaps, shifts, another base for a
column) are found by :mod:`ciatstudy.audit.footing` and
:mod:`ciatstudy.audit.granularity`.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN
from fractions import Fraction

from ..data.rounding import format_fr
from .cells import TableSpec, _Cell, _frac, _one_digit, _q, _show, _Tables, _transposed


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

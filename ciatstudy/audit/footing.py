"""Do the printed figures add up: whole sample against segments, choices against respondents?

``cross_footing``
    the whole-sample column must equal the integer counts behind the segment
    columns, added up: (k_MDA + k_Non-MDA) / 28, never a rounded average.
``choose_one``
    in a choose-one question the counts of a column add up to its n. A
    multiple-choice question whose counts add up to n ± 1 in every column is
    audited as printed-as-choose-one (2014: question 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, product

import pandas as pd

from .cells import TableSpec, _Cell, _counts, _frac, _q, _range, _reading, _show, _Tables
from .diagnoses import _compose, _diagnose, _rank, _units
from .findings import _frame, _row


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
    bad = [f for f in feet if f.testable and not f.ok]
    explained: dict[str, tuple[str, str]] = {}
    _explain_swaps(t, bad, explained)
    _explain_shifts(t, feet, bad, explained)
    return _frame([_footing_row(t, f, explained) for f in feet])


def _explain_swaps(t: _Tables, bad: list[_Foot], explained: dict[str, tuple[str, str]]) -> None:
    """Swaps that make rows cross-foot: the whole-sample cells of two rows, segment cells of two rows,
    two segment columns of a row; recorded in ``explained`` (item -> cause, text)."""
    spec, N = t.spec, t.spec.n_all
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


def _explain_shifts(t: _Tables, feet: list[_Foot], bad: list[_Foot], explained: dict[str, tuple[str, str]]) -> None:
    """Rows left unexplained that share a cause across their question: the whole-sample column divided by
    another n, or the same gap of whole respondents in three rows or more; recorded in ``explained``."""
    spec, N = t.spec, t.spec.n_all
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


def _footing_row(t: _Tables, f: _Foot, explained: dict[str, tuple[str, str]]) -> dict:
    """The finding for one row: its whole-sample cell against the sum of its segments' counts."""
    spec, N = t.spec, t.spec.n_all
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
        return _row(
            **base,
            expected="—",
            verdict="not_testable",
            explanation="valeur(s) de segment non atteignable(s) : "
            + ", ".join(f"{spec.label(c.segment)} {c.printed} (n = {c.n})" for c in unreachable)
            + " (voir le contrôle de granularité).",
        )
    parts = " + ".join(f"{_frac(c.count, c.n)}" for c in f.segs.values())
    exp_value = _q(Fraction(f.expected, N), tous.places)
    sums = f"{spec.label(spec.all_code)} = ({' + '.join(str(c.count) for c in f.segs.values())}) / {N}"
    if f.ok:
        return _row(
            **base,
            expected=_show(exp_value, tous.places),
            verdict="consistent",
            explanation=f"{parts} → {sums} = {_show(exp_value, tous.places)}.",
        )
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
        text = f"{lead} Explication la plus probable : {text}."
        alt = [c[2] for c in others if c[1] != cause][:2]
        if alt:
            text += " Aussi compatible : " + " ; ".join(alt) + "."
    else:
        cause, text = _compose(lead, _row_candidates(t, f))
    return _row(**base, expected=_show(exp_value, tous.places), verdict="inconsistent", cause=cause, explanation=text)


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
            text += _choose_one_hint(t, q, s, cells, d, total, sums)
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


def _choose_one_hint(t: _Tables, q: str, s: str, cells: list[_Cell], d: int, total: int, sums: dict) -> str:
    """Where a column's surplus (``d`` choices) comes from: in a segment, the one cell whose correction also
    gives its row's printed whole-sample value; in the whole sample, the same surplus as the segments'."""
    spec = t.spec
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
                        f"{c.item} {spec.label(s)} {c.printed} → {_show(_q(Fraction(new, c.n), c.places), c.places)}"
                    )
        if fixes:
            return (
                " ; seule correction d'une cellule qui redonne aussi la valeur "
                f"{spec.label(spec.all_code)} imprimée de sa ligne : " + ", ".join(fixes)
            )
    else:
        seg_total = [sums.get((q, o)) for o in spec.segments]
        if all(v is not None for v in seg_total):
            if sum(seg_total) == total:
                return (
                    f" ; la colonne {spec.label(s)} somme à {total} = "
                    + " + ".join(str(v) for v in seg_total)
                    + " : elle compte le même surplus que les segments"
                )
    return ""

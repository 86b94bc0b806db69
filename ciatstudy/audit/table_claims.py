"""Claims of the narrative about a survey table item, checked against the printed table.

A value quoted, a comparison between segments or items, a level against a
threshold, how many respondents chose an item, a rank, a gap, a spread; and
the figures one sentence quotes for the whole sample and every segment,
which must cross-foot.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ..data.rounding import format_fr
from .cells import _Cell, _counts, _frac, _nearest, _one_digit, _q, _range, _show, _Tables, _transposed
from .claim_format import _REL_FR, _cell_or_fail, _claim_reading, _claim_row, _relation_holds, _segments_of
from .diagnoses import _compose
from .findings import _row
from .footing import _foot_ok

AGREE_THRESHOLD = Fraction(2)  # "d'accord" = 2: the report's own criterion ("score ≥ 2")


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

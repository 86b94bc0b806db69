"""Claims of the narrative about counts: respondents, projects, associations, bases, bands.

A count (or an expression over counts) against the wave's named quantities
(:func:`ciatstudy.audit.quantities.wave_quantities`), a percentage against
the base it is said to be of (GRIM), and bands that must follow each other.
"""

from __future__ import annotations

import re
from fractions import Fraction

from ..data.rounding import format_fr, parse_printed
from .cells import _counts, _fmt_int, _q
from .claim_format import _REL_FR, _claim_reading, _claim_row, _relation_holds
from .quantities import _expr, _expr_text


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

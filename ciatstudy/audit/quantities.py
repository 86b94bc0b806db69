"""Named counts computed from a wave's side tables, and the bases that reproduce printed percentages.

What the narrative's count claims (:mod:`ciatstudy.audit.count_claims`) and
the sample checks (:mod:`ciatstudy.audit.sample`) are checked against.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd

from .cells import _counts, _fmt_int, _q, _reading


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

"""The Fondation SNCF / RNMA 2012 call for projects: figures recomputed from their counts."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from ..data.rounding import parse_printed, round_half_up


def infer_base(counts: list[int], printed_percents: list[str], *, decimals: int = 1, max_n: int = 1000) -> list[int]:
    """Every base n for which each count / n rounds (half up) to its printed percent.

    The 2012 table prints "Response Percent" and "Response Count" but not how
    many answered; the base is what makes all the printed percents true.

    >>> infer_base([23, 15, 12, 6, 9], ["82,1%", "53,6%", "42,9%", "21,4%", "32,1%"])
    [28]
    """
    if len(counts) != len(printed_percents) or not counts:
        raise ValueError("counts and printed_percents must be non-empty and of the same length")
    targets = [parse_printed(p) for p in printed_percents]
    return [
        n
        for n in range(max(max(counts), 1), max_n + 1)
        if all(
            round_half_up(Fraction(100 * k, n), decimals) == t.quantize(round_half_up(0, decimals))
            for k, t in zip(counts, targets)
        )
    ]


def cooperation_forms(forms: pd.DataFrame, *, option: str, count: str, printed: str, decimals: int = 1) -> pd.DataFrame:
    """The "Answer Options / Response Percent / Response Count" table with percents recomputed from counts.

    Returns one row per option: option, n (the inferred base), count, share
    (count / n), printed, rebuilt (share as a rounded percent), matches.
    Raises ``ValueError`` when no single base fits every printed percent.
    """
    for role, name in {"option": option, "count": count, "printed": printed}.items():
        if name not in forms.columns:
            raise ValueError(f"{role} column {name!r} not found; columns are {list(forms.columns)}")
    counts = [int(c) for c in forms[count]]
    bases = infer_base(counts, list(forms[printed]), decimals=decimals)
    if len(bases) != 1:
        raise ValueError(f"the printed percents fit {len(bases)} bases ({bases[:5]}…), expected exactly one")
    n = bases[0]
    rebuilt = [round_half_up(Fraction(100 * k, n), decimals) for k in counts]
    return pd.DataFrame(
        {
            "option": list(forms[option]),
            "n": n,
            "count": counts,
            "share": [k / n for k in counts],
            "printed": list(forms[printed]),
            "rebuilt": [float(r) for r in rebuilt],
            "matches": [r == parse_printed(p) for r, p in zip(rebuilt, forms[printed])],
        }
    )


def ratio_figures(figures: pd.DataFrame, *, indicator: str, value: str, base: str) -> pd.DataFrame:
    """Figures printed as "k sur n": the share each one stands for (tidy: indicator, count, base, share)."""
    rows = figures[figures[base].notna()]
    return pd.DataFrame(
        {
            "indicator": list(rows[indicator]),
            "count": [int(v) for v in rows[value]],
            "base": [int(b) for b in rows[base]],
            "share": [float(v) / float(b) for v, b in zip(rows[value], rows[base])],
        }
    )

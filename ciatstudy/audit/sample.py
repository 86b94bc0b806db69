"""``sample``: the respondents, projects and associations counted, and the side tables against each other.

The respondent list, staff bands, budget bands, sectors and percentages with
their counts, against the lists they summarise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ..data.rounding import format_fr
from .cells import _q, _reading
from .findings import _frame, _row
from .quantities import percent_base, percent_sum_bases, wave_quantities


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
    staff = tables.get("staff_bands")
    sectors = tables.get("respondent_sectors")
    if resp is not None:
        rows.extend(_respondent_rows(resp, sizes, lab))
        if staff is not None:
            rows.extend(_staff_rows(staff, resp, lab))
        if sectors is not None:
            rows.extend(_sector_rows(sectors, resp))
    quantities = wave_quantities(tables, labels=labels)
    for name, frame in tables.items():
        cols = set(frame.columns)
        if {"response_percent_as_printed", "response_count"} <= cols:
            rows.extend(_percent_count_rows(name, frame))
        if "percent" in cols and "count" not in cols and "value" not in cols:
            rows.append(_percent_sum_row(name, frame, quantities))
    return _frame(rows)


def _respondent_rows(resp: pd.DataFrame, sizes: dict[str, int] | None, lab: Callable[[str], str]) -> list[dict]:
    """The respondent list: numbered 1 to n once each, as many per segment as the tables' n, a budget band each."""
    rows = []
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
    return rows


def _staff_rows(staff: pd.DataFrame, resp: pd.DataFrame, lab: Callable[[str], str]) -> list[dict]:
    """Staff bands adding up to each segment's respondents; staff against budget bands (0–10 000 €)."""
    rows = []
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
    return rows


def _sector_rows(sectors: pd.DataFrame, resp: pd.DataFrame) -> list[dict]:
    """Every respondent classed in a sector (some in several)."""
    rows = []
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
    return rows


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

"""Audit of the published figures: every printed number recomputed or explained.

statcheck and the GRIM / GRIMMER / DEBIT family check psychology papers by
asking whether a printed statistic *can* come out of the data it describes.
The audit does the same for a wave's published survey tables, the claims
the narrative makes about them and the counts quoted around them. Every check
gives one verdict per figure (:mod:`ciatstudy.audit.findings`); the checks
(column ``check``), each in its module:

``granularity``, ``rounding``
    can every cell come out of its n; which rounding rule the report used
    (:mod:`ciatstudy.audit.granularity`);
``cross_footing``, ``choose_one``
    the whole-sample column against the segments; a choose-one question's
    counts against n (:mod:`ciatstudy.audit.footing`);
``sort_order``
    a table out of questionnaire order sorted by its whole-sample column
    (:mod:`ciatstudy.audit.sort_order`);
``text``
    the narrative's claims (:mod:`ciatstudy.audit.claims`);
``sample``
    the counts of respondents and the side tables
    (:mod:`ciatstudy.audit.sample`).

Inconsistencies are explained in a fixed order (:mod:`ciatstudy.audit.diagnoses`).
The checks are pure: DataFrames in, a tidy DataFrame out. :func:`run_audit`
loads a wave (through :mod:`ciatstudy.data.io`) and runs everything.

Examples
--------
>>> from ciatstudy.audit.cells import TableSpec
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

import pandas as pd

from .cells import TableSpec
from .claims import check_claims
from .findings import CHECKS, VERDICTS
from .footing import check_choose_one, check_cross_footing
from .granularity import check_granularity, check_rounding
from .quantities import wave_quantities
from .sample import check_sample
from .sort_order import check_sort_order


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

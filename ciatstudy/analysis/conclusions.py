"""The study's conclusions set against the survey: each contribution with the items that bear on it."""

from __future__ import annotations

import pandas as pd

from ..data.rounding import format_fr


def linked_figures(links: pd.DataFrame, scored: pd.DataFrame, *, kinds: dict[str, str]) -> pd.DataFrame:
    """Recomputed figures of the items linked to each conclusion (tidy: part, letter, item, label, segment, value, kind).

    ``scored`` is the concatenated tidy scores of every question; ``kinds``
    maps a question id to its kind (to format means and shares).
    """
    for name in ("part", "letter", "item"):
        if name not in links.columns:
            raise ValueError(f"links lack the column {name!r}")
    unknown = set(links["item"]) - set(scored["item"])
    if unknown:
        raise ValueError(f"linked items {sorted(unknown)} have no score")
    merged = links[["part", "letter", "item"]].merge(
        scored[["question", "item", "label", "segment", "n", "value"]], on="item", how="left"
    )
    merged["kind"] = merged["question"].map(kinds)
    return merged


def figures_text(figures: pd.DataFrame, *, segment_labels: dict[str, str]) -> pd.DataFrame:
    """One French line per linked item: "1D — label : Tous 2,29 ; MDA 2,17 ; Non-MDA 2,38"."""
    rows = []
    for (part, letter, item), sub in figures.groupby(["part", "letter", "item"], sort=False):
        kind = sub["kind"].iloc[0]
        values = " ; ".join(
            f"{segment_labels.get(r.segment, r.segment)} "
            + (format_fr(r.value, 2) if kind == "agreement3" else format_fr(r.value, 0, percent=True))
            for r in sub.itertuples()
        )
        rows.append(
            {"part": part, "letter": letter, "item": item, "text": f"{item} — {sub['label'].iloc[0]} : {values}"}
        )
    return pd.DataFrame(rows, columns=["part", "letter", "item", "text"])

"""Who answered: respondent profile tables (tidy, one row per category × segment)."""

from __future__ import annotations

import pandas as pd


def _check(frame: pd.DataFrame, columns: dict[str, str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"expected a DataFrame, got {type(frame).__name__}")
    for role, name in columns.items():
        if name not in frame.columns:
            raise ValueError(f"{role} column {name!r} not found; columns are {list(frame.columns)}")


def segment_sizes(
    respondents: pd.DataFrame, *, segment: str, segments: list[str], all_code: str = "tous"
) -> pd.DataFrame:
    """Number of respondents per segment, whole sample first.

    >>> df = pd.DataFrame({"seg": ["a", "b", "b"]})
    >>> segment_sizes(df, segment="seg", segments=["a", "b"]).to_dict("list")
    {'segment': ['tous', 'a', 'b'], 'n': [3, 1, 2]}
    """
    _check(respondents, {"segment": segment})
    unknown = set(respondents[segment].dropna()) - set(segments)
    if unknown:
        raise ValueError(f"segments {sorted(unknown)} are not in {segments}")
    counts = respondents[segment].value_counts()
    rows = [{"segment": all_code, "n": int(len(respondents))}]
    rows += [{"segment": s, "n": int(counts.get(s, 0))} for s in segments]
    return pd.DataFrame(rows)


def counts_by_segment(
    frame: pd.DataFrame,
    *,
    category: str,
    segment: str,
    categories: list[str],
    segments: list[str],
    sizes: dict[str, int] | None = None,
    all_code: str = "tous",
) -> pd.DataFrame:
    """Count of respondents per category and segment, with the share of the segment.

    ``frame`` holds one row per respondent × category (several categories per
    respondent are allowed, e.g. sectors); ``sizes`` gives the segment sizes
    the shares are taken over (default: rows of ``frame`` per segment).

    >>> df = pd.DataFrame({"seg": ["a", "b", "b"], "band": ["x", "x", "y"]})
    >>> counts_by_segment(df, category="band", segment="seg", categories=["x", "y"],
    ...                   segments=["a", "b"])["count"].tolist()
    [2, 1, 1, 1, 0, 1]
    """
    _check(frame, {"category": category, "segment": segment})
    unknown = set(frame[category].dropna()) - set(categories)
    if unknown:
        raise ValueError(f"categories {sorted(unknown)} are not in {categories}")
    if sizes is None:
        sizes = frame[segment].value_counts().to_dict()
    sizes = {**{s: int(sizes.get(s, 0)) for s in segments}}
    sizes[all_code] = sum(sizes[s] for s in segments)
    rows = []
    for cat in categories:
        sub = frame[frame[category] == cat]
        per = sub[segment].value_counts()
        for seg in [all_code, *segments]:
            count = int(len(sub)) if seg == all_code else int(per.get(seg, 0))
            n = sizes[seg]
            rows.append(
                {category: cat, "segment": seg, "n": n, "count": count, "share": count / n if n else float("nan")}
            )
    return pd.DataFrame(rows)


def counts_wide(counts: pd.DataFrame, *, category: str, categories: list[str], segments: list[str]) -> pd.DataFrame:
    """A tidy count table laid out for reading: one row per category, one column per segment.

    >>> tidy = pd.DataFrame({"band": ["x", "x"], "segment": ["tous", "a"], "count": [2, 1]})
    >>> counts_wide(tidy, category="band", categories=["x"], segments=["tous", "a"]).to_dict("list")
    {'band': ['x'], 'tous': [2], 'a': [1]}
    """
    _check(counts, {"category": category, "segment": "segment", "count": "count"})
    wide = counts.pivot(index=category, columns="segment", values="count").reindex(index=categories, columns=segments)
    wide.columns.name = None
    return wide.reset_index()


def segment_headers(sizes: dict[str, int], labels: dict[str, str]) -> dict[str, str]:
    """Column headers naming each segment with its size: {"mda": "MDA (n = 12)", …}."""
    return {code: f"{labels.get(code, code)} (n = {n})" for code, n in sizes.items()}


LIST_COLUMNS = ("respondent_no", "name_as_printed", "departement", "type")


def respondents_list(
    respondents: pd.DataFrame, *, segment_labels: dict[str, str], status_labels: dict[str, str], departement_name=None
) -> pd.DataFrame:
    """The respondents as the study lists them: N°, entry as printed, département, type — nothing else.

    Only the public description of each organisation is kept: no answer (reconstructed or not) is ever
    placed next to a name. ``departement_name`` turns a code into « 13 – Bouches-du-Rhône »
    (default: the code alone); ``status_labels`` names the MDA status (ville / association).

    >>> df = pd.DataFrame({"respondent_no": [2, 1], "segment": ["mda", "non_mda"], "departement": [13, 7],
    ...                    "name_as_printed": ["MDA X", "Asso Y"], "mda_status": ["ville", None], "q1": [3, 2]})
    >>> respondents_list(df, segment_labels={"mda": "MDA", "non_mda": "Non-MDA"},
    ...                  status_labels={"ville": "ville"}).to_dict("list")
    {'respondent_no': [1, 2], 'name_as_printed': ['Asso Y', 'MDA X'], 'departement': ['07', '13'], 'type': ['Non-MDA', 'MDA (ville)']}
    """
    _check(
        respondents,
        {"number": "respondent_no", "name": "name_as_printed", "segment": "segment", "departement": "departement"},
    )
    from ..data.departements import normalise_code

    name = departement_name or (lambda code: code)
    status = (
        respondents["mda_status"] if "mda_status" in respondents.columns else pd.Series(None, index=respondents.index)
    )
    rows = []
    for (_, r), st in zip(respondents.iterrows(), status):
        kind = segment_labels.get(r["segment"], r["segment"])
        if isinstance(st, str) and st:
            kind = f"{kind} ({status_labels.get(st, st)})"
        code = normalise_code(r["departement"]) if pd.notna(r["departement"]) else ""
        rows.append(
            {
                "respondent_no": int(r["respondent_no"]),
                "name_as_printed": str(r["name_as_printed"]),
                "departement": name(code) if code else "",
                "type": kind,
            }
        )
    return pd.DataFrame(rows, columns=list(LIST_COLUMNS)).sort_values("respondent_no").reset_index(drop=True)


def count_reading(counts: pd.DataFrame, *, category: str, value, segment_labels: dict[str, str], part) -> str:
    """The segments' counts for one category, each with its base: « 14 des 28 répondants (Tous), … ».

    ``counts`` is :func:`counts_by_segment`'s table; ``part(count=, n=, segment=)`` writes one segment.

    >>> c = pd.DataFrame({"band": ["x", "x"], "segment": ["tous", "a"], "n": [3, 1], "count": [2, 1]})
    >>> count_reading(c, category="band", value="x", segment_labels={"tous": "Tous", "a": "A"},
    ...               part="{count} des {n} ({segment})".format)
    '2 des 3 (Tous) et 1 des 1 (A)'
    """
    _check(counts, {"category": category, "segment": "segment", "n": "n", "count": "count"})
    rows = counts[counts[category] == value]
    parts = [
        part(count=int(r["count"]), n=int(r["n"]), segment=segment_labels.get(r["segment"], r["segment"]))
        for _, r in rows.iterrows()
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]

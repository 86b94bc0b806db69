"""The Solidâges 21 programme: the table of objets transactionnels, counted."""

from __future__ import annotations

import pandas as pd

PROJECTS = "projets_innovants_2011"
TERRITORIES = "territoires_solidages_2013"


def objects_summary(
    objets: pd.DataFrame, *, objet: str = "objet", column: str = "column", n_projects: str = "n_projects"
) -> pd.DataFrame:
    """Number of innovative projects (since 2011) and of Solidâges 21 territories (since 2013) per object.

    Order as printed. A cell reading "15 projets" counts 15 projects.

    >>> df = pd.DataFrame({"objet": ["Jeux", "Jeux", "Danse"],
    ...                    "column": [PROJECTS, TERRITORIES, PROJECTS], "n_projects": [1, 1, 2]})
    >>> objects_summary(df).to_dict("list")
    {'objet': ['Jeux', 'Danse'], 'projects': [1, 2], 'territories': [1, 0]}
    """
    for name in (objet, column, n_projects):
        if name not in objets.columns:
            raise ValueError(f"column {name!r} not found; columns are {list(objets.columns)}")
    unknown = set(objets[column]) - {PROJECTS, TERRITORIES}
    if unknown:
        raise ValueError(f"unknown column values {sorted(unknown)}")
    order = list(dict.fromkeys(objets[objet]))
    projects = objets[objets[column] == PROJECTS].groupby(objet)[n_projects].sum()
    territories = objets[objets[column] == TERRITORIES].groupby(objet).size()
    return pd.DataFrame(
        {
            "objet": order,
            "projects": [int(projects.get(o, 0)) for o in order],
            "territories": [int(territories.get(o, 0)) for o in order],
        }
    )


def counted_cells(
    objets: pd.DataFrame,
    *,
    objet: str = "objet",
    column: str = "column",
    n_projects: str = "n_projects",
    entry: str = "entry",
) -> pd.DataFrame:
    """Cells of the table that give a number of projects instead of naming them (« 15 projets »).

    Such a cell is one line of the printed table, not that many listed projects: the chart shows it as a
    note rather than as a bar many times longer than the others.

    >>> df = pd.DataFrame({"objet": ["Logement", "Jeux"], "column": [PROJECTS, PROJECTS],
    ...                    "entry": ["15 projets", "Ludothèque"], "n_projects": [15, 1]})
    >>> counted_cells(df).to_dict("list")
    {'objet': ['Logement'], 'column': ['projets_innovants_2011'], 'entry': ['15 projets'], 'n_projects': [15]}
    """
    for name in (objet, column, n_projects, entry):
        if name not in objets.columns:
            raise ValueError(f"column {name!r} not found; columns are {list(objets.columns)}")
    return objets.loc[objets[n_projects] > 1, [objet, column, entry, n_projects]].reset_index(drop=True)


def chart_counts(summary: pd.DataFrame, counted: pd.DataFrame) -> pd.DataFrame:
    """The summary in long form for the chart (``objet``, ``kind``, ``count``), with no value (NaN) where
    the projects of an object come from a counted cell (:func:`counted_cells`).

    >>> s = pd.DataFrame({"objet": ["Logement"], "projects": [15], "territories": [1]})
    >>> c = pd.DataFrame({"objet": ["Logement"], "column": [PROJECTS]})
    >>> chart_counts(s, c)["count"].tolist()
    [nan, 1.0]
    """
    long = summary.melt(id_vars="objet", value_vars=["projects", "territories"], var_name="kind", value_name="count")
    hidden = set(counted.loc[counted["column"] == PROJECTS, "objet"])
    long["count"] = long["count"].astype(float)
    long.loc[long["objet"].isin(hidden) & (long["kind"] == "projects"), "count"] = float("nan")
    return long

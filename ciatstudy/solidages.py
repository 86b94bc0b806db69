"""The Solidâges 21 programme: the table of objets transactionnels, counted."""

from __future__ import annotations

import pandas as pd

PROJECTS = "projets_innovants_2011"
TERRITORIES = "territoires_solidages_2013"


def objects_summary(objets: pd.DataFrame, *, objet: str = "objet", column: str = "column",
                    n_projects: str = "n_projects") -> pd.DataFrame:
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
    return pd.DataFrame({"objet": order,
                         "projects": [int(projects.get(o, 0)) for o in order],
                         "territories": [int(territories.get(o, 0)) for o in order]})

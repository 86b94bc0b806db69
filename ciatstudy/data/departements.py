"""The départements of France shipped with the package: their outlines, INSEE codes and names.

Data only (no drawing): :mod:`ciatstudy.report.geo` draws the map, :mod:`ciatstudy.analysis.profile`
lists the respondents with their département. The outlines are derived by ``tools/derive_departements.py``
(see ``ciatstudy/resources/README.md``).
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np

from .config import RESOURCES

OUTLINES = RESOURCES / "departements.geojson"


@lru_cache(maxsize=1)
def outlines() -> dict:
    """The shipped outlines: ``{"attribution": str, "departements": {code: (name, [polygon, …])}}``.

    A polygon is a list of rings, each an ``(n, 2)`` array of longitude, latitude; the first ring is the
    outer boundary.

    >>> o = outlines()
    >>> o["departements"]["973"][0], len(o["departements"])
    ('Guyane', 101)
    """
    from .io import read_text

    collection = json.loads(read_text(OUTLINES))
    departements = {}
    for feature in collection["features"]:
        props = feature["properties"]
        polygons = [
            [np.asarray(ring, dtype=float) for ring in polygon] for polygon in feature["geometry"]["coordinates"]
        ]
        departements[props["code"]] = (props["nom"], polygons)
    return {"attribution": collection["metadata"]["attribution"], "departements": departements}


def normalise_code(value) -> str:
    """A département code as INSEE writes it: ``7`` and ``"7"`` → ``"07"``, ``"2a"`` → ``"2A"``.

    >>> [normalise_code(v) for v in (7, "7", "07", "2a", " 973 ", 13.0)]
    ['07', '07', '07', '2A', '973', '13']
    >>> normalise_code("99")
    Traceback (most recent call last):
    ...
    ValueError: unknown département code '99'
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().upper()
    if text.isdigit() and len(text) < 2:
        text = text.zfill(2)
    if text not in outlines()["departements"]:
        raise ValueError(f"unknown département code {text!r}")
    return text


def departement_name(code) -> str:
    """The département's name (``"13"`` → ``"Bouches-du-Rhône"``)."""
    return outlines()["departements"][normalise_code(code)][0]

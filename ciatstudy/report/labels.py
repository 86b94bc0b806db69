"""French labels for what the committee reads: wave content from the codebook,
report vocabulary from ``labels_fr.yaml``."""

from __future__ import annotations

from functools import lru_cache

import yaml

from ..data.config import RESOURCES


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return yaml.load(
        (RESOURCES / "labels_fr.yaml").read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )  # noqa: S506 - safe


def column(name: str) -> str:
    """French header for a tidy column name (the name itself when none is defined)."""
    return vocabulary()["columns"].get(name, name)


def text(section: str, key: str, **fields) -> str:
    """One sentence or caption of the report, its ``{fields}`` filled in."""
    return vocabulary()[section][key].format(**fields)


def texts(section: str, key: str, **fields) -> list[str]:
    """A list of sentences (a table's notes), each with its ``{fields}`` filled in."""
    return [line.format(**fields) for line in vocabulary()[section][key]]


def mapping(section: str, key: str, **fields) -> dict:
    """A mapping of codes to French words (e.g. column headers, in the order they are shown), ``{fields}`` filled in."""
    return {k: v.format(**fields) if isinstance(v, str) else v for k, v in vocabulary()[section][key].items()}

"""French labels for what the committee reads: wave content from the codebook,
report vocabulary from ``labels_fr.yaml``."""

from __future__ import annotations

from functools import lru_cache

import yaml

from .config import PACKAGE_DIR


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return yaml.safe_load((PACKAGE_DIR / "labels_fr.yaml").read_text(encoding="utf-8"))


def column(name: str) -> str:
    """French header for a tidy column name (the name itself when none is defined)."""
    return vocabulary()["columns"].get(name, name)


def text(section: str, key: str, **fields) -> str:
    return vocabulary()[section][key].format(**fields)

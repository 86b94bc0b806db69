"""French labels for what the committee reads: wave content from the codebook,
report vocabulary from ``labels_fr.yaml``."""

from __future__ import annotations

import re
import string
from functools import lru_cache

import yaml

from ..data.config import RESOURCES


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    return yaml.load(
        (RESOURCES / "labels_fr.yaml").read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )  # noqa: S506 - safe


class _FrenchFormatter(string.Formatter):
    """``str.format`` plus agreement with a count: ``{n:réponse|réponses}`` is the word for ``n``.

    French takes the singular below two (« 0 réponse », « 1 réponse », « 2 réponses »). The count
    may be a number or a printed one, in HTML or not (« 1 234 », ``<span …>12</span>``).
    """

    def format_field(self, value, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if abs(_count(value)) < 2 else many
        return super().format_field(value, format_spec)


def _count(value) -> float:
    if isinstance(value, (int, float)):
        return value
    digits = re.sub(r"[^\d,.-]", "", re.sub(r"<[^>]*>", "", str(value))).replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        raise ValueError(f"{value!r} is not a count: a plural form needs one") from None


_FORMATTER = _FrenchFormatter()


def fill(template: str, **fields) -> str:
    """A label's ``{fields}`` filled in, with plural forms (``{n:mot|mots}``) agreeing with their count.

    >>> fill("{n} {n:réponse|réponses} de {k} {k:répondant|répondants}", n=1, k="12")
    '1 réponse de 12 répondants'
    >>> fill("{n} {n:se distingue|se distinguent}", n='<span class="fact">0</span>')
    '<span class="fact">0</span> se distingue'
    """
    return _FORMATTER.format(template, **fields)


def column(name: str) -> str:
    """French header for a tidy column name (the name itself when none is defined)."""
    return vocabulary()["columns"].get(name, name)


def text(section: str, key: str, **fields) -> str:
    """One sentence or caption of the report, its ``{fields}`` filled in."""
    return fill(vocabulary()[section][key], **fields)


def texts(section: str, key: str, **fields) -> list[str]:
    """A list of sentences (a table's notes), each with its ``{fields}`` filled in."""
    return [fill(line, **fields) for line in vocabulary()[section][key]]


def mapping(section: str, key: str, **fields) -> dict:
    """A mapping of codes to French words (e.g. column headers, in the order they are shown), ``{fields}`` filled in."""
    return {k: fill(v, **fields) if isinstance(v, str) else v for k, v in vocabulary()[section][key].items()}

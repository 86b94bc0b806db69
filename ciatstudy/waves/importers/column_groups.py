"""An export's columns grouped as the questions they answer (one column, or a grid's / a choose-any
question's columns), with the distinct answers a group's shape is judged on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .decode import MISSING
from .layouts import Column, Export, match_key
from .similarity import fold


@dataclass
class _Group:
    key: str  # the question as the export writes it
    subs: list[tuple[Column, str]] = field(default_factory=list)  # (column, row / option)
    whole: list[Column] = field(default_factory=list)  # whole-question columns
    short: str = ""  # KoboToolbox: the question's own name

    @property
    def columns(self) -> list[Column]:
        return [*self.whole, *(c for c, _ in self.subs)]

    @property
    def where(self) -> str:
        return self.columns[0].where


def _distinct(export: Export, columns: list[Column], limit: int | None = None) -> list[str]:
    """The distinct non-missing answers of the columns, most frequent first.

    The only pass over the rows: one count per column, kept on the export, so that everything after it
    works on distinct labels. ``limit`` keeps the most frequent ones: options recur, free texts rarely
    do, and what shape and wording matching compares must not grow with the number of respondents.
    """
    cache = export.__dict__.setdefault("_distinct_cache", {})
    merged = export.__dict__.setdefault("_distinct_merged", {})
    key = (tuple(c.index for c in columns), limit)
    if key in merged:
        return merged[key]
    counts: Counter = Counter()
    for c in columns:
        if c.index not in cache:
            index = c.index
            raw = Counter([cells[index] for _, cells in export.rows])
            column: Counter = Counter()
            for v, k in raw.items():
                v = v.strip()
                if v.casefold().rstrip(" .:;?!") not in MISSING:
                    column[v] += k
            cache[c.index] = column
        counts.update(cache[c.index])
    merged[key] = [v for v, _ in counts.most_common(limit)]
    return merged[key]


def _groups(export: Export, skip: set[int]) -> list[_Group]:
    columns = [c for c in export.columns if c.index not in skip]
    groups: dict[str, _Group] = {}
    if export.format == "kobo":
        headers = {c.header.strip() for c in export.columns}
        parents = {"/".join(h.split("/")[:-1]) for h in headers if "/" in h}
        tentative: dict[str, list[tuple[Column, str]]] = {}
        for c in columns:
            parts = c.header.strip().split("/")
            parent = "/".join(parts[:-1])
            if len(parts) >= 2 and parent in headers:
                groups.setdefault(match_key(parent), _Group(parent, short=parts[-2])).subs.append((c, parts[-1]))
            elif c.header.strip() in parents:
                groups.setdefault(match_key(c.header), _Group(c.header.strip(), short=parts[-1])).whole.append(c)
            elif len(parts) >= 2:
                tentative.setdefault(parent, []).append((c, parts[-1]))
            else:
                groups[match_key(c.header)] = _Group(c.header.strip(), whole=[c], short=parts[-1])
        for parent, members in tentative.items():
            # A group of select_one columns sharing few answers is a grid (a matrix question); anything else
            # is a set of separate questions that happen to sit in one group.
            sets = [{match_key(v) for v in _distinct(export, [c], 8)} for c, _ in members]
            shared = all(sets[i] & set().union(*sets[:i], *sets[i + 1 :]) for i in range(len(sets)))
            if len(members) >= 2 and len(set().union(*sets)) <= 6 and shared:
                groups[match_key(parent)] = _Group(parent, subs=members, short=parent.split("/")[-1])
            else:
                for c, name in members:
                    groups[match_key(c.header)] = _Group(c.header.strip(), whole=[c], short=name)
        return list(groups.values())
    for c in columns:
        key, sub = c.readings[0]
        g = groups.setdefault(match_key(key), _Group(key.strip()))
        (g.whole.append(c) if sub is None else g.subs.append((c, sub)))
    return list(groups.values())


def _other_stem(g: _Group) -> str | None:
    """``freins`` for a column named ``…/freins_autre`` (or ``other``, ``precisez``), else None."""
    f = fold((g.short or g.key).split("/")[-1])
    return next(
        (f[: -len(w)].strip() for w in (" autre precisez", " autre", " other", " precisez") if f.endswith(w)), None
    )

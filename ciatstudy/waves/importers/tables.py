"""The decoded respondents into the wave's two tables: respondent ids (numbers or keyed pseudonyms), the
answers (``responses.csv``) and the free-text answers with their identifiers redacted (``quotes.csv``).
"""

from __future__ import annotations

import re

import pandas as pd

from ...data.codebook import Codebook
from ...errors import DataError
from ..privacy import Redactor, normalise, pseudonym
from .decode import Respondent
from .layouts import FORMAT_LABELS, Export

_LINK_ORDER = ("email", "structure", "name")


def _ids(respondents: list[Respondent], wave: str, key: bytes | None, export: Export) -> tuple[list[str], int]:
    if key is None:
        return [f"{wave}-{i:03d}" for i in range(1, len(respondents) + 1)], 0
    ids, unlinked, seen = [], 0, {}
    for i, r in enumerate(respondents, start=1):
        by_kind: dict[str, list[tuple[str, object]]] = {}
        for kind, value, col in r.identifiers:
            by_kind.setdefault(kind, []).append((value, col))
        source = next(((kind, by_kind[kind]) for kind in _LINK_ORDER if kind in by_kind), None)
        if source is None:
            ids.append(f"{wave}-{i:03d}")
            unlinked += 1
            continue
        kind, values = source
        # One e-mail or structure (the first given: tools may repeat it); a name may be split in columns.
        value = " ".join(dict.fromkeys(v for v, _ in values)) if kind == "name" else values[0][0]
        pid = pseudonym(value, key, kind=kind)
        if pid in seen:
            raise DataError(
                f"duplicated respondent: the same {kind} as row {seen[pid]} (linkage would merge them); "
                "remove the duplicate response in the survey tool and export again",
                file=export.file,
                row=r.row,
                column=values[0][1].where,
            )
        seen[pid] = r.row
        ids.append(pid)
    return ids, unlinked


def _check_duplicate_emails(respondents: list[Respondent], export: Export) -> None:
    seen: dict[str, int] = {}
    for r in respondents:
        for kind, value, col in r.identifiers:
            if kind == "email" and "@" in value:
                key = normalise(value)
                if key in seen and seen[key] != r.row:
                    raise DataError(
                        f"duplicated respondent: the same e-mail address as row {seen[key]}; remove the "
                        "duplicate response in the survey tool and export again",
                        file=export.file,
                        row=r.row,
                        column=col.where,
                    )
                seen.setdefault(key, r.row)


def _redactor(respondents: list[Respondent]) -> Redactor:
    known: dict[str, str] = {}
    for r in respondents:
        for kind, value, _ in r.identifiers:
            if kind in ("ip", "location", "role"):
                continue
            known[value] = kind
            if kind == "name":
                for token in re.split(r"[\s,;/]+", value):
                    if len(token) >= 3 and token[:1].isupper():
                        known.setdefault(token, "name")
    return Redactor(known)


def _responses_frame(respondents, ids, codebook: Codebook) -> pd.DataFrame:
    rows = []
    for rid, r in zip(ids, respondents):
        row = {codebook.id_column: rid, codebook.segment_variable: r.segment}
        row.update({code: "" if r.answers[code] is None else str(r.answers[code]) for code in codebook.item_codes})
        rows.append(row)
    return pd.DataFrame(rows, columns=codebook.response_columns(), dtype=object)


def _quotes_frame(respondents, ids, redactor: Redactor, fmt: str) -> tuple[pd.DataFrame, int]:
    rows, dropped = [], 0
    for rid, r in zip(ids, respondents):
        for corpus, text, col in r.texts:
            if corpus is None:
                dropped += 1
                continue
            clean = redactor.redact(text).replace("\r\n", "\n").strip()
            if clean:
                rows.append(
                    {
                        "quote_id": f"t{len(rows) + 1:03d}",
                        "respondent_id": rid,
                        "segment": r.segment,
                        "corpus": corpus,
                        "text": clean,
                        "source": f"{FORMAT_LABELS[fmt]}, colonne {col.where}",
                    }
                )
    return pd.DataFrame(
        rows, columns=["quote_id", "respondent_id", "segment", "corpus", "text", "source"], dtype=object
    ), dropped

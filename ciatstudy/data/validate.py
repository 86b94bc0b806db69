"""Validation of a wave's tables: pure functions, DataFrame of strings in, typed DataFrame out.

Errors name the file, the row as a spreadsheet numbers it (the frames carry
file row numbers as their index) and the column.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .codebook import Codebook
from ..errors import DataError, excerpt

# Longer than any survey tool's id or a keyed pseudonym (HMAC-SHA256 in hex is 64): a longer one is a
# pasted answer or a damaged file, and would be carried into every table.
MAX_ID_LENGTH = 64

_TRUE, _FALSE = {"true", "True", "TRUE", "1"}, {"false", "False", "FALSE", "0"}


def _convert(value: str, ftype: str):
    if ftype == "integer":
        return int(value)
    if ftype == "number":
        return float(value)
    if ftype == "boolean":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(value)
    return value


def check_table_schema(frame: pd.DataFrame, schema: dict, *, file: str) -> pd.DataFrame:
    """Check a table against its Frictionless Table Schema and type its columns.

    Covers what the raw files use: field presence, ``integer`` / ``number`` /
    ``boolean`` / ``string`` types, the ``required`` and ``enum`` constraints
    and the primary key.
    """
    fields = schema.get("fields", [])
    names = [f["name"] for f in fields]
    for name in names:
        if name not in frame.columns:
            raise DataError("missing required column", file=file, row=1, column=name)
    for column in frame.columns:
        if column not in names:
            raise DataError("column not described in datapackage.json", file=file, row=1, column=column)
    out = {}
    for f in fields:
        name, ftype = f["name"], f.get("type", "string")
        constraints = f.get("constraints", {})
        values = []
        for row, raw in frame[name].items():
            if raw == "":
                if constraints.get("required"):
                    raise DataError("empty cell in a required column", file=file, row=row, column=name)
                values.append(None)
                continue
            try:
                value = _convert(raw, ftype)
            except ValueError:
                raise DataError(f"{excerpt(raw)} is not a valid {ftype}", file=file, row=row, column=name) from None
            if "enum" in constraints and value not in constraints["enum"]:
                raise DataError(
                    f"{excerpt(raw)} is not one of {excerpt(constraints['enum'], 120)}", file=file, row=row, column=name
                )
            if "minimum" in constraints and value < constraints["minimum"]:
                raise DataError(
                    f"{excerpt(raw)} is below the minimum {constraints['minimum']}", file=file, row=row, column=name
                )
            if "maximum" in constraints and value > constraints["maximum"]:
                raise DataError(
                    f"{excerpt(raw)} is above the maximum {constraints['maximum']}", file=file, row=row, column=name
                )
            if "pattern" in constraints and not re.fullmatch(constraints["pattern"], str(raw)):
                raise DataError(
                    f"{excerpt(raw)} does not match the pattern {excerpt(constraints['pattern'])}",
                    file=file,
                    row=row,
                    column=name,
                )
            values.append(value)
        dtype = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}.get(ftype, "object")
        out[name] = pd.Series(values, index=frame.index, dtype=dtype)
        if constraints.get("unique"):
            dup = out[name].duplicated() & out[name].notna()
            if dup.any():
                row = int(dup.idxmax())
                raise DataError(
                    f"duplicate value {excerpt(frame.loc[row, name])} in a unique column",
                    file=file,
                    row=row,
                    column=name,
                )
    typed = pd.DataFrame(out, index=frame.index)
    key = schema.get("primaryKey")
    if key:
        key = [key] if isinstance(key, str) else list(key)
        dup = typed.duplicated(subset=key, keep="first")
        if dup.any():
            row = int(dup.idxmax())
            raise DataError(
                f"duplicate key {excerpt(typed.loc[row, key].tolist(), 80)}", file=file, row=row, column=key[0]
            )
    return typed


def check_response_columns(columns: list[str], codebook: Codebook, *, file: str) -> None:
    """The header of a responses file: the id, the segment and every item code, nothing else (any order)."""
    expected = codebook.response_columns()
    for column in columns:
        if column not in expected:
            raise DataError("unknown column: not an item code of the codebook", file=file, row=1, column=column)
    for name in expected:
        if name not in columns:
            raise DataError("missing required column", file=file, row=1, column=name)


def validate_responses(frame: pd.DataFrame, codebook: Codebook, *, file: str) -> pd.DataFrame:
    """Check a wave's responses against its codebook; return them typed.

    Wide layout: one row per respondent, the id column, the segment column,
    then one column per item code holding the coded answer (3/2/1 for
    agreement items, 1/0 for choices; empty = no answer), an integer written in
    ASCII digits, spaces around allowed ("02" is 2; "2.0" and "+2" are refused).
    """
    id_col, seg_col = codebook.id_column, codebook.segment_variable
    check_response_columns(list(frame.columns), codebook, file=file)

    ids = frame[id_col].astype("string").str.strip()
    _first_bad(ids == "", "empty respondent id", file=file, column=id_col)
    _first_bad(
        ids.str.len() > MAX_ID_LENGTH, f"respondent id longer than {MAX_ID_LENGTH} characters", file=file, column=id_col
    )
    if not pd.Index(ids).is_unique:  # a hash check; finding the row costs five times more (1.5 M ids: 0.1 s)
        row = ids.duplicated().idxmax()
        raise DataError(f"duplicate respondent id {excerpt(ids[row])}", file=file, row=int(row), column=id_col)

    segments = frame[seg_col].astype("string").fillna("").str.strip()
    known = codebook.segment_codes
    _first_bad(segments == "", "missing segment", file=file, column=seg_col)
    unknown = ~segments.isin(known)
    if unknown.any():
        row = unknown.idxmax()
        raise DataError(
            f"unknown segment {excerpt(segments[row])} (expected one of {excerpt(known, 120)})",
            file=file,
            row=int(row),
            column=seg_col,
        )

    out = {id_col: ids.array, seg_col: pd.Categorical(segments, categories=known)}
    for question in codebook.questions:
        for code in question.codes:
            out[code] = _coded_answers(frame[code], question, file=file, name=code)
        if question.kind == "single":
            answered = np.zeros(len(frame), dtype=bool)
            totals = np.zeros(len(frame), dtype=np.int16)
            for code in question.codes:
                answered |= ~out[code].isna()
                totals += out[code].to_numpy(dtype=np.int16, na_value=0)
            bad = answered & (totals != 1)
            if bad.any():
                at = int(bad.argmax())
                raise DataError(
                    f"{question.id} is choose-one but {int(totals[at])} options are chosen",
                    file=file,
                    row=int(frame.index[at]),
                    column=question.codes[0],
                )
    return pd.DataFrame(out, index=frame.index)


def _coded_answers(values: pd.Series, question, *, file: str, name: str):
    """One item's answers as Int8, checked against the question's scale (text or numbers in)."""
    column = values
    allowed = sorted(question.allowed_values)
    if pd.api.types.is_integer_dtype(column) and allowed == list(range(allowed[0], allowed[-1] + 1)):
        # every scale is a run of integers (1-3, 0-1): two comparisons instead of a set lookup per cell
        codes = column.to_numpy(dtype=np.int16, na_value=allowed[0])
        outside = (codes < allowed[0]) | (codes > allowed[-1])
        if outside.any():
            row = column.index[int(outside.argmax())]
            raise DataError(
                f"{int(column[row])} is outside the scale of {question.id} ({question.kind}: {allowed})",
                file=file,
                row=int(row),
                column=name,
            )
        return column.astype("Int8").array
    if pd.api.types.is_numeric_dtype(column):
        bad = column.notna() & ~column.isin(allowed)
        values = column
        shown = column
    else:
        # An answer is an integer written in ASCII digits, spaces around allowed, e.g. "2" or " 02":
        # the rule the columnar reader of large files applies too, so that both read a file alike.
        # Decided once per distinct answer (a column holds a handful), then spread over the rows.
        positions, distinct = pd.factorize(column, use_na_sentinel=True)
        decoded = [_scale_code(v, allowed) for v in distinct]
        lookup = np.array([np.nan if c is None or c is False else c for c in decoded] + [np.nan])
        wrong = np.array([c is False for c in decoded] + [False])
        values = pd.Series(lookup[positions], index=column.index)
        bad = pd.Series(wrong[positions], index=column.index)
        shown = column.fillna("").astype(str).str.strip() if wrong.any() else column
    if bad.any():
        row = bad.idxmax()
        raise DataError(
            f"{excerpt(shown[row])} is outside the scale of {question.id} ({question.kind}: {allowed})",
            file=file,
            row=int(row),
            column=name,
        )
    return values.astype("Int8").array


def _scale_code(value, allowed: list[int]) -> int | None | bool:
    """The code a text answer stands for; None when empty, False when not an allowed ASCII integer."""
    text = str(value).strip()
    if not text:
        return None
    # a scale code has a few digits; int() of thousands of digits is refused by Python itself
    if _ASCII_INTEGER.fullmatch(text) and len(text.lstrip("-").lstrip("0")) <= 18 and int(text) in allowed:
        return int(text)
    return False


_ASCII_INTEGER = re.compile(r"-?[0-9]+")


def _first_bad(mask: pd.Series, message: str, *, file: str, column: str) -> None:
    if mask.any():
        raise DataError(message, file=file, row=int(mask.idxmax()), column=column)

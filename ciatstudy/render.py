"""HTML fragments for the committee report: escaped text, French numbers, captions.

Respondents' free text is data, never markup: every cell goes through
:func:`html.escape`, so an answer such as ``<img onerror=…>`` shows as text.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from . import labels
from .rounding import format_fr


def _cell(value, fmt) -> str:
    if fmt is not None and value is not None and not (isinstance(value, float) and value != value):
        return html.escape(fmt(value))
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return "–"
    if isinstance(value, float):
        return html.escape(format_fr(value, 2, strip_zeros=True))
    return html.escape(str(value))


def table_html(frame: pd.DataFrame, *, caption: str, source: str, columns: dict[str, str] | None = None,
               formats: dict | None = None, notes: list[str] | None = None, numeric: set[str] | None = None) -> str:
    """A captioned, escaped HTML table.

    ``columns`` maps tidy names to French headers (default: ``labels_fr.yaml``);
    ``formats`` maps a column to a function turning a value into text.
    """
    columns = columns or {c: labels.column(c) for c in frame.columns}
    formats = formats or {}
    numeric = numeric or {c for c in columns if pd.api.types.is_numeric_dtype(frame[c])}
    num = ' class="num"'
    head = "".join(f"<th scope=\"col\"{num if c in numeric else ''}>{html.escape(h)}</th>"
                   for c, h in columns.items())
    body = []
    for _, row in frame.iterrows():
        cells = "".join(f"<td{num if c in numeric else ''}>{_cell(row[c], formats.get(c))}</td>"
                        for c in columns)
        body.append(f"<tr>{cells}</tr>")
    foot = "".join(f"<p class=\"note\">{html.escape(n)}</p>" for n in (notes or []))
    return (f"<figure class=\"table\"><table><caption>{html.escape(caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"<figcaption><span class=\"source\">{html.escape(labels.text('report', 'source'))} : "
            f"{html.escape(source)}</span>{foot}</figcaption></figure>")


def figure_html(path: Path, *, caption: str, source: str, alt: str, notes: list[str] | None = None) -> str:
    """A PNG inlined as a data URI, with its caption: the report stays one offline file."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    foot = "".join(f"<p class=\"note\">{html.escape(n)}</p>" for n in (notes or []))
    return (f"<figure class=\"chart\"><img src=\"data:image/png;base64,{data}\" alt=\"{html.escape(alt, quote=True)}\">"
            f"<figcaption><strong>{html.escape(caption)}</strong><br><span class=\"source\">"
            f"{html.escape(labels.text('report', 'source'))} : {html.escape(source)}</span>{foot}</figcaption></figure>")


def notice_html(text: str, kind: str = "info") -> str:
    return f"<p class=\"notice notice-{html.escape(kind)}\">{html.escape(text)}</p>"


def reconstructed_notice(rule: str) -> str:
    return notice_html(labels.text("notices", "reconstructed", rule=rule), "reconstructed")

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
from .typography import is_verbatim


def _cell(value, fmt) -> str:
    if fmt is not None and value is not None and not (isinstance(value, float) and value != value):
        return html.escape(fmt(value))
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return "–"
    if isinstance(value, float):
        return html.escape(format_fr(value, 2, strip_zeros=True))
    return html.escape(str(value))


def _source_and_notes(source: str, notes: list[str] | None) -> str:
    return (f"<span class=\"source\">{html.escape(labels.text('report', 'source'))} : {html.escape(source)}</span>"
            + "".join(f"<p class=\"note\">{html.escape(n)}</p>" for n in (notes or [])))


def _table_figure(caption: str, head: str, rows: list[str], *, source: str, notes: list[str] | None = None) -> str:
    """A captioned table with its source and notes (``head`` and ``rows`` are already escaped HTML)."""
    return (f"<figure class=\"table\"><table><caption>{html.escape(caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<figcaption>{_source_and_notes(source, notes)}</figcaption></figure>")


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
    # respondents' words keep their spelling: typography.french_html leaves class="verbatim" alone
    cls = {c: ' class="num"' if c in numeric else ' class="verbatim"' if is_verbatim(c) else '' for c in columns}
    body = []
    for _, row in frame.iterrows():
        cells = "".join(f"<td{cls[c]}>{_cell(row[c], formats.get(c))}</td>" for c in columns)
        body.append(f"<tr>{cells}</tr>")
    return _table_figure(caption, head, body, source=source, notes=notes)


def figure_html(path: Path, *, caption: str, source: str, alt: str, notes: list[str] | None = None) -> str:
    """A chart inlined as a data URI, with its caption: the report stays one offline file.

    A chart saved by :func:`ciatstudy.io.save_figure` has a vector twin (same name, ``.svg``): that is
    the one inlined, sharp on screen and paper; a word cloud has none and stays a PNG.
    """
    path, mime = _vector_twin(Path(path))
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f"<figure class=\"chart\"><img src=\"data:{mime};base64,{data}\" alt=\"{html.escape(alt, quote=True)}\">"
            f"<figcaption><strong>{html.escape(caption)}</strong><br>{_source_and_notes(source, notes)}</figcaption></figure>")


def _vector_twin(path: Path) -> tuple[Path, str]:
    svg = path.with_suffix(".svg")
    if path.suffix.lower() == ".png" and svg.exists() and svg.stat().st_mtime >= path.stat().st_mtime:
        return svg, "image/svg+xml"
    return path, "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"


def notice_html(text: str, kind: str = "info") -> str:
    return f"<p class=\"notice notice-{html.escape(kind)}\">{html.escape(text)}</p>"


def reconstructed_notice(rule: str) -> str:
    return notice_html(labels.text("notices", "reconstructed", rule=rule), "reconstructed")


def _value_text(value: float, kind: str) -> str:
    return format_fr(value, 0, percent=True) if kind != "agreement3" else format_fr(value, 2)


def _gap_text(test_row, kind: str) -> str:
    diff = test_row["difference"]
    gap = (format_fr(diff * 100, 0) + " pts") if kind != "agreement3" else format_fr(diff, 2)
    if test_row["p_value_min"] < test_row["p_value"] - 1e-12:
        p = f"p entre {format_fr(test_row['p_value_min'], 2)} et {format_fr(test_row['p_value'], 2)}"
    else:
        p = f"p = {format_fr(test_row['p_value'], 2)}"
    verdict = "distinguable du hasard" if test_row["distinguishable"] else "non distinguable du hasard"
    return f"{gap} ; {p} : {verdict}"


def question_table_html(scored: pd.DataFrame, *, tests: pd.DataFrame, comparison: pd.DataFrame | None,
                        segment_labels: dict[str, str], kind: str, caption: str, source: str,
                        notes: list[str] | None = None) -> str:
    """A question's table as the report prints it: one row per item in report order, one column per
    segment with its 95 % interval, the printed value beside where it differs, and the MDA / Non-MDA gap."""
    segments = list(dict.fromkeys(scored["segment"]))
    sizes = scored.groupby("segment", sort=False)["n"].max().to_dict()
    printed = {}
    if comparison is not None:
        for row in comparison.itertuples():
            if not row.matches:
                printed[(row.item, row.segment)] = row.printed
    tests = tests.set_index("item")
    head = ["<th scope=\"col\">Code</th>", "<th scope=\"col\">Libellé</th>"]
    head += [f"<th scope=\"col\" class=\"num\">{html.escape(segment_labels.get(s, s))} (n = {int(sizes[s])})</th>"
             for s in segments]
    head.append("<th scope=\"col\">Écart MDA / Non-MDA</th>")
    body = []
    for item, rows in scored.sort_values(["rank", "item"]).groupby("item", sort=False):
        rows = rows.set_index("segment")
        cells = [f"<td>{html.escape(item)}</td>", f"<td>{html.escape(str(rows['label'].iloc[0]))}</td>"]
        for s in segments:
            r = rows.loc[s]
            text = html.escape(_value_text(r["value"], kind))
            interval = f"[{_value_text(r['ci_low'], kind)} ; {_value_text(r['ci_high'], kind)}]"
            extra = ""
            if (item, s) in printed:
                extra = f"<br><span class=\"printed\">imprimé : {html.escape(format_fr(float(printed[(item, s)]), 2, strip_zeros=True))}</span>"
            cells.append(f"<td class=\"num\">{text}<br><small>{html.escape(interval)}</small>{extra}</td>")
        cells.append(f"<td>{html.escape(_gap_text(tests.loc[item], kind)) if item in tests.index else '–'}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return _table_figure(caption, "".join(head), body, source=source, notes=notes)


def gap_summary(tests: pd.DataFrame, *, n_a: int, n_b: int) -> str:
    """One plain French sentence on how many MDA / Non-MDA gaps can be told from chance."""
    total, yes = len(tests), int(tests["distinguishable"].sum())
    ranged = bool((tests["p_value_min"] < tests["p_value"] - 1e-12).any())
    where = "" if not yes else " : " + ", ".join(tests.loc[tests["distinguishable"], "item"])
    if yes == 0:
        head = f"aucun des {total} écarts entre MDA et non-MDA ne se distingue du hasard au seuil de 5\u00a0%"
        rest = "Même de plusieurs points, ces écarts"
    else:
        head = (f"{yes} écart(s) sur {total} entre MDA et non-MDA se distingue(nt) du hasard au seuil de "
                f"5\u00a0%{where}")
        rest = "Les autres écarts, même de plusieurs points,"
    text = (f"Avec {n_a} MDA et {n_b} autres structures, {head}. {rest} peuvent s'expliquer par le seul "
            "hasard de l'échantillon : ils ne doivent pas être sur-interprétés.")
    if ranged:
        text += (" Pour les scores d'accord, seule la moyenne est publiée : la valeur p est donnée pour toutes les "
                 "répartitions des réponses compatibles avec cette moyenne, et un écart n'est dit distinguable "
                 "que s'il l'est pour chacune d'elles.")
    return text


def conclusions_table_html(rows: pd.DataFrame, lines: pd.DataFrame, *, caption: str, source: str) -> str:
    """One part of the conclusions-versus-survey table, each contribution with its linked items' figures."""
    body = []
    for row in rows.itertuples():
        items = lines[(lines["part"] == row.part) & (lines["letter"] == row.letter)]["text"].tolist()
        linked = "<br>".join(html.escape(t) for t in items) or "<em>Aucun item de l'enquête</em>"
        letter = "" if row.letter == "preamble" else f"{row.letter}) "
        body.append(f"<tr><td>{html.escape(letter + row.conclusion)}</td>"
                    f"<td>{html.escape(row.survey_contribution)}</td><td>{linked}</td></tr>")
    head = ("<th scope=\"col\">Dans les conclusions</th><th scope=\"col\">Apports de l'enquête</th>"
            "<th scope=\"col\">Items liés (valeurs recalculées)</th>")
    return _table_figure(caption, head, body, source=source)

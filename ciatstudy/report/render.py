"""HTML fragments for the committee report: escaped text, French numbers, captions.

Respondents' free text is data, never markup: every cell goes through
:func:`html.escape`, so an answer such as ``<img onerror=…>`` shows as text.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pandas as pd

from . import labels
from ..analysis.profile import count_reading, counts_wide, segment_headers
from ..data.rounding import format_fr
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
    return (
        f'<span class="source">{html.escape(labels.text("report", "source"))} : {html.escape(source)}</span>'
        + "".join(f'<p class="note">{html.escape(n)}</p>' for n in (notes or []))
    )


# ----------------------------------------------------------------------------- numbering and reading lines
# Each section is its own notebook, so a table cannot know its number when it is drawn: it carries an empty
# marker that :func:`number_references` fills, in document order, once the report is assembled.
_MARKER = '<span class="ref-number" data-ref="{kind}"></span>'
_MARKER_RE = re.compile(r'<span class="ref-number" data-ref="(table|figure)"></span>')
_pending_reading: list[str] = []


def remember_reading(text: str) -> None:
    """Keep a chart's reading line for the next :func:`figure_html` that is given none.

    The chart functions of :mod:`ciatstudy.report.plots` call this with a sentence computed from the data they
    draw, so that a notebook that draws a chart and then shows it gets the chart's own reading line
    without passing it. A notebook that draws several charts before showing them passes ``reading=``.
    """
    _pending_reading[:] = [text]


def _take_reading() -> str | None:
    return _pending_reading.pop() if _pending_reading else None


def reading_html(text: str | None) -> str:
    """The « Lecture : » line of a table or figure (empty when there is nothing to read)."""
    if not text:
        return ""
    return (
        f'<p class="reading">{html.escape(labels.text("report_body", "reading_prefix"))}\u202f: {html.escape(text)}</p>'
    )


def number_references(document: str) -> str:
    """Number the tables and figures of an assembled report, in document order.

    Every :func:`table_html` and :func:`figure_html` fragment carries an empty marker; this pass, run on
    the whole report, replaces the n-th table marker by « Tableau n : » (the n-th figure marker by
    « Figure n : ») with an ``id`` to link to. Numbering is global although each section is its own notebook.

    >>> number_references('<span class="ref-number" data-ref="table"></span>A '
    ...                   '<span class="ref-number" data-ref="figure"></span>B '
    ...                   '<span class="ref-number" data-ref="table"></span>C')  # doctest: +NORMALIZE_WHITESPACE
    '<span class="ref-number" id="tableau-1">Tableau 1\u202f: </span>A
     <span class="ref-number" id="figure-1">Figure 1\u202f: </span>B
     <span class="ref-number" id="tableau-2">Tableau 2\u202f: </span>C'
    """
    counters = {"table": 0, "figure": 0}
    words = {"table": labels.text("report", "table"), "figure": labels.text("report", "figure")}
    anchors = {"table": "tableau", "figure": "figure"}

    def number(match: re.Match) -> str:
        kind = match.group(1)
        counters[kind] += 1
        n = counters[kind]
        return f'<span class="ref-number" id="{anchors[kind]}-{n}">{html.escape(words[kind])} {n}\u202f: </span>'

    return _MARKER_RE.sub(number, document)


def _first_row_reading(frame: pd.DataFrame, columns: dict[str, str], formats: dict, numeric: set[str]) -> str | None:
    """A generic reading line: the first row of the table, read across its columns."""
    if frame.empty or not columns:
        return None
    row = frame.iloc[0]
    names = list(columns)
    label_col = next((c for c in names if c not in numeric), names[0])
    label = _cell_text(row[label_col], formats.get(label_col))
    others = [c for c in names if c != label_col and c in numeric] or [c for c in names if c != label_col]
    if not others:
        return labels.text("report_body", "reading_single", header=columns[label_col], value=label)
    parts = [f"{columns[c]} : {_shorten(_cell_text(row[c], formats.get(c)))}" for c in others[:4]]
    return labels.text(
        "report_body", "reading_row", header=columns[label_col], value=_shorten(label), cells=" ; ".join(parts)
    )


def _shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + " …"


def _cell_text(value, fmt) -> str:
    return html.unescape(_cell(value, fmt))


def _table_figure(
    caption: str, head: str, rows: list[str], *, source: str, notes: list[str] | None = None, reading: str | None = None
) -> str:
    """A captioned, numbered table with its reading line, source and notes (``head``/``rows`` already escaped)."""
    return (
        f'<figure class="table"><table><caption>{_MARKER.format(kind="table")}{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<figcaption>{reading_html(reading)}{_source_and_notes(source, notes)}</figcaption></figure>"
    )


def table_figure_html(caption: str, head: str, rows: list[str], *, source: str, reading: str | None = None) -> str:
    """A table already rendered to escaped ``head`` cells and ``rows``, captioned and numbered like every other."""
    return _table_figure(caption, head, rows, source=source, reading=reading)


def table_html(
    frame: pd.DataFrame,
    *,
    caption: str,
    source: str,
    columns: dict[str, str] | None = None,
    formats: dict | None = None,
    notes: list[str] | None = None,
    numeric: set[str] | None = None,
    reading: str | None = None,
) -> str:
    """A captioned, escaped HTML table, numbered when the report is assembled, with a « Lecture : » line.

    ``columns`` maps tidy names to French headers (default: ``labels_fr.yaml``);
    ``formats`` maps a column to a function turning a value into text; ``reading`` is the reading
    sentence (default: the first row read across its columns, from the table's own cells).
    """
    columns = columns or {c: labels.column(c) for c in frame.columns}
    formats = formats or {}
    numeric = numeric or {c for c in columns if pd.api.types.is_numeric_dtype(frame[c])}
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if c in numeric else ""}>{html.escape(h)}</th>' for c, h in columns.items())
    # respondents' words keep their spelling: typography.french_html leaves class="verbatim" alone
    cls = {c: ' class="num"' if c in numeric else ' class="verbatim"' if is_verbatim(c) else "" for c in columns}
    body = []
    for _, row in frame.iterrows():
        cells = "".join(f"<td{cls[c]}>{_cell(row[c], formats.get(c))}</td>" for c in columns)
        body.append(f"<tr>{cells}</tr>")
    if reading is None:
        reading = _first_row_reading(frame, columns, formats, numeric)
    return _table_figure(caption, head, body, source=source, notes=notes, reading=reading)


def figure_html(
    path: Path, *, caption: str, source: str, alt: str, notes: list[str] | None = None, reading: str | None = None
) -> str:
    """A chart inlined as a data URI, with its caption: the report stays one offline file.

    A chart saved by :func:`ciatstudy.data.io.save_figure` has a vector twin (same name, ``.svg``): that is
    the one inlined, sharp on screen and paper; a word cloud has none and stays a PNG.

    ``reading`` is the « Lecture : » sentence; by default, the one the last chart drawn by
    :mod:`ciatstudy.report.plots` computed from its data (:func:`remember_reading`).
    """
    if reading is None:
        reading = _take_reading()
    path, mime = _vector_twin(Path(path))
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<figure class="chart"><img src="data:{mime};base64,{data}" alt="{html.escape(alt, quote=True)}">'
        f"<figcaption><strong>{_MARKER.format(kind='figure')}{html.escape(caption)}</strong><br>"
        f"{reading_html(reading)}{_source_and_notes(source, notes)}</figcaption></figure>"
    )


_FILE_DETAILS = (
    (re.compile(r"\s*«[^»]*\.(?:csv|xlsx|xls|tsv|txt|json)\s*»"), ""),
    (re.compile(r"\s*\(SHA-256 [0-9a-fA-F]+\)"), ""),
    (re.compile(r" par ciatstudy import\b"), ""),
)


def plain_source(source: str) -> str:
    """A wave's source as the report's body cites it: without the export's file name, hash or tool
    (the technical appendix lists the files and the provenance their hashes).

    >>> plain_source("Export SurveyMonkey « x.csv » (SHA-256 6ef4), importé le 2026-11-29 par ciatstudy import")
    'Export SurveyMonkey, importé le 2026-11-29'
    """
    for pattern, replacement in _FILE_DETAILS:
        source = pattern.sub(replacement, source)
    return source


def _vector_twin(path: Path) -> tuple[Path, str]:
    svg = path.with_suffix(".svg")
    if path.suffix.lower() == ".png" and svg.exists() and svg.stat().st_mtime >= path.stat().st_mtime:
        return svg, "image/svg+xml"
    return path, "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"


def notice_html(text: str, kind: str = "info") -> str:
    return f'<p class="notice notice-{html.escape(kind)}">{html.escape(text)}</p>'


# Where the report explains, once, what is reconstructed (the section « Méthode et limites »).
METHOD_ANCHOR = "sec-methode"


def reconstructed_notice() -> str:
    """One short line saying the answers are reconstructed, linking to the report's method section
    (which says how, once; the rule itself is in the technical appendix)."""
    link = f'<a href="#{METHOD_ANCHOR}">{html.escape(labels.text("frontmatter", "method_link"))}</a>'
    text = html.escape(labels.text("frontmatter", "reconstructed_line", link="\0")).replace("\0", link)
    return f'<p class="notice notice-reconstructed">{text}</p>'


def _value_text(value: float, kind: str) -> str:
    return format_fr(value, 0, percent=True) if kind != "agreement3" else format_fr(value, 2)


def _gap_text(test_row, kind: str) -> str:
    diff = test_row["difference"]
    gap = (format_fr(diff * 100, 0) + " pts") if kind != "agreement3" else format_fr(diff, 2)
    # In plain words: the test and its p are in the report's technical appendix.
    if test_row["distinguishable"]:
        verdict = "distinguable du hasard"
    elif test_row["p_value_min"] < 0.05:
        verdict = "distinguable du hasard ou non selon la répartition des réponses"
    else:
        verdict = "non distinguable du hasard"
    return f"{gap} : {verdict}"


def question_table_html(
    scored: pd.DataFrame,
    *,
    tests: pd.DataFrame,
    comparison: pd.DataFrame | None,
    segment_labels: dict[str, str],
    kind: str,
    caption: str,
    source: str,
    notes: list[str] | None = None,
    base: str | None = None,
) -> str:
    """A question's table as the report prints it: one row per item in report order, one column per
    segment with its 95 % interval, the printed value beside where it differs, and the MDA / Non-MDA gap.

    Each segment's header gives its n, or the range of n over the items when they differ (then each
    cell gives its item's n). With ``base`` (the question's codebook base, ``"segment"`` or
    ``"answered"``; ``"item"`` for agreement questions) a note states whom the values divide by."""
    segments = list(dict.fromkeys(scored["segment"]))
    sizes = scored.groupby("segment", sort=False)["n"].max().to_dict()
    smallest = scored.groupby("segment", sort=False)["n"].min().to_dict()
    if base:
        notes = [*(notes or []), base_note(scored, kind=kind, base=base, segment_labels=segment_labels)]
    printed = {}
    if comparison is not None:
        for row in comparison.itertuples():
            if not row.matches:
                printed[(row.item, row.segment)] = row.printed
    tests = tests.set_index("item")
    head = ['<th scope="col">Code</th>', '<th scope="col">Libellé</th>']
    head += [
        f'<th scope="col" class="num">{html.escape(segment_labels.get(s, s))} ({_n_range(smallest[s], sizes[s])})</th>'
        for s in segments
    ]
    head.append('<th scope="col">Écart MDA / Non-MDA</th>')
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
                extra = f'<br><span class="printed">imprimé : {html.escape(format_fr(float(printed[(item, s)]), 2, strip_zeros=True))}</span>'
            if smallest[s] != sizes[s]:  # the header gives a range: each item says its own n
                extra += f'<br><small class="item-n">n = {int(r["n"])}</small>'
            cells.append(f'<td class="num">{text}<br><small>{html.escape(interval)}</small>{extra}</td>')
        cells.append(f"<td>{html.escape(_gap_text(tests.loc[item], kind)) if item in tests.index else '–'}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    reading = question_reading(scored, segment_labels=segment_labels, kind=kind)
    return _table_figure(caption, "".join(head), body, source=source, notes=notes, reading=reading)


def subheading_html(text: str) -> str:
    """A sub-heading inside a section, shown from code only when what it heads is there.

    >>> subheading_html("Salariés")
    '<h3>Salariés</h3>'
    """
    return f"<h3>{html.escape(text)}</h3>"


def paragraph_html(text: str) -> str:
    """A paragraph of running text (from the codebook or labels_fr.yaml)."""
    return f"<p>{html.escape(text)}</p>"


def _n_range(low: int, high: int) -> str:
    """``n = 43``, or ``n = 40 à 43`` when the items of a segment have different bases."""
    return f"n = {int(high)}" if low == high else f"n = {int(low)} à {int(high)}"


def base_note(scored: pd.DataFrame, *, kind: str, base: str, segment_labels: dict[str, str]) -> str:
    """The French sentence stating a table's base: « Base : sur 25 structures (MDA 12, Non-MDA 13) … ».

    >>> scored = pd.DataFrame({"item": ["2A", "2A", "2A"], "segment": ["tous", "a", "b"], "n": [25, 12, 13]})
    >>> base_note(scored, kind="multi", base="segment", segment_labels={"tous": "Tous", "a": "MDA", "b": "Non-MDA"})
    'Base : sur 25 structures (MDA 12, Non-MDA 13), toutes celles du segment, y compris celles qui n’ont coché aucune option.'
    """
    if base not in ("segment", "answered", "item"):
        raise ValueError(f"base must be 'segment', 'answered' or 'item', got {base!r}")
    high = scored.groupby("segment", sort=False)["n"].max()
    low = scored.groupby("segment", sort=False)["n"].min()
    segments = list(high.index)
    whole, parts = segments[0], segments[1:]

    def count(seg):
        return _n_range(low[seg], high[seg]).removeprefix("n = ")

    detail = ", ".join(f"{segment_labels.get(seg, seg)} {count(seg)}" for seg in parts)
    return labels.text("bases", base, n=count(whole), segments=detail)


def _code_label(item: str, label: str) -> str:
    return f"{item} – « {label} »"


def question_reading(scored: pd.DataFrame, *, segment_labels: dict[str, str], kind: str) -> str | None:
    """The reading line of a question's table: its first item (report order), in every segment, with bases.

    >>> scored = pd.DataFrame({"item": ["4B", "4B"], "label": ["Un projet", "Un projet"],
    ...                        "segment": ["tous", "mda"], "n": [28, 12], "count": [21, 10],
    ...                        "value": [0.75, 10 / 12], "rank": [1, 1]})
    >>> question_reading(scored, segment_labels={"tous": "Tous", "mda": "MDA"}, kind="multi")
    'l’option 4B – « Un projet » est choisie par 75\xa0% des 28 répondants (Tous) et 83\xa0% des 12 répondants (MDA).'
    """
    if scored.empty:
        return None
    first = scored.sort_values(["rank", "item"]).iloc[0]
    rows = scored[scored["item"] == first["item"]]
    segments = list(dict.fromkeys(rows["segment"]))
    head = _code_label(first["item"], str(first["label"]))
    parts = []
    for seg in segments:
        r = rows[rows["segment"] == seg].iloc[0]
        name = segment_labels.get(seg, seg)
        if kind == "agreement3":
            parts.append(
                labels.text(
                    "report_body", "reading_score_part", value=format_fr(r["value"], 2), n=int(r["n"]), segment=name
                )
            )
        else:
            parts.append(
                labels.text(
                    "report_body",
                    "reading_share_part",
                    value=format_fr(r["value"], 0, percent=True),
                    n=int(r["n"]),
                    segment=name,
                )
            )
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    key = "reading_score" if kind == "agreement3" else "reading_share"
    return labels.text("report_body", key, item=head, parts=joined)


def gap_summary(tests: pd.DataFrame, *, sizes: dict, segment_labels: dict, segments: list[str]) -> str:
    """One plain French sentence on how many gaps between the first two segments can be told from chance.

    >>> tests = pd.DataFrame({"item": ["2A", "2B"], "distinguishable": [True, False],
    ...                       "p_value": [0.01, 0.5], "p_value_min": [0.01, 0.5]})
    >>> gap_summary(tests, sizes={"mda": 12, "non_mda": 16}, segment_labels={"mda": "MDA", "non_mda": "non-MDA"},
    ...             segments=["mda", "non_mda"])[:87]
    'Avec 12 MDA et 16 non-MDA, 1 écart sur 2 entre MDA et non-MDA se distingue du hasard au'
    """
    a, b = segments[:2]
    n_a, n_b, label_a, label_b = sizes[a], sizes[b], segment_labels.get(a, a), segment_labels.get(b, b)
    total, yes = len(tests), int(tests["distinguishable"].sum())
    items = ", ".join(tests.loc[tests["distinguishable"], "item"])
    fields = {"n_a": n_a, "n_b": n_b, "a": label_a, "b": label_b, "total": total, "yes": yes, "items": items}
    text = labels.text("report_body", "gap_summary_some" if yes else "gap_summary_none", **fields)
    if (tests["p_value_min"] < tests["p_value"] - 1e-12).any():  # a score known by its mean only
        text += " " + labels.text("report_body", "gap_summary_ranged")
    return text


def conclusions_table_html(rows: pd.DataFrame, lines: pd.DataFrame, *, caption: str, source: str) -> str:
    """One part of the conclusions-versus-survey table, each contribution with its linked items' figures."""
    body = []
    for row in rows.itertuples():
        items = lines[(lines["part"] == row.part) & (lines["letter"] == row.letter)]["text"].tolist()
        linked = "<br>".join(html.escape(t) for t in items) or "<em>Aucun item de l'enquête</em>"
        letter = "" if row.letter == "preamble" else f"{row.letter}) "
        body.append(
            f"<tr><td>{html.escape(letter + row.conclusion)}</td>"
            f"<td>{html.escape(row.survey_contribution)}</td><td>{linked}</td></tr>"
        )
    head = (
        '<th scope="col">Dans les conclusions</th><th scope="col">Apports de l\'enquête</th>'
        '<th scope="col">Items liés (valeurs recalculées)</th>'
    )
    counts = [int(((lines["part"] == r.part) & (lines["letter"] == r.letter)).sum()) for r in rows.itertuples()]
    reading = None
    if len(rows):
        first = rows.iloc[0]
        letter = "" if first["letter"] == "preamble" else f"{first['letter']}) "
        reading = labels.text(
            "report_body",
            "reading_conclusions",
            conclusion=_shorten(letter + str(first["conclusion"]), 80),
            n=counts[0],
            linked=sum(1 for c in counts if c),
            total=len(rows),
        )
    return _table_figure(caption, head, body, source=source, reading=reading)


def quotes_html(
    groups: list[tuple[str, pd.DataFrame]],
    *,
    group_labels: dict[str, str],
    text: str = "text",
    respondent: str | None = None,
    speaker: str | None = None,
    heading=None,
) -> str:
    """The respondents' answers in full, one block per group (segment), each quote with who said it.

    Text is escaped and keeps its paragraphs; ``speaker`` (the organisation as the study prints it) and
    ``respondent`` (its number) are shown when given; ``heading(label=, n=)`` writes a group's heading.

    >>> g = [("mda", pd.DataFrame({"respondent_no": [4], "speaker": ["MDA <X>"], "text": ["Un.\\nDeux."]}))]
    >>> print(quotes_html(g, group_labels={"mda": "MDA"}, respondent="respondent_no", speaker="speaker"))
    <div class="quotes"><h4 class="quotes-group">MDA (1)</h4><blockquote class="quote"><p>Un.</p><p>Deux.</p><footer>— n° 4, MDA &lt;X&gt;</footer></blockquote></div>
    """
    out = ['<div class="quotes">']
    for group, frame in groups:
        label = group_labels.get(group, group)
        title = heading(label=label, n=len(frame)) if heading else f"{label} ({len(frame)})"
        out.append(f'<h4 class="quotes-group">{html.escape(title)}</h4>')
        for _, row in frame.iterrows():
            paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in str(row[text]).split("\n") if p.strip())
            who = []
            if respondent is not None and pd.notna(row.get(respondent)):
                who.append(f"n° {row[respondent]}")
            name = row.get(speaker) if speaker is not None else None
            # Some answers are printed under their number only (« N°2 »): say it once.
            if isinstance(name, str) and name.strip() and not re.fullmatch(r"n°\s*\d+", name.strip(), re.IGNORECASE):
                who.append(name.strip())
            footer = f"<footer>— {html.escape(', '.join(who))}</footer>" if who else ""
            out.append(f'<blockquote class="quote">{paragraphs}{footer}</blockquote>')
    out.append("</div>")
    return "".join(out)


def count_table_html(
    counts: pd.DataFrame,
    *,
    category: str,
    categories: list,
    segments: list[str],
    all_code: str,
    sizes: dict[str, int],
    segment_labels: dict[str, str],
    caption: str,
    source: str,
    category_header: str,
    category_labels: dict | None = None,
    notes: list[str] = (),
) -> str:
    """A profile count table (one row per category, one column per segment with its size) and its reading line.

    ``counts`` is :func:`ciatstudy.analysis.profile.counts_by_segment`'s tidy table; the reading line gives the
    first category's count in every segment, each over its base (« 14 des 28 répondants (Tous), … »).
    """
    names = category_labels or {}
    wide = counts_wide(counts, category=category, categories=categories, segments=[all_code, *segments])
    if category_labels:
        wide[category] = wide[category].map(category_labels)
    first = categories[0]
    reading = labels.text(
        "report_body",
        "count_reading",
        category=names.get(first, first),
        parts=count_reading(
            counts,
            category=category,
            value=first,
            segment_labels=segment_labels,
            part=lambda **f: labels.text("report_body", "count_reading_part", **f),
        ),
    )
    return table_html(
        wide,
        caption=caption,
        source=source,
        columns={category: category_header, **segment_headers(sizes, segment_labels)},
        notes=list(notes),
        reading=reading,
    )

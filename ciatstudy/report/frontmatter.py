"""The report's front and back matter: title page, « Méthode et limites », « Annexe technique », glossary.

What the committee reads first is plain French: the body names no test, no interval method, no file and
no internal id; those are gathered here, in the technical appendix that closes the report. Wording true
of one wave only (the source study's reference, what it published, what is not rebuilt) comes from that
wave's ``codebook.yaml`` (key ``report``); the rest from ``labels_fr.yaml`` (groups ``frontmatter``,
``glossary``).
"""

from __future__ import annotations

import html
import re

import pandas as pd

from . import labels, render
from .findings import ALPHA, question_tables
from ..data.rounding import format_fr

METHOD_ANCHOR = "sec-methode"  # also render.METHOD_ANCHOR, the target of every section's short notice
SUMMARY_ANCHOR = "sec-a-retenir"
APPENDIX_ANCHOR = "sec-annexe-technique"
GLOSSARY_ANCHOR = "sec-glossaire"


def _t(key: str, **fields) -> str:
    return labels.text("frontmatter", key, **fields)


def _e(text) -> str:
    return html.escape(str(text))


def wave_report(codebook) -> dict:
    """The wave's own front-matter texts (codebook key ``report``); empty for a wave that has none."""
    return codebook.raw.get("report", {}) or {}


# --------------------------------------------------------------------------- title page
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(iso: str) -> str:
    """The day of an ISO date, as French prose writes it.

    >>> french_date("2026-11-01 19:59 UTC")
    '1er novembre 2026'
    """
    year, month, day = (int(p) for p in iso[:10].split("-"))
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"


def cover_html(codebook, *, title: str, build_date: str, version: str) -> str:
    """Title page: the report's title, the source study's full reference, this rebuild's wave, day of build
    (the time is in the provenance: two builds of the same inputs the same day give the same pages)
    and version."""
    own = wave_report(codebook)
    reference = own.get("reference") or render.plain_source(codebook.source) or codebook.title
    source = f'<p class="reference">{_e(reference)}</p>'
    if own.get("direction"):
        source += f'<p class="direction">{_e(own["direction"])}</p>'
    return (
        f'<header class="cover"><h1>{_e(title)}</h1><p class="cover-label">{_e(_t("cover_label"))}</p>'
        f'<h2 class="cover-heading">{_e(_t("source_heading" if own.get("reference") else "data_source_heading"))}</h2>'
        f"{source}"
        f'<h2 class="cover-heading">{_e(_t("rebuild_heading"))}</h2>'
        f"<p>{_e(_t('rebuild', wave=codebook.wave, date=french_date(build_date), version=version))}</p></header>"
    )


# --------------------------------------------------------------------------- method
def _sizes_text(codebook, sizes: dict[str, int]) -> str:
    parts = [f"{codebook.segment_label(code)} : {format_fr(n, 0)}" for code, n in sizes.items()]
    parts.append(f"{codebook.all_label} : {format_fr(sum(sizes.values()), 0)}")
    return " ; ".join(parts)


def _interval_text(sizes: dict[str, int]) -> str:
    """What an interval means, with the width it has for a share of 50 % in the wave's smallest segment."""
    from ..analysis.intervals import wilson_interval

    n = min((v for v in sizes.values() if v), default=12)  # 12: the 2014 MDA segment, when sizes are unknown
    low, high = wilson_interval(n // 2, 2 * (n // 2)) if n > 1 else (0.0, 1.0)
    return _t(
        "interval",
        n=format_fr(2 * (n // 2) if n > 1 else n, 0),
        low=format_fr(low, 0, percent=True),
        high=format_fr(high, 0, percent=True),
    )


def method_html(codebook, sizes: dict[str, int]) -> str:
    """« Méthode et limites »: who was surveyed, what is published or reconstructed, intervals, tests,
    and what the report does not rebuild; one paragraph each."""
    own = wave_report(codebook)
    who = own.get("surveyed") or (getattr(codebook, "raw", {}).get("population") or codebook.title)
    out = [f"<h3>{_e(_t('who_heading'))}</h3><p>{_e(who)}</p>"]
    if sizes:
        out.append(f"<p>{_e(_t('who_sizes', sizes=_sizes_text(codebook, sizes)))}</p>")
    if own.get("published"):
        out.append(f"<h3>{_e(_t('published_heading'))}</h3><p>{_e(own['published'])}</p>")
    elif not codebook.reconstructed:
        out.append(f"<h3>{_e(_t('published_own_heading'))}</h3><p>{_e(_t('published_own'))}</p>")
    out.append(f"<h3>{_e(_t('interval_heading'))}</h3><p>{_e(_interval_text(sizes))}</p>")
    out.append(f"<h3>{_e(_t('test_heading'))}</h3><p>{_e(_t('test'))}</p>")
    missing = own.get("not_rebuilt") or []
    if missing:
        items = "".join(f"<li><strong>{_e(m['title'])}</strong> : {_e(m['why'])}</li>" for m in missing)
        out.append(
            f'<h3 id="sec-non-repris">{_e(_t("not_rebuilt_heading"))}</h3>'
            f'<p>{_e(_t("not_rebuilt_intro"))}</p><ul class="not-rebuilt">{items}</ul>'
        )
    return "".join(out)


def signposts_html(codebook, slug: str) -> str:
    """One line per part of the source study not rebuilt here whose place is this section (``section``
    key of the codebook's ``report.not_rebuilt`` entries), linking to the method section's list."""
    link = f'<a href="#{METHOD_ANCHOR}">{_e(_t("method_link"))}</a>'
    lines = [
        _e(_t("signpost", title=m["title"], why=m["why"], link="\0")).replace("\0", link)
        for m in wave_report(codebook).get("not_rebuilt") or []
        if m.get("section") == slug
    ]
    return "".join(f'<p class="notice notice-signpost">{line}</p>' for line in lines)


# --------------------------------------------------------------------------- plain words in the body
_PLAIN = (
    (re.compile(r" \((?:test|intervalle)[^()]*\)"), ""),
    (re.compile(r"\bIC à 95"), "intervalle à 95"),
    (re.compile(r"l'intervalle et le p couvrent"), "l'intervalle et la lecture valent pour"),
)


def plain_sentence(sentence: str) -> str:
    """A verdict sentence without its test name and p-value (those are in the technical appendix).

    >>> plain_sentence("Écart de 3 points (25 % contre 22 %) : non distinguable du hasard (test exact de Fisher, p = 1).")
    'Écart de 3 points (25 % contre 22 %) : non distinguable du hasard.'
    >>> plain_sentence("soit −13 points [IC à 95 % : −43 à +20] ; écart non distinguable (test exact de Fisher, p = 0,72).")
    'soit −13 points [intervalle à 95 % : −43 à +20] ; écart non distinguable.'
    """
    for pattern, replacement in _PLAIN:
        sentence = pattern.sub(replacement, sentence)
    return sentence


_ID = re.compile(r"(\sid=\")([^\"]+)(\")")


def scope_ids(content: str, prefix: str) -> str:
    """Prefix every id defined in a section's HTML, and the links to it, so that ids stay unique in
    the whole report (each notebook names its headings on its own: two corpus sections both had
    ``Les-mots-les-plus-utilisés``). Links to ids defined elsewhere (the method section) are kept.

    >>> scope_ids('<h3 id="Mots">M</h3><a href="#Mots">¶</a><a href="#sec-methode">m</a>', "corpus-argument")
    '<h3 id="corpus-argument--Mots">M</h3><a href="#corpus-argument--Mots">¶</a><a href="#sec-methode">m</a>'
    """
    own = set(m.group(2) for m in _ID.finditer(content))
    if not own:
        return content
    content = _ID.sub(lambda m: f"{m.group(1)}{prefix}--{m.group(2)}{m.group(3)}", content)
    return re.sub(
        r"href=\"#([^\"]+)\"", lambda m: f'href="#{prefix}--{m.group(1)}"' if m.group(1) in own else m.group(0), content
    )


# --------------------------------------------------------------------------- technical appendix
def _verdict_key(row) -> str:
    if bool(row["distinguishable"]):
        return "distinct"
    return "undecided" if pd.notna(row["p_value_min"]) and row["p_value_min"] < ALPHA else "not_distinct"


def _p_text(row) -> str:
    if pd.isna(row["p_value"]):
        return "–"
    low, high = row["p_value_min"], row["p_value"]
    fmt = lambda p: "< 0,001" if p < 0.001 else format_fr(p, 3)  # noqa: E731
    return fmt(high) if pd.isna(low) or abs(high - low) < 1e-12 else f"{fmt(low)} à {fmt(high)}"


def gap_tests_html(tables: dict[str, pd.DataFrame], codebook) -> str:
    """Every segment gap's test and p-value, by question (the body says only « distinguable » or not)."""
    found = question_tables(tables, codebook)
    if not found or len(codebook.segment_codes) < 2:
        return ""
    names = labels.mapping("frontmatter", "appendix_tests_names")
    verdicts = labels.mapping("frontmatter", "appendix_verdicts")
    cols = labels.mapping("frontmatter", "appendix_tests_columns")
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if k == "p" else ""}>{_e(v)}</th>' for k, v in cols.items())
    rows = []
    for q, _, frame in found:
        whole = frame[frame["segment"] == codebook.all_code].sort_values("item")
        rows.append(
            f'<tr><th colspan="{len(cols)}" scope="rowgroup">{_e(f"Question {q.number} : {q.title}")}</th></tr>'
        )
        for _, r in whole.iterrows():
            rows.append(
                f"<tr><td>{_e(r['item'])}</td><td>{_e(r['label'])}</td>"
                f'<td>{_e(names.get(str(r["test"]), r["test"]))}</td><td class="num">{_e(_p_text(r))}</td>'
                f"<td>{_e(verdicts[_verdict_key(r)])}</td></tr>"
            )
    a, b = (codebook.segment_label(s) for s in codebook.segment_codes[:2])
    first = found[0][2]
    first = first[first["segment"] == codebook.all_code].sort_values("item").iloc[0]
    reading = _t(
        "appendix_tests_reading",
        item=first["item"],
        label=first["label"],
        test=names.get(str(first["test"]), first["test"]),
        p=_p_text(first),
        verdict=verdicts[_verdict_key(first)],
    )
    return render.table_figure_html(
        _t("appendix_tests_caption", a=a, b=b), head, rows, source=_t("appendix_source"), reading=reading
    )


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _table(columns: dict, rows: list[list[str]], *, caption: str, reading: str) -> str:
    head = "".join(f'<th scope="col">{_e(v)}</th>' for v in columns.values())
    body = ["<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows]
    return render.table_figure_html(caption, head, body, source=_t("appendix_source"), reading=reading)


def appendix_html(
    codebook,
    *,
    tables: dict[str, pd.DataFrame],
    resources: list[dict],
    processed: list[str],
    raw_folder: str,
    processed_folder: str,
    sections,
) -> str:
    """« Annexe technique »: statistical methods, the reconstruction rule, every test's p-value, the data
    files and the internal ids (item codes, notebooks) the body leaves out."""
    out = [
        f"<p>{_e(_t('appendix_intro'))}</p>",
        f"<h3>{_e(_t('appendix_methods_heading'))}</h3>{_list(labels.texts('frontmatter', 'appendix_methods'))}",
    ]
    if codebook.reconstructed and codebook.reconstruction_rule:
        out.append(
            f"<h3>{_e(_t('appendix_rule_heading'))}</h3><p>{_e(codebook.reconstruction_rule)}</p>"
            f"<p>{_e(_t('appendix_reconstructed_p'))}</p>"
        )
    tests = gap_tests_html(tables, codebook)
    if tests:
        out.append(f"<h3>{_e(_t('appendix_tests_heading'))}</h3>{tests}")
    files = [[f"<code>{_e(r.get('path', r.get('name', '')))}</code>", _e(r.get("title", ""))] for r in resources]
    files += [[f"<code>{_e(name)}</code>", ""] for name in processed]
    out.append(
        f"<h3>{_e(_t('appendix_files_heading'))}</h3>"
        f"<p>{_e(_t('appendix_files_intro', folder=raw_folder, processed=processed_folder))}</p>"
        + _table(
            labels.mapping("frontmatter", "appendix_files_columns"),
            files,
            caption=_t("appendix_files_caption"),
            reading=_t("appendix_files_reading", inputs=len(resources), outputs=len(processed)),
        )
    )
    sec_rows = [
        [
            _e(s.title),
            f"<code>{_e(s.notebook)}</code>",
            _e(", ".join(f"{k} = {v}" for k, v in s.parameters.items()) or "–"),
        ]
        for s in sections
    ]
    out.append(
        f"<h3>{_e(_t('appendix_ids_heading'))}</h3><p>{_e(_t('appendix_ids'))}</p>"
        + _table(
            labels.mapping("frontmatter", "appendix_sections_columns"),
            sec_rows,
            caption=_t("appendix_sections_caption"),
            reading=_t(
                "appendix_sections_reading", sections=len(sections), notebooks=len({s.notebook for s in sections})
            ),
        )
    )
    return "".join(out)


# --------------------------------------------------------------------------- glossary
def glossary_html(body_text: str) -> str:
    """The glossary entries whose term appears in the report's text (a wave without Solidâges 21 gets
    no Solidâges 21 entry), in alphabetical order."""
    entries = labels.vocabulary()["glossary"]
    # Acronyms match as written (« ESS » is not « ess »), other terms whatever their case.
    used = [
        (term, meaning)
        for term, meaning in entries.items()
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", body_text, flags=0 if term.isupper() else re.IGNORECASE)
    ]
    if not used:
        return ""
    used.sort(key=lambda t: t[0].casefold())
    return '<dl class="glossary">' + "".join(f"<dt>{_e(t)}</dt><dd>{_e(m)}</dd>" for t, m in used) + "</dl>"

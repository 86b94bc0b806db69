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
# ## Question 1 : les affirmations avec lesquelles les répondants sont d'accord
#
# Score moyen de chaque affirmation (Entièrement d'accord = 3, D'accord = 2, Pas d'accord = 1), pour
# l'ensemble des répondants et par segment, avec son intervalle à 95 % et l'écart entre les segments
# (voir « Méthode et limites »). Comme le rapport, le tableau est scindé : d'abord les affirmations dont
# le score atteint 2 dans chaque segment, puis les autres.

# %% tags=["hide"]
from IPython.display import HTML, display

from ciatstudy.report import labels, render
from ciatstudy.analysis import score
from ciatstudy.data.config import Paths
from ciatstudy.analysis.distribution import answer_distribution
from ciatstudy.data.io import load_wave, save_figure, write_csv
from ciatstudy.report.plots import diverging_agreement, dot_intervals
from ciatstudy.report.question_results import question_results

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/
question: str = "q1"  # the 3-point agreement question

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
notes = labels.texts("agreement", "table_notes")
if data.reconstructed:
    display(HTML(render.reconstructed_notice()))

# %% tags=["hide"]
first, rest = score.split_agreement(scored, by="every_segment")
for part, title in ((first, labels.text("agreement", "part_first")), (rest, labels.text("agreement", "part_rest"))):
    display(
        HTML(
            render.question_table_html(
                part,
                tests=tests,
                comparison=comparison,
                segment_labels=seg_labels,
                kind=q.kind,
                caption=labels.text("agreement", "table_caption", number=q.number, part=title),
                source=source,
                notes=notes,
                base="item",
            )
        )
    )
display(
    HTML(
        render.notice_html(render.gap_summary(tests, sizes=sizes, segment_labels=seg_labels, segments=cb.segment_codes))
    )
)

# %% [markdown]
# ### Scores moyens et intervalles, par segment

# %% tags=["hide"]
order = list(dict.fromkeys(scored.sort_values(["rank", "item"])["item"]))
fig = dot_intervals(
    scored,
    category="item",
    value="value",
    low="ci_low",
    high="ci_high",
    segment="segment",
    segment_labels=seg_labels,
    order=order,
    category_labels=dict(q.items),
    xlabel=labels.text("agreement", "scores_xlabel"),
    xlim=(1, 3),
)
save_figure(fig, paths.figures / f"{question}_scores.png")
display(
    HTML(
        render.figure_html(
            paths.figures / f"{question}_scores.png",
            caption=labels.text("agreement", "scores_caption", number=q.number),
            source=source,
            alt=labels.text("agreement", "scores_alt"),
        )
    )
)

# %% [markdown]
# ### Répartition des réponses

# %% tags=["hide"]
if data.reconstructed and cb.text("distribution_intro"):  # only reconstructed answers need saying so
    display(HTML(render.paragraph_html(cb.text("distribution_intro"))))
dist = answer_distribution(data.responses, codebook=cb, question=question)
write_csv(dist, paths.processed / f"{question}_distribution.csv")
answer_labels = {int(k): v for k, v in cb.raw["scales"]["agreement3"]["values"].items()}
fig = diverging_agreement(
    dist, order=order, answer_labels=answer_labels, segment_labels=seg_labels, segments=cb.segment_codes
)
save_figure(fig, paths.figures / f"{question}_distribution.png")
display(
    HTML(
        render.figure_html(
            paths.figures / f"{question}_distribution.png",
            caption=labels.text(
                "agreement",
                "distribution_caption_reconstructed" if data.reconstructed else "distribution_caption",
                number=q.number,
            ),
            source=source,
            alt=labels.text("agreement", "distribution_alt"),
            notes=labels.texts("agreement", "distribution_notes_reconstructed") if data.reconstructed else None,
        )
    )
)

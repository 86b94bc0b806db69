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
# ## Apport de l'enquête aux conclusions
#
# Le tableau final de l'annexe III confronte chaque conclusion de l'étude à ce que l'enquête en dit. À chaque
# apport, nous rattachons les items de l'enquête qui le concernent, avec leurs valeurs recalculées (score
# moyen pour la question 1, part des répondants pour les autres). Ce rattachement est une lecture du projet,
# pas du rapport.

# %% tags=["hide"]
import pandas as pd
from IPython.display import HTML, display

from ciatstudy.analysis import conclusions, score
from ciatstudy.report import labels, render
from ciatstudy.data.config import Paths
from ciatstudy.data.io import load_wave, write_csv

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/

# %% tags=["hide"]
data = load_wave(wave)
paths = Paths.for_wave(wave)
cb = data.codebook
seg_labels = {cb.all_code: cb.all_label, **dict(cb.segments)}
table = data.table("conclusions_survey")
links = data.table("conclusion_items")
scored = pd.concat([score.score_question(data.responses, codebook=cb, question=q.id) for q in cb.questions])
figures = conclusions.linked_figures(links, scored, kinds={q.id: q.kind for q in cb.questions})
write_csv(figures, paths.processed / "conclusions_linked_items.csv")
lines = conclusions.figures_text(figures, segment_labels=seg_labels)
source = labels.text("conclusions", "source")
if data.reconstructed:
    display(HTML(render.reconstructed_notice()))

# %% tags=["hide"]
for part, rows in table.groupby("part", sort=False):
    display(
        HTML(
            render.conclusions_table_html(
                rows,
                lines,
                caption=labels.text("conclusions", "part_caption", part=part, title=rows["part_title"].iloc[0]),
                source=source,
            )
        )
    )

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
# Part des répondants choisissant chaque option, pour l'ensemble et par segment, avec son intervalle de
# confiance à 95 % (Wilson) et l'écart entre MDA et autres structures (test exact de Fisher). Les options
# sont classées comme dans le rapport, par part décroissante sur l'ensemble des répondants.

# %% tags=["hide"]
from IPython.display import HTML, Markdown, display

from ciatstudy import render
from ciatstudy.config import Paths
from ciatstudy.io import load_wave, save_figure, write_csv
from ciatstudy.plots import grouped_barh
from ciatstudy.question_results import question_results

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
kind_note = {"multi": "Plusieurs réponses possibles : les parts ne totalisent pas 100 %.",
             "single": "Une seule réponse possible."}[q.kind]
notes = [kind_note, "Intervalle de Wilson à 95 % entre crochets."]
if comparison is not None and not comparison["matches"].all():
    notes.append("« imprimé » : valeur du rapport de 2014 quand elle diffère de la valeur recalculée à partir des "
                 "segments (voir la section « Contrôle de cohérence des chiffres publiés »).")
if q.note:
    notes.append(q.note)

# %% tags=["hide"]
display(Markdown(f"**{q.wording}**"))
if data.reconstructed:
    display(HTML(render.reconstructed_notice(cb.reconstruction_rule)))
display(HTML(render.question_table_html(
    scored, tests=tests, comparison=comparison, segment_labels=seg_labels, kind=q.kind,
    caption=f"Question {q.number} — {q.title} (part des répondants)", source=source, notes=notes)))
display(HTML(render.notice_html(render.gap_summary(tests, n_a=sizes[cb.segment_codes[0]], n_b=sizes[cb.segment_codes[1]]))))

# %% tags=["hide"]
order = list(dict.fromkeys(scored.sort_values(["rank", "item"])["item"]))
fig = grouped_barh(scored, category="item", value="value", segment="segment", segment_labels=seg_labels,
                   category_labels={code: f"{code} – {label}" for code, label in q.items},
                   xlabel="Part des répondants", percent=True, order=order, low="ci_low", high="ci_high", width=9)
save_figure(fig, paths.figures / f"{question}_rates.png")
display(HTML(render.figure_html(
    paths.figures / f"{question}_rates.png",
    caption=f"Question {q.number} — {q.title} : Tous, MDA et non-MDA (intervalles à 95 %)", source=source,
    alt=f"Barres horizontales : part des répondants choisissant chaque option de la question {q.number}, par segment")))

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
# ## Évolutions depuis la vague de référence
#
# Pour chaque item des questions 1 à 8 et pour chaque segment, cette section compare la vague étudiée à
# la vague de référence (en principe l'enquête de 2014) : part des répondants qui choisissent l'option,
# ou score moyen d'accord (3 = entièrement d'accord, 2 = d'accord, 1 = pas d'accord), l'écart entre les
# deux vagues avec son intervalle à 95 %, et si cet écart se distingue du simple hasard de
# l'échantillonnage (voir « Méthode et limites » ; les tests sont nommés dans l'annexe technique).
#
# **Comment lire ces résultats.** Les effectifs sont petits (en 2014 : 12 Maisons des associations et
# 16 autres structures) : un écart de 20 points peut n'être que du hasard, et l'intervalle le montre.
# « Non distinguable du hasard » ne veut pas dire « stable » : les données ne permettent simplement pas
# de conclure. Comme de nombreux items sont testés, quelques écarts « distinguables » au seuil de 5 %
# apparaîtraient même sans aucune évolution réelle : un écart isolé se confirme avant d'être commenté.

# %% tags=["hide"]
import html

import matplotlib.pyplot as plt
from IPython.display import HTML, display

from ciatstudy.analysis import compare
from ciatstudy.report import frontmatter, labels, plots, render
from ciatstudy.data.config import Paths
from ciatstudy.data.io import load_wave, save_figure, write_csv
from ciatstudy.data.rounding import format_fr

# %% tags=["parameters"]
wave: str = "2014"  # the wave to compare: a folder name under data/raw/
baseline: str = "2014"  # the reference wave, usually 2014

# %% tags=["hide"]
data, reference = load_wave(wave), load_wave(baseline)
paths = Paths.for_wave(wave)
cb, ref_cb = data.codebook, reference.codebook
seg_labels = {cb.all_code: cb.all_label, **dict(cb.segments)}
comparison = compare.compare_waves(data.responses, reference.responses, codebook=cb, baseline_codebook=ref_cb)
write_csv(comparison.assign(wave=wave, baseline=baseline), paths.processed / "comparison.csv")
source = labels.text(
    "comparison",
    "source",
    wave=wave,
    file=render.plain_source(cb.source),
    baseline=baseline,
    baseline_file=(
        labels.text("comparison", "baseline_reconstructed_file")
        if ref_cb.reconstructed
        else render.plain_source(ref_cb.source)
    ),
)
if wave == baseline:
    display(HTML(render.notice_html(labels.text("comparison", "same_wave", wave=wave))))
if ref_cb.reconstructed:
    display(HTML(render.reconstructed_notice()))
    display(
        HTML(
            render.notice_html(labels.text("comparison", "baseline_reconstructed", baseline=baseline), "reconstructed")
        )
    )

# %% [markdown]
# ### Vue d'ensemble

# %% tags=["hide"]
sizes = {code: n for code, n in data.segment_sizes().items()}
ref_sizes = reference.segment_sizes()
overview = (
    comparison[comparison["test"] != "none"]
    .groupby("question", sort=False)
    .agg(compared=("item", "size"), distinguishable=("distinguishable", "sum"))
    .reset_index()
)
overview["title"] = overview["question"].map(lambda q: cb.question(q).title)
overview["question"] = overview["question"].map(lambda q: cb.question(q).number)  # the number, not the id
tested = int(overview["compared"].sum())
display(
    HTML(
        render.table_html(
            overview[["question", "title", "compared", "distinguishable"]],
            caption=labels.text(
                "comparison",
                "overview_caption",
                baseline=baseline,
                n_baseline=sum(ref_sizes.values()),
                wave=wave,
                n_wave=sum(sizes.values()),
            ),
            source=source,
            columns=labels.mapping("comparison", "overview_columns"),
            notes=[labels.text("comparison", "overview_note", tested=tested, expected=format_fr(tested * 0.05, 0))],
        )
    )
)

# %% [markdown]
# ### Question par question
#
# Chaque tableau donne, pour chaque item et chaque segment, la valeur de la vague de référence, celle de la
# vague étudiée, l'écart (en points de pourcentage pour les parts, en points de score pour les moyennes)
# avec son intervalle à 95 % et la lecture qui en découle. Le graphique montre les
# mêmes écarts : un intervalle qui traverse la ligne verticale du zéro est compatible avec l'absence
# d'évolution.

# %% tags=["hide"]
for question in cb.questions:
    part = comparison[comparison["question"] == question.id]
    kind = "mean" if question.kind == "agreement3" else "proportion"
    heading = labels.text("comparison", "question_heading", number=question.number, title=question.title)
    display(HTML(f"<h4>{html.escape(heading)}</h4>"))
    table = compare.comparison_display(
        comparison, question=question.id, segment_labels=seg_labels, names=(wave, baseline)
    )
    notes = [
        labels.text(
            "comparison", "change_note", wave=wave, baseline=baseline, unit=labels.mapping("comparison", "unit")[kind]
        )
    ]
    if ref_cb.reconstructed:
        notes.append(labels.mapping("comparison", "reconstructed_note", baseline=baseline)[kind])
    display(
        HTML(
            render.table_html(
                table,
                caption=labels.text(
                    "comparison", "table_caption", number=question.number, baseline=baseline, wave=wave
                ),
                source=source,
                columns=labels.mapping("comparison", "table_columns", baseline=baseline, wave=wave),
                numeric={"reference", "current", "change"},
                notes=notes + [frontmatter.plain_sentence(s) for s in part.loc[part["distinguishable"], "sentence"]],
            )
        )
    )
    if part["change"].notna().any():
        fig = plots.plot_changes(comparison, question=question.id, segment_labels=seg_labels, names=(wave, baseline))
        target = save_figure(fig, paths.figures / f"comparison_{question.id}.png")
        plt.close(fig)
        display(
            HTML(
                render.figure_html(
                    target,
                    caption=labels.text(
                        "comparison", "chart_caption", number=question.number, baseline=baseline, wave=wave
                    ),
                    source=source,
                    alt=labels.text("comparison", "chart_alt", number=question.number),
                    notes=notes,
                )
            )
        )

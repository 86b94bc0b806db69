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
# ## Le programme « Solidâges 21 » et son programme associé « AIRE 21 »
#
# Chiffres du programme de France Bénévolat (section VI 1 du rapport) et tableau des « objets
# transactionnels » : ce qui, dans un territoire, fait passer d'un accord de principe à un projet commun.

# %% tags=["hide"]
from IPython.display import HTML, display

from ciatstudy.report import labels, render
from ciatstudy.analysis import solidages
from ciatstudy.data.config import Paths
from ciatstudy.data.io import load_wave, save_figure, write_csv
from ciatstudy.report.plots import grouped_barh

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/

# %% tags=["hide"]
data = load_wave(wave, questions=[])  # the answers are not used here
paths = Paths.for_wave(wave)
source = labels.text("solidages", "source")
qualifiers = labels.mapping("solidages", "qualifiers")

# %% [markdown]
# ### Le programme en chiffres

# %% tags=["hide"]
figures = data.table("solidages21_figures")
write_csv(figures[["indicator", "value", "qualifier", "unit"]], paths.processed / "solidages_figures.csv")
shown = figures.assign(value=[f"{qualifiers[q]}{int(v)}" for q, v in zip(figures["qualifier"], figures["value"])])
display(
    HTML(
        render.table_html(
            shown.assign(indicator=shown["indicator"].map(labels.vocabulary()["indicators"])),
            caption=labels.text("solidages", "figures_caption"),
            source=source,
            columns={"indicator": labels.column("indicator"), "value": labels.column("value")},
            notes=labels.texts("solidages", "figures_notes"),
            numeric={"value"},
        )
    )
)

# %% [markdown]
# ### Les objets transactionnels
#
# Liste non exhaustive publiée par le rapport : pour chaque objet, le nombre de projets innovants accompagnés
# depuis 2011 et de territoires « Solidâges 21 » depuis 2013 où il a servi.

# %% tags=["hide"]
summary = solidages.objects_summary(data.table("objets_transactionnels"))
write_csv(summary, paths.processed / "solidages_objets_transactionnels.csv")
display(
    HTML(
        render.table_html(
            summary,
            caption=labels.text("solidages", "objects_caption", n=len(summary)),
            source=labels.text("solidages", "objects_source", source=source),
            notes=labels.texts("solidages", "objects_notes"),
        )
    )
)
counted = solidages.counted_cells(data.table("objets_transactionnels"))
long = solidages.chart_counts(summary, counted)  # a cell that only gives a number is a note, not a bar
fig = grouped_barh(
    long,
    category="objet",
    value="count",
    segment="kind",
    segment_labels={"projects": labels.column("projects"), "territories": labels.column("territories")},
    xlabel=labels.text("solidages", "objects_xlabel"),
    order=list(summary["objet"]),
    width=8,
)
save_figure(fig, paths.figures / "solidages_objets_transactionnels.png")
display(
    HTML(
        render.figure_html(
            paths.figures / "solidages_objets_transactionnels.png",
            caption=labels.text("solidages", "objects_chart_caption"),
            source=source,
            alt=labels.text("solidages", "objects_chart_alt"),
            notes=[
                labels.text("solidages_body", "counted_cell_note", objet=r.objet, entry=r.entry, n=int(r.n_projects))
                for r in counted.itertuples()
            ],
        )
    )
)

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
# ## L'appel à projets Fondation SNCF / RNMA (bilan 2012)
#
# L'appel à projets « Vivre ensemble » ne retient que des projets portés par plusieurs associations.
# Chiffres du bilan 2012 (section VI 2 du rapport), pourcentages recalculés à partir des effectifs.

# %% tags=["hide"]
import pandas as pd
from IPython.display import HTML, display

from ciatstudy.analysis import call_for_projects
from ciatstudy.report import labels, render
from ciatstudy.data.config import Paths
from ciatstudy.data.io import load_wave, save_figure, write_csv
from ciatstudy.report.plots import grouped_barh
from ciatstudy.data.rounding import format_fr

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/

# %% tags=["hide"]
data = load_wave(wave, questions=[])  # the answers are not used here
paths = Paths.for_wave(wave)
source = labels.text("call", "source")
figures = data.table("sncf_call_2012")

# %% [markdown]
# ### Profil des associations qui répondent

# %% tags=["hide"]
profile_ids = [
    "projects_selected",
    "projects_submitted",
    "associations_engaged",
    "median_budget_eur",
    "median_staff",
    "volunteer_only_associations",
    "projects_selected_two_years",
    "associations_two_years",
]
profile = figures.set_index("indicator").loc[profile_ids].reset_index()
write_csv(profile[["indicator", "value", "base", "unit"]], paths.processed / "call_profile.csv")
display(
    HTML(
        render.table_html(
            profile.assign(
                indicator=profile["indicator"].map(labels.vocabulary()["indicators"]),
                value=[
                    format_fr(v, 0) + (labels.text("call", "euro_suffix") if u == "eur" else "")
                    for v, u in zip(profile["value"], profile["unit"])
                ],
            ),
            caption=labels.text("call", "profile_caption"),
            source=labels.text("call", "profile_source", source=source),
            columns={"indicator": labels.column("indicator"), "value": labels.column("value")},
            numeric={"value"},
            notes=labels.texts("call", "profile_notes"),
        )
    )
)

# %% [markdown]
# ### Secteur d'activité des associations candidates

# %% tags=["hide"]
sectors = data.table("sncf_call_2012_sectors")
write_csv(sectors[["sector_as_printed", "percent"]], paths.processed / "call_sectors.csv")
total = int(sectors["percent"].sum())
chart = sectors.assign(share=sectors["percent"] / 100, segment="tous")
fig = grouped_barh(
    chart,
    category="sector_as_printed",
    value="share",
    segment="segment",
    segment_labels={"tous": labels.text("call", "sectors_segment")},
    xlabel=labels.text("call", "sectors_xlabel"),
    percent=True,
)
save_figure(fig, paths.figures / "call_sectors.png")
display(
    HTML(
        render.figure_html(
            paths.figures / "call_sectors.png",
            caption=labels.text("call", "sectors_caption"),
            source=labels.text("call", "sectors_source", source=source),
            alt=labels.text("call", "sectors_alt"),
            notes=labels.texts("call", "sectors_notes", total=total),
        )
    )
)

# %% [markdown]
# ### Formes de coopération entre associations co-porteuses
#
# Le tableau publié donne les pourcentages et les effectifs mais pas le nombre de répondants : seule une
# base de 28 répondants redonne tous les pourcentages imprimés. Pourcentages recalculés à partir des effectifs.

# %% tags=["hide"]
forms = call_for_projects.cooperation_forms(
    data.table("sncf_call_2012_cooperation_forms"),
    option="option_as_printed",
    count="response_count",
    printed="response_percent_as_printed",
)
write_csv(forms, paths.processed / "call_cooperation_forms.csv")
base = int(forms["n"].iloc[0])
display(
    HTML(
        render.table_html(
            forms.assign(
                rebuilt=[format_fr(s, 1, percent=True) for s in forms["share"]],
                matches=forms["matches"].map(labels.mapping("call", "matches")),
            ),
            caption=labels.text("call", "forms_caption", n=base),
            source=labels.text("call", "forms_source", source=source),
            columns={
                "option": labels.column("option"),
                "count": labels.column("count"),
                "rebuilt": labels.text("call", "forms_rebuilt"),
                "printed": labels.column("printed"),
                "matches": labels.column("matches"),
            },
            numeric={"count", "rebuilt", "printed"},
            notes=labels.texts("call", "forms_notes"),
        )
    )
)
fig = grouped_barh(
    forms.assign(segment="tous"),
    category="option",
    value="share",
    segment="segment",
    segment_labels={"tous": labels.text("call", "forms_segment", n=base)},
    xlabel=labels.text("call", "forms_xlabel"),
    percent=True,
)
save_figure(fig, paths.figures / "call_cooperation_forms.png")
display(
    HTML(
        render.figure_html(
            paths.figures / "call_cooperation_forms.png",
            caption=labels.text("call", "forms_chart_caption", n=base),
            source=source,
            alt=labels.text("call", "forms_chart_alt"),
        )
    )
)

# %% [markdown]
# ### Intérêt de la coopération

# %% tags=["hide"]
interest_ids = [
    "projects_strong_interest",
    "projects_other_partners",
    "share_new_funding",
    "share_more_visibility",
    "share_want_to_continue",
]
interest = figures.set_index("indicator").loc[interest_ids].reset_index()
ratios = call_for_projects.ratio_figures(interest, indicator="indicator", value="value", base="base")
write_csv(interest[["indicator", "value", "base", "unit"]], paths.processed / "call_interest.csv")
shown = interest.assign(
    value=[
        labels.text("call", "interest_ratio", count=int(v), base=int(b), share=format_fr(v / b, 0, percent=True))
        if pd.notna(b)
        else format_fr(v / 100, 0, percent=True)
        for v, b in zip(interest["value"], interest["base"])
    ]
)
display(
    HTML(
        render.table_html(
            shown.assign(indicator=shown["indicator"].map(labels.vocabulary()["indicators"])),
            caption=labels.text("call", "interest_caption"),
            source=labels.text("call", "interest_source", source=source),
            columns={"indicator": labels.column("indicator"), "value": labels.column("value")},
            numeric={"value"},
            notes=labels.texts("call", "interest_notes"),
        )
    )
)

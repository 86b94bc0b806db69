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
# ## Annexe II : personnes ressources interviewées ou associées
#
# Les personnes ressources de l'étude et l'état de leur entretien au 31 décembre 2014, tels que publiés.

# %% tags=["hide"]
from IPython.display import HTML, display

from ciatstudy.report import labels, render
from ciatstudy.data.config import Paths
from ciatstudy.data.io import load_wave, write_csv

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/

# %% tags=["hide"]
data = load_wave(wave, questions=[])  # the answers are not used here
paths = Paths.for_wave(wave)
persons = data.table("resource_persons")
source = labels.text("persons", "source")
status_labels = labels.vocabulary()["interview_status"]
by_status = persons["interview_status"].value_counts().rename_axis("interview_status").reset_index(name="count")
write_csv(persons[["person", "structure", "interview_status"]], paths.processed / "resource_persons.csv")
_ = write_csv(by_status, paths.processed / "resource_persons_status.csv")

# %%
display(
    HTML(
        render.table_html(
            persons,
            caption=labels.text("persons", "list_caption", n=len(persons)),
            source=source,
            columns={
                "person": labels.column("person"),
                "structure": labels.column("structure"),
                "interview_status_as_printed": labels.column("interview_status_as_printed"),
            },
        )
    )
)
display(
    HTML(
        render.table_html(
            by_status.assign(interview_status=by_status["interview_status"].map(status_labels)),
            caption=labels.text("persons", "status_caption"),
            source=source,
            columns={"interview_status": labels.column("status"), "count": labels.column("count")},
            notes=labels.texts("persons", "status_notes"),
        )
    )
)

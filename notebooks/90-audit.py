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
# ## Contrôle de cohérence des chiffres publiés
#
# Chaque chiffre imprimé dans les tableaux de l'enquête, et chaque chiffre que le texte du rapport en
# cite, est confronté à ce qu'il devrait être. Quatre contrôles :
#
# - **Granularité** : avec 12 MDA, 16 autres structures et 28 répondants, une part ne peut valoir que k/12,
#   k/16 ou k/28, et une moyenne de scores 3/2/1 qu'une somme entière divisée par l'effectif. Une valeur
#   imprimée qu'aucun entier ne donne, après l'arrondi du rapport (au demi supérieur), est impossible.
# - **Recoupement** : la colonne « Tous » doit être la moyenne des segments pondérée par leurs effectifs ;
#   pour une question à réponse unique, les choix doivent totaliser l'effectif.
# - **Texte contre tableaux** : les chiffres et les affirmations du texte (« 69 % des MDA », « personne »,
#   « plus pertinente pour les MDA »…) sont comparés aux tableaux.
# - **Effectifs** : les nombres de répondants, de projets ou d'associations annoncés sont comparés aux listes
#   et tableaux qu'ils résument.
#
# Pour chaque incohérence, l'explication la plus probable est calculée : cellules interverties, valeur
# recopiée d'une autre cellule, un ou deux répondants d'écart, un chiffre mal saisi.

# %% tags=["hide"]
from IPython.display import HTML, display

from ciatstudy.audit.runner import run_audit
from ciatstudy.report import findings, labels, render
from ciatstudy.data.config import Paths
from ciatstudy.data.io import load_codebook, write_csv

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/

# %% tags=["hide"]
paths = Paths.for_wave(wave)
result = run_audit(wave)
write_csv(result, paths.processed / "audit.csv")
shown = result.copy()  # as the committee reads it: no internal ids (they stay in audit.csv)
codebook = load_codebook(paths.raw / "codebook.yaml")
for column in ("location", "figure", "printed", "expected", "explanation"):
    shown[column] = [findings.plain_ids(v, codebook) for v in shown[column].fillna("")]
verdict_labels = labels.mapping("audit", "verdicts")
check_labels = labels.mapping("audit", "checks")
counts = (
    result.groupby(["check", "verdict"])
    .size()
    .unstack(fill_value=0)
    .reindex(columns=list(verdict_labels), fill_value=0)
    .reset_index()
)
display(
    HTML(
        render.table_html(
            counts.assign(check=counts["check"].map(check_labels)),
            caption=labels.text("audit", "counts_caption", n=len(result)),
            source=labels.text("audit", "counts_source"),
            columns={"check": labels.text("audit", "check_column"), **verdict_labels},
        )
    )
)

# %% [markdown]
# ### Les incohérences relevées
#
# Dans les tableaux de cette étude reconstruite, la valeur affichée est toujours celle recalculée à partir
# des segments ; la valeur imprimée en 2014 figure à côté (« imprimé : … ») quand elle diffère.

# %% tags=["hide"]
issues = shown[shown["verdict"] == "inconsistent"]
display(
    HTML(
        render.table_html(
            issues,
            caption=labels.text("audit", "issues_caption", n=len(issues)),
            source=labels.text("audit", "issues_source"),
            columns=labels.mapping("audit", "issues_columns"),
        )
    )
)

# %% [markdown]
# ### Non vérifiable

# %% tags=["hide"]
untestable = shown[shown["verdict"] == "not_testable"]
display(
    HTML(
        render.table_html(
            untestable,
            caption=labels.text("audit", "untestable_caption", n=len(untestable)),
            source=labels.text("audit", "untestable_source"),
            columns=labels.mapping("audit", "untestable_columns"),
        )
    )
)

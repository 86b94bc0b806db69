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
# ## Corpus des mots les plus utilisés
#
# Les réponses libres citées par le rapport, lues en français : mots ramenés à leur forme de dictionnaire
# (lemme), mots-outils écartés (liste revue, détaillée dans l'annexe technique). Le corpus est ce que le
# rapport cite : il ne contient pas les réponses que le rapport ne reproduit pas.

# %% tags=["hide"]
from IPython.display import HTML, display

from ciatstudy import labels, render, text
from ciatstudy.config import Paths
from ciatstudy.io import load_wave, write_csv
from ciatstudy.rounding import format_fr

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/
corpus: str = "definition"  # a free-text id of the codebook (definition, argument, q3_explanation, q4_remark, panorama…)
top: int = 20  # number of words in the table and the cloud

# %% tags=["hide"]
data = load_wave(wave, questions=[])  # the answers are not used here
paths = Paths.for_wave(wave)
cb = data.codebook
meta = next(f for f in cb.raw.get("free_text", []) if f["id"] == corpus)
quotes = data.table("quotes")
respondent = "respondent_no" if "respondent_no" in quotes.columns else "respondent_id"
selected = quotes[quotes["corpus"] == corpus]
if "segment" in selected.columns:
    segments = selected[[respondent, "segment"]].drop_duplicates()
else:
    segments = data.table("respondents")[[respondent, "segment"]]
segments = segments[segments[respondent].isin(selected[respondent])]
has_text = not selected.empty
if has_text:
    summary = text.corpus_summary(selected, respondent=respondent, total=None)
    freqs = text.word_frequencies(selected, respondent=respondent, top=top)
    write_csv(freqs, paths.processed / f"words_{corpus}.csv")
    row = summary.iloc[0]
    display(HTML(render.notice_html(
        labels.text("corpus", "summary", title=meta["title"], quotes=int(row["quotes"]),
                    respondents=int(row["respondents"]), words=int(row["words"]), kept=int(row["words_kept"]),
                    lemmas=int(row["lemmas"])))))
    if int(row["respondents"]) < 5:
        display(HTML(render.notice_html(
            labels.text("corpus", "short_corpus"), "reconstructed")))
else:
    display(HTML(render.notice_html(labels.text("corpus", "no_text", title=meta["title"]))))
source = meta.get("source", "")

# %% [markdown]
# ### Les mots les plus utilisés

# %% tags=["hide"]
if has_text:
    display(HTML(render.table_html(
        freqs.assign(share_respondents=[format_fr(s, 0, percent=True) for s in freqs["share_respondents"]]),
        caption=labels.text("corpus", "words_caption", title=meta["title"], n=len(freqs)),
        source=source, columns=labels.mapping("corpus", "words_columns"),
        numeric={"rank", "count", "respondents", "share_respondents"}, notes=labels.texts("corpus", "words_notes"))))
    cloud = text.word_cloud(freqs, path=paths.figures / f"cloud_{corpus}.png")
    display(HTML(render.figure_html(
        cloud, caption=labels.text("corpus", "cloud_caption", title=meta["title"]), source=source,
        alt=labels.text("corpus", "cloud_alt", words=", ".join(freqs["lemma"].head(10))),
        notes=labels.texts("corpus", "cloud_notes"))))

# %% [markdown]
# ### Les mots dans leur contexte
#
# Chaque mot du haut du classement, avec les phrases où il apparaît et le numéro du répondant.

# %% tags=["hide"]
if has_text:
    kwic = text.keyword_in_context(selected, freqs["lemma"].head(5), respondent=respondent)
    write_csv(kwic, paths.processed / f"kwic_{corpus}.csv")
    display(HTML(render.table_html(
        kwic, caption=labels.text("corpus", "kwic_caption", title=meta["title"]), source=source,
        # "respondent" stands for this wave's respondent column (N° in 2014, the id in new waves)
        columns={{"respondent": respondent}.get(k, k): v for k, v in labels.mapping("corpus", "kwic_columns").items()})))

# %% [markdown]
# ### Mots distinctifs des MDA et des autres structures
#
# Un mot est dit propre à un segment quand il y est nettement plus fréquent que dans l'autre, au-delà de ce
# que le hasard expliquerait (méthode dans l'annexe technique).

# %% tags=["hide"]
if has_text:
    if segments["segment"].nunique() > 1:
        distinct = text.distinctive_words(selected, segments, respondent=respondent, top=8)
        write_csv(distinct, paths.processed / f"distinctive_{corpus}.csv")
        seg_labels = dict(cb.segments)
        strong = distinct[distinct["z"].abs() >= 1.96]
        display(HTML(render.table_html(
            distinct.assign(segment=distinct["segment"].map(seg_labels), z=[format_fr(z, 2) for z in distinct["z"]]),
            caption=labels.text("corpus", "distinct_caption", title=meta["title"]), source=source,
            columns=labels.mapping("corpus", "distinct_columns"), numeric={"count", "count_rest", "z"},
            notes=[labels.text("corpus", "distinct_none") if strong.empty
                   else labels.text("corpus", "distinct_some", n=len(strong))])))
    else:
        display(HTML(render.notice_html(labels.text("corpus", "one_segment"))))
# %% tags=["hide"]
if has_text:
    if corpus == "panorama" and data.has("panorama_typology"):
        typology = data.table("panorama_typology")
        write_csv(typology[["type", "examples_as_printed"]], paths.processed / "panorama_typology.csv")
        display(HTML(render.table_html(
            typology, caption=labels.text("corpus", "typology_caption"), source=labels.text("corpus", "typology_source"),
            columns=labels.mapping("corpus", "typology_columns"), notes=labels.texts("corpus", "typology_notes"))))

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
# ## Corpus des réponses libres

# %% tags=["hide"]
from IPython.display import HTML, display

from ciatstudy.report import labels, render
from ciatstudy.text import clouds, frequencies, keywords, quotes
from ciatstudy.data.config import Paths
from ciatstudy.data.io import load_wave, write_csv
from ciatstudy.report.plots import SEGMENT_COLOURS
from ciatstudy.data.rounding import format_fr

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/
corpus: str = (
    "definition"  # a free-text id of the codebook (definition, argument, q3_explanation, q4_remark, panorama…)
)
top: int = 20  # number of words in the table and the cloud
min_answers: int = 10  # below this many answers, no word counts (one line says why)
min_words: int = 200  # below this many printed words, no word counts

# %% tags=["hide"]
data = load_wave(wave, questions=[])  # the answers are not used here
paths = Paths.for_wave(wave)
cb = data.codebook
meta = next(f for f in cb.raw.get("free_text", []) if f["id"] == corpus)
source = meta.get("source", "")
# the general reading guide, then what this wave's corpus is (2014: only what the report cites)
display(
    HTML(
        render.paragraph_html(
            " ".join(filter(None, [labels.text("wave_texts", "corpus_intro"), cb.text("corpus_scope")]))
        )
    )
)
all_quotes = data.table("quotes")
respondent = "respondent_no" if "respondent_no" in all_quotes.columns else "respondent_id"
selected = all_quotes[all_quotes["corpus"] == corpus]
if "segment" in selected.columns:
    segments = selected[[respondent, "segment"]].drop_duplicates()
else:
    segments = data.table("respondents")[[respondent, "segment"]]
segments = segments[segments[respondent].isin(selected[respondent])]
seg_labels = dict(cb.segments)
has_text = not selected.empty
big = False
if has_text:
    row = frequencies.corpus_summary(selected, respondent=respondent, total=None).iloc[0]
    n_answers, n_respondents, n_words = int(row["quotes"]), int(row["respondents"]), int(row["words"])
    big = quotes.big_enough(n_answers, n_words, min_answers=min_answers, min_words=min_words)
    display(
        HTML(
            render.notice_html(
                labels.text(
                    "corpus_body",
                    "summary",
                    title=meta["title"],
                    quotes=n_answers,
                    respondents=n_respondents,
                    words=n_words,
                )
            )
        )
    )
    groups = quotes.quote_groups(selected, segments, respondent=respondent, order=cb.segment_codes)
    display(
        HTML(
            render.quotes_html(
                groups,
                group_labels=seg_labels,
                heading=lambda **f: labels.text("corpus_body", "group_heading", **f),
                respondent=respondent
                if respondent == "respondent_no"
                else None,  # the study's public N°, not a pseudonym
                speaker="speaker_as_printed" if "speaker_as_printed" in selected.columns else None,
            )
        )
    )
    if not big:
        display(
            HTML(
                render.notice_html(
                    labels.text(
                        "corpus_body",
                        "too_small",
                        quotes=n_answers,
                        words=n_words,
                        min_answers=min_answers,
                        min_words=min_words,
                    )
                )
            )
        )
else:
    display(HTML(render.notice_html(labels.text("corpus", "no_text", title=meta["title"]))))

# %% tags=["hide"]
if big:
    freqs = frequencies.word_frequencies(selected, respondent=respondent, top=top)
    write_csv(freqs, paths.processed / f"words_{corpus}.csv")
    first = freqs.iloc[0]
    display(HTML(f"<h3>{labels.text('corpus_body', 'words_heading', title=meta['title'])}</h3>"))
    display(
        HTML(
            render.table_html(
                freqs.assign(share_respondents=[format_fr(s, 0, percent=True) for s in freqs["share_respondents"]]),
                caption=labels.text("corpus", "words_caption", title=meta["title"], n=len(freqs)),
                source=source,
                columns=labels.mapping("corpus_body", "words_columns", n=n_respondents),
                numeric={"rank", "count", "respondents", "share_respondents"},
                notes=labels.texts("corpus", "words_notes"),
                reading=labels.text(
                    "corpus_body",
                    "words_reading",
                    lemma=first["lemma"],
                    count=int(first["count"]),
                    respondents=int(first["respondents"]),
                    n=n_respondents,
                    share=format_fr(first["share_respondents"], 0, percent=True),
                ),
            )
        )
    )
    cloud = clouds.word_cloud(freqs, path=paths.figures / f"cloud_{corpus}.png", palette=[SEGMENT_COLOURS["tous"]])
    display(
        HTML(
            render.figure_html(
                cloud,
                caption=labels.text("corpus", "cloud_caption", title=meta["title"]),
                source=source,
                alt=labels.text("corpus", "cloud_alt", words=", ".join(freqs["lemma"].head(10))),
                notes=labels.texts("corpus_body", "cloud_notes"),
                reading=labels.text(
                    "corpus_body",
                    "cloud_reading",
                    lemma=first["lemma"],
                    count=int(first["count"]),
                    respondents=int(first["respondents"]),
                    n=n_respondents,
                ),
            )
        )
    )

# %% tags=["hide"]
if big:
    kwic = quotes.unique_kwic(
        keywords.keyword_in_context(selected, freqs["lemma"].head(5), respondent=respondent), respondent=respondent
    )
    write_csv(kwic, paths.processed / f"kwic_{corpus}.csv")
    display(HTML(f"<h3>{labels.text('corpus_body', 'kwic_heading', title=meta['title'])}</h3>"))
    display(
        HTML(
            render.table_html(
                kwic,
                caption=labels.text("corpus", "kwic_caption", title=meta["title"]),
                source=source,
                # "respondent" stands for this wave's respondent column (N° in 2014, the id in new waves)
                columns={
                    {"respondent": respondent}.get(k, k): v
                    for k, v in labels.mapping("corpus_body", "kwic_columns").items()
                },
                reading=labels.text(
                    "corpus_body",
                    "kwic_reading",
                    sentences=len(kwic),
                    respondents=kwic[respondent].nunique(),
                    n=n_respondents,
                ),
            )
        )
    )

# %% tags=["hide"]
if big and segments["segment"].nunique() > 1:
    distinct = quotes.present_in_segment(keywords.distinctive_words(selected, segments, respondent=respondent, top=8))
    write_csv(distinct, paths.processed / f"distinctive_{corpus}.csv")
    display(HTML(f"<h3>{labels.text('corpus_body', 'distinct_heading', title=meta['title'])}</h3>"))
    strong = distinct[distinct["z"].abs() >= 1.96]  # the usual 5 % two-sided bound of the log-odds score
    lead = distinct.iloc[0]
    display(
        HTML(
            render.table_html(
                distinct.assign(segment=distinct["segment"].map(seg_labels)),
                caption=labels.text("corpus", "distinct_caption", title=meta["title"]),
                source=source,
                columns=labels.mapping("corpus_body", "distinct_columns"),
                numeric={"count", "count_rest"},
                notes=[
                    labels.text("corpus_body", "distinct_present"),
                    labels.text("corpus_body", "distinct_none")
                    if strong.empty
                    else labels.text("corpus_body", "distinct_some", n=len(strong)),
                ],
                reading=labels.text(
                    "corpus_body",
                    "distinct_reading",
                    lemma=lead["lemma"],
                    segment=seg_labels.get(lead["segment"], lead["segment"]),
                    count=int(lead["count"]),
                    rest=int(lead["count_rest"]),
                ),
            )
        )
    )
elif big:
    display(HTML(render.notice_html(labels.text("corpus", "one_segment"))))

# %% tags=["hide"]
if has_text and corpus == "panorama" and data.has("panorama_typology"):
    typology = data.table("panorama_typology")
    write_csv(typology[["type", "examples_as_printed"]], paths.processed / "panorama_typology.csv")
    display(
        HTML(
            render.table_html(
                typology,
                caption=labels.text("corpus", "typology_caption"),
                source=labels.text("corpus", "typology_source"),
                columns=labels.mapping("corpus", "typology_columns"),
                notes=labels.texts("corpus", "typology_notes"),
            )
        )
    )

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
# ## Qui a répondu ?

# %% tags=["hide"]
from IPython.display import HTML, display

from ciatstudy.report import geo, labels, render
from ciatstudy.analysis import profile
from ciatstudy.data.config import Paths
from ciatstudy.data.io import load_wave, save_figure, write_csv
from ciatstudy.report.plots import grouped_barh

# %% tags=["parameters"]
wave: str = "2014"  # a folder name under data/raw/

# %% tags=["hide"]
data = load_wave(wave, questions=[])  # answers: only the id and the segment are used here
paths = Paths.for_wave(wave)
cb = data.codebook
segments = cb.segment_codes
seg_labels = {cb.all_code: cb.all_label, **dict(cb.segments)}
source_profile = labels.text("profile", "source")
# what this wave's codebook says of its profile (2014: as Annexe III publishes it), else the general line
display(HTML(render.paragraph_html(cb.text("profile_intro") or labels.text("wave_texts", "profile_intro"))))

# %% [markdown]
# ### Répondants par segment

# %% tags=["hide"]
if data.has("respondents"):
    respondents = data.table("respondents")
    by_segment = profile.segment_sizes(respondents, segment="segment", segments=segments, all_code=cb.all_code)
    source_seg = source_profile
else:
    by_segment = profile.segment_sizes(
        data.responses, segment=cb.segment_variable, segments=segments, all_code=cb.all_code
    )
    source_seg = labels.text(
        "profile", "responses_source", source=render.plain_source(cb.source), file=cb.responses_file
    )
write_csv(by_segment, paths.processed / "profile_segments.csv")
seg_sizes = by_segment.set_index("segment")["n"].to_dict()
display(
    HTML(
        render.table_html(
            by_segment.assign(segment=by_segment["segment"].map(seg_labels)),
            caption=labels.text("profile", "segments_caption", n=int(by_segment["n"].iloc[0])),
            source=source_seg,
            columns={"segment": labels.column("segment"), "n": labels.column("respondents")},
        )
    )
)

# %% tags=["hide"]
has_list = data.has("respondents") and {"name_as_printed", "departement"} <= set(respondents.columns)
if has_list:  # no heading without the list (issue 13: no heading stands empty)
    display(HTML(render.subheading_html(labels.text("wave_texts", "list_heading"))))
    display(HTML(render.paragraph_html(labels.text("wave_texts", "list_intro"))))
    listing = profile.respondents_list(
        respondents,
        segment_labels=seg_labels,
        status_labels=labels.mapping("report_body", "mda_status"),
        departement_name=lambda code: labels.text(
            "report_body", "departement", code=code, name=geo.departement_name(code)
        ),
    )
    first = listing.iloc[0]
    display(
        HTML(
            render.table_html(
                listing,
                caption=labels.text("report_body", "list_caption", n=len(listing)),
                source=labels.text("report_body", "list_source"),
                columns=labels.mapping("report_body", "list_columns"),
                numeric={"respondent_no"},
                notes=labels.texts("report_body", "list_notes"),
                reading=labels.text(
                    "report_body",
                    "list_reading",
                    no=int(first["respondent_no"]),
                    name=first["name_as_printed"],
                    type=first["type"],
                    departement=first["departement"],
                ),
            )
        )
    )

# %% [markdown]
# ### Où sont les répondants ?

# %% tags=["hide"]
if data.has("respondents") and "departement" in respondents.columns:
    located, located_segment = respondents, "segment"
elif "departement" in data.responses.columns:
    located, located_segment = data.responses, cb.segment_variable
else:
    located = None
if located is not None:
    by_departement = geo.respondents_by_departement(
        located, departement="departement", segment=located_segment, segments=segments
    )
    write_csv(by_departement, paths.processed / "profile_departements.csv")
    fig = geo.respondent_map(
        by_departement,
        segments=segments,
        segment_labels=seg_labels,
        legend_label=labels.text("report_body", "map_legend"),
        idf_title=labels.text("report_body", "map_idf"),
        attribution_prefix=labels.text("report_body", "map_attribution_prefix"),
    )
    save_figure(fig, paths.figures / "profile_map.png")
    display(
        HTML(
            render.figure_html(
                paths.figures / "profile_map.png",
                caption=labels.text(
                    "report_body",
                    "map_caption",
                    n=int(by_departement["count"].sum()),
                    departements=by_departement["departement"].nunique(),
                ),
                source=source_seg,
                alt=labels.text("report_body", "map_alt"),
                notes=[labels.text("report_body", "map_attribution", attribution=geo.outlines()["attribution"])],
                reading=geo.map_reading(
                    by_departement,
                    segment_labels=seg_labels,
                    sentence=lambda **fields: labels.text("report_body", "map_reading", **fields),
                    part=lambda **fields: labels.text("report_body", "map_reading_part", **fields),
                ),
            )
        )
    )
else:
    display(HTML(render.notice_html(labels.text("report_body", "map_none"))))

# %% tags=["hide"]
if data.has("respondents"):  # no heading without the table (issue 13: no heading stands empty)
    display(HTML(render.subheading_html(labels.text("wave_texts", "budget_heading"))))
    bands = list(labels.vocabulary()["budget_bands"])
    budget = profile.counts_by_segment(
        respondents,
        category="budget_band",
        segment="segment",
        categories=bands,
        segments=segments,
        all_code=cb.all_code,
    )
    write_csv(budget, paths.processed / "profile_budget.csv")
    band_labels = labels.vocabulary()["budget_bands"]
    uncertain = respondents.loc[respondents["budget_uncertain"].fillna(False), "respondent_no"].tolist()
    notes = labels.texts("profile", "budget_notes")
    if uncertain:
        notes.append(
            labels.text(
                "profile", "budget_uncertain_note", numbers=", ".join(map(str, uncertain)), count=len(uncertain)
            )
        )
    display(
        HTML(
            render.count_table_html(
                budget,
                category="budget_band",
                categories=bands,
                category_labels=band_labels,
                segments=segments,
                all_code=cb.all_code,
                sizes=seg_sizes,
                segment_labels=seg_labels,
                caption=labels.text("profile", "budget_caption"),
                source=labels.text("profile", "budget_source"),
                category_header=labels.column("budget_band"),
                notes=notes,
            )
        )
    )
    fig = grouped_barh(
        budget[budget["segment"] != cb.all_code],
        category="budget_band",
        value="count",
        segment="segment",
        segment_labels=seg_labels,
        category_labels=band_labels,
        xlabel=labels.text("profile", "budget_xlabel"),
        order=bands,
        width=7,
    )
    save_figure(fig, paths.figures / "profile_budget.png")
    display(
        HTML(
            render.figure_html(
                paths.figures / "profile_budget.png",
                caption=labels.text("profile", "budget_chart_caption"),
                source=labels.text("profile", "budget_chart_source"),
                alt=labels.text("profile", "budget_chart_alt"),
            )
        )
    )
else:
    display(HTML(render.notice_html(labels.text("profile", "no_profile"))))

# %% tags=["hide"]
if data.has("staff_bands"):
    display(HTML(render.subheading_html(labels.text("wave_texts", "staff_heading"))))
    if cb.text("staff_intro"):
        display(HTML(render.paragraph_html(cb.text("staff_intro"))))
    staff = data.table("staff_bands")[["segment", "band", "band_label_as_printed", "count"]]
    write_csv(staff, paths.processed / "profile_staff.csv")
    display(
        HTML(
            render.table_html(
                staff.assign(segment=staff["segment"].map(seg_labels)),
                caption=labels.text("profile", "staff_caption"),
                source=labels.text("profile", "staff_source"),
                columns={
                    "segment": labels.column("segment"),
                    "band_label_as_printed": labels.text("profile", "staff_band"),
                    "count": labels.column("count"),
                },
            )
        )
    )

# %% tags=["hide"]
if data.has("respondent_sectors"):
    display(HTML(render.subheading_html(labels.text("wave_texts", "sectors_heading"))))
    display(HTML(render.paragraph_html(labels.text("wave_texts", "sectors_intro"))))
    sectors = data.table("respondent_sectors").merge(respondents[["respondent_no", "segment"]], on="respondent_no")
    sector_order = list(dict.fromkeys(data.table("respondent_sectors")["sector"]))
    by_sector = profile.counts_by_segment(
        sectors,
        category="sector",
        segment="segment",
        categories=sector_order,
        segments=segments,
        sizes=seg_sizes,
        all_code=cb.all_code,
    )
    write_csv(by_sector, paths.processed / "profile_sectors.csv")
    missing = sorted(set(respondents["respondent_no"]) - set(sectors["respondent_no"]))
    notes = labels.texts("profile", "sectors_notes")
    if missing:
        notes.append(labels.text("profile", "sectors_missing_note", numbers=", ".join(map(str, missing))))
    display(
        HTML(
            render.count_table_html(
                by_sector,
                category="sector",
                categories=sector_order,
                segments=segments,
                all_code=cb.all_code,
                sizes=seg_sizes,
                segment_labels=seg_labels,
                caption=labels.text("profile", "sectors_caption"),
                source=labels.text("profile", "sectors_source"),
                category_header=labels.column("sector"),
                notes=notes,
            )
        )
    )

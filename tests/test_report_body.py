"""The report's body (issue 14, points 4, 6, 7, 9): numbered tables and figures with reading lines, the
respondents named and mapped, the quotes before the word counts, and charts that read well."""

from __future__ import annotations

import hashlib
import html as htmllib
import importlib.util
import json
import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from ciatstudy.analysis import profile, solidages
from ciatstudy.data import departements
from ciatstudy.report import geo, render
from ciatstudy.report.plots import diverging_agreement, grouped_barh
from ciatstudy.text import quotes

READS_2014 = pytest.mark.shared_builds("2014")  # the report tests below read the run's shared 2014 build

ROOT = Path(__file__).resolve().parents[1]
SHARED_SOURCE = ROOT.parent / "shared" / "geo" / "departements-avec-outre-mer.geojson"
MARKER = re.compile(r'<span class="ref-number" data-ref="(table|figure)"></span>')


# --------------------------------------------------------------------------- numbering and reading lines
def test_number_references_numbers_tables_and_figures_separately_in_document_order():
    parts = [render.table_html(pd.DataFrame({"a": ["x"], "b": [1]}), caption=f"T{i}", source="s") for i in range(3)]
    figs = [
        f'<figure class="chart"><strong>{render._MARKER.format(kind="figure")}F{i}</strong></figure>' for i in range(2)
    ]
    document = parts[0] + figs[0] + parts[1] + parts[2] + figs[1]
    numbered = render.number_references(document)
    assert not MARKER.search(numbered)
    assert re.findall(r"Tableau (\d+)\u202f: </span>T(\d)", numbered) == [("1", "0"), ("2", "1"), ("3", "2")]
    assert re.findall(r"Figure (\d+)\u202f: </span>F(\d)", numbered) == [("1", "0"), ("2", "1")]
    ids = re.findall(r'id="([^"]+)"', numbered)
    assert len(ids) == len(set(ids)) == 5


@pytest.mark.parametrize(
    "frame, expected",
    [
        (pd.DataFrame({"sector": ["Sport", "Culture"], "tous": [3, 1], "mda": [2, 0]}), ["« Sport »", "3", "2"]),
        (pd.DataFrame({"person": ["A. B."], "structure": ["RNMA"]}), ["A. B."]),
        (pd.DataFrame({"indicator": ["Projets"], "value": [36.0]}), ["« Projets »", "36"]),
    ],
)
def test_every_table_gets_a_marker_and_a_reading_line_from_its_own_cells(frame, expected):
    out = render.table_html(frame, caption="c", source="s")
    assert MARKER.search(out)
    reading = re.search(r'<p class="reading">Lecture\u202f: (.*?)</p>', out)
    assert reading, out
    text = htmllib.unescape(reading.group(1))
    for piece in expected:
        assert piece in text


def test_an_explicit_reading_replaces_the_generic_one():
    out = render.table_html(pd.DataFrame({"a": ["x"]}), caption="c", source="s", reading="une phrase")
    assert "Lecture\u202f: une phrase" in out


def test_question_reading_names_the_code_with_its_wording_and_every_base():
    scored = pd.DataFrame(
        {
            "item": ["1B", "1B", "1A", "1A"],
            "label": ["Trop compliqué", "Trop compliqué", "Utile", "Utile"],
            "segment": ["tous", "mda", "tous", "mda"],
            "n": [28, 12, 28, 12],
            "count": [30, 13, 80, 34],
            "value": [1.07, 1.08, 2.86, 2.83],
            "rank": [2, 2, 1, 1],
        }
    )
    text = render.question_reading(scored, segment_labels={"tous": "Tous", "mda": "MDA"}, kind="agreement3")
    assert (
        "1A – « Utile »" in text and "2,86" in text and "28 répondants (Tous)" in text and "12 répondants (MDA)" in text
    )
    shares = scored.assign(value=[0.5, 0.25, 0.75, 10 / 12])
    text = render.question_reading(shares, segment_labels={"tous": "Tous", "mda": "MDA"}, kind="multi")
    assert "75\u00a0% des 28 répondants (Tous)" in text and "83\u00a0% des 12 répondants (MDA)" in text


def test_a_chart_hands_its_own_reading_to_the_figure_that_shows_it(tmp_path):
    frame = pd.DataFrame({"item": ["a", "b"], "segment": ["tous", "tous"], "value": [0.2, 0.7]})
    fig = grouped_barh(
        frame,
        category="item",
        value="value",
        segment="segment",
        segment_labels={"tous": "Tous"},
        category_labels={"a": "Option A", "b": "Option B"},
        xlabel="x",
        percent=True,
    )
    assert "« Option B »" in fig.ciatstudy_reading and "70\u00a0%" in fig.ciatstudy_reading
    png = tmp_path / "f.png"
    fig.savefig(png)
    shown = render.figure_html(png, caption="c", source="s", alt="a")
    assert "Lecture\u202f: " in shown and "Option B" in shown and MARKER.search(shown)
    again = render.figure_html(png, caption="c", source="s", alt="a")
    assert "Lecture" not in again  # a reading belongs to one chart: it is not reused


# --------------------------------------------------------------------------- charts (point 9)
def _tick_boxes(fig, ax):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()]


@pytest.mark.parametrize("segments", [["tous"], ["tous", "mda", "non_mda"]])
def test_long_labels_never_overlap(wave2014, segments):
    q = wave2014.codebook.question("q7")
    rows = [
        {"item": c, "segment": s, "value": 0.5, "ci_low": 0.3, "ci_high": 0.7} for c, _ in q.items for s in segments
    ]
    fig = grouped_barh(
        pd.DataFrame(rows),
        category="item",
        value="value",
        segment="segment",
        segment_labels={s: s for s in segments},
        category_labels={c: f"{c} – {l}" for c, l in q.items},
        xlabel="x",
        percent=True,
        low="ci_low",
        high="ci_high",
        width=9,
    )
    boxes = sorted(_tick_boxes(fig, fig.axes[0]), key=lambda b: b.y0)
    for lower, upper in zip(boxes, boxes[1:]):
        assert lower.y1 <= upper.y0 + 0.5, "two item labels overlap"


def test_intervals_are_drawn_beside_the_bars_not_through_them():
    frame = pd.DataFrame(
        {
            "item": ["a", "a", "b", "b"],
            "segment": ["mda", "non_mda"] * 2,
            "value": [0.5, 0.4, 0.3, 0.6],
            "ci_low": [0.2, 0.1, 0.1, 0.3],
            "ci_high": [0.8, 0.7, 0.6, 0.9],
        }
    )
    fig = grouped_barh(
        frame,
        category="item",
        value="value",
        segment="segment",
        segment_labels={"mda": "MDA", "non_mda": "Non-MDA"},
        xlabel="x",
        percent=True,
        low="ci_low",
        high="ci_high",
    )
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle) and p.get_width() > 0]
    lines = [seg for coll in ax.collections for seg in coll.get_segments()]
    assert len(lines) == 4 and len(bars) == 4
    for seg in lines:
        y = seg[0][1]
        for bar in bars:
            assert not (bar.get_y() < y < bar.get_y() + bar.get_height()), "an interval crosses a bar"


def test_the_diverging_chart_names_items_by_code_and_wording(wave2014):
    from ciatstudy.analysis.distribution import answer_distribution

    dist = answer_distribution(wave2014.responses, codebook=wave2014.codebook, question="q1")
    order = list(dict.fromkeys(dist["item"]))
    fig = diverging_agreement(
        dist,
        order=order,
        answer_labels={1: "Pas d'accord", 2: "D'accord", 3: "Entièrement"},
        segment_labels={"mda": "MDA", "non_mda": "Non-MDA"},
        segments=["mda", "non_mda"],
    )
    ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    wording = dict(wave2014.codebook.question("q1").items)
    assert all(t.startswith(f"{c} – ") and wording[c].split()[0] in t for t, c in zip(ticks, order))
    boxes = sorted(_tick_boxes(fig, fig.axes[0]), key=lambda b: b.y0)
    assert all(a.y1 <= b.y0 + 0.5 for a, b in zip(boxes, boxes[1:]))
    assert "des 12 réponses du segment MDA" in fig.ciatstudy_reading


def test_a_counted_cell_is_a_note_not_a_bar(wave2014):
    objets = wave2014.table("objets_transactionnels")
    counted = solidages.counted_cells(objets)
    assert counted["objet"].tolist() == ["Logement"] and counted["n_projects"].tolist() == [15]
    long = solidages.chart_counts(solidages.objects_summary(objets), counted)
    fig = grouped_barh(
        long,
        category="objet",
        value="count",
        segment="kind",
        segment_labels={"projects": "Projets", "territories": "Territoires"},
        xlabel="n",
    )
    widths = [p.get_width() for p in fig.axes[0].patches if p.get_width() == p.get_width()]
    assert max(widths) == 4 and 15 not in widths
    assert "Logement" not in fig.ciatstudy_reading and ": 4." in fig.ciatstudy_reading


# --------------------------------------------------------------------------- the map and the list (point 6)
def test_the_shipped_outlines_are_small_complete_and_attributed():
    path = departements.OUTLINES
    assert path.stat().st_size < 400_000
    data = json.loads(path.read_text(encoding="utf-8"))
    codes = {f["properties"]["code"] for f in data["features"]}
    assert len(codes) == 101 and {"973", "971", "972", "974", "976", "2A", "2B", "75"} <= codes
    meta = data["metadata"]
    assert "IGN Admin Express" in meta["attribution"] and "Licence Ouverte" in meta["attribution"]
    assert meta["derived_by"] == "tools/derive_departements.py"


def _derive_module():
    spec = importlib.util.spec_from_file_location("derive_departements", ROOT / "tools" / "derive_departements.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SHARED_SOURCE.exists(), reason="the reference outlines are not on this machine")
def test_the_shipped_outlines_are_derived_reproducibly_from_the_reference_file():
    derive = _derive_module()
    meta = json.loads(departements.OUTLINES.read_text(encoding="utf-8"))["metadata"]
    assert meta["source_sha256"] == hashlib.sha256(SHARED_SOURCE.read_bytes()).hexdigest()
    text = derive.render(SHARED_SOURCE, tolerance=meta["tolerance_degrees"], min_area=meta["min_area_square_degrees"])
    assert text == departements.OUTLINES.read_text(encoding="utf-8")


def test_simplification_keeps_every_departement_and_drops_points(tmp_path):
    derive = _derive_module()
    ring = [[x / 100, 0.0] for x in range(0, 101)] + [[1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    islet = [[5, 5], [5.001, 5], [5.001, 5.001], [5, 5]]
    source = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "02", "nom": "B"},
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring], [islet]]},
            },
            {
                "type": "Feature",
                "properties": {"code": "01", "nom": "A"},
                "geometry": {"type": "Polygon", "coordinates": [islet]},
            },
        ],
    }
    path = tmp_path / "src.geojson"
    path.write_text(json.dumps(source))
    first, second = derive.render(path), derive.render(path)
    assert first == second
    features = json.loads(first)["features"]
    assert [f["properties"]["code"] for f in features] == ["01", "02"]
    b = features[1]["geometry"]["coordinates"]
    assert len(b) == 1 and len(b[0][0]) <= 6 < len(ring)  # the islet is dropped, the straight edge thinned
    assert len(features[0]["geometry"]["coordinates"]) == 1  # a département's only piece is always kept


@pytest.mark.parametrize("value, code", [(7, "07"), ("7", "07"), (" 973", "973"), ("2b", "2B"), (13.0, "13")])
def test_departement_codes_are_normalised(value, code):
    assert departements.normalise_code(value) == code


def test_an_unknown_departement_names_its_row():
    frame = pd.DataFrame({"dpt": ["13", "99"], "seg": ["a", "a"]})
    with pytest.raises(ValueError, match=r"row 1, column 'dpt': unknown département code '99'"):
        geo.respondents_by_departement(frame, departement="dpt", segment="seg", segments=["a"])


def test_the_map_draws_every_respondent_departement_with_guyane_inset_and_attribution(wave2014):
    respondents = wave2014.table("respondents")
    counts = geo.respondents_by_departement(
        respondents, departement="departement", segment="segment", segments=["mda", "non_mda"]
    )
    assert int(counts["count"].sum()) == 28
    fig = geo.respondent_map(
        counts,
        segments=["mda", "non_mda"],
        segment_labels={"mda": "MDA", "non_mda": "Non-MDA"},
        legend_label="l",
        idf_title="Île-de-France",
        attribution_prefix="Fonds de carte",
    )
    drawn = []
    for ax in fig.axes:
        numbers = [t.get_text() for t in ax.texts]
        drawn += numbers
    # one marker (with its number) per département × segment, each département drawn once
    assert sorted(map(int, drawn)) == sorted(counts["count"].tolist())
    titles = [ax.get_title() for ax in fig.axes]
    guyane = fig.axes[titles.index("Guyane")]
    assert [t.get_text() for t in guyane.texts] == ["1"]
    assert any("IGN Admin Express" in t.get_text() and "Licence Ouverte" in t.get_text() for t in fig.texts)
    markers = {line.get_marker() for ax in fig.axes for line in ax.lines} - {"None"}  # "None": a leader line
    assert markers == {"s", "D"}  # shape as well as colour tells the segments apart
    # no two markers overlap, even in Paris and its inner ring, where the départements are small
    fig.canvas.draw()
    slot = 11 * fig.dpi / 72  # the marker size, in pixels
    for ax in fig.axes:
        spots = [
            line.get_transform().transform((line.get_xdata()[0], line.get_ydata()[0]))
            for line in ax.lines
            if line.get_marker() != "None"
        ]
        for i, a in enumerate(spots):
            for b in spots[i + 1 :]:
                assert max(abs(a[0] - b[0]), abs(a[1] - b[1])) >= slot, (ax.get_title(), a, b)
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("seed", range(5))
def test_spread_leaves_no_two_boxes_overlapping_and_moves_nothing_needlessly(seed):
    import random

    rnd = random.Random(seed)
    centres = [(rnd.uniform(0, 30), rnd.uniform(0, 30)) for _ in range(12)]
    widths = [rnd.choice([4.0, 8.0]) for _ in centres]
    placed = geo.spread(centres, widths, 4.0)
    for i in range(len(placed)):
        for j in range(i + 1, len(placed)):
            apart_x = abs(placed[i][0] - placed[j][0]) >= (widths[i] + widths[j]) / 2 - 1e-6
            apart_y = abs(placed[i][1] - placed[j][1]) >= 4.0 - 1e-6
            assert apart_x or apart_y
    lonely = [(0.0, 0.0), (50.0, 50.0)]
    assert geo.spread(lonely, [4, 4], 4) == lonely


def test_a_new_wave_with_departements_is_counted_per_departement():
    frame = pd.DataFrame(
        {
            "respondent_id": ["r1", "r2", "r3", "r4"],
            "segment": ["a", "b", "b", "a"],
            "departement": ["69", "69", None, "974"],
        }
    )
    counts = geo.respondents_by_departement(frame, departement="departement", segment="segment", segments=["a", "b"])
    assert counts[["departement", "segment", "count"]].values.tolist() == [
        ["69", "a", 1],
        ["69", "b", 1],
        ["974", "a", 1],
    ]
    reading = geo.map_reading(
        counts,
        segment_labels={"a": "A", "b": "B"},
        sentence="{nom} {total}/{n} {parts}".format,
        part="{count} {segment}".format,
    )
    assert reading == "Rhône 2/3 1 A et 1 B"


def test_the_respondents_list_holds_no_answer(wave2014):
    respondents = wave2014.table("respondents")
    answers = wave2014.responses.drop(columns=["segment"], errors="ignore")
    merged = pd.concat([respondents.reset_index(drop=True), answers.reset_index(drop=True)], axis=1)
    listing = profile.respondents_list(
        merged,
        segment_labels={"mda": "MDA", "non_mda": "Non-MDA"},
        status_labels={"ville": "ville", "association": "association"},
    )
    assert tuple(listing.columns) == profile.LIST_COLUMNS
    assert listing["respondent_no"].tolist() == list(range(1, 29))
    assert listing.loc[0, "name_as_printed"] == "Cayenne (association)" and listing.loc[0, "departement"] == "973"
    assert listing.loc[21, "departement"] == "07"
    cells = " ".join(listing.astype(str).to_numpy().ravel())
    assert "rec-" not in cells


# --------------------------------------------------------------------------- corpus (point 7)
@pytest.mark.parametrize(
    "answers, words, expected", [(10, 200, True), (9, 900, False), (16, 199, False), (1, 84, False)]
)
def test_corpus_threshold(answers, words, expected):
    assert quotes.big_enough(answers, words) is expected


def test_corpus_threshold_refuses_nonsense():
    with pytest.raises(ValueError, match="answers"):
        quotes.big_enough(-1, 10)


def test_keywords_in_context_show_each_sentence_once(wave2014):
    from ciatstudy.text import frequencies, keywords

    selected = wave2014.table("quotes").query("corpus == 'q3_explanation'")
    freqs = frequencies.word_frequencies(selected, top=5)
    kwic = keywords.keyword_in_context(selected, freqs["lemma"], respondent="respondent_no")
    assert kwic["sentence"].duplicated().any()  # the raw table repeats sentences holding several keywords
    unique = quotes.unique_kwic(kwic, respondent="respondent_no")
    assert not unique.duplicated(["respondent_no", "sentence"]).any()
    assert len(unique) == len(kwic.drop_duplicates(["respondent_no", "quote_id", "sentence_no"]))
    both = unique[unique["lemma"].str.contains(", ")]
    assert len(both) >= 1


def test_distinctive_words_are_words_the_segment_uses():
    distinct = pd.DataFrame({"segment": ["a", "a", "b"], "lemma": ["x", "y", "z"], "count": [3, 0, 1], "z": [2, -1, 1]})
    assert quotes.present_in_segment(distinct)["lemma"].tolist() == ["x", "z"]


def test_quotes_are_grouped_by_segment_in_full_and_escaped():
    q = pd.DataFrame(
        {
            "respondent_no": [2, 1, 3],
            "speaker_as_printed": ["N°2", "MDA <b>", "Asso"],
            "text": ["deux", "un\nsuite", "trois"],
        }
    )
    segs = pd.DataFrame({"respondent_no": [1, 2, 3], "segment": ["mda", "non_mda", "mda"]})
    groups = quotes.quote_groups(q, segs, respondent="respondent_no", order=["mda", "non_mda"])
    out = render.quotes_html(
        groups,
        group_labels={"mda": "MDA", "non_mda": "Non-MDA"},
        respondent="respondent_no",
        speaker="speaker_as_printed",
    )
    assert out.index("MDA (2)") < out.index("un") < out.index("trois") < out.index("Non-MDA (1)") < out.index("deux")
    assert "<p>un</p><p>suite</p>" in out and "MDA &lt;b&gt;" in out
    assert "n° 2</footer>" in out  # printed under its number only: not said twice


# --------------------------------------------------------------------------- the built report
@pytest.fixture(scope="module")
def built_report(built_2014):
    return (built_2014 / "reports" / "2014" / "report.html").read_text(encoding="utf-8"), built_2014


def _sections(document: str) -> dict[str, str]:
    starts = [
        (m.start(), m.group(1)) for m in re.finditer(r'<section class="report-section" id="sec-([^"]+)"', document)
    ]
    return {slug: document[a:b] for (a, slug), (b, _) in zip(starts, starts[1:] + [(len(document), "")])}


@pytest.mark.notebook
@READS_2014
def test_every_table_and_figure_is_numbered_with_a_reading_line(built_report):
    document, _ = built_report
    assert not MARKER.search(document)
    for slug, section in _sections(document).items():
        if slug == "provenance":
            continue
        for figure in re.findall(r'<figure class="(?:table|chart)".*?</figure>', section, re.S):
            assert re.search(r'class="ref-number" id="(tableau|figure)-\d+">(Tableau|Figure) \d+', figure), (
                slug,
                figure[:300],
            )
            assert re.search(r'<p class="reading">Lecture\u202f: \S', figure), (slug, figure[:300])
    for word in ("Tableau", "Figure"):
        numbers = [int(n) for n in re.findall(rf">{word} (\d+)\u202f: ", document)]
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 5


@pytest.mark.notebook
@READS_2014
def test_the_report_lists_and_maps_the_respondents(built_report):
    document, root = built_report
    section = _sections(document)["profile"]
    assert "Cayenne (association)" in section and "973 – Guyane" in section
    listing = re.search(r"Les 28 structures répondantes.*?</table>", section, re.S).group(0)
    assert "rec-" not in listing and listing.count("<tr>") == 29
    assert "IGN Admin Express" in section and "Licence Ouverte" in section
    assert (root / "figures" / "2014" / "profile_map.png").stat().st_size > 20_000
    counts = pd.read_csv(root / "data" / "processed" / "2014" / "profile_departements.csv", dtype={"departement": str})
    assert "973" in set(counts["departement"]) and counts["count"].sum() == 28


@pytest.mark.notebook
@READS_2014
def test_corpus_sections_quote_first_and_count_words_only_when_big_enough(built_report):
    document, root = built_report
    sections = _sections(document)
    for slug in ("corpus-definition", "corpus-argument", "corpus-q4_remark"):
        assert "Pas de décompte de mots" in sections[slug] and "Les mots les plus utilisés" not in sections[slug]
        assert '<blockquote class="quote">' in sections[slug]
    for slug in ("corpus-q3_explanation", "corpus-panorama"):
        body = sections[slug]
        assert body.index('<blockquote class="quote">') < body.index("Les mots les plus utilisés")
        assert "Part des " in body and "répondants cités" in body
        kwic = pd.read_csv(root / "data" / "processed" / "2014" / f"kwic_{slug.split('-', 1)[1]}.csv")
        assert not kwic.duplicated(["respondent_no", "sentence"]).any()
        distinct = pd.read_csv(root / "data" / "processed" / "2014" / f"distinctive_{slug.split('-', 1)[1]}.csv")
        assert (distinct["count"] > 0).all()


def test_the_comparison_chart_reads_its_largest_change(wave2014):
    from ciatstudy.analysis.compare import compare_waves
    from ciatstudy.report.plots import plot_changes

    cb = wave2014.codebook
    later = wave2014.responses.copy()
    later["8A"] = 1  # every respondent now chooses 8A: the largest change
    table = compare_waves(later, wave2014.responses, codebook=cb, baseline_codebook=cb, questions=["q8"])
    fig = plot_changes(
        table,
        question="q8",
        segment_labels={"tous": "Tous", "mda": "MDA", "non_mda": "Non-MDA"},
        names=("2026", "2014"),
    )
    assert fig.ciatstudy_reading.startswith("le plus grand changement est celui de « 8A")
    assert "+69 points de pourcentage entre 2014 et 2026" in fig.ciatstudy_reading  # Non-MDA: 31 % → 100 %


def test_chart_labels_are_set_in_french_typography():
    frame = pd.DataFrame({"item": ["7A", "7B"], "segment": ["mda", "mda"], "value": [0.5, 0.25]})
    names = {"7A": "La volonté d'un « leader d'opinion »", "7B": "Autre : précisez"}
    fig = grouped_barh(frame, category_labels=names, percent=True, xlabel="Part (%) : sur 12")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "d’un" in ticks[0] and "'" not in "".join(ticks) and "«\u202fleader" in ticks[0].replace("\n", " ")
    assert "Autre\u202f: précisez" in ticks[1] and fig.axes[0].get_xlabel() == "Part (%)\u202f: sur 12"
    matplotlib.pyplot.close(fig)


def test_segment_hatches_are_lines_not_dots():
    """Dotted hatches ('.', 'o', '*') are thousands of tiny paths in each chart's SVG twin."""
    from ciatstudy.report.plots import SEGMENT_HATCHES

    assert all(not set(h) & set(".oO*") for h in SEGMENT_HATCHES.values())
    assert len(set(SEGMENT_HATCHES.values())) == len(SEGMENT_HATCHES)  # segments told apart on paper

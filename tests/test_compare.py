"""Comparison with a baseline wave: reference values, agreement with the colleague's exact tests, sentences."""

from __future__ import annotations

import math
import random
import time

import pandas as pd
import pytest

from ciatstudy.data.codebook import Codebook
from ciatstudy.analysis.compare import (
    COMPARISON_COLUMNS,
    compare_item,
    compare_waves,
    comparison_display,
    exact_permutation_p,
    mean_difference_interval,
    mover_interval,
    newcombe_interval,
)
from ciatstudy.report.plots import plot_changes
from ciatstudy.analysis.intervals import mean_interval
from ciatstudy.analysis.published_means import score_distributions
from ciatstudy.analysis.gap_tests import fisher_exact_test, permutation_test_means


# --------------------------------------------------------------------------- intervals
@pytest.mark.parametrize(
    "counts, low, high",
    [
        # Newcombe (1998), Stat Med 17:873, Table II, method 10 (hybrid score, no continuity correction)
        ((56, 70, 48, 80), 0.0524, 0.3339),
        ((9, 10, 3, 10), 0.1705, 0.8090),
        ((6, 7, 2, 7), 0.0582, 0.8062),
        ((5, 56, 0, 29), -0.0381, 0.1926),
        ((0, 10, 0, 20), -0.1611, 0.2775),
        ((0, 10, 0, 10), -0.2775, 0.2775),
        ((10, 10, 0, 20), 0.6791, 1.0000),
        ((10, 10, 0, 10), 0.6075, 1.0000),
    ],
)
def test_newcombe_interval_reproduces_newcombe_1998(counts, low, high):
    got = newcombe_interval(*counts)
    assert got[0] == pytest.approx(low, abs=5e-5) and got[1] == pytest.approx(high, abs=5e-5)


def test_newcombe_interval_is_antisymmetric_and_bounded():
    low, high = newcombe_interval(3, 12, 9, 16)
    assert newcombe_interval(9, 16, 3, 12) == pytest.approx((-high, -low))
    assert -1 <= low < 3 / 12 - 9 / 16 < high <= 1
    assert all(math.isnan(x) for x in newcombe_interval(3, 12, 0, 0))


def test_mean_difference_interval_is_mover_on_profile_likelihood_intervals():
    a, b = [3, 3, 2, 2, 2, 1], [3, 2, 2, 1, 1, 1, 1]
    expected = mover_interval(sum(a) / 6, mean_interval(a), sum(b) / 7, mean_interval(b))
    assert mean_difference_interval(a, b) == pytest.approx(expected)
    low, high = expected
    assert -2 <= low < sum(a) / 6 - sum(b) / 7 < high <= 2


def test_a_means_only_baseline_widens_the_interval_to_every_compatible_spread():
    a = [3] * 5 + [2] * 4 + [1] * 3
    b = [2] * 12  # mean 2: also [1] * 6 + [3] * 6, and everything between
    wide = mean_difference_interval(a, b, b_means_only=True)
    for tally in score_distributions(sum(b), len(b)):
        spread = [1] * tally[0] + [2] * tally[1] + [3] * tally[2]
        low, high = mean_difference_interval(a, spread)
        assert wide[0] <= low + 1e-12 and high <= wide[1] + 1e-12


# --------------------------------------------------------------------------- exact tests
def test_exact_permutation_p_equals_the_colleagues_enumeration():
    rnd = random.Random(2014)
    for _ in range(150):
        levels = rnd.choice([(1, 2, 3), (0, 1)])
        a = [rnd.choice(levels) for _ in range(rnd.randint(1, 14))]
        b = [rnd.choice(levels) for _ in range(rnd.randint(1, 16))]
        assert exact_permutation_p(a, b) == pytest.approx(permutation_test_means(a, b).p_value, abs=1e-9)


def test_exact_permutation_p_is_fast_for_large_waves():
    start = time.perf_counter()
    p = exact_permutation_p([3] * 150 + [2] * 200 + [1] * 50, [3] * 5 + [2] * 5 + [1] * 2)
    assert time.perf_counter() - start < 0.5 and 0 < p <= 1


def test_proportions_use_fisher_and_name_the_reconstructed_baseline():
    change = compare_item(
        [1] * 3 + [0] * 9,
        [1] * 10 + [0] * 6,
        kind="proportion",
        segment_label="MDA",
        names=("2025", "2014"),
        baseline_reconstructed=True,
    )
    assert change.p_value == pytest.approx(fisher_exact_test(3, 12, 10, 16).p_value)
    assert change.test == "fisher_exact" and change.p_value == change.p_value_min
    assert change.change == pytest.approx(3 / 12 - 10 / 16)
    assert (change.ci_low, change.ci_high) == pytest.approx(newcombe_interval(3, 12, 10, 16))
    s = change.sentence.replace("\xa0", " ")
    assert s.startswith("MDA : 63 % en 2014 (n = 16), 25 % en 2025 (n = 12), soit −38 points")
    assert "Référence 2014 reconstituée" in s
    assert "Référence" not in compare_item([1, 0], [0, 1], kind="proportion").sentence


def test_small_samples_are_not_overstated():
    small = compare_item(
        [1] * 11 + [0], [1] * 2 + [0] * 10, kind="proportion", segment_label="Tous", names=("2025", "2014")
    )
    assert small.distinguishable and "à confirmer" in small.sentence and "12 et 12 répondants" in small.sentence
    large = compare_item([1] * 60 + [0] * 40, [1] * 30 + [0] * 70, kind="proportion", names=("2025", "2014"))
    assert large.distinguishable and "à confirmer" not in large.sentence
    none = compare_item([1] * 7 + [0] * 5, [1] * 6 + [0] * 6, kind="proportion", names=("2025", "2014"))
    assert not none.distinguishable and "ne permettent pas de conclure" in none.sentence
    assert "évolution" not in none.sentence.split(":")[0]


def test_means_with_an_unknown_baseline_spread_report_the_range_and_stay_undecided():
    # wave: 8 answers of 2; baseline: 12 answers summing to 17 (mean 1,42), spread unknown
    spreads = score_distributions(17, 12)
    baseline = [1] * spreads[0][0] + [2] * spreads[0][1] + [3] * spreads[0][2]
    change = compare_item(
        [2] * 8, baseline, kind="mean", segment_label="MDA", names=("2025", "2014"), baseline_reconstructed=True
    )
    ps = [permutation_test_means([2] * 8, [1] * t[0] + [2] * t[1] + [3] * t[2]).p_value for t in spreads]
    assert (change.p_value_min, change.p_value) == pytest.approx((min(ps), max(ps)))
    assert change.p_value_min < 0.05 <= change.p_value and not change.distinguishable
    assert "selon la répartition des réponses de 2014" in change.sentence and "p entre" in change.sentence
    assert "seule la moyenne par segment est publiée" in change.sentence
    known = compare_item([2] * 8, baseline, kind="mean", names=("2025", "2014"))
    assert known.p_value == pytest.approx(permutation_test_means([2] * 8, baseline).p_value)


def test_bad_arguments_and_empty_segments():
    with pytest.raises(ValueError, match="kind"):
        compare_item([1], [0], kind="share")
    with pytest.raises(ValueError, match="3/2/1|\\[1, 2, 3\\]"):
        compare_item([4], [3], kind="mean")
    empty = compare_item([], [1, 0], kind="proportion", segment_label="MDA", names=("2025", "2014"))
    assert empty.test == "none" and math.isnan(empty.change) and "non comparable" in empty.sentence


# --------------------------------------------------------------------------- whole waves
def test_2014_against_itself_changes_nothing(wave2014):
    cb = wave2014.codebook
    table = compare_waves(wave2014.responses, wave2014.responses, codebook=cb, baseline_codebook=cb)
    assert list(table.columns) == COMPARISON_COLUMNS
    assert len(table) == 3 * len(cb.item_codes)
    assert (table["change"] == 0).all() and not table["distinguishable"].any()
    assert table["sentence"].str.contains("Référence 2014 reconstituée").all()
    assert table.loc[table["question"] == "q1", "interval"].str.contains("toutes répartitions").all()


def test_an_imported_wave_against_2014(wave2014, root):
    from test_import import FIX

    from ciatstudy.waves.importers import import_export
    from ciatstudy.data.io import load_wave

    import_export(FIX / "kobotoolbox.csv", format="kobo", wave="2025")
    wave = load_wave("2025")
    table = compare_waves(
        wave.responses, wave2014.responses, codebook=wave.codebook, baseline_codebook=wave2014.codebook
    )
    tous = table[(table["segment"] == "tous") & (table["item"] == "4B")].iloc[0]
    answered = wave.responses["4B"].dropna()
    assert tous["n"] == len(answered) and tous["n_baseline"] == 28
    assert tous["change"] == pytest.approx(answered.mean() - 19 / 28)
    assert table["sentence"].str.contains(" en 2025 ").all()
    shown = comparison_display(
        table,
        question="q4",
        segment_labels={"tous": "Tous", "mda": "MDA", "non_mda": "Non-MDA"},
        names=("2025", "2014"),
    )
    assert list(shown.columns) == ["item", "label", "segment", "reference", "current", "change", "p", "verdict"]
    assert shown["reference"].str.contains(r"\d\u00a0% \(n = \d+\)").all()
    assert shown["change"].str.match(r"^[+−]?\d+ \[[+−]?\d+ ; [+−]?\d+\]$").all()


def test_items_the_baseline_lacks_are_said_not_comparable(wave2014):
    raw = dict(wave2014.codebook.raw)
    raw["questions"] = [dict(q) for q in raw["questions"]]
    q2 = next(q for q in raw["questions"] if q["id"] == "q2")
    q2["items"] = [it for it in q2["items"] if it["code"] != "2I"]
    baseline_cb = Codebook.from_dict(raw)
    table = compare_waves(
        wave2014.responses,
        wave2014.responses.drop(columns=["2I"]),
        codebook=wave2014.codebook,
        baseline_codebook=baseline_cb,
        questions=["q2"],
    )
    missing = table[table["item"] == "2I"]
    assert len(missing) == 3 and (missing["test"] == "none").all()
    assert missing["sentence"].str.contains("n'existe pas en 2014").all()


def test_a_large_synthetic_wave_compares_in_seconds(wave2014):
    from ciatstudy.waves.synth.respondents import synth_wave

    truth = synth_wave(400, seed=5).truth()
    truth.insert(0, "respondent_id", [f"s{i}" for i in range(len(truth))])
    start = time.perf_counter()
    table = compare_waves(truth, wave2014.responses, codebook=wave2014.codebook, baseline_codebook=wave2014.codebook)
    assert time.perf_counter() - start < 20
    assert table.loc[table["segment"] == "tous", "n"].max() > 350


def test_plot_changes_draws_one_series_per_segment(wave2014):
    import matplotlib.pyplot as plt

    cb = wave2014.codebook
    table = compare_waves(wave2014.responses, wave2014.responses, codebook=cb, baseline_codebook=cb, questions=["q8"])
    fig = plot_changes(
        table,
        question="q8",
        segment_labels={"tous": "Tous", "mda": "MDA", "non_mda": "Non-MDA"},
        names=("2014", "2014"),
    )
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["Tous", "MDA", "Non-MDA"]
    assert "points de pourcentage" in fig.axes[0].get_xlabel()
    plt.close(fig)
    with pytest.raises(ValueError, match="no comparable item"):
        plot_changes(table, question="q1", segment_labels={}, names=("2014", "2014"))


@pytest.fixture
def root(tmp_path, monkeypatch):
    from test_import import RAW_2014

    import shutil

    (tmp_path / "data" / "raw").mkdir(parents=True)
    shutil.copytree(RAW_2014, tmp_path / "data" / "raw" / "2014")
    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))
    return tmp_path


@pytest.mark.notebook
def test_the_comparison_notebook_runs_on_an_imported_wave(root, monkeypatch):
    """The section's notebook, run as a script with its parameters replaced (the build runs it in papermill)."""
    from test_import import FIX

    from conftest import ROOT
    from ciatstudy.waves.importers import import_export

    import_export(FIX / "google_forms.csv", format="google", wave="2025")
    source = (ROOT / "notebooks" / "60-comparison.py").read_text(encoding="utf-8")
    assert 'wave: str = "2014"' in source and 'baseline: str = "2014"' in source
    monkeypatch.chdir(root)
    exec(compile(source.replace('wave: str = "2014"', 'wave: str = "2025"', 1), "60-comparison.py", "exec"), {})
    table = pd.read_csv(root / "data/processed/2025/comparison.csv")
    assert set(table["baseline"].astype(str)) == {"2014"} and len(table) == 3 * 61
    # each chart as a PNG and its vector twin (the SVG the report embeds)
    assert sorted(p.name for p in (root / "figures/2025").iterdir()) == sorted(
        f"comparison_q{i}.{ext}" for i in range(1, 9) for ext in ("png", "svg")
    )

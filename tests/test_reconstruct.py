"""The reconstructed 2014 answers reproduce every printed segment value, by a documented rule."""

import subprocess
import sys
from fractions import Fraction

import pytest

from ciatstudy.errors import DataError
from ciatstudy.data.io import load_codebook, read_csv
from ciatstudy.data.reconstruct import (
    agreement_distribution,
    count_for_share,
    reconstruct_responses,
    score_sum_for_mean,
    segment_counts,
    to_csv_text,
)
from ciatstudy.data.rounding import matches_printed
from conftest import RAW_2014

SIZES = {"mda": 12, "non_mda": 16}


@pytest.fixture(scope="module")
def inputs():
    return load_codebook(RAW_2014 / "codebook.yaml"), read_csv(RAW_2014 / "published_tables.csv")


def test_committed_file_is_what_the_rule_gives(inputs):
    codebook, published = inputs
    regenerated = to_csv_text(reconstruct_responses(codebook, published, SIZES))
    assert regenerated == (RAW_2014 / "responses_reconstructed.csv").read_text(encoding="utf-8")


def test_reconstruction_reproduces_every_segment_value(wave2014):
    responses = wave2014.responses
    published = wave2014.table("published_tables")
    checked = 0
    for row in published[published["segment"] != "tous"].itertuples():
        answers = responses.loc[responses["segment"] == row.segment, row.item]
        value = Fraction(int(answers.sum()), len(answers))
        assert matches_printed(value, row.printed), (row.item, row.segment, row.printed, float(value))
        checked += 1
    assert checked == 122  # 61 items x 2 segments


def test_answers_are_anonymous_and_carry_only_a_segment(wave2014):
    responses = wave2014.responses
    assert list(responses.columns[:2]) == ["respondent_id", "segment"]
    assert responses["respondent_id"].str.fullmatch(r"rec-(mda|nonmda)-\d\d").all()
    assert responses["segment"].value_counts().to_dict() == {"non_mda": 16, "mda": 12}


def test_choose_one_question_gives_one_answer_each(wave2014):
    assert (wave2014.responses[["8A", "8B", "8C"]].sum(axis=1) == 1).all()


@pytest.mark.parametrize(
    "printed, n, k", [("0,13", 16, 2), ("0,19", 16, 3), ("0,08", 12, 1), ("0", 12, 0), ("0,5", 12, 6), ("0,88", 16, 14)]
)
def test_count_for_share(printed, n, k):
    assert count_for_share(printed, n) == k


@pytest.mark.parametrize("printed, n, total", [("2,63", 16, 42), ("2,44", 16, 39), ("1", 12, 12), ("2,17", 12, 26)])
def test_score_sum_for_mean(printed, n, total):
    assert score_sum_for_mean(printed, n) == total


def test_least_variance_distribution():
    assert agreement_distribution(42, 16) == (10, 6, 0)
    assert agreement_distribution(16, 12) == (0, 4, 8)
    assert agreement_distribution(24, 12) == (0, 12, 0)
    for total in range(12, 37):
        n3, n2, n1 = agreement_distribution(total, 12)
        assert n3 + n2 + n1 == 12 and 3 * n3 + 2 * n2 + n1 == total and min(n3, n1) == 0
    with pytest.raises(ValueError):
        agreement_distribution(40, 12)


def test_unreachable_value_names_the_cell(inputs):
    codebook, published = inputs
    broken = published.copy()
    target = broken.index[(broken["item"] == "2B") & (broken["segment"] == "mda")][0]
    broken.loc[target, "printed"] = "0,7"  # 8/12 = 0.67, 9/12 = 0.75: 0.70 is unreachable with n = 12
    with pytest.raises(DataError) as err:
        segment_counts(codebook, broken, SIZES)
    assert err.value.file == "published_tables.csv" and err.value.column == "printed"
    assert err.value.row == target and "item 2B, segment mda" in str(err.value)


def test_choose_one_shares_must_add_up(inputs):
    codebook, published = inputs
    broken = published.copy()
    broken.loc[(broken["item"] == "8A") & (broken["segment"] == "mda"), "printed"] = "0,67"
    with pytest.raises(DataError, match="q8 is choose-one"):
        segment_counts(codebook, broken, SIZES)


def test_cli_check_reports_up_to_date():
    done = subprocess.run(
        [sys.executable, "-m", "ciatstudy.cli", "reconstruct", "--wave", "2014"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout

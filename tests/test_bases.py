"""Issue 13 point 4: a choose-any question's base (``base: segment`` or ``base: answered``)."""

from __future__ import annotations

import copy
import shutil

import pandas as pd
import pytest

from ciatstudy.data.codebook import Codebook
from ciatstudy.errors import DataError
from ciatstudy.data.io import load_wave
from ciatstudy.analysis.score import score_question, selection_rates

BASE_CODEBOOK = {
    "wave": "synthetic",
    "segments": {"variable": "segment", "levels": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]},
    "responses": {"file": "responses.csv"},
    "questions": [
        {
            "id": "q2",
            "kind": "multi",
            "items": [
                {"code": "2A", "label": "Un"},
                {"code": "2B", "label": "Deux"},
                {"code": "2C", "label": "Pas posé"},
            ],
        },
        {"id": "q8", "kind": "single", "items": [{"code": "8A", "label": "Trois"}, {"code": "8B", "label": "Quatre"}]},
    ],
}


def _codebook(base: str | None) -> Codebook:
    data = copy.deepcopy(BASE_CODEBOOK)
    if base:
        for q in data["questions"]:
            q["base"] = base
    return Codebook.from_dict(data)


@pytest.fixture
def synthetic():
    """Segment a: 5 respondents, 2 ticked nothing in q2 and 1 nothing in q8; segment b: 4, 1 ticked nothing."""
    return pd.DataFrame(
        {
            "segment": ["a"] * 5 + ["b"] * 4,
            "2A": pd.array([1, 1, 0, None, None, 1, 0, 1, None], dtype="Int8"),
            "2B": pd.array([0, 1, 1, None, None, 1, 1, 0, None], dtype="Int8"),
            "2C": pd.array([None] * 9, dtype="Int8"),  # not asked in this wave: no respondent has an answer
            "8A": pd.array([1, 0, 1, 1, None, 0, 1, 1, 1], dtype="Int8"),
            "8B": pd.array([0, 1, 0, 0, None, 1, 0, 0, 0], dtype="Int8"),
        }
    )


@pytest.mark.parametrize("base", [None, "segment"])
def test_base_segment_counts_every_respondent_of_the_segment(synthetic, base):
    table = selection_rates(synthetic, codebook=_codebook(base), question="q2").set_index(["item", "segment"])
    assert table.loc[("2A", "a"), ["n", "count"]].tolist() == [5, 2]
    assert table.loc[("2B", "b"), ["n", "count"]].tolist() == [4, 2]
    assert table.loc[("2A", "tous"), ["n", "count"]].tolist() == [9, 4]
    assert table.loc[("2C", "tous"), "n"] == 0  # an item nobody answered stays unanswered
    single = selection_rates(synthetic, codebook=_codebook(base), question="q8").set_index(["item", "segment"])
    assert single.loc[("8A", "a"), ["n", "count"]].tolist() == [5, 3]


def test_base_answered_leaves_out_who_ticked_nothing(synthetic):
    table = selection_rates(synthetic, codebook=_codebook("answered"), question="q2").set_index(["item", "segment"])
    assert table.loc[("2A", "a"), ["n", "count"]].tolist() == [3, 2]
    assert table.loc[("2B", "b"), ["n", "count"]].tolist() == [3, 2]
    assert table.loc[("2A", "tous"), ["n", "count", "value"]].tolist() == [6, 4, 4 / 6]
    single = selection_rates(synthetic, codebook=_codebook("answered"), question="q8").set_index(["item", "segment"])
    assert single.loc[("8A", "a"), ["n", "count"]].tolist() == [4, 3]


def test_2014_choice_bases_are_the_whole_segment():
    wave = load_wave("2014")
    for q in wave.codebook.questions:
        if q.kind == "agreement3":
            continue
        assert q.base == "segment"
        table = score_question(wave.responses, codebook=wave.codebook, question=q.id)
        assert set(table.groupby("segment")["n"].unique().map(tuple)) <= {(28,), (12,), (16,)}, q.id


@pytest.mark.parametrize("value", ["all", "Segment", 1, ["segment"]])
def test_schema_refuses_another_base_with_its_key_path(value):
    data = copy.deepcopy(BASE_CODEBOOK)
    data["questions"][1]["base"] = value
    with pytest.raises(DataError, match=r"questions\.q8\.base.*one of segment, answered"):
        Codebook.from_dict(data)


def test_import_reports_per_question_who_ticked_nothing(tmp_path, monkeypatch):
    """The plain fixture leaves some choose-any questions blank for some respondents: the summary says how many."""
    from ciatstudy.waves.importers import import_export
    from conftest import ROOT
    from test_import import FIX

    (tmp_path / "data" / "raw").mkdir(parents=True)
    shutil.copytree(ROOT / "data/raw/2014", tmp_path / "data/raw/2014")
    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))
    monkeypatch.delenv("CIATSTUDY_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("CIATSTUDY_PSEUDONYM_KEY_FILE", raising=False)
    summary = import_export(FIX / "plain_excel_fr.csv", format="plain", wave="2025")
    responses = pd.read_csv(tmp_path / "data/raw/2025/responses.csv", dtype=str, keep_default_na=False)
    expected = {
        q: int(
            (responses[[c for c in responses.columns if c.startswith(q[1:]) and len(c) == 2]] == "").all(axis=1).sum()
        )
        for q in ("q2", "q5", "q8")
    }
    assert any(expected.values())
    for q, n in expected.items():
        assert summary.ticked_nothing[q] == n
    line = next(s for s in summary.text().splitlines() if "ticked no option" in s)
    assert f"q5 {expected['q5']} (segment)" in line and "q1 " not in line


def test_schema_refuses_a_base_on_an_agreement_question():
    data = copy.deepcopy(BASE_CODEBOOK)
    data["questions"].append(
        {"id": "q1", "kind": "agreement3", "base": "segment", "items": [{"code": "1A", "label": "Cinq"}]}
    )
    with pytest.raises(DataError, match=r"questions\.q1\.base.*choose-any"):
        Codebook.from_dict(data)

"""The 2012 call for projects and Solidâges 21 tables, rebuilt and checked against the printed figures."""

import pandas as pd
import pytest

from ciatstudy.analysis.call_for_projects import cooperation_forms, infer_base, ratio_figures
from ciatstudy.analysis.solidages import objects_summary


def test_cooperation_forms_percents_recomputed_from_counts(wave2014):
    forms = cooperation_forms(
        wave2014.table("sncf_call_2012_cooperation_forms"),
        option="option_as_printed",
        count="response_count",
        printed="response_percent_as_printed",
    )
    assert forms["n"].unique().tolist() == [28]  # the only base that gives every printed percent
    assert forms["matches"].all()
    assert forms["rebuilt"].tolist() == [82.1, 53.6, 42.9, 21.4, 32.1]


def test_a_wrong_printed_percent_leaves_no_base():
    assert infer_base([23, 15], ["82,1%", "54,6%"]) == []
    with pytest.raises(ValueError, match="expected exactly one"):
        cooperation_forms(
            pd.DataFrame({"o": ["a", "b"], "c": [23, 15], "p": ["82,1%", "54,6%"]}), option="o", count="c", printed="p"
        )


def test_interest_figures_as_shares(wave2014):
    shares = ratio_figures(wave2014.table("sncf_call_2012"), indicator="indicator", value="value", base="base")
    got = dict(zip(shares["indicator"], shares["share"].round(4)))
    assert got["projects_strong_interest"] == round(25 / 33, 4) and got["projects_other_partners"] == round(20 / 33, 4)


def test_sector_percents_as_printed(wave2014):
    sectors = wave2014.table("sncf_call_2012_sectors")
    assert sectors["percent"].tolist() == [25, 25, 22, 12, 9, 4, 4]
    assert sectors["percent"].sum() == 101  # rounding: the audit shows 77 associations reproduce each percent


def test_objets_transactionnels_counted(wave2014):
    summary = objects_summary(wave2014.table("objets_transactionnels")).set_index("objet")
    assert len(summary) == 20
    assert summary.loc["Logement"].tolist() == [15, 1]  # "15 projets" + Aix en Provence
    assert summary.loc["Théâtre/Opéra/Son et Lumière"].tolist() == [4, 4]
    assert summary.loc["Horticulture/Jardins"].tolist() == [2, 2]  # COS Villa Pia continues the row

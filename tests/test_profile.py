"""Who answered: the profile tables match the report's counts."""

import pandas as pd
import pytest

from ciatstudy.analysis import profile

BANDS = ["0-10000", "10000-50000", "50000-100000", "100000+"]


def test_segments_as_printed(wave2014):
    sizes = profile.segment_sizes(wave2014.table("respondents"), segment="segment", segments=["mda", "non_mda"])
    assert sizes.to_dict("list") == {"segment": ["tous", "mda", "non_mda"], "n": [28, 12, 16]}
    assert wave2014.segment_sizes() == {"mda": 12, "non_mda": 16}


def test_budget_bands_as_printed(wave2014):
    budget = profile.counts_by_segment(
        wave2014.table("respondents"),
        category="budget_band",
        segment="segment",
        categories=BANDS,
        segments=["mda", "non_mda"],
    )
    tous = budget[budget["segment"] == "tous"].set_index("budget_band")["count"].to_dict()
    # Budget table: N°10-13-16-17-20-21-22 / N°11-12-18-27 / N°19(?)-23-24-25 / 13 others.
    assert tous == {"0-10000": 7, "10000-50000": 4, "50000-100000": 4, "100000+": 13}
    assert budget["share"].between(0, 1).all()


def test_staff_bands_as_printed(wave2014):
    staff = wave2014.table("staff_bands")
    counts = staff.groupby("segment")["count"].apply(list).to_dict()
    assert counts == {"mda": [4, 4, 4], "non_mda": [7, 8, 1]}
    assert staff.groupby("segment")["count"].sum().to_dict() == {"mda": 12, "non_mda": 16}


def test_sectors_counted_per_segment(wave2014):
    sectors = wave2014.table("respondent_sectors").merge(wave2014.table("respondents")[["respondent_no", "segment"]])
    order = list(dict.fromkeys(sectors["sector"]))
    table = profile.counts_by_segment(
        sectors,
        category="sector",
        segment="segment",
        categories=order,
        segments=["mda", "non_mda"],
        sizes={"mda": 12, "non_mda": 16},
    )
    got = table[table["segment"] == "tous"].set_index("sector")["count"].to_dict()
    assert got == {
        "Accueil/Accompagnement": 14,
        "Animation, éducation populaire": 5,
        "Sports": 1,
        "Culture/éducation populaire": 4,
        "Action sociale": 7,
    }
    assert set(range(1, 29)) - set(sectors["respondent_no"]) == {19}  # the report gives N°19 no sector


def test_bad_arguments_are_explained():
    frame = pd.DataFrame({"seg": ["a"], "band": ["x"]})
    with pytest.raises(ValueError, match="segment column 'segment' not found"):
        profile.segment_sizes(frame, segment="segment", segments=["a"])
    with pytest.raises(ValueError, match=r"categories \['x'\] are not in"):
        profile.counts_by_segment(frame, category="band", segment="seg", categories=["y"], segments=["a"])

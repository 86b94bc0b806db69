"""Tests of the ciatstudy.audit modules: every kind of error planted into synthetic published tables
is found with the right explanation; a clean table raises no alarm; the 2014 list is pinned."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from ciatstudy.audit.cells import TableSpec
from ciatstudy.audit.claim_format import CLAIM_COLUMNS
from ciatstudy.audit.claims import check_claims
from ciatstudy.audit.findings import COLUMNS, VERDICTS
from ciatstudy.audit.footing import check_choose_one, check_cross_footing
from ciatstudy.audit.granularity import check_granularity, check_rounding
from ciatstudy.audit.quantities import percent_base, percent_sum_bases, wave_quantities
from ciatstudy.audit.runner import audit_tables, run_audit, summary_lines
from ciatstudy.audit.sample import check_sample
from ciatstudy.audit.sort_order import check_sort_order
from ciatstudy.data.rounding import format_fr

SPEC = TableSpec(
    kinds={"q1": "agreement3", "q2": "multi", "q3": "single"},
    sizes={"a": 12, "b": 16},
    labels={"tous": "Tous", "a": "A", "b": "B"},
)

# integer counts behind a clean table (sum of 3/2/1 scores for q1), printed order = position
COUNTS = {
    "q1": [("1A", 30, 40), ("1B", 26, 38), ("1C", 20, 25), ("1D", 14, 18)],
    "q2": [("2A", 9, 13), ("2B", 8, 10), ("2C", 6, 9), ("2D", 3, 8), ("2E", 3, 4), ("2F", 1, 2)],
    "q3": [("3A", 7, 5), ("3B", 3, 6), ("3C", 2, 5)],
}


def printed(k: int, n: int) -> str:
    return format_fr(Fraction(k, n), 2, strip_zeros=True)


def clean_table() -> pd.DataFrame:
    rows = []
    for q, items in COUNTS.items():
        for pos, (item, ka, kb) in enumerate(items, start=1):
            for seg, k, n in (("tous", ka + kb, 28), ("a", ka, 12), ("b", kb, 16)):
                rows.append(
                    {
                        "question": q,
                        "table": q,
                        "table_position": pos,
                        "item": item,
                        "segment": seg,
                        "printed": printed(k, n),
                    }
                )
    return pd.DataFrame(rows)


def plant(table: pd.DataFrame, item: str, seg: str, value: str) -> pd.DataFrame:
    out = table.copy()
    out.loc[(out["item"] == item) & (out["segment"] == seg), "printed"] = value
    return out


def cell(table: pd.DataFrame, item: str, seg: str) -> str:
    return table.loc[(table["item"] == item) & (table["segment"] == seg), "printed"].iloc[0]


def row_of(out: pd.DataFrame, check: str, item: str, seg: str | None = None) -> pd.Series:
    sel = out[(out["check"] == check) & (out["item"] == item)]
    if seg is not None:
        sel = sel[sel["segment"] == seg]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def bad(out: pd.DataFrame) -> pd.DataFrame:
    return out[out["verdict"] == "inconsistent"]


# ----------------------------------------------------------------------------- the clean table
def test_clean_table_raises_no_alarm():
    out = audit_tables(clean_table(), SPEC)
    assert list(out.columns) == COLUMNS
    assert set(out["verdict"]) == {"consistent"}
    assert set(out["check"]) == {"granularity", "rounding", "cross_footing", "choose_one", "sort_order"}
    assert (out["check"] == "granularity").sum() == 13 * 3


def test_dropped_trailing_zero_is_read_and_said():
    out = check_granularity(clean_table(), SPEC)
    r = row_of(out, "granularity", "2C", "a")  # 6/12 printed "0,5"
    assert (r["printed"], r["expected"], r["verdict"]) == ("0,5", "6/12", "consistent")
    assert "lu 0,50" in r["explanation"]


def test_half_up_rounding_is_recognised():
    out = check_rounding(clean_table(), SPEC)
    r = row_of(out, "rounding", "2F", "b")  # 2/16 = 0,125 -> 0,13
    assert r["verdict"] == "consistent" and r["printed"] == "0,13"
    assert "au pair 0,12" in r["explanation"]


# ----------------------------------------------------------------------------- granularity (GRIM)
@pytest.mark.parametrize(
    "item, seg, value, cause",
    [
        ("2B", "a", "0,61", "one_digit_typo"),  # 8/12 = 0,67 typed 0,61: no k/12 gives 0,61
        ("2C", "b", "0,65", "transposed_digits"),  # 9/16 = 0,56 printed 0,65
        ("2B", "a", "0,66", "truncated"),  # 8/12 = 0,666… truncated
        ("2F", "b", "0,12", "rounding_rule"),  # 2/16 = 0,125 rounded half to even
        ("1B", "a", "2,15", "one_digit_typo"),  # 26/12 = 2,17; no S/12 gives 2,15
    ],
)
def test_granularity_finds_planted_errors(item, seg, value, cause):
    table = plant(clean_table(), item, seg, value)
    out = audit_tables(table, SPEC)
    r = row_of(out, "granularity", item, seg)
    assert r["verdict"] == "inconsistent"
    assert r["cause"] == cause, r["explanation"]
    # the cross-footing of that row cannot be tested, and says why
    assert row_of(out, "cross_footing", item)["verdict"] == "not_testable"


def test_granularity_impossible_mean():
    out = check_granularity(plant(clean_table(), "1A", "a", "3,2"), SPEC)
    r = row_of(out, "granularity", "1A", "a")
    assert (r["verdict"], r["cause"]) == ("inconsistent", "not_reachable")


def test_rounding_check_flags_half_even():
    out = check_rounding(plant(clean_table(), "2F", "b", "0,12"), SPEC)
    r = row_of(out, "rounding", "2F", "b")
    assert (r["verdict"], r["cause"]) == ("inconsistent", "rounding_rule")


def test_whole_column_on_another_base():
    table = clean_table()
    for item, _, kb in COUNTS["q2"]:
        table = plant(table, item, "b", printed(kb, 15))  # column B of q2 computed over 15, not 16
    out = check_granularity(table, SPEC)
    failing = out[(out["verdict"] == "inconsistent")]
    assert len(failing) >= 3
    assert set(failing["segment"]) == {"b"} and set(failing["cause"]) == {"different_base_n"}
    assert all("n = 15" in e for e in failing["explanation"])


# ----------------------------------------------------------------------------- cross-footing
def test_swapped_whole_sample_cells():
    table = clean_table()
    table = plant(plant(table, "2B", "tous", cell(table, "2C", "tous")), "2C", "tous", cell(table, "2B", "tous"))
    out = check_cross_footing(table, SPEC)
    for item in ("2B", "2C"):
        r = row_of(out, "cross_footing", item)
        assert (r["verdict"], r["cause"]) == ("inconsistent", "swapped_cells")
        assert "2B et 2C" in r["explanation"]
    assert len(bad(out)) == 2


def test_swapped_segment_cells_between_rows():
    table = clean_table()
    table = plant(plant(table, "2A", "a", cell(table, "2B", "a")), "2B", "a", cell(table, "2A", "a"))
    out = check_cross_footing(table, SPEC)
    assert set(bad(out)["item"]) == {"2A", "2B"}
    assert set(bad(out)["cause"]) == {"swapped_cells"}
    assert "cellules A de 2A" in row_of(out, "cross_footing", "2A")["explanation"]


def test_swapped_segment_columns_in_a_row():
    table = clean_table()  # 2D: A 3/12 = 0,25, B 8/16 = 0,5; exchanged they give 6 + 4 = 10, not 11
    table = plant(plant(table, "2D", "a", "0,5"), "2D", "b", "0,25")
    out = check_cross_footing(table, SPEC)
    r = row_of(out, "cross_footing", "2D")
    assert (r["verdict"], r["cause"]) == ("inconsistent", "swapped_columns")


def test_segment_value_copied_into_another_column():
    table = plant(clean_table(), "2C", "a", "0,56")  # A (6/12 = 0,5) overwritten with B's 9/16 = 0,56
    r = row_of(check_granularity(table, SPEC), "granularity", "2C", "a")
    assert (r["verdict"], r["cause"]) == ("inconsistent", "copied_value")
    assert "0,56 est la valeur B de la même ligne (recopiée ?), alors qu'il faudrait 0,5" in r["explanation"]


def test_copy_between_two_segment_cells_is_named_both_ways():
    # 2D: B (8/16 = 0,5) overwritten with A's 0,25 = 4/16: reachable, and the two equal cells are
    # indistinguishable from the row alone, so both readings are given
    r = row_of(check_cross_footing(plant(clean_table(), "2D", "b", "0,25"), SPEC), "cross_footing", "2D")
    assert (r["verdict"], r["cause"]) == ("inconsistent", "copied_value")
    assert "cellule B : 0,25 est la valeur A" in r["explanation"]
    assert "cellule A : 0,25 est la valeur B" in r["explanation"]


def test_whole_sample_copied_from_a_segment():
    table = plant(clean_table(), "2B", "tous", "0,67")  # Tous 18/28 = 0,64 overwritten with A's 8/12
    r = row_of(check_cross_footing(table, SPEC), "cross_footing", "2B")
    assert (r["cause"], r["expected"]) == ("copied_value", "0,64")
    assert "cellule Tous : 0,67 est la valeur A" in r["explanation"]


@pytest.mark.parametrize("item, count, off", [("2A", 23, 1), ("2C", 17, 2)])
def test_whole_sample_off_by_respondents(item, count, off):
    table = plant(clean_table(), item, "tous", printed(count, 28))
    r = row_of(check_cross_footing(table, SPEC), "cross_footing", item)
    assert (r["verdict"], r["cause"]) == ("inconsistent", "off_by_respondents")
    assert f"{off} répondant" in r["explanation"]


def test_off_by_score_points_in_a_mean():
    table = plant(clean_table(), "1A", "tous", printed(70 - 1, 28))  # 2,46 instead of 2,5
    r = row_of(check_cross_footing(table, SPEC), "cross_footing", "1A")
    assert (r["verdict"], r["cause"]) == ("inconsistent", "off_by_respondents")
    assert "1 point de score" in r["explanation"]


def test_one_digit_typo_in_the_whole_sample():
    table = plant(clean_table(), "2E", "tous", "0,29")  # 7/28 = 0,25 typed 0,29 (= 8/28: reachable)
    r = row_of(check_cross_footing(table, SPEC), "cross_footing", "2E")
    assert (r["verdict"], r["cause"], r["expected"]) == ("inconsistent", "one_digit_typo", "0,25")


def test_systematic_shift_across_a_question():
    table = clean_table()
    for item, ka, kb in COUNTS["q2"][:3]:
        table = plant(table, item, "tous", printed(ka + kb - 1, 28))
    out = check_cross_footing(table, SPEC)
    assert set(bad(out)["item"]) == {"2A", "2B", "2C"}
    assert set(bad(out)["cause"]) == {"systematic_shift"}
    assert "un répondant ayant choisi ces 3 items" in row_of(out, "cross_footing", "2A")["explanation"]


def test_whole_sample_column_on_another_base():
    table = clean_table()
    for item, ka, kb in COUNTS["q2"]:
        table = plant(table, item, "tous", printed(ka + kb, 26))
    out = check_cross_footing(table, SPEC)
    assert len(bad(out)) >= 2
    assert set(bad(out)["cause"]) == {"different_base_n"}
    assert "n = 26" in bad(out)["explanation"].iloc[0]


def test_whole_sample_outside_the_segments_is_called_impossible():
    table = plant(clean_table(), "2B", "tous", "0,6")  # A 0,67, B 0,63: any mix lies between
    r = row_of(check_cross_footing(table, SPEC), "cross_footing", "2B")
    assert "hors de l'intervalle des segments" in r["explanation"]


# ----------------------------------------------------------------------------- choose-one, sort order
def test_choose_one_counts_must_add_up():
    table = plant(clean_table(), "3B", "a", "0,33")  # 3 -> 4 of 12: 7 + 4 + 2 = 13
    out = check_choose_one(table, SPEC)
    r = out[(out["question"] == "q3") & (out["segment"] == "a")].iloc[0]
    assert (r["verdict"], r["cause"], r["printed"]) == ("inconsistent", "extra_choice", "0,58 + 0,33 + 0,17")
    assert "3B A 0,33 → 0,25" in r["explanation"]
    assert set(out.loc[out["segment"] != "a", "verdict"]) == {"consistent"}


def test_multi_question_printed_as_choose_one_is_audited():
    spec = TableSpec(kinds={"q1": "agreement3", "q2": "multi", "q3": "multi"}, sizes={"a": 12, "b": 16})
    out = check_choose_one(plant(clean_table(), "3B", "a", "0,33"), spec)
    assert set(out["question"]) == {"q3"}
    assert "imprimée comme à choix unique" in out["explanation"].iloc[0]
    spec_off = TableSpec(kinds=spec.kinds, sizes=spec.sizes, choose_one=frozenset())
    assert check_choose_one(clean_table(), spec_off).empty


def test_rows_out_of_order():
    table = clean_table()
    swap = {("q2", 2): 3, ("q2", 3): 2}
    table["table_position"] = [swap.get((q, p), p) for q, p in zip(table["question"], table["table_position"])]
    out = check_sort_order(table, SPEC)
    r = out[out["verdict"] == "inconsistent"]
    assert len(r) == 1
    assert (r["cause"].iloc[0], r["item"].iloc[0]) == ("out_of_order", "2C|2B")
    assert "c'est donc l'ordre qui est faux" in r["explanation"].iloc[0]


def test_questionnaire_order_is_not_a_sort():
    out = check_sort_order(clean_table(), SPEC)
    r = out[out["question"] == "q3"].iloc[0]
    assert r["verdict"] == "consistent" and "ordre du questionnaire" in r["explanation"]


# ----------------------------------------------------------------------------- text against tables
def claims(*rows: dict) -> pd.DataFrame:
    base = {c: "" for c in CLAIM_COLUMNS}
    out = []
    for i, r in enumerate(rows, start=1):
        out.append(
            {**base, "claim_id": f"c{i:02d}", "location": f"§{i} — « … »", "text": f"claim {i}", "source": "test", **r}
        )
    return pd.DataFrame(out, columns=CLAIM_COLUMNS)


def test_true_claims_are_consistent():
    table = clean_table()
    cl = claims(
        *[
            dict(kind="value", question="q2", item="2A", segment=s, relation="=", claimed=c, location="§2A")
            for s, c in (("tous", "79%"), ("a", "75%"), ("b", "81%"))
        ],
        dict(kind="value", question="q1", item="1A", segment="a", relation="=", claimed="2,5"),
        dict(kind="comparison", question="q1", item="1B", segment="b", versus="a", relation=">"),
        dict(kind="comparison", question="q2", item="2A", segment="tous", versus="2B", relation=">"),
        dict(kind="level", question="q1", item="1A", segment="*", relation=">=", claimed="2"),
        dict(kind="count_chose", question="q1", item="1D", segment="b", relation="=", claimed="2"),
        dict(kind="count_chose", question="q2", item="2F", segment="a", relation="=", claimed="1"),
        dict(kind="rank", question="q2", item="2A", segment="*", relation="max"),
        dict(kind="rank", question="q2", item="2E|2F", segment="tous", relation="bottom2"),
        dict(kind="gap", question="q2", item="2A", segment="a", versus="b", relation="<=", claimed="0,1"),
        dict(kind="spread", question="q3", segment="b", versus="a", relation="<"),
    )
    out = check_claims(cl, table, SPEC)
    assert set(out["verdict"]) == {"consistent"}, out[out["verdict"] != "consistent"][["figure", "explanation"]]
    footing = out[out["figure"].str.startswith("2A : ")]
    assert len(footing) == 1 and footing["verdict"].iloc[0] == "consistent"


@pytest.mark.parametrize(
    "claim, cause, fragment",
    [
        (
            dict(kind="value", question="q2", item="2A", segment="a", relation="=", claimed="78%"),
            "one_digit_typo",
            "un seul chiffre diffère de 0,75",
        ),
        (
            dict(kind="value", question="q2", item="2C", segment="b", relation="=", claimed="0,65"),
            "transposed_digits",
            "chiffres intervertis",
        ),
        (
            dict(kind="value", question="q2", item="2B", segment="a", relation="=", claimed="0,63"),
            "reversed",
            "c'est la valeur B de la même ligne",
        ),
        (
            dict(kind="value", question="q2", item="2B", segment="a", relation="=", claimed="0,75"),
            "copied_value",
            "valeur 2A, A",
        ),
        (
            dict(kind="value", question="q2", item="2A", segment="tous", relation="=", claimed="82%"),
            "off_by_respondents",
            "1 répondant",
        ),
        (
            dict(kind="comparison", question="q1", item="1B", segment="a", versus="b", relation=">"),
            "reversed",
            "c'est le texte qui inverse les segments",
        ),
        (
            dict(kind="level", question="q1", item="1C", segment="tous", relation=">=", claimed="2"),
            "contradicts_table",
            "répondants d'accord ou entièrement d'accord sur 28",
        ),
        (
            dict(kind="level", question="q1", item="1B", segment="b", relation="<", claimed="2,2"),
            "reversed",
            "l'affirmation vaut pour A (2,17)",
        ),
        (
            dict(kind="count_chose", question="q2", item="2F", segment="*", relation="=", claimed="0"),
            "contradicts_table",
            "le texte dit 0",
        ),
        (
            dict(kind="rank", question="q2", item="2C", segment="tous", relation="top2"),
            "contradicts_table",
            "3e plus forte",
        ),
        (
            dict(kind="gap", question="q2", item="2D", segment="a", versus="b", relation="<=", claimed="0,1"),
            "contradicts_table",
            "0,25",
        ),
        (dict(kind="spread", question="q3", segment="a", versus="b", relation="<"), "contradicts_table", "étendue"),
    ],
)
def test_false_claims_are_found(claim, cause, fragment):
    out = check_claims(claims(claim), clean_table(), SPEC)
    r = out.iloc[0]
    assert (r["verdict"], r["cause"]) == ("inconsistent", cause), r["explanation"]
    assert fragment in r["explanation"]


def test_figures_quoted_together_must_add_up():
    table = plant(clean_table(), "2B", "tous", "0,6")
    cl = claims(
        *[
            dict(kind="value", question="q2", item="2B", segment=s, relation="=", claimed=c, location="§")
            for s, c in (("tous", "60%"), ("a", "67%"), ("b", "63%"))
        ]
    )
    out = check_claims(cl, table, SPEC, flagged={("2B", "tous")})
    assert set(out["verdict"].iloc[:3]) == {"consistent"}
    assert "elle-même incohérente" in out["explanation"].iloc[0]
    footing = out.iloc[3]
    assert (footing["verdict"], footing["cause"], footing["expected"]) == ("inconsistent", "cross_footing", "64 %")
    assert "hors de l'intervalle" in footing["explanation"]


def test_untestable_claim_keeps_its_reason():
    out = check_claims(claims(dict(kind="untestable", note="aucune donnée")), clean_table(), SPEC)
    assert (out["verdict"].iloc[0], out["explanation"].iloc[0]) == ("not_testable", "aucune donnée")


# ----------------------------------------------------------------------------- sample and counts
def side_tables() -> dict[str, pd.DataFrame]:
    respondents = pd.DataFrame(
        {
            "respondent_no": [1, 2, 3, 4, 5],
            "segment": ["a", "a", "b", "b", "b"],
            "name_as_printed": ["A1", "A2", "B1", "B2", "B3"],
            "budget_band": ["0-10000", "100000+", "0-10000", "10000-50000", ""],
        }
    )
    staff = pd.DataFrame({"segment": ["a", "a", "b", "b"], "band": ["2-5", "10+", "0", "1-5"], "count": [1, 1, 2, 2]})
    sectors = pd.DataFrame({"respondent_no": [1, 2, 3, 4], "sector": ["x", "x", "y", "y"]})
    calls = pd.DataFrame(
        {
            "indicator": ["projects", "associations", "selected"],
            "value": [40.0, 110.0, 20.0],
            "base": [pd.NA, pd.NA, 40],
        }
    )
    forms = pd.DataFrame(
        {"option_as_printed": ["u", "v"], "response_percent_as_printed": ["82,1%", "53,6%"], "response_count": [23, 15]}
    )
    shares = pd.DataFrame({"sector_as_printed": ["p", "q", "r"], "percent": [34.0, 33.0, 34.0]})
    return {
        "respondents": respondents,
        "staff_bands": staff,
        "respondent_sectors": sectors,
        "calls": calls,
        "calls_forms": forms,
        "calls_shares": shares,
    }


def test_sample_checks_find_planted_errors():
    out = check_sample(side_tables(), sizes={"a": 2, "b": 4}, labels={"a": "A", "b": "B"})
    by_fig = {r["figure"]: r for _, r in out.iterrows()}
    assert by_fig["répondants A"]["verdict"] == "consistent"
    assert (by_fig["répondants B"]["verdict"], by_fig["répondants B"]["cause"]) == ("inconsistent", "different_base_n")
    assert by_fig["tranches de salariés A"]["verdict"] == "consistent"
    assert (by_fig["tranches de salariés B"]["verdict"], by_fig["tranches de salariés B"]["cause"]) == (
        "inconsistent",
        "wrong_count",
    )
    assert (by_fig["tranches de budget"]["cause"], by_fig["répondants classés par secteur"]["cause"]) == (
        "incomplete",
        "incomplete",
    )
    assert "N°5" in by_fig["répondants classés par secteur"]["explanation"]
    assert by_fig["salariés et budget A"]["verdict"] == "not_testable"
    forms = out[out["location"] == "calls_forms"]
    assert list(forms["expected"]) == ["23/28", "15/28"] and set(forms["verdict"]) == {"consistent"}
    shares = by_fig["somme des pourcentages de calls_shares"]
    assert (shares["printed"], shares["verdict"]) == ("101 %", "consistent")


def test_percent_helpers():
    assert percent_base(["82,1%", "53,6%", "42,9%", "21,4%", "32,1%"], [23, 15, 12, 6, 9])[0] == 28
    assert 77 in percent_sum_bases([Decimal(p) for p in (25, 25, 22, 12, 9, 4, 4)])
    assert percent_sum_bases([Decimal(p) for p in (60, 60)]) == []


def test_count_claims():
    q = wave_quantities(side_tables(), labels={"a": "A", "b": "B"})
    assert q["respondents.count.a"][0] == 2 and q["calls.selected.base"][0] == 40 and q["calls_forms.base"][0] == 28
    cl = claims(
        dict(kind="count", item="respondents.count.a", relation="=", claimed="5"),
        dict(kind="count", item="respondents.count.a", relation="=", claimed="2"),
        dict(kind="count", item="calls.associations / calls.projects", relation="about", claimed="3"),
        dict(kind="base", item="calls.selected", relation="=", claimed="18"),
        dict(kind="grim", item="calls.projects", relation="=", claimed="61%"),
        dict(kind="grim", item="calls.projects", relation="=", claimed="60%"),
        dict(kind="bands", relation="=", claimed="0-10000|10000-50000|50000-1000000|100000+"),
        dict(kind="bands", relation="=", claimed="0-10|10-50|50+"),
    )
    out = check_claims(cl, None, None, q)
    got = list(zip(out["verdict"], out["cause"]))
    assert got == [
        ("inconsistent", "wrong_count"),
        ("consistent", ""),
        ("consistent", ""),
        ("inconsistent", "different_base_n"),
        ("inconsistent", "different_base_n"),
        ("consistent", ""),
        ("inconsistent", "one_digit_typo"),
        ("consistent", ""),
    ]
    assert "N° le plus élevé de la colonne B (N°5, B3)" in out["explanation"].iloc[0].split("coïncide avec")[1]
    assert out["expected"].iloc[6] == "0-10000|10000-50000|50000-100000|100000+"


def test_summary_lines_one_per_verdict():
    out = audit_tables(plant(clean_table(), "2B", "tous", "0,6"), SPEC)
    lines = summary_lines(out)
    assert [line.split(":")[0] for line in lines] == list(VERDICTS)
    assert lines[1] == "inconsistent: 2 (granularity 1, cross_footing 1)"
    assert lines[2] == "not_testable: 0"


# ----------------------------------------------------------------------------- wave 2014
EXPECTED_2014 = {
    # (check, key, cause); key = claim id, or item / question for table rows
    ("cross_footing", "2E", "copied_value"),
    ("cross_footing", "3A", "swapped_cells"),
    ("cross_footing", "3B", "swapped_cells"),
    *{("cross_footing", i, "systematic_shift") for i in ("5B", "5C", "5D", "5F", "5G", "5H")},
    ("cross_footing", "6C", "off_by_respondents"),
    ("cross_footing", "6D", "copied_value"),
    ("cross_footing", "6G", "one_digit_typo"),
    ("choose_one", "q3 tous", "extra_choice"),
    ("choose_one", "q3 mda", "extra_choice"),
    ("sort_order", "1D|1O", "out_of_order"),
    ("text", "c01", "wrong_count"),  # « 26 maisons des associations »: 12 MDA, 28 respondents
    ("text", "c19", "reversed"),  # chef de file « ne se pose pas » for Non-MDA (2,25)
    ("text", "c20", "reversed"),  # chef de file « plus pertinente pour les MDA » (1,92 < 2,25)
    ("text", "c24", "contradicts_table"),  # « plutôt d'accord » with 1P (1,57)
    ("text", "c25", "contradicts_table"),  # « assez d'accord » with 1F (1,61)
    ("text", "c27", "reversed"),  # « 1,88 contre 1,33 »: MDA is 1,33
    ("text", "c28", "reversed"),
    ("text", "c30", "one_digit_typo"),  # « 69 % des MDA »: 0,67
    ("text", "c66", "contradicts_table"),  # 7A not among the least chosen for Non-MDA
    ("text", "c70", "one_digit_typo"),  # budget band « 50 à 1000 000 euros »
    ("text", "c77", "different_base_n"),  # cooperation forms on 28, not the 36 projects
    ("text", "c78", "different_base_n"),  # « 25 projets sur 33 » vs 36 selected
    ("text", "c79", "different_base_n"),  # « 20 cas sur 33 »
    ("text", "c80", "different_base_n"),  # « 60 % des projets »: not k/33 nor k/36
    ("text", "3A", "cross_footing"),  # « 18 % … 8 % contre 19 % »
    ("text", "5B", "cross_footing"),  # « 61 % … 67 % contre 63 % »
    ("text", "6C", "cross_footing"),  # « 54 % … 69 % contre 50 % »
    ("sample", "secteurs", "incomplete"),  # N°19 in no sector
}


def _key(r) -> str:
    if r["check"] == "text":
        return r["figure"].split(" : ")[0]
    if r["check"] == "choose_one":
        return f"{r['question']} {r['segment']}"
    if r["check"] == "sample":
        return "secteurs" if "secteur" in r["figure"] else r["figure"]
    return r["item"]


@pytest.fixture(scope="module")
def audit_2014() -> pd.DataFrame:
    return run_audit("2014")


def test_2014_inconsistencies_are_pinned(audit_2014):
    found = {(r["check"], _key(r), r["cause"]) for _, r in bad(audit_2014).iterrows()}
    assert found == EXPECTED_2014


def test_2014_frame_is_tidy(audit_2014):
    assert list(audit_2014.columns) == COLUMNS
    assert set(audit_2014["verdict"]) <= set(VERDICTS)
    assert audit_2014["verdict"].ne("").all() and audit_2014["location"].ne("").all()
    # every printed cell is granularity-checked, and all are reachable with n = 12, 16, 28
    gran = audit_2014[audit_2014["check"] == "granularity"]
    assert len(gran) == 183 and set(gran["verdict"]) == {"consistent"}
    assert audit_2014.loc[audit_2014["verdict"] == "inconsistent", "explanation"].str.len().min() > 40


def test_2014_explanations_say_what_was_computed(audit_2014):
    rows = {(_key(r), r["check"]): r for _, r in audit_2014.iterrows()}
    assert "3B MDA 0,25 → 0,17" in rows[("q3 mda", "choose_one")]["explanation"]
    assert "29 = 13 + 16" in rows[("q3 tous", "choose_one")]["explanation"]
    assert "N°26" in rows[("c01", "text")]["explanation"]
    assert "Non-MDA (1,81)" in rows[("c27", "text")]["explanation"]
    assert "(5B, 5C, 5D, 5F, 5G, 5H)" in rows[("5B", "cross_footing")]["explanation"]
    assert rows[("5B", "cross_footing")]["expected"] == "0,64"

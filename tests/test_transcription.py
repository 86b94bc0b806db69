"""Wave 2014 as transcribed: every printed value is there, and the files match their schemas."""

from collections import Counter

import pytest

from conftest import RAW_2014

# Items per printed table of questions 1-8 (Q1 has two tables: 8 + 7 items).
EXPECTED_ITEMS = {"q1a": 8, "q1b": 7, "q2": 9, "q3": 3, "q4": 9, "q5": 8, "q6": 7, "q7": 7, "q8": 3}


def test_every_printed_value_is_transcribed(wave2014):
    published = wave2014.table("published_tables")
    per_table = Counter(published.loc[published["segment"] == "tous", "table"])
    assert dict(per_table) == EXPECTED_ITEMS
    assert len(published) == 3 * sum(EXPECTED_ITEMS.values()) == 183
    assert set(published.groupby("item")["segment"].apply(frozenset)) == {frozenset({"tous", "mda", "non_mda"})}


@pytest.mark.parametrize(
    "item, segment, printed",
    [
        ("1H", "tous", "2,68"),
        ("1H", "non_mda", "2,63"),
        ("1A", "mda", "2,5"),
        ("1B", "non_mda", "1"),
        ("1F", "non_mda", "1,81"),
        ("1Q", "mda", "1,83"),
        ("2B", "non_mda", "0,88"),
        ("2F", "tous", "0"),
        ("3C", "tous", "0,71"),
        ("4G", "non_mda", "0"),
        ("5E", "non_mda", "0,06"),
        ("6G", "tous", "0,21"),
        ("7C", "mda", "0,25"),
        ("8A", "mda", "0,58"),
        ("8C", "non_mda", "0,31"),
    ],
)
def test_spot_values_as_printed(wave2014, item, segment, printed):
    published = wave2014.table("published_tables")
    row = published[(published["item"] == item) & (published["segment"] == segment)]
    assert row["printed"].tolist() == [printed]


def test_codebook_items_are_the_printed_items(wave2014):
    published = wave2014.table("published_tables")
    assert sorted(wave2014.codebook.item_codes) == sorted(published["item"].unique())
    kinds = {q.id: q.kind for q in wave2014.codebook.questions}
    assert kinds == {
        "q1": "agreement3",
        "q2": "multi",
        "q3": "multi",
        "q4": "multi",
        "q5": "multi",
        "q6": "multi",
        "q7": "multi",
        "q8": "single",
    }
    assert wave2014.codebook.label("1H") == "La CIAT est un facteur de dynamisation du tissu social local."
    assert len(wave2014.codebook.raw["interview_grid"]["questions"]) == 11


def test_every_raw_file_has_a_source(wave2014):
    for name, table in wave2014.tables.items():
        assert "source" in table.columns, name
        assert table["source"].notna().all() and (table["source"].str.len() > 10).all(), name


def test_datapackage_describes_every_file_and_validates():
    frictionless = pytest.importorskip("frictionless")
    package = frictionless.Package(str(RAW_2014 / "datapackage.json"))
    described = {r.path for r in package.resources}
    on_disk = {p.name for p in RAW_2014.glob("*.csv")}
    assert described == on_disk
    report = package.validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])


def test_side_tables_as_printed(wave2014):
    sncf = wave2014.table("sncf_call_2012").set_index("indicator")["value"]
    assert sncf["projects_selected"] == 36 and sncf["projects_submitted"] == 77
    forms = wave2014.table("sncf_call_2012_cooperation_forms")
    assert forms["response_count"].tolist() == [23, 15, 12, 6, 9]
    assert len(wave2014.table("resource_persons")) == 14
    objets = wave2014.table("objets_transactionnels")
    assert objets["objet"].nunique() == 20  # rows of the printed table
    assert set(wave2014.table("quotes")["corpus"]) >= {"definition", "argument", "q3_explanation", "panorama"}

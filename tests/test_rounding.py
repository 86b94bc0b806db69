from decimal import Decimal
from fractions import Fraction

import pytest

from ciatstudy.data.rounding import format_fr, matches_printed, parse_printed, round_half_up


@pytest.mark.parametrize(
    "value, expected",
    [
        (Fraction(42, 16), "2.63"),  # 2.625: half up, where round() gives 2.62
        (Fraction(2, 16), "0.13"),  # 0.125
        (Fraction(1, 16), "0.06"),  # 0.0625
        (Fraction(39, 16), "2.44"),  # 2.4375
        (Fraction(26, 12), "2.17"),
        (0.125, "0.13"),
        (2.675, "2.68"),  # the float 2.675 is 2.67499999…; its shortest repr is what a reader sees
    ],
)
def test_round_half_up(value, expected):
    assert round_half_up(value, 2) == Decimal(expected)


def test_python_round_would_disagree_with_the_report():
    # The report prints 2,63 for 42/16 and 0,13 for 2/16: only half-up rounding gives both.
    assert round(42 / 16, 2) == 2.62 and round(2 / 16, 2) == 0.12
    assert matches_printed(Fraction(42, 16), "2,63") and matches_printed(Fraction(2, 16), "0,13")


def test_printed_numbers():
    assert parse_printed("0,5") == Decimal("0.5")
    assert parse_printed("82,1%") == Decimal("82.1")
    assert matches_printed(Fraction(6, 12), "0,5")  # trailing zero dropped in print
    assert not matches_printed(Fraction(7, 12), "0,5")
    with pytest.raises(ValueError, match="not a printed number"):
        parse_printed("n/a")


def test_format_fr():
    assert format_fr(2.675) == "2,68"
    assert format_fr(0.7857, 0, percent=True) == "79\u00a0%"
    assert format_fr(0.5, 2, strip_zeros=True) == "0,5"
    assert format_fr(float("nan")) == "–"


@pytest.mark.parametrize(
    "value, decimals, shown",
    [
        (135000, 0, "135\u202f000"),
        (1500000, 0, "1\u202f500\u202f000"),
        (2014, 0, "2014"),
        (9999, 0, "9999"),
        (-12345.678, 2, "\u221212\u202f345,68"),
        (0.5, 2, "0,50"),
    ],
)
def test_format_fr_groups_thousands_from_five_digits(value, decimals, shown):
    assert format_fr(value, decimals) == shown

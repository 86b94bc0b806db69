"""Rounding and number formatting as the 2014 report does it.

The published shares and means were rounded half up (2.625 -> 2.63,
0.125 -> 0.13) with trailing zeros dropped ("0,5"); Python's ``round`` rounds
half to even and would print 2.62, so every comparison with a printed value
goes through :func:`round_half_up` on exact fractions.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Real


def _to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        # Enough digits that the half-way case is decided exactly for survey sizes.
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, Real):
        return Decimal(repr(float(value)))
    raise TypeError(f"cannot round {value!r}")


def round_half_up(value, decimals: int = 2) -> Decimal:
    """Round ``value`` half up to ``decimals`` places, exactly.

    Examples
    --------
    >>> round_half_up(Fraction(42, 16))
    Decimal('2.63')
    >>> round_half_up(0.125)
    Decimal('0.13')
    >>> round(0.125, 2)  # what Python would print instead
    0.12
    """
    return _to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def parse_printed(text: str) -> Decimal:
    """Read a number printed the French way ("2,68", "0,5", "82,1%").

    >>> parse_printed("2,68")
    Decimal('2.68')
    """
    cleaned = str(text).strip().replace("\u202f", "").replace("\xa0", "").rstrip("%").strip()
    cleaned = cleaned.replace(" ", "").replace(",", ".")
    try:
        return Decimal(cleaned)
    except Exception as exc:  # decimal.InvalidOperation has no useful message
        raise ValueError(f"not a printed number: {text!r}") from exc


def matches_printed(value, printed: str, decimals: int = 2) -> bool:
    """True when ``value`` rounded half up gives the printed figure.

    A printed "0,5" is 0,50 with its trailing zero dropped, so it is compared
    at ``decimals`` places like every other cell.

    >>> matches_printed(Fraction(21, 16), "1,31")
    True
    """
    return round_half_up(value, decimals) == parse_printed(printed).quantize(Decimal(1).scaleb(-decimals))


def format_fr(value, decimals: int = 2, *, percent: bool = False, strip_zeros: bool = False) -> str:
    """Format a number for the committee: decimal comma, French percent style.

    >>> format_fr(2.675)
    '2,68'
    >>> format_fr(0.7857, 0, percent=True)  # with a no-break space, as French typography wants
    '79\xa0%'
    >>> format_fr(135000, 0), format_fr(2014, 0)  # thousands grouped from five digits on, never a year
    ('135\u202f000', '2014')
    """
    if value is None or value != value:  # None or NaN
        return "–"
    number = _to_decimal(value) * (100 if percent else 1)
    text = f"{round_half_up(number, decimals):f}"
    if strip_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "-" if text.startswith("-") else ""
    digits, point, fraction = text.lstrip("-").partition(".")
    text = sign + _group_thousands(digits) + point + fraction
    text = text.replace("-", "\u2212").replace(".", ",")
    return f"{text}\u00a0%" if percent else text


def _group_thousands(digits: str) -> str:
    """'135000' -> '135 000' (narrow no-break spaces); four digits or fewer stay whole (1 500, 2014)."""
    if len(digits) <= 4:
        return digits
    head = len(digits) % 3 or 3
    return "\u202f".join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])

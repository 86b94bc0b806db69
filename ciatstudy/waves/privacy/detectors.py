"""Identifiers found by their form in free text: e-mails, phones, IP addresses, URLs, SIRET, RNA, addresses.

Each kind is a regular expression, some with a check of the match (Luhn for
SIRET, a digit count for phones). Cheap pre-checks (:data:`_QUICK`,
:data:`_NEED_DIGIT`) skip the patterns a text cannot match, since most
free-text answers hold no identifier.
"""

from __future__ import annotations

import re
from typing import Iterable

__all__ = ["find_identifiers", "value_identifier_kind", "find_spans", "resolve_overlaps"]

# ---- e-mail addresses, plain or written to escape harvesters ("prenom.nom (at) domaine.org", "[at]", " arobase ")
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_WORD = r"[A-Za-z0-9_%+'\-\u00C0-\u00FF]+"
_DOT = rf"(?:\.|\s*{_OPEN}\s*(?:dot|point|\.)\s*{_CLOSE}\s*)"
_AT = (
    rf"(?:\s?@\s?|\s*{_OPEN}\s*(?:at|@|arobase|arobas|chez)\s*{_CLOSE}\s*"
    r"|\s+(?:at|AT|arobase|arobas|ARROBASE|AROBASE)\s+)"
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
EMAIL_RE = re.compile(
    rf"(?<![\w.@]){_WORD}(?:{_DOT}{_WORD})*{_AT}{_LABEL}(?:{_DOT}{_LABEL})*"
    rf"(?:{_DOT}|\s+(?:point|dot)\s+)[A-Za-z]{{2,12}}(?![\w@])",
    re.IGNORECASE,
)
# ---- phone numbers. French: ten digits in five pairs with one separator throughout (06 39 98 00 00,
# 06.39.98.00.00, 0639980000), or +33 / 0033 / (+33) with an optional (0). The single separator keeps
# dates and amounts out ("01.02.2014 12", "15 000 €"). International: + or 00, a country code and
# 8 to 15 digits in all, not followed by a unit.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33|\(\s?\+\s?33\s?\))\s?(?:\(0\)\s?)?"
    r"[1-9](?P<s1>[\s.\-]?)\d{2}(?:(?P=s1)\d{2}){3}(?!\d|[,.]\d)"
    r"|(?<![\w+])0[1-9](?P<s2>[\s.\-]?)\d{2}(?:(?P=s2)\d{2}){3}(?!\d|[,.]\d)"
    r"|(?<![\w+])(?:\+|\(\+|00(?=[1-9]))[1-9]\d{0,2}\)?(?:[\s.\-]?(?:\(\d{1,4}\)|\d{1,5})){2,6}(?!\d|[,.]\d)"
    r"(?!\s?(?:%|€|\$|£|euros?\b|eur\b|k€|M€))"
)
IPV4_RE = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.]\d|\.?\d)")
# Candidates with two colons or more, proven by the ipaddress module ("10:21:15" is a time, not an address).
IPV6_RE = re.compile(r"(?<![\w:.])(?=[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*:)[0-9A-Fa-f:]+(?:\.\d{1,3}){0,3}(?:%\w+)?(?![\w:])")
# ---- personal URLs: a profile page of a person (or a person's account) on a social network, a
# professional-profile site or a messaging service. A plain web site (an association's, a public
# service page) is not personal data by itself and is kept in the quote (the word analysis ignores URLs).
_PERSONAL_HOSTS = (
    r"linkedin\.com|lnkd\.in|viadeo\.com|facebook\.com|fb\.com|fb\.me|m\.me|messenger\.com|"
    r"instagram\.com|instagr\.am|twitter\.com|x\.com|tiktok\.com|threads\.net|bsky\.app|"
    r"youtube\.com(?=/(?:@|user/|c/|channel/))|github\.com|gitlab\.com|malt\.fr|malt\.com|"
    r"doyoubuzz\.com|about\.me|linktr\.ee|calendly\.com|wa\.me|t\.me|telegram\.me|"
    r"snapchat\.com|pinterest\.\w+|flickr\.com(?=/(?:people|photos))|mastodon\.\w+|"
    r"[\w.-]+\.(?:wordpress|blogspot|over-blog|canalblog|skyrock)\.com|"
    r"[\w.-]+\.[a-z]{2,}(?=/@\w)"
)
URL_PERSONAL_RE = re.compile(
    rf"(?<![\w/.\-@])(?:https?://)?(?:www\.|[a-z]{{2}}\.|m\.)?(?:{_PERSONAL_HOSTS})(?![\w-])"
    r"(?:/(?:[^\s<>\"'«»)\]]*[^\s<>\"'«»)\].,;:!?])?)?",
    re.IGNORECASE,
)
# ---- SIRET (14 digits: 3 3 3 5) and SIREN (9 digits: 3 3 3), Luhn-checked; after the words SIRET, SIREN
# or RNA/W-number the check is not needed. Amounts ("150 000 000 €") fail the Luhn test or end in 000.
SIRET_RE = re.compile(r"(?<![\w,.])(?P<siret>\d{3}[\s.]?\d{3}[\s.]?\d{3}(?:[\s.]?\d{5})?)(?!\w|[,.]\d|\s?\d)")
_SIRET_WORD = re.compile(r"(?:siret|siren|n°\s*siret|n°\s*siren)\s*(?:n°|:|=|est|number)?\s*$", re.IGNORECASE)
_UNIT_AFTER = re.compile(
    r"\s?(?:€|\$|£|%|euros?\b|eur\b|k€|habitants\b|personnes\b|adhérents\b|membres\b)", re.IGNORECASE
)
RNA_RE = re.compile(r"(?<![\w])W\d{9}(?!\w)")
# ---- French postal addresses: a number, a street type and its name (with an optional postcode and
# town), a postcode followed by a town, or a post-office box. Street types that are also common words
# (cours, route, chemin, voie…) count only when a postcode follows.
_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŒ"
_CAP = rf"(?:[{_UP}][\w'’\-]*|\d{{1,4}}(?:er)?(?!\d))"
# A particle is followed by a space or is an elided d'/l' (never a prefix of the next word), and a word
# starts with its letter: one way only to read a street name, so that a long answer cannot make the
# pattern backtrack for ever (tests/test_privacy.py times the worst inputs).
_PARTICLE = (
    r"(?:(?i:de\s+la|de\s+l['’]|de|du|des|la|le|les|aux?|en|sur|sous|saint|sainte|st|ste)\s+"
    r"|(?i:[dl])['’])"
)
_NAME = rf"(?>{_PARTICLE}*+(?:[^\W\d_][\w'’\-]*+|\d{{1,4}}(?:er)?(?!\d))(?:\s+{_PARTICLE}*+{_CAP})*+)"
_TOWN_WORD = rf"(?!(?i:cedex)\b)[{_UP}][\w'’]+"
_TOWN = (
    rf"{_TOWN_WORD}(?:(?:[\-\s](?:(?:sur|sous|lès|les|le|la|en|de|du|des|aux?)[\-\s])*|[\-\s]?[dl]['’])"
    rf"{_TOWN_WORD})*(?:\s+(?i:cedex)(?:\s+\d{{1,2}}(?!\d))?)?"
)
_POSTCODE = r"(?<![\d\s,.]\d)(?<![\w])(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\s?\d{3}(?![\d,.]\d)"
_STREET = (
    r"rue|avenue|av\.?|boulevard|bd|blvd|impasse|all[ée]e|quai|faubourg|fbg|square|esplanade|rond[\-\s]point|"
    r"place|parvis|villa|lotissement|r[ée]sidence"
)
_STREET_WEAK = (
    r"cours|route|rte|chemin|ch\.|voie|passage|mail|promenade|sentier|hameau|lieu[\-\s]dit|cit[ée]|zone|za|zi|zac"
)
ADDRESS_RE = re.compile(
    rf"(?<![\w,])\d{{1,4}}(?:\s?(?i:bis|ter|quater|[bt])\b)?,?\s+(?:(?i:{_STREET})\s+{_NAME}"
    rf"(?:,?\s+{_POSTCODE}\s+{_TOWN})?|(?i:{_STREET_WEAK})\s+{_NAME},?\s+{_POSTCODE}\s+{_TOWN})"
    rf"|{_POSTCODE}\s+{_TOWN}"
    rf"|(?<!\w)(?:BP|B\.P\.|CS|TSA)\s?\d{{1,6}}(?!\w)"
)


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _valid_ipv6(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(text.split("%")[0])
    except ValueError:
        return False
    return True


def _phone_ok(match: re.Match) -> bool:
    digits = sum(c.isdigit() for c in match.group(0))
    return 8 <= digits <= 15


def _siret_ok(match: re.Match, text: str) -> bool:
    digits = re.sub(r"\D", "", match.group("siret"))
    if _SIRET_WORD.search(text[max(0, match.start() - 24) : match.start()]):
        return True
    if digits.endswith("000") or digits[3:6] == "000":  # amounts and round figures, never a SIREN
        return False
    if _UNIT_AFTER.match(text, match.end()):  # an amount or a count: 552 100 554 €
        return False
    return _luhn(digits)


# (kind, pattern, check): the order breaks ties between overlapping matches that start at the same place.
_DETECTORS = (
    ("url", URL_PERSONAL_RE, None),
    ("email", EMAIL_RE, None),
    ("ip", IPV6_RE, lambda m, t: _valid_ipv6(m.group(0))),
    ("ip", IPV4_RE, None),
    ("phone", PHONE_RE, lambda m, t: _phone_ok(m)),
    ("siret", SIRET_RE, _siret_ok),
    ("rna", RNA_RE, None),
    ("address", ADDRESS_RE, None),
)
# Cheap tests that every match of a pattern passes (each scan of a full pattern costs ~25 µs per answer).
_AT_WORD = re.compile(r"[\s(\[{<](?:at|chez)[\s)\]}>]", re.IGNORECASE)
_HOST_HINTS = (
    "linkedin", "lnkd.", "viadeo", "facebook", "fb.", "m.me", "messenger", "instagr", "twitter", "x.com",
    "tiktok", "threads.", "bsky", "youtube", "github", "gitlab", "malt.", "doyoubuzz", "about.me", "linktr",
    "calendly", "wa.me", "t.me", "telegram", "snapchat", "pinterest", "flickr", "mastodon", "wordpress",
    "blogspot", "over-blog", "canalblog", "skyrock", "/@",
)  # fmt: skip


def _any_in(needles: tuple[str, ...], text: str) -> bool:
    return any(n in text for n in needles)


_QUICK = {
    EMAIL_RE: lambda t: "@" in t or "rob" in t.casefold() or _AT_WORD.search(t) is not None,
    IPV6_RE: lambda t: t.count(":") >= 2,
    URL_PERSONAL_RE: lambda t: "." in t and _any_in(_HOST_HINTS, t.casefold()),
}
# Patterns that cannot match without a digit (every alternative of each holds one); IPv6 is the exception
# ("fe80::abcd" may hold none). Most free-text answers hold no digit: one search spares five patterns.
_NEED_DIGIT = frozenset({IPV4_RE, PHONE_RE, SIRET_RE, RNA_RE, ADDRESS_RE})
_DIGIT = re.compile(r"\d")


def find_spans(text: str, kinds: Iterable[str] | None = None) -> list[tuple[int, int, str]]:
    """Every identifier found by pattern, as (start, end, kind), overlaps not yet resolved."""
    found = []
    has_digit = _DIGIT.search(text) is not None
    for kind, pattern, check in _DETECTORS:
        if kinds is not None and kind not in kinds:
            continue
        if not has_digit and pattern in _NEED_DIGIT:
            continue
        quick = _QUICK.get(pattern)
        if quick is not None and not quick(text):  # cheap skip: most answers hold no identifier
            continue
        for m in pattern.finditer(text):
            if check is None or check(m, text):
                found.append((m.start(), m.end(), kind))
    return found


def resolve_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans: the earliest first, the longest of those starting together."""
    order = {kind: i for i, (kind, _, _) in enumerate(_DETECTORS)}
    out, end = [], -1
    for start, stop, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]), order.get(s[2], 99))):
        if start >= end:
            out.append((start, stop, kind))
            end = stop
    return out


def value_identifier_kind(value: str) -> str | None:
    """The identifier kind a cell holds when it is nothing but an e-mail, a phone number or an IP address.

    Examples
    --------
    >>> value_identifier_kind("c.durand@mda-exemple.fr"), value_identifier_kind("+33 6 39 98 12 34")
    ('email', 'phone')
    >>> value_identifier_kind("203.0.113.7"), value_identifier_kind("Entièrement d'accord") is None
    ('ip', True)
    """
    value = str(value).strip()
    if not value:
        return None
    for start, end, kind in find_spans(value, ("email", "ip", "phone")):
        if start == 0 and end == len(value):
            return kind
    return None


def find_identifiers(text: str) -> list[tuple[str, str]]:
    """Every identifier a free text holds by its form, as (kind, matched text), in reading order.

    Kinds: e-mail (plain or obfuscated), phone (French and international), IP
    address (v4, v6), personal profile URL, SIRET/SIREN, RNA number, French
    postal address. Names are not found by form: see :class:`Redactor`.

    Examples
    --------
    >>> find_identifiers("Écrivez à jo (at) exemple.org ou au (+33) 6 39 98 00 00, 12 rue des Lilas.")
    [('email', 'jo (at) exemple.org'), ('phone', '(+33) 6 39 98 00 00'), ('address', '12 rue des Lilas')]
    >>> find_identifiers("En 2014-2015, 15 000 € pour 12 % des 28 structures du 33, le 01/02/2014.")
    []
    """
    text = str(text)
    return [(kind, text[start:end]) for start, end, kind in resolve_overlaps(find_spans(text))]

"""Personal data at import: find direct identifiers, drop them, or replace them by keyed pseudonyms.

The CIAT questionnaire asks each respondent for a name, a structure, a
responsibility and an e-mail address, and survey tools add their own contact
data (IP address, e-mail of the invitation, device, user name). None of it is
needed by the analysis, so :mod:`ciatstudy.waves.importers` never writes it under
``data/raw/<wave>/``:

* identifier **columns** (named in the mapping, or recognised here by their
  header or their content) are dropped;
* identifiers **inside free text** (e-mail addresses, phone numbers, IP
  addresses, and the names, structures and e-mails given elsewhere in the same
  export) are replaced by a bracketed tag such as ``[courriel]`` (:data:`IDENTIFIER_KINDS`);
* when the analyst asks for linkage across waves, the respondent id becomes a
  **keyed pseudonym**: HMAC-SHA256 of the normalised e-mail (or structure, or
  name) under a secret key that lives outside the repository. The same person
  gets the same pseudonym in every wave imported with the same key; without
  the key nobody can recompute or reverse it.

Pure functions on strings, except :func:`load_key` (reads the key file) and
:func:`scan_files` (reads the files it is asked to check).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import html
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..errors import DataError

__all__ = [
    "KEY_ENV",
    "IDENTIFIER_KINDS",
    "normalise",
    "header_identifier_kind",
    "value_identifier_kind",
    "column_identifier_kind",
    "load_key",
    "key_id",
    "pseudonym",
    "Redactor",
    "find_identifiers",
    "scan_files",
    "PLACEHOLDERS",
    "redaction_summary",
    "excerpt",
    "recorded_file_name",
]

KEY_ENV = "CIATSTUDY_PSEUDONYM_KEY"
KEY_FILE_ENV = "CIATSTUDY_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 16

#: spaCy's ``fr_core_news_sm`` as a detector of person names (PER entities), measured 2026-11-29 on the
#: 46 quotes of wave 2014 (organisations speaking; no person is named in them): 3 PER spans, none a
#: person (« Organiser », « France Bénévolat », « Champs Libre »): precision 0 / 3. On 300 synthetic
#: respondents' answers (``synth_wave(300, seed=3)``), 44 of the 48 names written were tagged, among 114
#: PER spans: precision 0.39 (« Laval », « N’hésitez », « Travailler »…). Redacting PER spans would take
#: words out of the corpus more often than names, so the import does not rely on the model: it removes
#: the names the export itself gives in its contact columns (``tests/test_privacy.py`` pins the 2014 figure).
SPACY_PER_PRECISION = {"2014 quotes": (0, 3), "synthetic answers": (44, 114)}

# Kinds of direct identifiers and the French placeholder that replaces them in free text.
IDENTIFIER_KINDS = {
    "email": "[courriel]",
    "phone": "[téléphone]",
    "ip": "[adresse IP]",
    "url": "[lien personnel]",
    "siret": "[SIRET]",
    "rna": "[RNA]",
    "address": "[adresse]",
    "name": "[nom]",
    "structure": "[structure]",
    "role": "[fonction]",
    "contact": "[coordonnées]",
    "account": "[compte]",
    "location": "[position]",
}
PLACEHOLDERS = frozenset(IDENTIFIER_KINDS.values())

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

# Header words that mark an identifier column, by kind (matched on normalised header tokens).
_HEADER_WORDS = {
    "email": {"email", "e-mail", "mail", "courriel", "mel", "adresse-mail"},
    "phone": {"telephone", "tel", "phone", "portable", "mobile", "phonenumber", "fax"},
    "ip": {"ip", "ipaddr", "ipaddress", "adresse-ip"},
    "name": {"nom", "prenom", "name", "firstname", "lastname", "surname", "lastname", "nom-prenom"},
    "structure": {
        "structure",
        "organisation",
        "organization",
        "association",
        "entreprise",
        "company",
        "societe",
        "siret",
        "rna",
        "organisme",
        "raisonsociale",
        "denomination",
        "etablissement",
        "collectivite",
        "employeur",
        "employer",
        "nomstructure",
        "struct",
        "orga",
        "asso",
    },
    "address": {"adresse", "address", "ville", "city", "commune", "postal", "cp", "zip"},
    "role": {"fonction", "responsabilite", "responsabilites", "poste", "role", "title"},
    "contact": {"contact", "coordonnees", "coordonnee"},
    "account": {
        "username",
        "deviceid",
        "token",
        "submitted_by",
        "submittedby",
        "utilisateur",
        "login",
        "simserial",
        "subscriberid",
        "imei",
    },
    "location": {"geolocation", "gps", "latitude", "longitude", "geopoint", "location", "localisation"},
}
# Words of a header that asks for the structure's name, not about the structure.
_NAMING_WORDS = {
    "nom",
    "name",
    "intitule",
    "denomination",
    "raisonsociale",
    "identification",
    "identite",
    "quelle",
    "laquelle",
    "which",
    "coordonnees",
    "entreprise",
    "company",
    "societe",
    "employeur",
}
_PERSON_WORDS = {"prenom", "firstname", "lastname", "surname", "nom-prenom"}
# Phrases that look like identifiers but are questions of the survey (checked before the words).
_HEADER_NOT_IDENTIFIER = ("maison des associations", "est-elle", "structure est", "type de structure")


_QUOTES_AND_DASHES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
    }
)


class _MarkTable(dict):
    """``str.translate`` table deleting combining marks (category Mn), filled as characters are met."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if unicodedata.category(chr(code)) == "Mn" else code
        return self[code]


_NO_MARKS = _MarkTable()


@functools.lru_cache(maxsize=65536)  # an export repeats its answer labels in every row
def _normalise(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_QUOTES_AND_DASHES)
    if not text.isascii():
        text = unicodedata.normalize("NFD", text).translate(_NO_MARKS)
    return " ".join(text.casefold().split())


def normalise(text: str) -> str:
    """Fold a label for matching: no HTML, accents, case, typographic quotes or extra spaces.

    Examples
    --------
    >>> normalise("  D’accord  ")
    "d'accord"
    >>> normalise("Entièrement <b>d'accord</b>")
    "entierement d'accord"
    """
    return _normalise(str(text))


def _tokens(header: str) -> set[str]:
    folded = normalise(header).replace("_", " ").replace("/", " ")
    words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", folded))
    words |= {w.replace("-", "") for w in words}
    joined = folded.replace(" ", "")
    words.add(joined)
    for phrase, word in (
        ("firstname", "firstname"),
        ("lastname", "lastname"),
        ("ipaddress", "ipaddress"),
        ("emailaddress", "email"),
        ("adresseip", "adresse-ip"),
        ("adressee-mail", "email"),
        ("adressemail", "email"),
        ("nomprenom", "nom-prenom"),
        ("raisonsociale", "raisonsociale"),
    ):
        if phrase in joined:
            words.add(word)
    return words


def header_identifier_kind(header: str) -> str | None:
    """The identifier kind a column header announces, or None.

    Examples
    --------
    >>> header_identifier_kind("Email Address"), header_identifier_kind("identification/courriel")
    ('email', 'email')
    >>> header_identifier_kind("IP Address"), header_identifier_kind("Vos coordonnées [Numéro de téléphone]")
    ('ip', 'phone')
    >>> header_identifier_kind("Quels sont les freins à cette coopération ?") is None
    True
    """
    folded = normalise(header)
    if any(p in folded for p in _HEADER_NOT_IDENTIFIER):
        return None
    words = _tokens(header)
    structure = bool(words & _HEADER_WORDS["structure"]) or any(
        w.startswith(("struct", "organis", "organiz")) or re.match(r"(?:nom|name|raison)struct", w) for w in words
    )
    if structure and not words & _PERSON_WORDS:
        # The structure's name (« Nom de votre structure », LimeSurvey's NOMSTRUCT), not a question about
        # the structure (« Secteur d'activité de votre structure »): a short header, or one asking a name.
        if len(re.findall(r"[a-z0-9]+", folded)) <= 3 or words & _NAMING_WORDS:
            return "structure"
    # The most specific kinds first: "Adresse e-mail" is an e-mail, "Adresse IP" an IP address.
    for kind in ("email", "ip", "phone", "account", "location", "name", "role", "address", "contact"):
        if words & _HEADER_WORDS[kind]:
            return kind
    return None


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


def _spans(text: str, kinds: Iterable[str] | None = None) -> list[tuple[int, int, str]]:
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


def _resolve(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
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
    for start, end, kind in _spans(value, ("email", "ip", "phone")):
        if start == 0 and end == len(value):
            return kind
    return None


def column_identifier_kind(header: str, values: Iterable[str]) -> str | None:
    """Identifier kind of a whole column, from its header or, failing that, from its cells.

    A column is an identifier column when its header says so, when any of
    its non-empty cells is an e-mail, phone number or IP address on its own, or
    when most of its cells are distinct names of structures (« Association … »,
    « MDA de … », « Centre social … »): the respondent's organisation, which
    identifies the respondent as surely as a person's name.

    >>> column_identifier_kind("Q0", ["MDA de Créon", "Association Les Amis", "Centre social Nord", ""])
    'structure'
    >>> column_identifier_kind("Q0", ["Oui", "Non", "Oui"]) is None
    True
    """
    kind = header_identifier_kind(header)
    if kind:
        return kind
    filled = []
    for value in values:
        kind = value_identifier_kind(value)
        if kind:
            return kind
        if str(value).strip():
            filled.append(normalise(value))
    return "structure" if _structure_names(filled) else None


# How the name of an association or other structure begins (folded): « Association … », « MDA de … »…
_ORGANISATION = re.compile(
    r"^(?:l'\s*)?(?:association|asso\b|maison des associations|maison de la vie associative|mda\b|mva\b|"
    r"centre social|centre socio|comite|federation|ligue|club|union|collectif|foyer|amicale|office|mairie|"
    r"ville d|commune d|communaute d|reseau|coordination|groupement|compagnie|cie\b|societe|sarl\b|sas\b|"
    r"scop\b|scic\b|fondation|syndicat|cooperative|entreprise|espace|point d'appui|pole|cooperative)"
)


def _structure_names(values: list[str]) -> bool:
    """Whether a column's cells are the names of structures: most of them look like one, and differ."""
    if len(values) < 3:
        return False
    named = sum(bool(_ORGANISATION.match(v)) for v in values)
    return named >= 0.6 * len(values) and len(set(values)) >= 0.5 * len(values)


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
    return [(kind, text[start:end]) for start, end, kind in _resolve(_spans(text))]


# --------------------------------------------------------------------------- redaction
_FOLD = {"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u202f": " "}


class _FoldTable(dict):
    """``str.translate`` table folding case and accents, filled one character at a time as they are met."""

    def __init__(self):
        super().__init__()
        self.irregular: set[str] = set()  # characters that fold to other than one character (ß, ﬁ, a combining accent)
        self.irregular_re = re.compile("(?!)")

    def __missing__(self, code: int) -> str:
        ch = _FOLD.get(chr(code), chr(code))
        folded = "".join(p for p in unicodedata.normalize("NFKD", ch) if unicodedata.category(p) != "Mn").casefold()
        self[code] = folded
        if len(folded) != 1:
            self.irregular.add(chr(code))
            self.irregular_re = re.compile("[" + re.escape("".join(sorted(self.irregular))) + "]")
        return folded


_FOLD_TABLE = _FoldTable()


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Case- and accent-folded text, with the index in ``text`` of every folded character."""
    folded = text.translate(_FOLD_TABLE)
    if len(folded) == len(text) and not _FOLD_TABLE.irregular_re.search(text):
        return folded, list(range(len(text)))
    out, where = [], []
    for i, ch in enumerate(text):  # rare: a character folds to several, or to none
        piece = _FOLD_TABLE[ord(ch)]
        out.append(piece)
        where.extend([i] * len(piece))
    return "".join(out), where


_TOKEN = re.compile(r"\w+|[^\w\s]")


def _token_key(folded: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(folded))


@dataclass
class Redactor:
    """Replaces identifiers in free text by French placeholders, and counts them by kind.

    ``known`` holds identifier values seen in the export's identifier columns
    (names, structures, e-mails…), each with its kind: they are removed
    wherever they appear in a free-text answer, as whole words, whatever the
    case, accents or spacing. E-mails (also written ``(at)``, ``[at]``,
    `` arobase ``), phone numbers, IP addresses, personal profile URLs,
    SIRET/SIREN and RNA numbers and French postal addresses are removed whether
    known or not (see :func:`find_identifiers`).

    Person names that appear in no contact column are **not** looked for with
    a named-entity model: see :data:`SPACY_PER_PRECISION`.

    Examples
    --------
    >>> r = Redactor({"Dupont": "name", "MDA de Quimperlé": "structure"})
    >>> r.redact("Merci à M. DUPONT (mda de quimperle) : jo@exemple.org")
    'Merci à M. [nom] ([structure]) : [courriel]'
    >>> r.counts
    {'name': 1, 'structure': 1, 'email': 1}
    """

    known: dict[str, str]
    min_length: int = 3

    def __post_init__(self):
        # Known values as sequences of folded tokens (words and single punctuation marks), indexed by their
        # first token: a text is matched in one pass over its tokens, whatever the number of values.
        self._by_first: dict[str, dict[tuple[str, ...], str]] = {}
        self._longest: dict[str, int] = {}
        for value, kind in self.known.items():
            folded = _fold_with_map(str(value).strip())[0]
            key = _token_key(folded)
            if len("".join(key)) < self.min_length or kind not in IDENTIFIER_KINDS or not key:
                continue
            self._by_first.setdefault(key[0], {}).setdefault(key, kind)
            self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))
        self.counts: dict[str, int] = {}

    @property
    def count(self) -> int:
        """Identifiers replaced so far, all kinds together."""
        return sum(self.counts.values())

    def _known_spans(self, text: str) -> list[tuple[int, int, str]]:
        folded, where = _fold_with_map(text)
        tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
        words = [t for t, _, _ in tokens]
        found, i = [], 0
        while i < len(tokens):
            table = self._by_first.get(words[i])
            if table:
                for size in range(min(self._longest[words[i]], len(tokens) - i), 0, -1):
                    kind = table.get(tuple(words[i : i + size]))
                    if kind:
                        found.append((where[tokens[i][1]], where[tokens[i + size - 1][2] - 1] + 1, kind))
                        i += size - 1
                        break
            i += 1
        return found

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Where the identifiers of ``text`` are: (start, end, kind), non-overlapping, in order."""
        found = _spans(text)
        if self._by_first:
            found += self._known_spans(text)
        return _resolve(found)

    def redact(self, text: str) -> str:
        """``text`` with every identifier replaced by its placeholder (counted in :attr:`counts`)."""
        text = str(text)
        pieces, last = [], 0
        for start, end, kind in self.spans(text):
            pieces += [text[last:start], IDENTIFIER_KINDS[kind]]
            self.counts[kind] = self.counts.get(kind, 0) + 1
            last = end
        return "".join(pieces) + text[last:] if pieces else text


def redaction_summary(counts: dict[str, int]) -> str:
    """The counts of a :class:`Redactor` as the import summary prints them, most frequent first.

    >>> redaction_summary({"email": 2, "phone": 3})
    '3 [téléphone], 2 [courriel]'
    """
    return ", ".join(
        f"{n} {IDENTIFIER_KINDS[kind]}"
        for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], list(IDENTIFIER_KINDS).index(kv[0])))
        if n
    )


def recorded_file_name(name: str, sha256: str, redactor: "Redactor | None" = None) -> str:
    """The export's file name as the wave records it: itself, or ``export-<hash>`` if it holds an identifier.

    The name is checked like a free-text answer (e-mails, phones, addresses…,
    and the export's own names and structures through ``redactor``), with ``_``
    and ``.`` read as spaces. A name holding any of them is replaced whole by
    the first 12 hex digits of the export's SHA-256, which still tells which
    file was imported.

    Examples
    --------
    >>> recorded_file_name("export_enquete_2026.csv", "ab" * 32)
    'export_enquete_2026.csv'
    >>> recorded_file_name("reponses_jo.martin@exemple.org.xlsx", "ab" * 32)
    'export-abababababab.xlsx'
    >>> recorded_file_name("Export 06 39 98 00 00.csv", "ab" * 32)
    'export-abababababab.csv'
    """
    name = str(name)
    stem, dot, suffix = name.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,5}", suffix):
        stem, suffix = name, ""
    spaced = re.sub(r"[_+]+", " ", stem)
    found = (redactor or Redactor({})).spans(stem) or (redactor or Redactor({})).spans(spaced)
    # Ten digits or more in a row are a phone number or a SIRET written without separators.
    if found or re.search(r"\d{9,}", stem):
        return f"export-{sha256[:12]}" + (f".{suffix.lower()}" if suffix else "")
    return name


def excerpt(cell: str, limit: int = 60) -> str:
    """A cell as a message may quote it: identifiers replaced, at most ``limit`` characters.

    Only the cell's start is looked at, so a 50 MB cell costs no more than a short one.

    >>> excerpt("Contact : jo@exemple.org " + "x" * 100, 30)
    'Contact : [courriel] xxxxxxxx…'
    """
    raw = str(cell)
    head = Redactor({}).redact(" ".join(raw[: limit * 4].split()))
    if len(head) <= limit and len(raw) <= limit * 4:
        return head
    return head[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- pseudonyms
def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def load_key(key_file: str | os.PathLike | None = None, *, repository: Path | None = None) -> bytes:
    """Read the pseudonymisation key from ``key_file`` or the environment.

    Order: ``key_file``; the file named by ``CIATSTUDY_PSEUDONYM_KEY_FILE``;
    the key itself in ``CIATSTUDY_PSEUDONYM_KEY``. The key must hold at least
    16 bytes (make one with ``python -c "import secrets; print(secrets.token_hex(32))"``)
    and a key file must lie outside the repository, so that it is never
    committed with the data.

    Raises
    ------
    DataError
        No key, a key too short, or a key file inside the repository.
    """
    from ..data.config import project_root

    repository = Path(repository) if repository else project_root()
    key_file = key_file or os.environ.get(KEY_FILE_ENV)
    if key_file:
        path = Path(key_file).expanduser()
        if not path.is_file():
            raise DataError("pseudonymisation key file not found", file=str(path))
        if _inside(path, repository):
            raise DataError(
                f"the pseudonymisation key must stay outside the repository ({repository}); "
                "move it, e.g. to ~/.config/ciatstudy/pseudonym.key",
                file=str(path),
            )
        key = path.read_bytes().strip()
        where = str(path)
    else:
        env = os.environ.get(KEY_ENV, "")
        if not env:
            raise DataError(f"linkage across waves needs a key: pass --key-file or set {KEY_ENV}")
        key, where = env.strip().encode("utf-8"), KEY_ENV
    if len(key) < MIN_KEY_BYTES:
        raise DataError(
            f"the pseudonymisation key holds {len(key)} bytes; at least {MIN_KEY_BYTES} are needed "
            '(python -c "import secrets; print(secrets.token_hex(32))")',
            file=where,
        )
    return key


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key, to tell which key made a wave's pseudonyms.

    >>> key_id(b"0" * 32)
    'k-aa5cc073'
    """
    return "k-" + hashlib.sha256(b"ciatstudy key id\x00" + key).hexdigest()[:8]


def pseudonym(value: str, key: bytes, *, kind: str = "email") -> str:
    """Keyed pseudonym of an identifier: ``p-`` and 16 hex digits of HMAC-SHA256.

    The value is normalised first (case, accents, spaces), so ``Jo@Exemple.org ``
    and ``jo@exemple.org`` give the same pseudonym; the kind is part of the
    message, so an e-mail and a name never collide.

    Examples
    --------
    >>> key = b"k" * 32
    >>> pseudonym("Jo@Exemple.org ", key) == pseudonym("jo@exemple.org", key)
    True
    >>> pseudonym("jo@exemple.org", key)
    'p-13cf6b03ad45b773'
    """
    if not value or not str(value).strip():
        raise ValueError("cannot make a pseudonym of an empty value")
    message = f"ciatstudy/v1/{kind}/{normalise(value)}".encode("utf-8")
    return "p-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


# --------------------------------------------------------------------------- checking outputs
_TEXT_SUFFIXES = {
    ".csv",
    ".json",
    ".yaml",
    ".yml",
    ".md",
    ".txt",
    ".html",
    ".htm",
    ".py",
    ".ipynb",
    ".svg",
    ".xml",
    ".tsv",
}


def _texts_of(path: Path) -> Iterable[tuple[str, str]]:
    """(where, text) pairs of a file: itself, or every member of a zip container (XLSX)."""
    if path.suffix.lower() in {".xlsx", ".zip", ".docx"}:
        try:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield f"{path}!{name}", archive.read(name).decode("utf-8", "replace")
        except zipfile.BadZipFile:
            yield str(path), path.read_bytes().decode("latin-1")
        return
    data = path.read_bytes()
    if path.suffix.lower() in _TEXT_SUFFIXES:
        yield str(path), data.decode("utf-8", "replace")
    elif data[:8] == b"\x89PNG\r\n\x1a\n":  # only a PNG's text chunks can carry words; pixels cannot
        yield str(path), _png_text(data)
    else:  # other binaries: metadata may still carry text
        yield str(path), data.decode("latin-1")


def _png_text(data: bytes) -> str:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG, decoded."""
    import zlib

    out, pos = [], 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            out.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            out.append(key.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1", "replace"))
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            flag, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\0")  # language tag
            _, _, text = rest.partition(b"\0")  # translated keyword
            out.append(
                key.decode("latin-1") + " " + (zlib.decompress(text) if flag else text).decode("utf-8", "replace")
            )
        pos += 12 + length
    return "\n".join(out)


def scan_files(paths: Iterable[str | os.PathLike], needles: Iterable[str]) -> list[tuple[str, str]]:
    """Which of ``needles`` (identifier values) appear in which file, case- and accent-insensitively.

    Walks folders, opens XLSX/zip members, reads other binaries as Latin-1 so
    that text in their metadata is seen. Returns (where, needle) pairs; empty
    means none was found. Meant for tests and for the build's final check over
    ``data/processed``, ``figures`` and ``reports``.
    """
    folded = {}
    for needle in needles:
        key = " ".join(_fold_with_map(str(needle).strip())[0].split())
        if len(key) >= 3:
            folded[key] = needle
    files = []
    for p in map(Path, paths):
        files += sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else ([p] if p.exists() else [])
    # Whole words only: "Inès" must not match inside "inlineStr".
    patterns = {key: re.compile(r"(?<![0-9a-z])" + re.escape(key) + r"(?![0-9a-z])") for key in folded}
    hits = []
    for f in files:
        for where, text in _texts_of(f):
            text = " ".join(_fold_with_map(html.unescape(text))[0].split())
            hits += [(where, original) for key, original in folded.items() if patterns[key].search(text)]
    return hits

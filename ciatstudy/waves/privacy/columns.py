"""Identifier columns: which header or which column of cells names, reaches or locates a respondent.

A header announces a kind (:func:`header_identifier_kind`, from its words);
failing that, a column is an identifier column when a cell is nothing but an
e-mail, a phone number or an IP address, or when its cells are the names of
structures (:func:`column_identifier_kind`).
"""

from __future__ import annotations

import re
from typing import Iterable

from .detectors import value_identifier_kind
from .folding import normalise

__all__ = ["header_identifier_kind", "column_identifier_kind"]

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

"""The CIAT questionnaire as deployed in each survey tool: question texts, answer labels, LimeSurvey codes,
KoboToolbox XML names.

Defined here once; the default import mappings (``ciatstudy/waves/importers/mappings/``) say the same, and a
test imports a synthetic export of every format back into the answers it was drawn from.
"""

from __future__ import annotations

import re
import unicodedata

from ...data.codebook import Codebook

__all__ = ["FORMATS", "kobo_name", "kobo_item_names"]

FORMATS = ("surveymonkey", "limesurvey", "google", "kobo", "plain")

# --------------------------------------------------------------------------- the questionnaire as deployed
SEGMENT_QUESTION = "Votre structure est-elle une Maison des associations (MDA) ?"
SEGMENT_ANSWERS = {"mda": "Oui", "non_mda": "Non"}
Q1_TEXT = (
    "Êtes-vous d’accord avec les affirmations suivantes sur la coopération inter-associative territoriale (CIAT) ?"
)
AGREEMENT = {3: "Entièrement d’accord", 2: "D’accord", 1: "Pas d’accord"}
KOBO_AGREEMENT = {3: "entierement", 2: "d_accord", 1: "pas_d_accord"}
LIME_AGREEMENT = {3: "A1", 2: "A2", 1: "A3"}
OTHER_LABEL = {"surveymonkey": "Autre (veuillez préciser)", "google": "Autre"}
# Free-text questions: corpus -> question text as asked (the codebook's wording).
FREE_TEXT_ORDER = ("definition", "q3_explanation", "q7_example", "argument")
# Where the questionnaire asks its follow-up free texts: right after these questions; "argument" closes it.
FREE_TEXT_AFTER = {"q3": "q3_explanation", "q7": "q7_example"}
CLOSING_FREE_TEXT = "argument"
LIME_CODES = {"definition": "DEFINITION", "q3_explanation": "Q3EXPL", "q7_example": "Q7EX", "argument": "ARGUMENT"}
KOBO_FREE = {
    "definition": "definition_ciat",
    "q3_explanation": "pourquoi_secteur",
    "q7_example": "exemple_pratique",
    "argument": "argumentaire",
}
KOBO_QUESTIONS = {
    "q1": "affirmations",
    "q2": "declencheurs",
    "q3": "cooperer_secteur",
    "q4": "freins",
    "q5": "facteurs",
    "q6": "consolider",
    "q7": "emergence",
    "q8": "role",
}
KOBO_GROUPS = {
    "q1": "affirmations",
    "q2": "cooperation",
    "q3": "cooperation",
    "q4": "cooperation",
    "q5": "cooperation",
    "q6": "cooperation",
    "q7": "accompagnement",
    "q8": "accompagnement",
}
OTHER_CORPUS = {"q4": "q4_remark", "q8": "q8_comment"}


def kobo_name(label: str, taken: set[str] | None = None) -> str:
    """The XML name KoboToolbox's form builder derives from a choice label (lower case, ASCII, 24 chars).

    >>> kobo_name("Une contrainte de l'environnement")
    'une_contrainte_de_l_envi'
    """
    text = "".join(c for c in unicodedata.normalize("NFD", label) if unicodedata.category(c) != "Mn")
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:24].rstrip("_") or "choix"
    if taken is not None:
        base, k = name, 1
        while name in taken:
            k += 1
            name = f"{base[:21]}_{k:02d}"
        taken.add(name)
    return name


def kobo_item_names(codebook: Codebook) -> dict[str, str]:
    """Item code -> XML name of the row (q1) or choice (q2–q8) in the KoboToolbox form."""
    names, taken = {}, set()
    for q in codebook.questions:
        taken = set()
        for code, label in q.items:
            names[code] = f"aff_{code.lower()}" if q.kind == "agreement3" else kobo_name(label, taken)
    return names

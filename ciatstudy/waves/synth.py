"""Synthetic survey waves: realistic exports of the CIAT questionnaire, for tests and benchmarks.

``ciatstudy synth --n 200 --seed 1 --format kobo --output kobo.csv`` writes what
KoboToolbox (or SurveyMonkey, LimeSurvey, Google Forms, or a plain table)
would export had ``n`` structures answered the CIAT questionnaire set up in
that tool: contact fields (names, structures, e-mails, phones, IP addresses),
answers drawn around wave 2014's per-segment results, French free text that
sometimes mentions a person, a phone number or an e-mail, skipped questions,
and the small untidiness of real files (typographic apostrophes, a label in
lower case, a trailing space, an abandoned response).

Every name and number is fictitious and chosen where it cannot reach anyone:
e-mail domains under ``example.org`` (RFC 2606), phone numbers in the ranges
ARCEP reserves for fiction (01 99 00 …, 06 39 98 …), IP addresses in the
documentation blocks (RFC 5737).

How the questionnaire looks in each tool (question texts, LimeSurvey codes,
KoboToolbox XML names) is defined here once; the default import mappings
(``ciatstudy/waves/importers/mappings/``) say the same, and a test imports a
synthetic export of every format back into the answers it was drawn from.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..data.codebook import Codebook
from ..errors import DataError

__all__ = ["FORMATS", "SynthWave", "synth_wave", "synth", "export_rows", "configure_parser", "kobo_name"]

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


# --------------------------------------------------------------------------- fictitious people
FIRST_NAMES = [
    "Claire",
    "Julien",
    "Sophie",
    "Mathieu",
    "Nadia",
    "Karim",
    "Élodie",
    "Thomas",
    "Hélène",
    "Yannick",
    "Aurélie",
    "Sébastien",
    "Fatima",
    "Laurent",
    "Maëlle",
    "Grégoire",
    "Inès",
    "Pascal",
    "Brigitte",
    "Joël",
    "Amandine",
    "Rachid",
    "Solène",
    "Benoît",
    "Céline",
    "Mamadou",
    "Anaïs",
    "Hervé",
    "Lucie",
    "Franck",
]
LAST_NAMES = [
    "Lefèvre",
    "Moreau",
    "Girard",
    "Durand",
    "Roussel",
    "Benali",
    "Le Goff",
    "Nguyen",
    "Fontaine",
    "Chevalier",
    "Perrin",
    "Garnier",
    "Kerbrat",
    "Lambert",
    "Bonnet",
    "Faure",
    "Mercier",
    "Diallo",
    "Rivière",
    "Guérin",
    "Marchand",
    "Boyer",
    "Le Floch",
    "Carpentier",
    "Hamidi",
    "Texier",
    "Vasseur",
    "Poulain",
    "Besnard",
    "Aubry",
]
CITIES = [
    "Quimperlé",
    "Créon",
    "Montreuil",
    "Villeurbanne",
    "Lorient",
    "Saint-Nazaire",
    "Roubaix",
    "Besançon",
    "Mâcon",
    "Albi",
    "Périgueux",
    "Vannes",
    "Chambéry",
    "Dieppe",
    "Auxerre",
    "Agen",
    "Nevers",
    "Laval",
    "Rodez",
    "Tulle",
    "Bègles",
    "Épinal",
    "Figeac",
    "Morlaix",
    "Alès",
    "Redon",
    "Dole",
    "Privas",
    "Guéret",
    "Millau",
]
NON_MDA_TYPES = [
    "Centre social",
    "Office municipal des sports",
    "Comité des fêtes",
    "Ligue de l’enseignement",
    "Point d’appui à la vie associative",
    "Fédération des foyers ruraux",
    "Maison de quartier",
    "Association culturelle",
    "Espace de vie sociale",
    "Comité départemental olympique",
]
ROLES = [
    "Directrice",
    "Directeur",
    "Président",
    "Présidente",
    "Coordinatrice",
    "Chargé de mission vie associative",
    "Animatrice",
    "Trésorier",
    "Délégué général",
    "Secrétaire",
]

FREE_TEXTS = {
    "definition": [
        "Pour nous, la CIAT va bien au-delà de la simple mutualisation de moyens : c’est construire ensemble un "
        "projet pour le territoire.",
        "Mutualiser du matériel, des locaux, parfois un emploi partagé ; mais surtout apprendre à se connaître.",
        "Une coopération durable entre associations d’un même bassin de vie, autour d’un diagnostic partagé.",
        "C’est avant tout une démarche : partir des besoins des habitants, réunir les associations concernées, "
        "agir ensemble.",
        "Travailler à plusieurs associations sur un projet commun, chacune gardant son identité et son projet "
        "associatif.",
        "Des liens réguliers, une confiance construite dans le temps, puis des actions communes (forum, formation "
        "des bénévoles, achats groupés).",
        "Beaucoup plus qu’une mutualisation : une manière de faire vivre le territoire à plusieurs.",
    ],
    "q3_explanation": [
        "Dans le même secteur on parle le même langage, mais on se dispute les mêmes financements.",
        "Entre secteurs différents, on se complète au lieu de se concurrencer.",
        "Ce qui compte, c’est le projet, pas le secteur.",
        "Le sport et la culture se croisent déjà lors du forum ; cela facilite les choses.",
        "Tout dépend des personnes et de la confiance entre elles.",
    ],
    "q4_remark": [
        "Le renouvellement des bénévoles dirigeants.",
        "La peur de perdre la maîtrise de son projet.",
        "Le manque de locaux pour se réunir.",
        "Les calendriers des financeurs, trop courts.",
    ],
    "q7_example": [
        "Un petit déjeuner des associations chaque trimestre, avec un thème choisi ensemble.",
        "La réponse commune à l’appel à projets de la CAF par trois associations du quartier.",
        "Un groupement d’employeurs pour partager un poste de comptable.",
        "Le forum des associations, préparé par un collectif et non plus par la mairie seule.",
        "Une formation commune des trésoriers, organisée avec le DLA.",
    ],
    "q8_comment": [
        "Les deux, selon le moment du projet.",
        "Plutôt facilitateur : nous mettons en relation.",
        "Centre de ressources, sans porter les projets.",
    ],
    "argument": [
        "Il faut encourager ces pratiques : à plusieurs, on touche des publics qu’aucune association ne toucherait "
        "seule.",
        "Oui, mais sans injonction : la coopération ne se décrète pas, elle se construit.",
        "Les appels à projets poussent à la concurrence ; coopérer est une réponse, à condition d’avoir du temps "
        "d’animation.",
        "Encourager, oui, en finançant l’animation de la coopération et pas seulement des actions.",
        "C’est la condition de survie de nombreuses petites associations rurales.",
    ],
}
CONTACT_SENTENCES = [
    " N’hésitez pas à me joindre au {phone} ou par courriel ({email}).",
    " Voir avec {first} {last}, qui a porté le projet à la {structure}.",
    " Contact : {email}.",
]


@dataclass
class SynthRespondent:
    segment: str
    answers: dict[str, int | None]
    texts: dict[str, str]  # corpus -> text (q4_remark / q8_comment are the "other" texts)
    contact: dict[str, str]  # first, last, structure, role, email, phone, ip, city
    submitted: _dt.datetime
    asked_q8_other: bool = False


@dataclass
class SynthWave:
    """Synthetic respondents and the answers they gave (the truth an import must give back)."""

    codebook: Codebook
    respondents: list[SynthRespondent]
    seed: int

    def truth(self) -> pd.DataFrame:
        """One row per respondent, segment and item codes (Int8, missing = no answer), export order."""
        rows = [{"segment": r.segment, **r.answers} for r in self.respondents]
        frame = pd.DataFrame(rows, columns=["segment", *self.codebook.item_codes])
        return frame.astype({c: "Int8" for c in self.codebook.item_codes})

    def identifiers(self) -> list[str]:
        """Every identifier value written into the exports (for privacy tests)."""
        out = []
        for r in self.respondents:
            c = r.contact
            out += [c["first"] + " " + c["last"], c["last"], c["email"], c["phone"], c["ip"], c["structure"]]
        return out


# --------------------------------------------------------------------------- drawing answers
_RATES: dict = {}


def _baseline_rates(codebook: Codebook):
    """Per segment and item, wave 2014's share (or 3/2/1 distribution): what synthetic answers are drawn around."""
    from ..data.config import project_root
    from ..data.io import load_wave

    key = (str(project_root()), codebook.item_codes.__repr__())
    if key in _RATES:
        return _RATES[key]
    wave = load_wave("2014")
    rates = {}
    for seg in codebook.segment_codes:
        sub = wave.responses[wave.responses[codebook.segment_variable] == seg]
        for q in codebook.questions:
            for code in q.codes:
                values = sub[code].dropna().astype(int)
                if q.kind == "agreement3":
                    rates[(seg, code)] = [(values == s).mean() if len(values) else 1 / 3 for s in (3, 2, 1)]
                else:
                    rates[(seg, code)] = values.mean() if len(values) else 0.3
    _RATES[key] = rates
    return rates


def _draw_answers(codebook: Codebook, segment: str, rates, rnd: random.Random) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    partial = rnd.random() < 0.04  # left the survey after question 4
    for q in codebook.questions:
        skip = rnd.random() < 0.04 or (partial and q.number > 4)
        if skip:
            answers.update({code: None for code in q.codes})
            continue
        if q.kind == "agreement3":
            for code in q.codes:
                w = [max(0.02, p + rnd.gauss(0, 0.06)) for p in rates[(segment, code)]]
                answers[code] = None if rnd.random() < 0.02 else rnd.choices((3, 2, 1), weights=w)[0]
        elif q.kind == "multi":
            chosen = {
                code: int(rnd.random() < min(0.95, max(0.03, rates[(segment, code)] + rnd.gauss(0, 0.08))))
                for code in q.codes
            }
            if not any(chosen.values()):
                chosen[max(q.codes, key=lambda c: rates[(segment, c)])] = 1
            answers.update(chosen)
        else:
            pick = rnd.choices(q.codes, weights=[max(0.02, rates[(segment, c)]) for c in q.codes])[0]
            answers.update({code: int(code == pick) for code in q.codes})
    return answers


def _ascii(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _contact(i: int, segment: str, rnd: random.Random) -> dict[str, str]:
    first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
    city = CITIES[i % len(CITIES)] if i < len(CITIES) else f"{rnd.choice(CITIES)}-{i // len(CITIES) + 1}"
    structure = (
        f"Maison des associations de {city}"
        if segment == "mda"
        else f"{NON_MDA_TYPES[i % len(NON_MDA_TYPES)]} de {city}"
    )
    domain = (
        f"mda-{_ascii(city)}.example.org"
        if segment == "mda"
        else rnd.choice(["example.org", "example.net", f"{_ascii(city)}.example.org"])
    )
    email = f"{_ascii(first).replace('-', '')}.{_ascii(last).replace('-', '')}{i + 1}@{domain}"
    digits = f"{i // 100 % 100:02d} {i % 100:02d}"
    phone = rnd.choice(
        [f"01 99 00 {digits}", f"06 39 98 {digits}", f"+33 6 39 98 {digits}", f"01.99.00.{digits.replace(' ', '.')}"]
    )
    block = ["192.0.2", "198.51.100", "203.0.113"][i // 250 % 3]
    return {
        "first": first,
        "last": last,
        "structure": structure,
        "role": rnd.choice(ROLES),
        "email": email,
        "phone": phone,
        "ip": f"{block}.{i % 250 + 1}",
        "city": city,
    }


def _texts(codebook: Codebook, answers, contact, rnd: random.Random) -> dict[str, str]:
    texts = {}
    for corpus in FREE_TEXT_ORDER:
        if rnd.random() < 0.7:
            text = rnd.choice(FREE_TEXTS[corpus])
            if rnd.random() < 0.15:
                text += rnd.choice(CONTACT_SENTENCES).format(**contact)
            texts[corpus] = text
    if answers.get("4A") is not None and rnd.random() < 0.25:
        texts["q4_remark"] = rnd.choice(FREE_TEXTS["q4_remark"])
    return texts


def synth_wave(n: int, seed: int, *, codebook: Codebook | None = None) -> SynthWave:
    """Draw ``n`` synthetic respondents (deterministic for a given seed).

    Examples
    --------
    >>> wave = synth_wave(5, seed=1)
    >>> len(wave.respondents), wave.truth().shape[1]
    (5, 62)
    """
    from ..data.io import load_codebook
    from ..data.config import Paths

    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    codebook = codebook or load_codebook(Paths.for_wave("2014").raw / "codebook.yaml")
    rnd = random.Random(seed)
    rates = _baseline_rates(codebook)
    share_mda = 12 / 28
    start = _dt.datetime(2025, 3, 3, 9, 0, 0)
    people = []
    for i in range(n):
        segment = "mda" if rnd.random() < share_mda else "non_mda"
        answers = _draw_answers(codebook, segment, rates, rnd)
        contact = _contact(i, segment, rnd)
        texts = _texts(codebook, answers, contact, rnd)
        if answers.get("8C") == 1:
            texts["q8_comment"] = rnd.choice(FREE_TEXTS["q8_comment"])
        submitted = start + _dt.timedelta(minutes=int(i * 47 + rnd.random() * 40))
        people.append(SynthRespondent(segment, answers, texts, contact, submitted))
    return SynthWave(codebook, people, seed)


# --------------------------------------------------------------------------- untidiness of real files
def _variant(label: str, rnd: random.Random) -> str:
    """A label as it sometimes comes back: other apostrophe, other case, trailing space."""
    r = rnd.random()
    if r < 0.04:
        return label.replace("’", "'")
    if r < 0.06:
        return label[:1].lower() + label[1:]
    if r < 0.08:
        return label + " "
    return label


# --------------------------------------------------------------------------- layouts
def _question_text(codebook: Codebook, qid: str) -> str:
    return Q1_TEXT if qid == "q1" else codebook.question(qid).wording.replace("'", "’")


def _free_wording(codebook: Codebook, corpus: str) -> str:
    for spec in codebook.raw.get("free_text") or []:
        if spec.get("id") == corpus:
            return str(spec.get("wording", corpus)).replace("'", "’")
    raise KeyError(corpus)


def _label(codebook: Codebook, code: str) -> str:
    return codebook.label(code).replace("'", "’")


def _surveymonkey(wave: SynthWave, rnd: random.Random) -> list[list]:
    cb = wave.codebook
    top = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
        "Vos coordonnées",
        "",
        "",
        "",
        "",
        "Votre fonction dans la structure",
        SEGMENT_QUESTION,
    ]
    second = [
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Nom",
        "Entreprise",
        "Ville",
        "Adresse e-mail",
        "Numéro de téléphone",
        "Open-Ended Response",
        "Response",
    ]
    layout: list[tuple] = []  # what each question column holds

    def add_free(corpus):
        top.append(_free_wording(cb, corpus))
        second.append("Open-Ended Response")
        layout.append(("free", corpus))

    add_free("definition")
    for q in cb.questions:
        text = _question_text(cb, q.id)
        if q.kind == "single":
            top.extend([text, ""])
            second.extend(["Response", OTHER_LABEL["surveymonkey"]])
            layout.extend([("single", q.id), ("other", q.id)])
        else:
            for j, code in enumerate(q.codes):
                top.append(text if j == 0 else "")
                second.append(_label(cb, code))
                layout.append(("item", code))
            if q.id in OTHER_CORPUS:
                top.append("")
                second.append(OTHER_LABEL["surveymonkey"])
                layout.append(("other", q.id))
        if q.id == "q3":
            add_free("q3_explanation")
        if q.id == "q7":
            add_free("q7_example")
    add_free("argument")
    rows = [top, second]
    for i, r in enumerate(wave.respondents):
        c = r.contact
        invited = rnd.random() < 0.6
        start = r.submitted - _dt.timedelta(minutes=rnd.randint(6, 25))
        stamp = lambda d: d.strftime("%m/%d/%Y %I:%M:%S %p")  # noqa: E731
        row = [
            str(11432789000 + 137 * i),
            "431298774",
            stamp(start),
            stamp(r.submitted),
            c["ip"],
            c["email"] if invited else "",
            c["first"] if invited else "",
            c["last"] if invited else "",
            "",
            f"{c['first']} {c['last']}",
            c["structure"],
            c["city"],
            c["email"],
            c["phone"],
            c["role"],
            SEGMENT_ANSWERS[r.segment],
        ]
        for what, ref in layout:
            if what == "free":
                row.append(r.texts.get(ref, ""))
            elif what == "item":
                value = r.answers[ref]
                q = cb.question_of(ref)
                if q.kind == "agreement3":
                    row.append("" if value is None else _variant(AGREEMENT[value], rnd))
                else:
                    row.append(_label(cb, ref) if value == 1 else "")
            elif what == "single":
                q = cb.question(ref)
                chosen = [code for code in q.codes if r.answers[code] == 1]
                other_code = q.codes[-1]
                row.append(_label(cb, chosen[0]) if chosen and chosen[0] != other_code else "")
            elif what == "other":
                corpus = OTHER_CORPUS[ref]
                if ref == "q8":
                    chosen = r.answers[cb.question("q8").codes[-1]] == 1
                    row.append(r.texts.get(corpus, "Autre") if chosen else "")
                else:
                    row.append(r.texts.get(corpus, ""))
        rows.append(row)
    return rows


def _google(wave: SynthWave, rnd: random.Random) -> list[list]:
    cb = wave.codebook
    header = [
        "Horodateur",
        "Adresse e-mail",
        "Nom et prénom",
        "Structure",
        "Fonction / responsabilité",
        "Téléphone (facultatif)",
        SEGMENT_QUESTION,
    ]
    layout: list[tuple] = []

    def add_free(corpus):
        header.append(_free_wording(cb, corpus))
        layout.append(("free", corpus))

    add_free("definition")
    for q in cb.questions:
        text = _question_text(cb, q.id)
        if q.kind == "agreement3":
            for code in q.codes:
                header.append(f"{text} [{_label(cb, code)}]")
                layout.append(("item", code))
        else:
            header.append(text)
            layout.append(("joined", q.id))
        if q.id == "q3":
            add_free("q3_explanation")
        if q.id == "q7":
            add_free("q7_example")
    add_free("argument")
    rows = [header]
    for r in wave.respondents:
        c = r.contact
        row = [
            r.submitted.strftime("%d/%m/%Y %H:%M:%S"),
            c["email"],
            f"{c['first']} {c['last']}",
            c["structure"],
            c["role"],
            c["phone"] if rnd.random() < 0.5 else "",
            _variant(SEGMENT_ANSWERS[r.segment], rnd),
        ]
        for what, ref in layout:
            if what == "free":
                row.append(r.texts.get(ref, ""))
            elif what == "item":
                value = r.answers[ref]
                row.append("" if value is None else _variant(AGREEMENT[value], rnd))
            else:
                q = cb.question(ref)
                chosen = [code for code in q.codes if r.answers[code] == 1]
                if q.kind == "single" and chosen and chosen[0] == q.codes[-1] and ref in OTHER_CORPUS:
                    row.append(r.texts.get(OTHER_CORPUS[ref]) or _label(cb, chosen[0]))  # "Autre :" typed text
                    continue
                parts = [_variant(_label(cb, code), rnd).strip() for code in chosen]
                if ref in OTHER_CORPUS and r.texts.get(OTHER_CORPUS[ref]) and q.kind == "multi":
                    parts.append(r.texts[OTHER_CORPUS[ref]])
                row.append(", ".join(parts))
        rows.append(row)
    return rows


def _limesurvey(wave: SynthWave, rnd: random.Random) -> list[list]:
    cb = wave.codebook
    header = [
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "token",
        "firstname",
        "lastname",
        "email",
        "NOM",
        "STRUCTURE",
        "FONCTION",
        "COURRIEL",
        "MDA",
    ]
    layout: list[tuple] = [("free", LIME_CODES["definition"], "definition")]
    header.append(LIME_CODES["definition"])
    for q in cb.questions:
        qc = f"Q{q.number}"
        if q.kind == "single":
            header.extend([qc, f"{qc}[other]"])
            layout.extend([("single", qc, q.id), ("other", f"{qc}[other]", q.id)])
        else:
            for j, code in enumerate(q.codes, start=1):
                header.append(f"{qc}[SQ{j:03d}]")
                layout.append(("item", header[-1], code))
            if q.id in OTHER_CORPUS:
                header.append(f"{qc}[other]")
                layout.append(("other", header[-1], q.id))
        if q.id == "q3":
            header.append(LIME_CODES["q3_explanation"])
            layout.append(("free", header[-1], "q3_explanation"))
        if q.id == "q7":
            header.append(LIME_CODES["q7_example"])
            layout.append(("free", header[-1], "q7_example"))
    header.extend([LIME_CODES["argument"], "interviewtime"])
    layout.append(("free", LIME_CODES["argument"], "argument"))
    rows = [header]
    abandoned_at = len(wave.respondents) // 2 if len(wave.respondents) >= 8 else None
    rid = 0
    for i, r in enumerate(wave.respondents):
        if i == abandoned_at:  # someone opened the survey and left at once: no segment, no answer
            rid += 1
            stamp = (r.submitted - _dt.timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M:%S")
            rows.append(
                [
                    str(rid),
                    "",
                    "1",
                    "fr",
                    str(rnd.randint(10**8, 10**9)),
                    stamp,
                    stamp,
                    "198.51.100.250",
                    "",
                    "",
                    "",
                    "",
                    "",
                    *[""] * (len(header) - 13),
                ]
            )
        rid += 1
        c = r.contact
        complete = all(r.answers[code] is not None for code in cb.question("q8").codes) or rnd.random() < 0.5
        start = r.submitted - _dt.timedelta(minutes=rnd.randint(6, 25))
        row = [
            str(rid),
            r.submitted.strftime("%Y-%m-%d %H:%M:%S") if complete else "",
            "6" if complete else "3",
            "fr",
            str(rnd.randint(10**8, 10**9)),
            start.strftime("%Y-%m-%d %H:%M:%S"),
            r.submitted.strftime("%Y-%m-%d %H:%M:%S"),
            c["ip"],
            "",
            "",
            "",
            "",
            "",
            f"{c['first']} {c['last']}",
            c["structure"],
            c["role"],
            c["email"],
            "A1" if r.segment == "mda" else "A2",
        ]
        for what, col, ref in layout:
            if what == "free":
                row.append(r.texts.get(ref, ""))
            elif what == "item":
                value = r.answers[ref]
                if cb.question_of(ref).kind == "agreement3":
                    row.append("" if value is None else LIME_AGREEMENT[value])
                else:
                    row.append("Y" if value == 1 else "")
            elif what == "single":
                q = cb.question(ref)
                chosen = [j for j, code in enumerate(q.codes, start=1) if r.answers[code] == 1]
                if not chosen:
                    row.append("")
                else:
                    row.append("-oth-" if chosen[0] == len(q.codes) else f"A{chosen[0]}")
            elif what == "other":
                if ref == "q8":
                    row.append(r.texts.get("q8_comment", "") if r.answers[cb.question("q8").codes[-1]] == 1 else "")
                else:
                    row.append(r.texts.get(OTHER_CORPUS[ref], ""))
        row.append(f"{rnd.randint(300, 1500)},{rnd.randint(0, 99):02d}")  # timing with a decimal comma
        rows.append(row)
    return rows


def _kobo(wave: SynthWave, rnd: random.Random) -> list[list]:
    cb = wave.codebook
    names = kobo_item_names(cb)
    header = [
        "start",
        "end",
        "today",
        "username",
        "deviceid",
        "phonenumber",
        "identification/nom",
        "identification/structure",
        "identification/fonction",
        "identification/courriel",
        "identification/telephone",
        "identification/mda",
        "definition/definition_ciat",
    ]
    layout: list[tuple] = [("free", "definition")]
    for q in cb.questions:
        group, qname = KOBO_GROUPS[q.id], KOBO_QUESTIONS[q.id]
        if q.kind == "agreement3":
            for code in q.codes:
                header.append(f"{group}/{names[code]}")
                layout.append(("agree", code))
        elif q.kind == "multi":
            header.append(f"{group}/{qname}")
            layout.append(("joined", q.id))
            for code in q.codes:
                header.append(f"{group}/{qname}/{names[code]}")
                layout.append(("split", code))
            if q.id in OTHER_CORPUS:
                header.append(f"{group}/{qname}_autre")
                layout.append(("other", q.id))
        else:
            header.append(f"{group}/{qname}")
            layout.append(("select_one", q.id))
            header.append(f"{group}/{qname}_autre")
            layout.append(("other", q.id))
        if q.id == "q3":
            header.append(f"cooperation/{KOBO_FREE['q3_explanation']}")
            layout.append(("free", "q3_explanation"))
        if q.id == "q7":
            header.append(f"accompagnement/{KOBO_FREE['q7_example']}")
            layout.append(("free", "q7_example"))
    header.append(f"conclusion/{KOBO_FREE['argument']}")
    layout.append(("free", "argument"))
    header += [
        "__version__",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "_tags",
        "_index",
    ]
    rows = [header]
    for i, r in enumerate(wave.respondents):
        c = r.contact
        start = r.submitted - _dt.timedelta(minutes=rnd.randint(6, 25))
        iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.000+01:00")  # noqa: E731
        row = [
            iso(start),
            iso(r.submitted),
            r.submitted.strftime("%Y-%m-%d"),
            "rnma_enquete",
            f"collect:{rnd.getrandbits(48):012x}",
            "",
            f"{c['first']} {c['last']}",
            c["structure"],
            c["role"],
            c["email"],
            c["phone"],
            "oui" if r.segment == "mda" else "non",
            r.texts.get("definition", ""),
        ]
        for what, ref in layout[1:]:
            if what == "free":
                row.append(r.texts.get(ref, ""))
            elif what == "agree":
                value = r.answers[ref]
                row.append("" if value is None else KOBO_AGREEMENT[value])
            elif what == "joined":
                q = cb.question(ref)
                answered = any(r.answers[code] is not None for code in q.codes)
                row.append(" ".join(names[code] for code in q.codes if r.answers[code] == 1) if answered else "")
            elif what == "split":
                value = r.answers[ref]
                row.append("" if value is None else str(value))
            elif what == "select_one":
                q = cb.question(ref)
                chosen = [code for code in q.codes if r.answers[code] == 1]
                row.append(names[chosen[0]] if chosen else "")
            elif what == "other":
                row.append(r.texts.get(OTHER_CORPUS[ref], "") if ref != "q8" or r.answers["8C"] == 1 else "")
        uid = (
            f"{rnd.getrandbits(32):08x}-{rnd.getrandbits(16):04x}-4{rnd.getrandbits(12):03x}-"
            f"a{rnd.getrandbits(12):03x}-{rnd.getrandbits(48):012x}"
        )
        row += [
            "vQxT3kB8dWm4Zr9",
            str(180000000 + 17 * i),
            uid,
            r.submitted.strftime("%Y-%m-%dT%H:%M:%S"),
            "",
            "",
            "submitted_via_web",
            "",
            "",
            str(i + 1),
        ]
        rows.append(row)
    return rows


def _plain(wave: SynthWave, rnd: random.Random) -> list[list]:
    cb = wave.codebook
    header = ["respondent_id", "segment", *cb.item_codes, "nom", "courriel", "definition", "argument"]
    rows = [header]
    for i, r in enumerate(wave.respondents, start=1):
        cells = []
        for code in cb.item_codes:
            v = r.answers[code]
            cells.append("" if v is None else (f"{v},0" if rnd.random() < 0.03 else str(v)))
        rows.append(
            [
                f"R{i:03d}",
                cb.segment_label(r.segment),
                *cells,
                f"{r.contact['first']} {r.contact['last']}",
                r.contact["email"],
                r.texts.get("definition", ""),
                r.texts.get("argument", ""),
            ]
        )
    return rows


_LAYOUTS = {"surveymonkey": _surveymonkey, "google": _google, "limesurvey": _limesurvey, "kobo": _kobo, "plain": _plain}
# (encoding, delimiter, quote everything, line end) of each tool's CSV.
CSV_STYLE = {
    "surveymonkey": ("utf-8-sig", ",", False, "\r\n"),
    "google": ("utf-8", ",", False, "\r\n"),
    "limesurvey": ("utf-8", ";", True, "\n"),
    "kobo": ("utf-8", ";", True, "\r\n"),
    "plain": ("cp1252", ";", False, "\r\n"),
}


def export_rows(wave: SynthWave, format: str) -> list[list[str]]:
    """The records (header rows included) of ``wave`` as ``format`` exports them."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {FORMATS}")
    return _LAYOUTS[format](wave, random.Random(f"{wave.seed}/{format}"))


def csv_bytes(rows: list[list[str]], format: str) -> bytes:
    encoding, delimiter, quote_all, end = CSV_STYLE[format]
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=end, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    )
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx_value(text: str, format: str):
    if re.fullmatch(r"-?[1-9]\d{0,14}|0", text) and format != "plain":
        return int(text)
    return text if text != "" else None


def synth(n: int, seed: int, format: str, output: str | Path | None = None) -> Path:
    """Write a synthetic export of ``n`` respondents as ``format`` writes it; return its path.

    ``output`` ending in ``.xlsx`` gives a workbook (two header rows for
    SurveyMonkey, numbers as numbers), anything else the tool's CSV: UTF-8 with
    BOM for SurveyMonkey, ``;`` and quoted fields for LimeSurvey and
    KoboToolbox, Windows-1252 with ``;`` for the plain table (Excel's French
    "CSV"). Default output: ``synth-<format>-n<n>-s<seed>.csv``.
    """
    from ..data.io import atomic_path

    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {FORMATS}")
    rows = export_rows(synth_wave(n, seed), format)
    target = Path(output or f"synth-{format}-n{n}-s{seed}.csv")
    with atomic_path(target) as tmp:
        if target.suffix.lower() == ".xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = {"kobo": "CIAT 2025", "surveymonkey": "Sheet"}.get(format, "Réponses")
            for row in rows:
                sheet.append([_xlsx_value(v, format) for v in row])
            book.save(tmp)
        else:
            tmp.write_bytes(csv_bytes(rows, format))
    return target


# --------------------------------------------------------------------------- command line
def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Arguments of ``ciatstudy synth``."""
    parser.add_argument("--n", type=int, required=True, help="number of respondents")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same file)")
    parser.add_argument("--format", required=True, choices=FORMATS, help="the survey tool whose export to imitate")
    # Required: the file holds made-up names and e-mails, which must not land unnoticed in the checkout.
    parser.add_argument("--output", metavar="PATH", required=True, help="file to write (.csv or .xlsx)")
    parser.set_defaults(func=run_synth)
    return parser


def run_synth(args: argparse.Namespace) -> int:
    if args.n < 1:
        raise DataError(f"--n must be at least 1, got {args.n}")
    path = synth(args.n, args.seed, args.format, args.output)
    print(
        f"wrote {path}: synthetic {args.format} export of {args.n} respondents (seed {args.seed}); "
        "fictitious names and contacts"
    )
    return 0

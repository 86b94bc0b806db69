"""Synthetic respondents: fictitious people, their contact data, answers drawn around wave 2014's results, free text.

Every name and number is fictitious and chosen where it cannot reach anyone: e-mail domains under
``example.org`` (RFC 2606), phone numbers in the ranges ARCEP reserves for fiction (01 99 00 …, 06 39 98 …),
IP addresses in the documentation blocks (RFC 5737).
"""

from __future__ import annotations

import datetime as _dt
import random
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from ...data.codebook import Codebook
from .questionnaire import FREE_TEXT_ORDER

__all__ = ["SynthRespondent", "SynthWave", "synth_wave"]

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
    import hashlib

    from ...data.config import Paths
    from ...data.io import load_wave

    # Keyed by what the rates are drawn from (wave 2014's raw files), not by the project's folder: every
    # throw-away project holding the same 2014 data draws around the same rates (0.25 s saved per wave).
    raw = Paths.for_wave("2014").raw
    digest = hashlib.sha256()
    for path in sorted(p for p in raw.rglob("*") if p.is_file()):
        digest.update(path.relative_to(raw).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    key = (digest.hexdigest(), repr([(q.kind, q.codes) for q in codebook.questions]), tuple(codebook.segment_codes))
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
    from ...data.config import Paths
    from ...data.io import load_codebook

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

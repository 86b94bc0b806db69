"""Personal data stays out: no identifier of any fixture is written under data/raw/<wave>/, except as a keyed pseudonym.

``fixture_identifiers(name)`` lists every identifier a fixture holds (read from its contact columns, not
from the importer's own detection); the build's end-to-end test can reuse it to scan ``data/processed``,
``figures`` and ``reports`` with :func:`ciatstudy.waves.privacy.scan_files`.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import pandas as pd
import pytest

from ciatstudy.errors import DataError
from ciatstudy.waves.importers import import_export
from ciatstudy.data.io import load_wave
from ciatstudy.waves.privacy import (
    IDENTIFIER_KINDS,
    SPACY_PER_PRECISION,
    Redactor,
    column_identifier_kind,
    excerpt,
    find_identifiers,
    header_identifier_kind,
    key_id,
    load_key,
    pseudonym,
    recorded_file_name,
    scan_files,
    value_identifier_kind,
)
from test_import import FIX, FIXTURES, fixture_rows, root, write_xlsx  # noqa: F401  (root is a fixture)

# Identifier columns of each fixture, by header (SurveyMonkey: row-1 question and row-2 sub-field).
IDENTIFIER_COLUMNS = {
    "surveymonkey.csv": [
        "Respondent ID",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Vos coordonnées/Nom",
        "Vos coordonnées/Entreprise",
        "Vos coordonnées/Ville",
        "Vos coordonnées/Adresse e-mail",
        "Vos coordonnées/Numéro de téléphone",
    ],
    "google_forms.csv": ["Adresse e-mail", "Nom et prénom", "Structure", "Téléphone (facultatif)"],
    "limesurvey.csv": ["ipaddr", "NOM", "STRUCTURE", "COURRIEL"],
    "kobotoolbox.csv": [
        "identification/nom",
        "identification/structure",
        "identification/courriel",
        "identification/telephone",
        "deviceid",
        "_uuid",
    ],
    "plain_excel_fr.csv": ["nom", "courriel"],
}
NAME_COLUMNS = ("First Name", "Last Name", "Vos coordonnées/Nom", "Nom et prénom", "NOM", "identification/nom", "nom")


def _headers(name: str, rows) -> list[str]:
    if FIXTURES[name][0] != "surveymonkey":
        return rows[0]
    out, current = [], ""
    for top, sub in zip(rows[0], rows[1]):
        current = top or current
        out.append(f"{current}/{sub}" if sub and sub not in ("Response", "Open-Ended Response") else current)
    return out


def fixture_identifiers(name: str) -> list[str]:
    """Every identifier value of a fixture: contact cells, plus each word of a person's name."""
    rows = fixture_rows(name)
    headers = _headers(name, rows)
    body = rows[2:] if FIXTURES[name][0] == "surveymonkey" else rows[1:]
    values = set()
    for column in IDENTIFIER_COLUMNS[name]:
        i = headers.index(column)
        for row in body:
            value = row[i].strip()
            if not value:
                continue
            values.add(value)
            if column in NAME_COLUMNS:
                values |= {w for w in re.split(r"[\s-]+", value) if len(w) >= 4}
    return sorted(values)


def test_every_fixture_holds_identifiers_and_the_scan_finds_them():
    for name in FIXTURES:
        needles = fixture_identifiers(name)
        assert len(needles) >= 24, name
        assert scan_files([FIX / name], needles), name  # positive control: the scan works


@pytest.mark.parametrize("name", list(FIXTURES))
@pytest.mark.parametrize("linked", [False, True], ids=["dropped", "pseudonymised"])
def test_no_identifier_of_a_fixture_is_written(root, tmp_path_factory, name, linked):
    key_file = None
    if linked:
        key_file = tmp_path_factory.mktemp("secrets") / "ciat.key"
        key_file.write_text("3f9a1c0e5b7d2468ace13579bdf02468\n")
    summary = import_export(FIX / name, format=FIXTURES[name][0], wave="2025", key_file=key_file)
    folder = root / "data" / "raw" / "2025"
    needles = fixture_identifiers(name)
    assert scan_files([folder], needles) == []
    assert summary.pseudonymised is linked and summary.identifiers
    if linked:
        assert scan_files([folder], ["3f9a1c0e5b7d2468ace13579bdf02468"]) == []  # the key itself
        ids = pd.read_csv(folder / "responses.csv", dtype=str)["respondent_id"]
        assert ids.str.fullmatch(r"p-[0-9a-f]{16}").all()


def test_the_same_xlsx_leaks_nothing_either(root, tmp_path):
    path = write_xlsx(fixture_rows("kobotoolbox.csv"), tmp_path / "kobo.xlsx")
    import_export(path, format="kobo", wave="2025")
    assert scan_files([root / "data/raw/2025"], fixture_identifiers("kobotoolbox.csv")) == []


def test_identifiers_inside_free_text_are_replaced_by_tags(root):
    summary = import_export(FIX / "surveymonkey.csv", format="surveymonkey", wave="2025")
    quotes = load_wave("2025").table("quotes")
    text = " ".join(quotes["text"])
    assert "[téléphone]" in text and "[courriel]" in text
    assert "[nom] ([structure])" in text  # another respondent's name and structure
    assert summary.redactions >= 4
    assert "Une coopération durable entre associations d’un même bassin de vie" in text  # the rest is kept


def test_a_column_of_e_mails_is_dropped_even_unmapped(root, tmp_path):
    from test_import import write_like

    rows = fixture_rows("google_forms.csv")
    rows[0].append("Pour être recontacté(e) après l’enquête")
    for i, row in enumerate(rows[1:], start=1):
        row.append(f"contact{i}@asso-exemple.example.net" if i % 2 else "")
    summary = import_export(write_like(rows, tmp_path / "f.csv", "google"), format="google", wave="2025")
    assert any("recontacté" in column and kind == "email" for column, kind in summary.identifiers)
    assert not summary.unmapped
    assert scan_files([root / "data/raw/2025"], ["asso-exemple.example.net"]) == []


# --------------------------------------------------------------------------- pseudonyms
def _hmac_id(key: bytes, email: str) -> str:
    message = f"ciatstudy/v1/email/{email.strip().casefold()}".encode()
    return "p-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def test_pseudonyms_are_hmac_sha256_of_the_email_and_link_waves(root, tmp_path_factory):
    secrets = tmp_path_factory.mktemp("secrets")
    key_file = secrets / "ciat.key"
    key_file.write_text("0123456789abcdef0123456789abcdef\n")
    key = b"0123456789abcdef0123456789abcdef"
    import_export(FIX / "google_forms.csv", format="google", wave="2025a", key_file=key_file)
    import_export(FIX / "google_forms.csv", format="google", wave="2025b", key_file=key_file)
    a, b = load_wave("2025a").responses, load_wave("2025b").responses
    assert a["respondent_id"].tolist() == b["respondent_id"].tolist()
    rows = fixture_rows("google_forms.csv")
    emails = [r[rows[0].index("Adresse e-mail")] for r in rows[1:]]
    assert a["respondent_id"].tolist() == [_hmac_id(key, e) for e in emails]
    codebook = (root / "data/raw/2025a/codebook.yaml").read_text(encoding="utf-8")
    assert f"key_id: {key_id(key)}" in codebook and key.decode() not in codebook

    other = secrets / "other.key"
    other.write_text("fedcba9876543210fedcba9876543210")
    import_export(FIX / "google_forms.csv", format="google", wave="2025c", key_file=other)
    assert not set(load_wave("2025c").responses["respondent_id"]) & set(a["respondent_id"])


def test_the_same_people_get_the_same_pseudonym_whatever_the_tool(root, tmp_path, tmp_path_factory, monkeypatch):
    from ciatstudy.waves.synth.command import synth

    monkeypatch.setenv("CIATSTUDY_PSEUDONYM_KEY", "une clé de test assez longue pour HMAC")
    for fmt in ("surveymonkey", "kobo"):
        import_export(synth(15, 4, fmt, tmp_path / f"{fmt}.csv"), format=fmt, wave=f"2026-{fmt}")
    monkey, kobo = (load_wave(f"2026-{f}").responses for f in ("surveymonkey", "kobo"))
    assert monkey["respondent_id"].tolist() == kobo["respondent_id"].tolist()
    assert monkey["respondent_id"].str.startswith("p-").all()


def test_the_key_must_live_outside_the_repository_and_be_long_enough(root, tmp_path_factory):
    inside = root / "pseudonym.key"
    inside.write_text("0123456789abcdef0123456789abcdef")
    with pytest.raises(DataError, match="outside the repository"):
        import_export(FIX / "google_forms.csv", format="google", wave="2025", key_file=inside)
    short = tmp_path_factory.mktemp("secrets") / "short.key"
    short.write_text("court")
    with pytest.raises(DataError, match="at least 16"):
        load_key(short, repository=root)
    with pytest.raises(DataError, match="needs a key"):
        load_key(None, repository=root)
    assert not (root / "data/raw/2025").exists()


def test_pseudonym_normalises_and_separates_kinds():
    key = b"k" * 32
    assert pseudonym(" Claire.Martin@Example.org", key) == pseudonym("claire.martin@example.org", key)
    assert pseudonym("Dupont", key, kind="name") != pseudonym("Dupont", key, kind="structure")
    with pytest.raises(ValueError):
        pseudonym("  ", key)


# --------------------------------------------------------------------------- detection
@pytest.mark.parametrize(
    "header, kind",
    [
        ("Email Address", "email"),
        ("Adresse e-mail", "email"),
        ("identification/courriel", "email"),
        ("COURRIEL", "email"),
        ("IP Address", "ip"),
        ("ipaddr", "ip"),
        ("Adresse IP", "ip"),
        ("First Name", "name"),
        ("Last Name", "name"),
        ("Nom et prénom", "name"),
        ("Prénom", "name"),
        ("Vos coordonnées [Numéro de téléphone]", "phone"),
        ("phonenumber", "phone"),
        ("Téléphone (facultatif)", "phone"),
        ("Nom de la structure", "structure"),
        ("Structure", "structure"),
        ("Vos coordonnées [Entreprise]", "structure"),
        ("Vos coordonnées [Ville]", "address"),
        ("Adresse postale", "address"),
        ("Fonction / responsabilité", "role"),
        ("username", "account"),
        ("_submitted_by", "account"),
        ("token", "account"),
        ("_geolocation", "location"),
        ("Coordonnées", "contact"),
    ],
)
def test_identifier_headers_are_recognised(header, kind):
    assert header_identifier_kind(header) == kind


@pytest.mark.parametrize(
    "header",
    [
        "Votre structure est-elle une Maison des associations (MDA) ?",
        "Quels sont les freins à cette coopération ?",
        "Horodateur",
        "Q1[SQ001]",
        "affirmations/aff_1a",
        "Response ID",
        "segment",
        "1A",
    ],
)
def test_question_headers_are_not_identifiers(header):
    assert header_identifier_kind(header) is None


def test_identifier_values_and_free_text():
    assert value_identifier_kind("jo@exemple.org") == "email"
    assert value_identifier_kind("2001:db8::1") == "ip" and value_identifier_kind("2001:db8:0:0:0:0:0:1") == "ip"
    assert value_identifier_kind("06.39.98.12.34") == "phone" and value_identifier_kind("0033 1 99 00 12 34") == "phone"
    assert value_identifier_kind("3") is None and value_identifier_kind("2,5") is None
    assert value_identifier_kind("2025-03-03 10:21:15") is None
    assert column_identifier_kind("Pour vous joindre", ["", "Non merci", "01 99 00 12 34"]) == "phone"
    assert [k for k, _ in find_identifiers("Écrire à a.b@c.example.org, tél. +33 6 39 98 12 34, IP 203.0.113.9")] == [
        "email",
        "phone",
        "ip",
    ]


def test_redaction_ignores_case_accents_and_keeps_the_rest():
    r = Redactor({"Hélène Guérin": "name", "Guérin": "name", "Maison des associations de Créon": "structure"})
    text = "Avec HELENE GUERIN et l'équipe de la maison des associations de Creon, merci !"
    assert r.redact(text) == "Avec [nom] et l'équipe de la [structure], merci !"
    assert r.redact("La guérison est lente.") == "La guérison est lente."  # whole words only


# --------------------------------------------------------------------------- identifiers inside free text
PHONES = [
    "06 39 98 00 00",
    "(+33) 6 39 98 00 00",
    "+33 6 39 98 00 00",
    "+33 (0)6 39 98 00 00",
    "+33639980000",
    "0033 6 39 98 00 00",
    "06.39.98.00.00",
    "06-39-98-00-00",
    "0639980000",
    "01 99 00 12 34",
    "+33 1 99 00 12 34",
    "+44 20 7946 0958",
    "+1 (555) 010-0199",
    "+49 30 901820",
    "+32 2 555 12 12",
    "0044 20 7946 0958",
    "06\u00a039\u00a098\u00a000\u00a000",
]
EMAILS = [
    "jo@exemple.org",
    "prenom.nom@mda-creon.example.org",
    "prenom.nom (at) domaine.org",
    "prenom.nom [at] domaine.org",
    "prenom.nom[at]domaine.org",
    "prenom.nom arobase domaine.org",
    "prenom.nom AT domaine.org",
    "prenom.nom(at)domaine(dot)org",
    "prenom (point) nom (at) domaine (point) fr",
    "jo arobase exemple point fr",
    "Jean.Dupont+ciat@Exemple.ORG",
    "jo {at} exemple.org",
]
IPS = [
    "203.0.113.9",
    "192.0.2.1",
    "2001:db8::1",
    "2001:0db8:0000:0000:0000:0000:0000:0001",
    "fe80::1%eth0",
    "::ffff:192.0.2.1",
    "2001:db8:85a3::8a2e:370:7334",
]
URLS = [
    "https://www.linkedin.com/in/jean-dupont-12345/",
    "linkedin.com/in/jdupont",
    "https://fr.linkedin.com/in/jd",
    "https://www.facebook.com/jean.dupont",
    "facebook.com/profile.php?id=100000",
    "https://twitter.com/jdupont",
    "https://x.com/jdupont",
    "https://www.instagram.com/jean.dupont/",
    "https://mastodon.social/@jdupont",
    "https://www.youtube.com/@jeandupont",
    "https://wa.me/33639980000",
    "https://github.com/jdupont",
    "https://calendly.com/jean-dupont/30min",
    "https://www.malt.fr/profile/jeandupont",
]
SIRETS = ["73282932000074", "732 829 320 00074", "732.829.320.00074", "552 100 554", "552100554"]
# Numbers that fail the Luhn check count when the word SIRET or SIREN announces them.
SIRETS_ANNOUNCED = [
    "SIRET 123 456 789 00012",
    "SIRET : 12345678900012",
    "SIREN 123456789",
    "n° SIRET 732 829 320 00074",
    "SIREN : 123 456 789",
]
ADDRESSES = [
    "12 rue de la Paix",
    "12 rue de la paix",
    "3 bis avenue Jean Jaurès, 75011 Paris",
    "75011 Paris",
    "14 place du Marché 33000 Bordeaux",
    "5 chemin des Vignes 38400 Saint-Martin-d’Hères",
    "BP 123",
    "13001 Marseille Cedex 01",
    "8 boulevard du 8 Mai 1945",
    "2 allée des Tilleuls",
    "12, impasse Victor Hugo",
    "1 cours Mirabeau 13100 Aix-en-Provence",
    "CS 20001",
]
CASES_BY_KIND = {"phone": PHONES, "email": EMAILS, "ip": IPS, "url": URLS, "siret": SIRETS, "address": ADDRESSES}
NOT_IDENTIFIERS = [
    "En 2014-2015, 28 structures ont répondu.",
    "12 % des MDA, soit 79 % des répondants.",
    "Un budget de 15 000 €.",
    "15 000 euros par an, 150 000 000 € au total, 1 234 567 890 €.",
    "Le 01/02/2014 à 10:21:15.",
    "Le 12.03.2014, puis le 2014-03-12.",
    "Dans le 33, le 06 et le 2A.",
    "Les départements 01, 02 et 03.",
    "Version 3.8.0 du logiciel.",
    "+15 % en un an, 3,5 % de plus.",
    "2 000 bénévoles et 1 500 000 associations.",
    "Trois cours de français, 2 places et 35 route à faire.",
    "Entre 10 et 12 heures, 1er semestre 2015.",
    "Le CA du 12 mars.",
    "Article 1.2.3 du règlement.",
    "Voir le site https://www.associations.gouv.fr/le-fdva.html.",
    "Une réunion à 18h30, 45 minutes.",
    "Le numéro 3 du bulletin, page 12.",
    "De 2012 à 2014 : +20 %.",
    "Plus de 10 000 adhérents dans 75 communes.",
    "Un adhérent sur 4 (25 %).",
    "Les associations du territoire coopèrent au sein de la MDA de Créon.",
    "Oui !",
    "",
    "Un budget de 552 100 554 € et 552100554 euros.",
    "Au 1er janvier 2015, 12 345 adhérents.",
]


@pytest.mark.parametrize("kind", list(CASES_BY_KIND))
def test_every_form_of_an_identifier_in_free_text_is_replaced(kind):
    for value in CASES_BY_KIND[kind]:
        text = f"Pour nous joindre : {value}, merci."
        redactor = Redactor({})
        out = redactor.redact(text)
        assert out == f"Pour nous joindre : {IDENTIFIER_KINDS[kind]}, merci.", (value, out)
        assert redactor.counts == {kind: 1}, (value, redactor.counts)


def test_announced_siret_and_siren_are_replaced_keeping_the_word():
    for value in SIRETS_ANNOUNCED:
        word, number = re.match(r"(.*?(?:SIRET|SIREN)\s*:?\s*)(.*)", value).groups()
        assert Redactor({}).redact(f"Notre {value}.") == f"Notre {word}[SIRET].", value
    assert Redactor({}).redact("Le 123 456 789 est un nombre.") == "Le 123 456 789 est un nombre."  # not Luhn


def test_identifiers_of_several_kinds_in_one_answer():
    text = (
        "Contact : prenom.nom (at) domaine.org ou (+33) 6 39 98 00 00 (IP 2001:db8::1), "
        "https://www.linkedin.com/in/prenom-nom, SIRET 123 456 789 00012, 12 rue des Lilas 33000 Bordeaux."
    )
    r = Redactor({})
    assert r.redact(text) == (
        "Contact : [courriel] ou [téléphone] (IP [adresse IP]), [lien personnel], SIRET [SIRET], [adresse]."
    )
    assert r.counts == {"email": 1, "phone": 1, "ip": 1, "url": 1, "siret": 1, "address": 1} and r.count == 6


@pytest.mark.parametrize("text", NOT_IDENTIFIERS)
def test_years_amounts_dates_and_departments_are_not_redacted(text):
    assert find_identifiers(text) == [], text
    assert Redactor({}).redact(text) == text


def test_names_from_the_contact_columns_are_replaced_and_counted():
    r = Redactor({"Claire Martin": "name", "Martin": "name", "Association Les Amis du Parc": "structure"})
    out = r.redact("Voir avec claire MARTIN, de l’association les amis du parc ; Martine reste.")
    assert out == "Voir avec [nom], de l’[structure] ; Martine reste."
    assert r.counts == {"name": 1, "structure": 1}


def test_spacy_person_names_precision_on_the_2014_quotes_is_as_documented():
    """The figure behind the decision not to redact spaCy's PER entities (privacy.SPACY_PER_PRECISION)."""
    import spacy

    from ciatstudy.data.io import load_wave
    from ciatstudy.text.lemmas import MODEL

    nlp = spacy.load(MODEL, exclude=["parser", "lemmatizer"])  # the analysis itself leaves NER out
    quotes = load_wave("2014").table("quotes")
    spans = [e.text for text in quotes["text"] for e in nlp(text).ents if e.label_ == "PER"]
    # Nobody is named in the 2014 quotes (organisations speak): every PER span is a false positive.
    persons = [s for s in spans if s in ()]
    assert (len(persons), len(spans)) == SPACY_PER_PRECISION["2014 quotes"]
    assert "France Bénévolat" in spans


def test_the_import_summary_counts_redactions_per_kind(root, tmp_path):
    from test_import import write_like

    rows = fixture_rows("google_forms.csv")
    col = next(i for i, h in enumerate(rows[0]) if h.startswith("Votre définition"))
    rows[1][col] = "Écrire à prenom.nom (at) domaine.org ou au (+33) 6 39 98 00 00."
    rows[2][col] = "Au 12 rue des Lilas 33000 Bordeaux, SIRET 123 456 789 00012, https://www.linkedin.com/in/jd-1"
    rows[3][col] = "Depuis 203.0.113.9 et 2001:db8::1, tél. 01 99 00 12 34, en 2014-2015 pour 15 000 €."
    summary = import_export(write_like(rows, tmp_path / "f.csv", "google"), format="google", wave="2025")
    counts = summary.redaction_counts
    assert counts["email"] >= 1 and counts["phone"] >= 2 and counts["ip"] == 2
    assert counts["address"] == 1 and counts["siret"] == 1 and counts["url"] == 1
    assert "[téléphone]" in summary.text() and "[adresse IP]" in summary.text()
    quotes = " ".join(load_wave("2025").table("quotes")["text"])
    assert "en 2014-2015 pour 15 000 €" in quotes
    leaked = ["domaine.org", "39 98 00 00", "Lilas", "456 789", "linkedin", "203.0.113", "db8", "99 00 12"]
    assert scan_files([root / "data/raw/2025"], leaked) == []


@pytest.mark.parametrize(
    "name",
    [
        "jean.dupont@asso.example.org.csv",
        "export_06 39 98 00 00.csv",
        "reponses_0639980000.xlsx",
        "Export (+33) 6 39 98 00 00 - final.csv",
        "resultats-prenom.nom(at)domaine.org.csv",
    ],
)
def test_an_identifier_in_the_exports_file_name_is_not_recorded(root, tmp_path, name):
    import shutil

    path = tmp_path / name
    if path.suffix == ".xlsx":
        write_xlsx(fixture_rows("google_forms.csv"), path)
    else:
        shutil.copy(FIX / "google_forms.csv", path)
    summary = import_export(path, format="google", wave="2025")
    assert summary.source.startswith("export-") and summary.source.endswith(path.suffix)
    folder = root / "data/raw/2025"
    stem = path.stem
    assert scan_files([folder], [stem, "39 98 00", "0639980000", "dupont", "domaine"]) == []
    assert summary.source in (folder / "README.md").read_text(encoding="utf-8")
    assert summary.source in (folder / "codebook.yaml").read_text(encoding="utf-8")


def test_a_plain_file_name_is_kept():
    assert recorded_file_name("enquete_ciat_2026-03.csv", "0" * 64) == "enquete_ciat_2026-03.csv"
    assert recorded_file_name("Export SurveyMonkey 19 mars.xlsx", "0" * 64) == "Export SurveyMonkey 19 mars.xlsx"
    assert recorded_file_name("Export Dupont.csv", "ab" * 32, Redactor({"Dupont": "name"})) == "export-abababababab.csv"


@pytest.mark.parametrize(
    "header",
    [
        "Nom de votre structure",
        "Nom de votre structure :",
        "NOMSTRUCT",
        "STRUCT",
        "Raison sociale",
        "Organisme",
        "structure_name",
        "Nom de l’association",
        "Identification de la structure",
        "Q00_structure",
        "Dénomination",
        "Nom de votre collectivité",
        "Votre organisation",
    ],
)
def test_structure_name_columns_are_identifying(header):
    assert header_identifier_kind(header) == "structure"


@pytest.mark.parametrize(
    "header",
    [
        "Type de structure",
        "Secteur d’activité de votre structure",
        "Nombre de salariés de votre structure",
        "Budget annuel de votre association",
        "Votre structure est-elle une Maison des associations (MDA) ?",
    ],
)
def test_questions_about_the_structure_are_not_identifiers(header):
    assert header_identifier_kind(header) is None


@pytest.mark.parametrize(
    "fixture, fmt",
    [("google_forms.csv", "google"), ("limesurvey.csv", "limesurvey"), ("surveymonkey.csv", "surveymonkey")],
)
@pytest.mark.parametrize("header", ["Nom de votre structure", "NOMSTRUCT", "Q99"])
def test_a_structure_column_is_dropped_not_reported_unmapped(root, tmp_path, fixture, fmt, header):
    from test_import import write_like

    rows = fixture_rows(fixture)
    start = 2 if fmt == "surveymonkey" else 1
    rows[0].append(header)
    if fmt == "surveymonkey":
        rows[1].append("Response")
    names = []
    for i, row in enumerate(rows[start:], start=1):
        names.append(f"Association Les Amis de Kerbrat{i}" if i % 3 else f"MDA de Plouzec{i}")
        row.append(names[-1])
    summary = import_export(write_like(rows, tmp_path / "f.csv", fmt), format=fmt, wave="2025")
    assert not any(header in c for c in summary.unmapped)
    assert any(header in c and kind == "structure" for c, kind in summary.identifiers)
    assert scan_files([root / "data/raw/2025"], names) == []


def test_excerpt_is_short_and_redacted_whatever_the_cell():
    assert excerpt("x" * 50_000_000, 40) == "x" * 39 + "…"
    assert excerpt("jo@exemple.org", 40) == "[courriel]"
    assert len(excerpt("Appelez le 06 39 98 00 00 " * 100, 60)) <= 60


@pytest.mark.parametrize(
    "text",
    [
        "1 chemin " + "de " * 10_000,
        "1 rue " + "d" * 30_000,
        "a." * 16_000,
        "linkedin.com/" + "a" * 32_000,
        "0 " * 16_000,
        "ab:" * 10_000,
        "75011 Paris-" * 2_700,
        "1 chemin " + "Abc " * 8_000,
        "a (at) " * 4_500,
    ],
    ids=["particles", "long word", "dots", "url", "digits", "colons", "towns", "caps", "at"],
)
def test_redaction_stays_linear_on_the_longest_hostile_cells(text):
    """No pattern backtracks without end on a cell of the longest size the import accepts (32 767)."""
    import time

    started = time.process_time()
    Redactor({"Jean Dupont": "name"}).redact(text[:32_767])
    assert time.process_time() - started < 3  # about 0.1-0.5 s; an exponential pattern takes minutes

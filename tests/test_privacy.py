"""Personal data stays out: no identifier of any fixture is written under data/raw/<wave>/, except as a keyed pseudonym.

``fixture_identifiers(name)`` lists every identifier a fixture holds (read from its contact columns, not
from the importer's own detection); the build's end-to-end test can reuse it to scan ``data/processed``,
``figures`` and ``reports`` with :func:`ciatstudy.privacy.scan_files`.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import pandas as pd
import pytest

from ciatstudy.errors import DataError
from ciatstudy.importers import import_export
from ciatstudy.io import load_wave
from ciatstudy.privacy import (Redactor, column_identifier_kind, find_identifiers, header_identifier_kind,
                               key_id, load_key, pseudonym, scan_files, value_identifier_kind)
from test_import import FIX, FIXTURES, fixture_rows, root, write_xlsx  # noqa: F401  (root is a fixture)

# Identifier columns of each fixture, by header (SurveyMonkey: row-1 question and row-2 sub-field).
IDENTIFIER_COLUMNS = {
    "surveymonkey.csv": ["Respondent ID", "IP Address", "Email Address", "First Name", "Last Name",
                         "Vos coordonnées/Nom", "Vos coordonnées/Entreprise", "Vos coordonnées/Ville",
                         "Vos coordonnées/Adresse e-mail", "Vos coordonnées/Numéro de téléphone"],
    "google_forms.csv": ["Adresse e-mail", "Nom et prénom", "Structure", "Téléphone (facultatif)"],
    "limesurvey.csv": ["ipaddr", "NOM", "STRUCTURE", "COURRIEL"],
    "kobotoolbox.csv": ["identification/nom", "identification/structure", "identification/courriel",
                        "identification/telephone", "deviceid", "_uuid"],
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
        assert scan_files([FIX / name], needles), name          # positive control: the scan works


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
        assert scan_files([folder], ["3f9a1c0e5b7d2468ace13579bdf02468"]) == []   # the key itself
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
    assert "[nom] ([structure])" in text       # another respondent's name and structure
    assert summary.redactions >= 4
    assert "Une coopération durable entre associations d’un même bassin de vie" in text   # the rest is kept


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
    from ciatstudy.synth import synth

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
@pytest.mark.parametrize("header, kind", [
    ("Email Address", "email"), ("Adresse e-mail", "email"), ("identification/courriel", "email"),
    ("COURRIEL", "email"), ("IP Address", "ip"), ("ipaddr", "ip"), ("Adresse IP", "ip"),
    ("First Name", "name"), ("Last Name", "name"), ("Nom et prénom", "name"), ("Prénom", "name"),
    ("Vos coordonnées [Numéro de téléphone]", "phone"), ("phonenumber", "phone"), ("Téléphone (facultatif)", "phone"),
    ("Nom de la structure", "name"), ("Structure", "structure"), ("Vos coordonnées [Entreprise]", "structure"),
    ("Vos coordonnées [Ville]", "address"), ("Adresse postale", "address"), ("Fonction / responsabilité", "role"),
    ("username", "account"), ("_submitted_by", "account"), ("token", "account"), ("_geolocation", "location"),
    ("Coordonnées", "contact"),
])
def test_identifier_headers_are_recognised(header, kind):
    assert header_identifier_kind(header) == kind


@pytest.mark.parametrize("header", [
    "Votre structure est-elle une Maison des associations (MDA) ?", "Quels sont les freins à cette coopération ?",
    "Horodateur", "Q1[SQ001]", "affirmations/aff_1a", "Response ID", "segment", "1A",
])
def test_question_headers_are_not_identifiers(header):
    assert header_identifier_kind(header) is None


def test_identifier_values_and_free_text():
    assert value_identifier_kind("jo@exemple.org") == "email"
    assert value_identifier_kind("2001:db8::1") == "ip" and value_identifier_kind("2001:db8:0:0:0:0:0:1") == "ip"
    assert value_identifier_kind("06.39.98.12.34") == "phone" and value_identifier_kind("0033 1 99 00 12 34") == "phone"
    assert value_identifier_kind("3") is None and value_identifier_kind("2,5") is None
    assert value_identifier_kind("2025-03-03 10:21:15") is None
    assert column_identifier_kind("Pour vous joindre", ["", "Non merci", "01 99 00 12 34"]) == "phone"
    assert [k for k, _ in find_identifiers("Écrire à a.b@c.example.org, tél. +33 6 39 98 12 34, IP 203.0.113.9")] \
        == ["email", "phone", "ip"]


def test_redaction_ignores_case_accents_and_keeps_the_rest():
    r = Redactor({"Hélène Guérin": "name", "Guérin": "name", "Maison des associations de Créon": "structure"})
    text = "Avec HELENE GUERIN et l'équipe de la maison des associations de Creon, merci !"
    assert r.redact(text) == "Avec [nom] et l'équipe de la [structure], merci !"
    assert r.redact("La guérison est lente.") == "La guérison est lente."          # whole words only

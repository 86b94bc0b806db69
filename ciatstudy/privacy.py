"""Personal data at import: find direct identifiers, drop them, or replace them by keyed pseudonyms.

The CIAT questionnaire asks each respondent for a name, a structure, a
responsibility and an e-mail address, and survey tools add their own contact
data (IP address, e-mail of the invitation, device, user name). None of it is
needed by the analysis, so :mod:`ciatstudy.importers` never writes it under
``data/raw/<wave>/``:

* identifier **columns** (named in the mapping, or recognised here by their
  header or their content) are dropped;
* identifiers **inside free text** (e-mail addresses, phone numbers, IP
  addresses, and the names, structures and e-mails given elsewhere in the same
  export) are replaced by a bracketed tag such as ``[courriel retiré]``;
* when the analyst asks for linkage across waves, the respondent id becomes a
  **keyed pseudonym**: HMAC-SHA256 of the normalised e-mail (or structure, or
  name) under a secret key that lives outside the repository. The same person
  gets the same pseudonym in every wave imported with the same key; without
  the key nobody can recompute or reverse it.

Pure functions on strings, except :func:`load_key` (reads the key file) and
:func:`scan_files` (reads the files it is asked to check).
"""

from __future__ import annotations

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

from .errors import DataError

__all__ = [
    "KEY_ENV", "IDENTIFIER_KINDS", "normalise", "header_identifier_kind", "value_identifier_kind",
    "column_identifier_kind", "load_key", "key_id", "pseudonym", "Redactor", "find_identifiers",
    "scan_files",
]

KEY_ENV = "CIATSTUDY_PSEUDONYM_KEY"
KEY_FILE_ENV = "CIATSTUDY_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 16

# Kinds of direct identifiers and the tag that replaces them in free text.
IDENTIFIER_KINDS = {
    "email": "[courriel retiré]",
    "phone": "[téléphone retiré]",
    "ip": "[adresse IP retirée]",
    "name": "[nom retiré]",
    "structure": "[structure retirée]",
    "address": "[adresse retirée]",
    "role": "[fonction retirée]",
    "contact": "[coordonnées retirées]",
    "account": "[compte retiré]",
    "location": "[position retirée]",
}

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# French numbers (01 23 45 67 89, 01.23.45.67.89, +33 1 23 45 67 89, 0033...) and other international ones.
PHONE_RE = re.compile(r"(?<![\w+])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}(?!\d)"
                      r"|(?<![\w+])\+\d{1,3}(?:[\s.-]?\d{2,4}){3,5}(?!\d)")
IPV4_RE = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])")
IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}(?![\w:])")

# Header words that mark an identifier column, by kind (matched on normalised header tokens).
_HEADER_WORDS = {
    "email": {"email", "e-mail", "mail", "courriel", "mel", "adresse-mail"},
    "phone": {"telephone", "tel", "phone", "portable", "mobile", "phonenumber", "fax"},
    "ip": {"ip", "ipaddr", "ipaddress", "adresse-ip"},
    "name": {"nom", "prenom", "name", "firstname", "lastname", "surname", "lastname", "nom-prenom"},
    "structure": {"structure", "organisation", "organization", "association", "entreprise", "company",
                  "societe", "siret", "rna"},
    "address": {"adresse", "address", "ville", "city", "commune", "postal", "cp", "zip"},
    "role": {"fonction", "responsabilite", "responsabilites", "poste", "role", "title"},
    "contact": {"contact", "coordonnees", "coordonnee"},
    "account": {"username", "deviceid", "token", "submitted_by", "submittedby", "utilisateur", "login",
                "simserial", "subscriberid", "imei"},
    "location": {"geolocation", "gps", "latitude", "longitude", "geopoint", "location", "localisation"},
}
# Phrases that look like identifiers but are questions of the survey (checked before the words).
_HEADER_NOT_IDENTIFIER = ("maison des associations", "est-elle", "structure est", "type de structure")


def normalise(text: str) -> str:
    """Fold a label for matching: no HTML, accents, case, typographic quotes or extra spaces.

    Examples
    --------
    >>> normalise("  D’accord  ")
    "d'accord"
    >>> normalise("Entièrement <b>d'accord</b>")
    "entierement d'accord"
    """
    text = html.unescape(re.sub(r"<[^>]+>", " ", str(text)))
    text = unicodedata.normalize("NFKC", text)
    text = (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'").replace("`", "'")
            .replace("\u00b4", "'").replace("\u201c", '"').replace("\u201d", '"').replace("\u00ab", '"')
            .replace("\u00bb", '"').replace("\u2013", "-").replace("\u2014", "-").replace("\u2026", "..."))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(text.casefold().split())


def _tokens(header: str) -> set[str]:
    folded = normalise(header).replace("_", " ").replace("/", " ")
    words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", folded))
    words |= {w.replace("-", "") for w in words}
    joined = folded.replace(" ", "")
    words.add(joined)
    for phrase, word in (("firstname", "firstname"), ("lastname", "lastname"), ("ipaddress", "ipaddress"),
                         ("emailaddress", "email"), ("adresseip", "adresse-ip"), ("adressee-mail", "email"),
                         ("adressemail", "email"), ("nomprenom", "nom-prenom")):
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
    # The most specific kinds first: "Adresse e-mail" is an e-mail, "Adresse IP" an IP address.
    for kind in ("email", "ip", "phone", "account", "location", "name", "role", "structure", "address", "contact"):
        if words & _HEADER_WORDS[kind]:
            return kind
    return None


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
    for kind, pattern in (("email", EMAIL_RE), ("ip", IPV4_RE), ("ip", IPV6_RE), ("phone", PHONE_RE)):
        match = pattern.fullmatch(value)
        if match:
            return kind
    return None


def column_identifier_kind(header: str, values: Iterable[str]) -> str | None:
    """Identifier kind of a whole column, from its header or, failing that, from its cells.

    A column is an identifier column when its header says so, or when any of
    its non-empty cells is an e-mail, phone number or IP address on its own.
    """
    kind = header_identifier_kind(header)
    if kind:
        return kind
    for value in values:
        kind = value_identifier_kind(value)
        if kind:
            return kind
    return None


def find_identifiers(text: str) -> list[tuple[str, str]]:
    """Every e-mail, phone number and IP address in a free text, as (kind, matched text).

    Examples
    --------
    >>> find_identifiers("Écrivez à jo@exemple.org ou au 01 99 00 12 34.")
    [('email', 'jo@exemple.org'), ('phone', '01 99 00 12 34')]
    """
    found = []
    for kind, pattern in (("email", EMAIL_RE), ("ip", IPV4_RE), ("ip", IPV6_RE), ("phone", PHONE_RE)):
        found += [(kind, m.group(0), m.start()) for m in pattern.finditer(str(text))]
    return [(kind, match) for kind, match, _ in sorted(found, key=lambda f: f[2])]


# --------------------------------------------------------------------------- redaction
def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Case- and accent-folded text, with the index in ``text`` of every folded character."""
    out, where = [], []
    for i, ch in enumerate(text):
        ch = {"\u2019": "'", "\u2018": "'", "\u00a0": " ", "\u202f": " "}.get(ch, ch)
        for piece in unicodedata.normalize("NFKD", ch):
            if unicodedata.category(piece) == "Mn":
                continue
            for folded in piece.casefold():
                out.append(folded)
                where.append(i)
    return "".join(out), where


@dataclass
class Redactor:
    """Replaces identifiers in free text by tags.

    ``known`` holds identifier values seen in the export's identifier columns
    (names, structures, e-mails…), each with its kind: they are removed
    wherever they appear in a free-text answer, whatever the case or accents.
    E-mails, phone numbers and IP addresses are removed whether known or not.

    Examples
    --------
    >>> r = Redactor({"Dupont": "name", "MDA de Quimperlé": "structure"})
    >>> r.redact("Merci à M. DUPONT (mda de quimperle) : jo@exemple.org")
    'Merci à M. [nom retiré] ([structure retirée]) : [courriel retiré]'
    """

    known: dict[str, str]
    min_length: int = 3

    def __post_init__(self):
        items = {}
        for value, kind in self.known.items():
            folded = " ".join(_fold_with_map(str(value).strip())[0].split())
            if len(folded) >= self.min_length and kind in IDENTIFIER_KINDS:
                items.setdefault(folded, kind)
        self._kinds = items
        # One pattern for every known value, longest first, so that "MDA de Quimperlé" wins over a shorter
        # value inside it; the text is folded once per call, whatever the number of values.
        alternatives = [r"\s+".join(re.escape(p) for p in value.split())
                        for value in sorted(items, key=lambda v: (-len(v), v))]
        self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)") if alternatives else None
        self.count = 0

    def redact(self, text: str) -> str:
        text = str(text)
        for kind, pattern in (("email", EMAIL_RE), ("ip", IPV4_RE), ("ip", IPV6_RE), ("phone", PHONE_RE)):
            text, n = pattern.subn(IDENTIFIER_KINDS[kind], text)
            self.count += n
        if self._pattern is None:
            return text
        folded, where = _fold_with_map(text)
        spans = [(where[m.start()], where[m.end() - 1] + 1, self._kinds[" ".join(m.group(0).split())])
                 for m in self._pattern.finditer(folded)]
        for start, end, kind in reversed(spans):
            text = text[:start] + IDENTIFIER_KINDS[kind] + text[end:]
            self.count += 1
        return text


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
    from .config import project_root

    repository = Path(repository) if repository else project_root()
    key_file = key_file or os.environ.get(KEY_FILE_ENV)
    if key_file:
        path = Path(key_file).expanduser()
        if not path.is_file():
            raise DataError("pseudonymisation key file not found", file=str(path))
        if _inside(path, repository):
            raise DataError(f"the pseudonymisation key must stay outside the repository ({repository}); "
                            "move it, e.g. to ~/.config/ciatstudy/pseudonym.key", file=str(path))
        key = path.read_bytes().strip()
        where = str(path)
    else:
        env = os.environ.get(KEY_ENV, "")
        if not env:
            raise DataError(f"linkage across waves needs a key: pass --key-file or set {KEY_ENV}")
        key, where = env.strip().encode("utf-8"), KEY_ENV
    if len(key) < MIN_KEY_BYTES:
        raise DataError(f"the pseudonymisation key holds {len(key)} bytes; at least {MIN_KEY_BYTES} are needed "
                        "(python -c \"import secrets; print(secrets.token_hex(32))\")", file=where)
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
_TEXT_SUFFIXES = {".csv", ".json", ".yaml", ".yml", ".md", ".txt", ".html", ".htm", ".py", ".ipynb", ".svg",
                  ".xml", ".tsv"}


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
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
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
            out.append(key.decode("latin-1") + " " + (zlib.decompress(text) if flag else text).decode("utf-8", "replace"))
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

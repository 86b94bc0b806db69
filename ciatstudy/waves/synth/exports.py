"""Each survey tool's export of a synthetic wave: its header rows, answer codes and CSV style.

SurveyMonkey (two header rows), Google Forms, LimeSurvey (codes), KoboToolbox (XML names, groups) and a
plain table, with the small untidiness of real files (typographic apostrophes, a label in lower case, a
trailing space, an abandoned response).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import random

from ...data.codebook import Codebook
from .questionnaire import (
    AGREEMENT,
    CLOSING_FREE_TEXT,
    FORMATS,
    FREE_TEXT_AFTER,
    KOBO_AGREEMENT,
    KOBO_FREE,
    KOBO_GROUPS,
    KOBO_QUESTIONS,
    LIME_AGREEMENT,
    LIME_CODES,
    OTHER_CORPUS,
    OTHER_LABEL,
    Q1_TEXT,
    SEGMENT_ANSWERS,
    SEGMENT_QUESTION,
    kobo_item_names,
)
from .respondents import SynthRespondent, SynthWave

__all__ = ["CSV_STYLE", "export_rows", "csv_bytes"]


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


def _surveymonkey_header(cb: Codebook) -> tuple[list[str], list[str], list[tuple]]:
    """SurveyMonkey's two header rows (question, then sub-field or option) and what each answer column holds."""
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
        if q.id in FREE_TEXT_AFTER:
            add_free(FREE_TEXT_AFTER[q.id])
    add_free(CLOSING_FREE_TEXT)
    return top, second, layout


def _surveymonkey_answers(r: SynthRespondent, cb: Codebook, layout: list[tuple], rnd: random.Random) -> list[str]:
    """A respondent's answer cells in SurveyMonkey's layout: option labels in their own columns."""
    row = []
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
    return row


def _surveymonkey(wave: SynthWave, rnd: random.Random) -> list[list]:
    cb = wave.codebook
    top, second, layout = _surveymonkey_header(cb)
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
        rows.append(row + _surveymonkey_answers(r, cb, layout, rnd))
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
        if q.id in FREE_TEXT_AFTER:
            add_free(FREE_TEXT_AFTER[q.id])
    add_free(CLOSING_FREE_TEXT)
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


def _limesurvey_header(cb: Codebook) -> tuple[list[str], list[tuple]]:
    """LimeSurvey's header of question codes (``Q4[SQ002]``, ``Q8[other]``) and what each answer column holds."""
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
        if q.id in FREE_TEXT_AFTER:
            header.append(LIME_CODES[FREE_TEXT_AFTER[q.id]])
            layout.append(("free", header[-1], FREE_TEXT_AFTER[q.id]))
    header.extend([LIME_CODES[CLOSING_FREE_TEXT], "interviewtime"])
    layout.append(("free", LIME_CODES[CLOSING_FREE_TEXT], CLOSING_FREE_TEXT))
    return header, layout


def _limesurvey_answers(r: SynthRespondent, cb: Codebook, layout: list[tuple]) -> list[str]:
    """A respondent's answer cells in LimeSurvey's layout: answer codes (A1, Y, -oth-)."""
    row = []
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
    return row


def _limesurvey(wave: SynthWave, rnd: random.Random) -> list[list]:
    cb = wave.codebook
    header, layout = _limesurvey_header(cb)
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
            *_limesurvey_answers(r, cb, layout),
        ]
        row.append(f"{rnd.randint(300, 1500)},{rnd.randint(0, 99):02d}")  # timing with a decimal comma
        rows.append(row)
    return rows


def _kobo_header(cb: Codebook, names: dict[str, str]) -> tuple[list[str], list[tuple]]:
    """KoboToolbox's header of group/XML-name paths and what each answer column after the first holds."""
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
        if q.id in FREE_TEXT_AFTER:  # in the group of the question it follows
            header.append(f"{group}/{KOBO_FREE[FREE_TEXT_AFTER[q.id]]}")
            layout.append(("free", FREE_TEXT_AFTER[q.id]))
    header.append(f"conclusion/{KOBO_FREE[CLOSING_FREE_TEXT]}")
    layout.append(("free", CLOSING_FREE_TEXT))
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
    return header, layout


def _kobo_answers(r: SynthRespondent, cb: Codebook, names: dict[str, str], layout: list[tuple]) -> list[str]:
    """A respondent's answer cells in KoboToolbox's layout: XML names, joined and split multiple choices."""
    row = []
    for what, ref in layout:
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
    return row


def _kobo(wave: SynthWave, rnd: random.Random) -> list[list]:
    cb = wave.codebook
    names = kobo_item_names(cb)
    header, layout = _kobo_header(cb, names)
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
            *_kobo_answers(r, cb, names, layout[1:]),
        ]
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

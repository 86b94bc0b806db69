"""Mapping files: how an export's questions, rows, options and answers map to the codebook.

A mapping is a small YAML file. Every format has a default one
(``ciatstudy/waves/importers/mappings/<format>.yaml``) written for the CIAT
questionnaire as it is set up in that tool; an analyst's ``--mapping`` file is
laid over it key by key (:func:`_merge`: mappings merge, lists are added, a
text or ``null`` replaces the default's and the import says so). Whatever a
mapping does not name exactly is matched automatically against the codebook
(:mod:`.matching`). Every key, the merge rules and one example per tool:
``docs/mapping.md``.

Keys (all optional)::

    format: surveymonkey              # checked against --format
    respondent_id: [Respondent ID]    # column(s) holding the tool's response id
    segment:
      question: [Votre structure est-elle une Maison des associations (MDA) ?]
      values: {Oui: mda, Non: non_mda}
    questions:
      q1:
        question: [Êtes-vous d'accord avec les affirmations suivantes ... ?]
        items: {SQ001: 1A}            # export row / option / answer name -> item code
        answers: {A1: 3, A2: 2, A3: 1}   # agreement answers -> score
        other: {match: [other], item: 8C, corpus: q8_comment}
      q5: null                        # not asked in this wave: imported as "no answer"
    free_text:
      definition: [DEFINITION]        # export column(s) -> free-text corpus of the codebook
    identifiers:
      email: [Email Address]          # dropped (or pseudonymised) personal data
    ignore: [Collector ID, Start Date]   # metadata deliberately not imported
    joined: labels                    # one-cell multiple choice: labels (", "), names (spaces) or single
    columns: {Q2A: 2A}                # plain table: a header that is an item code written otherwise
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ...data.codebook import Codebook
from ...errors import DataError
from ..privacy import IDENTIFIER_KINDS
from .layouts import FORMATS, match_key

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
_TOP_KEYS = {
    "format",
    "respondent_id",
    "segment",
    "questions",
    "free_text",
    "identifiers",
    "ignore",
    "joined",
    "description",
    "columns",
}
_QUESTION_KEYS = {"question", "items", "answers", "other"}
_JOINED = ("labels", "names", "single")


@dataclass
class OtherMap:
    match: set[str]
    item: str | None = None
    corpus: str | None = None


@dataclass
class QuestionMap:
    id: str
    kind: str
    absent: bool = False
    question: set[str] = field(default_factory=set)
    items: dict[str, str] = field(default_factory=dict)  # match key -> item code
    answers: dict[str, int] = field(default_factory=dict)  # match key -> score (agreement3)
    other: OtherMap | None = None
    wording: str = ""


@dataclass
class Mapping:
    files: list[str]
    format: str
    respondent_id: list[str]
    segment_question: list[str]
    segment_values: dict[str, str]
    questions: dict[str, QuestionMap]
    free_text: dict[str, list[str]]
    identifiers: dict[str, str]  # match key -> identifier kind
    ignore: set[str]
    joined: str
    sha256: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # match key of a header -> item code (coded)
    notes: list[str] = field(default_factory=list)  # what the analyst's file replaced in the default


# --------------------------------------------------------------------------- YAML with line numbers
def _load_yaml(path: Path, display: str) -> tuple[dict, dict]:
    """The YAML document and the line of each key path (tuple of keys) in it."""
    from ...data.io import read_text

    text = read_text(path)
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser: 10x faster
        node = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            file=display,
            row=mark.line + 1 if mark else 1,
            column=f"character {mark.column + 1}" if mark else "A",
        ) from None
    lines: dict[tuple, int] = {}

    def walk(n, path):
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = (*path, k.value)
                lines[key] = k.start_mark.line + 1
                walk(v, key)

    walk(node, ())
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DataError("a mapping file must be a YAML mapping (key: value)", file=display, row=1, column="A")
    return data, lines


def _as_list(value, where, display, line) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    raise DataError(f"{where} must be a text or a list of texts", file=display, row=line, column=where)


# --------------------------------------------------------------------------- shape of the file
_SCALAR = (str, int, float)


def _is_text(value) -> bool:
    return isinstance(value, _SCALAR) and not isinstance(value, bool)


def check_shape(data: dict, display: str, lines: dict) -> None:
    """Check every key's type before anything reads it: one located message per mistake.

    Raises
    ------
    DataError
        Naming the file, the line and the key path (``questions.q1.items``).

    Examples
    --------
    >>> check_shape({"questions": {"q1": {"items": ["SQ001", "SQ002"]}}}, "m.yaml", {})
    Traceback (most recent call last):
    ...
    ciatstudy.errors.DataError: m.yaml, row 1, column 'questions.q1.items': must be a mapping of export labels to item codes (label: code), not a list
    """

    def fail(path, what, value):
        key = ".".join(str(p) for p in path)
        got = type(value).__name__ if value is not None else "empty"
        got = {
            "list": "a list",
            "dict": "a mapping",
            "str": "a text",
            "int": "a number",
            "float": "a number",
            "bool": "true/false",
        }.get(got, got)
        raise DataError(
            f"must be {what}, not {got}", file=display, row=lines.get(tuple(str(p) for p in path), 1), column=key
        )

    def texts(value, path):
        if value is None or _is_text(value) or (isinstance(value, list) and all(_is_text(v) for v in value)):
            return
        fail(path, "a text or a list of texts", value)

    def table(value, path, what, check_value):
        if value is None:
            return
        if not isinstance(value, dict):
            fail(path, what, value)
        for k, v in value.items():
            if not _is_text(k):
                fail((*path, k), "a text key", k)
            check_value(v, (*path, k))

    def text_value(v, path):
        if not _is_text(v):
            fail(path, "a code (text)", v)

    def score(v, path):
        if not isinstance(v, int) or isinstance(v, bool):
            fail(path, "a score 3, 2 or 1", v)

    for key in ("format", "description", "joined"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            fail((key,), "a text", data[key])
    for key in ("respondent_id", "ignore"):
        texts(data.get(key), (key,))
    segment = data.get("segment")
    if segment is not None:
        if not isinstance(segment, dict):
            fail(("segment",), "a mapping (question, values)", segment)
        texts(segment.get("question"), ("segment", "question"))
        table(segment.get("values"), ("segment", "values"), "a mapping of export answers to segment codes", text_value)
    table(data.get("columns"), ("columns",), "a mapping of export headers to item codes", text_value)
    table(data.get("free_text"), ("free_text",), "a mapping of corpus ids to export headers", texts)
    table(data.get("identifiers"), ("identifiers",), "a mapping of identifier kinds to export headers", texts)
    questions = data.get("questions")
    if questions is None:
        return
    if not isinstance(questions, dict):
        fail(("questions",), "a mapping of question ids (q1, q2…) to entries", questions)
    for qid, entry in questions.items():
        path = ("questions", qid)
        if entry is None:
            continue
        if not isinstance(entry, dict):
            fail(path, "a mapping (question, items, answers, other) or null", entry)
        texts(entry.get("question"), (*path, "question"))
        table(
            entry.get("items"), (*path, "items"), "a mapping of export labels to item codes (label: code)", text_value
        )
        table(entry.get("answers"), (*path, "answers"), "a mapping of export labels to scores (label: 3)", score)
        other = entry.get("other")
        if other is not None:
            if not isinstance(other, dict):
                fail((*path, "other"), "a mapping (match, item, corpus) or null", other)
            texts(other.get("match"), (*path, "other", "match"))
            for k in ("item", "corpus"):
                if other.get(k) is not None and not _is_text(other[k]):
                    fail((*path, "other", k), "a code (text)", other[k])


# --------------------------------------------------------------------------- building
def _merge(base: dict, over: dict, notes: list[str], path: tuple = ()) -> dict:
    """Lay ``over`` (the analyst's file) on ``base`` (the format's default), key by key.

    Mappings merge recursively, lists are added, a text or number replaces the
    default's one and a ``null`` entry replaces the default's whole entry:
    each replacement of something the default said is noted in ``notes``.

    >>> notes = []
    >>> _merge({"questions": {"q8": {"other": {"match": ["x"], "item": "8C", "corpus": "c"}}}},
    ...        {"questions": {"q8": {"question": ["Q"], "other": {"corpus": "d"}}}}, notes)
    {'questions': {'q8': {'other': {'match': ['x'], 'item': '8C', 'corpus': 'd'}, 'question': ['Q']}}}
    >>> notes
    ["questions.q8.other.corpus: 'd' replaces the default 'c'"]
    """
    out = dict(base)
    for key, value in over.items():
        where = ".".join(str(p) for p in (*path, key))
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = _merge(old, value, notes, (*path, key))
        elif isinstance(value, list) and isinstance(old, list):
            out[key] = old + [v for v in value if v not in old]
        elif key in ("question", "match", "ignore", "respondent_id") and old is not None and value is not None:
            out[key] = (old if isinstance(old, list) else [old]) + (value if isinstance(value, list) else [value])
        else:
            if old is not None and old != value and key != "description":
                shown = "null (not asked in this wave)" if value is None else repr(value)
                notes.append(
                    f"{where}: {shown} replaces the default {old!r}"
                    if not isinstance(old, dict)
                    else f"{where}: {shown} replaces the default entry"
                )
            out[key] = value
    return out


def _default_items(question, codebook: Codebook) -> dict[str, str]:
    items = {}
    for code, label in question.items:
        items[match_key(code)] = code
        items[match_key(label)] = code
    return items


def _scale_answers(codebook: Codebook) -> dict[str, int]:
    values = ((codebook.raw.get("scales") or {}).get("agreement3") or {}).get("values") or {}
    answers = {match_key(str(label)): int(score) for score, label in values.items()}
    answers.update({str(s): s for s in (1, 2, 3)})
    return answers


@dataclass
class _Layers:
    """The mapping as read: default overlaid with the analyst's file, and where each key was written."""

    data: dict
    lines: dict
    display: str  # the file messages name: the analyst's, or the default's when there is none
    files: list[str]
    sha256: dict[str, str]
    notes: list[str]

    def line(self, *path) -> int:
        return self.lines.get(tuple(str(p) for p in path), 1)


def _read_layers(fmt: str, mapping: str | Path | None) -> _Layers:
    """The default mapping of ``fmt`` and, over it, the analyst's ``mapping`` file, each checked for shape."""
    import hashlib

    default_path = MAPPINGS_DIR / f"{fmt}.yaml"
    data, lines = _load_yaml(default_path, f"ciatstudy/waves/importers/mappings/{fmt}.yaml")
    display = f"ciatstudy/waves/importers/mappings/{fmt}.yaml"
    check_shape(data, display, lines)
    notes: list[str] = []
    files, digests = [display], {display: hashlib.sha256(default_path.read_bytes()).hexdigest()}
    if mapping is not None:
        mpath = Path(mapping)
        display = mpath.name
        user, lines = _load_yaml(mpath, display)
        check_shape(user, display, lines)
        files.append(display)
        digests[display] = hashlib.sha256(mpath.read_bytes()).hexdigest()
        unknown = sorted(set(user) - _TOP_KEYS)
        if unknown:
            raise DataError(
                f"unknown key {unknown[0]!r} (expected some of {sorted(_TOP_KEYS)})",
                file=display,
                row=lines.get((unknown[0],)),
                column=unknown[0],
            )
        if user.get("format") not in (None, fmt):
            raise DataError(
                f"this mapping is for format {user['format']!r}, not {fmt!r}",
                file=display,
                row=lines.get(("format",)),
                column="format",
            )
        data = _merge(data, user, notes)
    return _Layers(data, lines, display, files, digests, notes)


def _question_maps(src: _Layers, codebook: Codebook, corpora: list[str]) -> dict[str, QuestionMap]:
    """Every codebook question's map: its defaults, overridden by the mapping's ``questions`` entries."""
    display, line = src.display, src.line
    entries = src.data.get("questions") or {}
    if not isinstance(entries, dict):
        raise DataError(
            "questions must map question ids (q1, q2...) to entries",
            file=display,
            row=line("questions"),
            column="questions",
        )
    known_ids = [q.id for q in codebook.questions]
    for qid in entries:
        if qid not in known_ids:
            raise DataError(
                f"question {qid!r} is not in the codebook (it has {', '.join(known_ids)})",
                file=display,
                row=line("questions", qid),
                column=str(qid),
            )
    questions: dict[str, QuestionMap] = {}
    for q in codebook.questions:
        entry = entries.get(q.id, {})
        qmap = QuestionMap(q.id, q.kind, wording=q.wording)
        qmap.question = {match_key(q.wording)} if q.wording else set()
        qmap.items = _default_items(q, codebook)
        qmap.answers = _scale_answers(codebook) if q.kind == "agreement3" else {}
        if q.id in entries and entry is None:
            qmap.absent = True
        else:
            _apply_question_entry(qmap, q, entry, src, corpora)
        questions[q.id] = qmap
    return questions


def _apply_question_entry(qmap: QuestionMap, q, entry, src: _Layers, corpora: list[str]) -> None:
    """Add one ``questions.<id>`` entry (question texts, items, answers, other) to ``qmap``, checked."""
    display, line = src.display, src.line
    if not isinstance(entry, dict):
        raise DataError(
            f"the entry of {q.id} must be a mapping (question, items, answers, other) or null",
            file=display,
            row=line("questions", q.id),
            column=q.id,
        )
    unknown = sorted(set(entry) - _QUESTION_KEYS)
    if unknown:
        raise DataError(
            f"unknown key {unknown[0]!r} in {q.id} (expected some of {sorted(_QUESTION_KEYS)})",
            file=display,
            row=line("questions", q.id, unknown[0]),
            column=unknown[0],
        )
    qmap.question |= {
        match_key(v)
        for v in _as_list(entry.get("question"), f"{q.id}.question", display, line("questions", q.id, "question"))
    }
    for raw, code in (entry.get("items") or {}).items():
        if str(code) not in q.codes:
            raise DataError(
                f"item {code!r} is not an item of {q.id} ({', '.join(q.codes)})",
                file=display,
                row=line("questions", q.id, "items", raw),
                column=str(raw),
            )
        qmap.items[match_key(str(raw))] = str(code)
    for raw, score in (entry.get("answers") or {}).items():
        if q.kind != "agreement3":
            raise DataError(
                f"{q.id} is a {q.kind} question: answers map only agreement scales; map options with items",
                file=display,
                row=line("questions", q.id, "answers"),
                column="answers",
            )
        if score not in (1, 2, 3):
            raise DataError(
                f"score {score!r} is off the 3/2/1 scale",
                file=display,
                row=line("questions", q.id, "answers", raw),
                column=str(raw),
            )
        qmap.answers[match_key(str(raw))] = int(score)
    other = entry.get("other")
    if other is not None:
        qmap.other = _other_map(q, other, src, corpora)


def _other_map(q, other, src: _Layers, corpora: list[str]) -> OtherMap:
    """A question's ``other`` entry: the 'other' column or option, the item it ticks, the corpus it feeds."""
    display, line = src.display, src.line
    if not isinstance(other, dict) or "match" not in other:
        raise DataError(
            f"{q.id}.other needs match (the 'other' column or option) and item and/or corpus",
            file=display,
            row=line("questions", q.id, "other"),
            column="other",
        )
    item, corpus = other.get("item"), other.get("corpus")
    if item is not None and str(item) not in q.codes:
        raise DataError(
            f"item {item!r} is not an item of {q.id}",
            file=display,
            row=line("questions", q.id, "other", "item"),
            column="item",
        )
    if corpus is not None and str(corpus) not in corpora:
        raise DataError(
            f"free-text corpus {corpus!r} is not in the codebook ({', '.join(corpora)})",
            file=display,
            row=line("questions", q.id, "other", "corpus"),
            column="corpus",
        )
    return OtherMap(
        {
            match_key(v)
            for v in _as_list(other["match"], f"{q.id}.other.match", display, line("questions", q.id, "other", "match"))
        },
        None if item is None else str(item),
        None if corpus is None else str(corpus),
    )


def _free_text_columns(src: _Layers, codebook: Codebook, corpora: list[str]) -> dict[str, list[str]]:
    """Corpus -> the column headers that hold it: the mapping's, then the corpus id and its wording."""
    entries = src.data.get("free_text") or {}
    for corpus in entries:
        if str(corpus) not in corpora:
            raise DataError(
                f"free-text corpus {corpus!r} is not in the codebook ({', '.join(corpora)})",
                file=src.display,
                row=src.line("free_text", corpus),
                column=str(corpus),
            )
    free_text: dict[str, list[str]] = {}
    for spec in codebook.raw.get("free_text") or []:
        cid = str(spec.get("id"))
        candidates = _as_list(entries.get(cid), f"free_text.{cid}", src.display, src.line("free_text", cid))
        free_text[cid] = [match_key(v) for v in [*candidates, cid, str(spec.get("wording", ""))] if str(v).strip()]
    return free_text


def _identifier_columns(src: _Layers) -> dict[str, str]:
    """Header -> identifier kind, from the mapping's ``identifiers``."""
    identifiers: dict[str, str] = {}
    for kind, names in (src.data.get("identifiers") or {}).items():
        if kind not in IDENTIFIER_KINDS:
            raise DataError(
                f"unknown identifier kind {kind!r} (expected one of {sorted(IDENTIFIER_KINDS)})",
                file=src.display,
                row=src.line("identifiers", kind),
                column=str(kind),
            )
        for name in _as_list(names, f"identifiers.{kind}", src.display, src.line("identifiers", kind)):
            identifiers[match_key(name)] = kind
    return identifiers


def _segment_values(src: _Layers, codebook: Codebook) -> dict[str, str]:
    """Answer -> segment code: the codebook's codes, labels and descriptions, then the mapping's ``segment.values``."""
    values = {}
    for level in codebook.raw["segments"]["levels"]:
        for text in (level.get("code"), level.get("label"), level.get("description")):
            if text:
                values[match_key(str(text))] = str(level["code"])
    for raw, code in ((src.data.get("segment") or {}).get("values") or {}).items():
        if str(code) not in codebook.segment_codes:
            raise DataError(
                f"segment {code!r} is not in the codebook ({', '.join(codebook.segment_codes)})",
                file=src.display,
                row=src.line("segment", "values", raw),
                column=str(raw),
            )
        values[match_key(str(raw))] = str(code)
    return values


def _item_columns(src: _Layers, codebook: Codebook) -> dict[str, str]:
    """Header -> item code, from the mapping's ``columns`` (a plain table's own column names)."""
    columns = {}
    for raw, code in (src.data.get("columns") or {}).items():
        if str(code) not in codebook.item_codes:
            raise DataError(
                f"item {code!r} is not in the codebook",
                file=src.display,
                row=src.line("columns", raw),
                column=f"columns.{raw}",
            )
        columns[match_key(str(raw))] = str(code)
    return columns


def load_mapping(fmt: str, codebook: Codebook, mapping: str | Path | None = None) -> Mapping:
    """The default mapping of ``fmt``, overlaid with the analyst's ``mapping`` file, checked against the codebook.

    Raises
    ------
    DataError
        Unreadable YAML, unknown keys, a question or item code the codebook
        does not have, an agreement score off the scale, a free-text corpus the
        codebook does not list; the message names the mapping file and line.
    """
    if fmt not in FORMATS:
        raise DataError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    src = _read_layers(fmt, mapping)
    data, display, line = src.data, src.display, src.line
    corpora = [str(f.get("id")) for f in (codebook.raw.get("free_text") or [])]
    questions = _question_maps(src, codebook, corpora)
    free_text = _free_text_columns(src, codebook, corpora)
    identifiers = _identifier_columns(src)
    segment_values = _segment_values(src, codebook)
    columns = _item_columns(src, codebook)
    joined = str(data.get("joined") or "single")
    if joined not in _JOINED:
        raise DataError(f"joined must be one of {_JOINED}", file=display, row=line("joined"), column="joined")
    segment = data.get("segment") or {}
    return Mapping(
        files=src.files,
        format=fmt,
        respondent_id=[
            match_key(v) for v in _as_list(data.get("respondent_id"), "respondent_id", display, line("respondent_id"))
        ],
        segment_question=[
            match_key(v)
            for v in _as_list(segment.get("question"), "segment.question", display, line("segment", "question"))
        ]
        + [match_key(codebook.segment_variable)],
        segment_values=segment_values,
        questions=questions,
        free_text=free_text,
        identifiers=identifiers,
        ignore={match_key(v) for v in _as_list(data.get("ignore"), "ignore", display, line("ignore"))},
        joined=joined,
        sha256=src.sha256,
        columns=columns,
        notes=src.notes,
    )

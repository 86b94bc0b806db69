"""From an export's columns and cells to codebook codes: which column is what, and what each cell means.

:func:`assign_roles` gives every column one role (respondent id, segment, an
item of a question, a whole question in one cell, an "other" text, a
free-text corpus, a personal identifier, deliberately ignored metadata, or
unmapped). :func:`decode_rows` then reads every respondent's cells into
codebook codes (3/2/1, 1/0, empty), free texts and identifier values.

Nothing is dropped silently: unmapped columns and items the export lacks are
reported; an unknown answer label, row or option is an error naming the file,
row and column.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from ...data.codebook import Codebook
from ...errors import DataError
from ..privacy import column_identifier_kind, header_identifier_kind
from .layouts import Column, Export, match_key
from .mapping import Mapping, QuestionMap

YES = {"y", "yes", "oui", "1", "true", "vrai", "x", "ja", "checked", "coche", "selected", "selectionne"}
NO = {"n", "no", "non", "0", "false", "faux", "nein", "not selected", "non coche", "non selectionne"}
MISSING = {"", "n/a", "na", "#n/a", "null", "nan", "none"}
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass
class Role:
    kind: str  # id segment item question other free identifier ignore unmapped
    question: str | None = None
    item: str | None = None
    corpus: str | None = None
    identifier: str | None = None
    coded: bool = False  # holds codebook numbers (plain layout)


@dataclass
class Plan:
    roles: dict[int, Role]
    columns: list[Column]
    missing_items: dict[str, list[str]] = field(default_factory=dict)  # question -> item codes not in export

    def of(self, kind: str) -> list[Column]:
        return [c for c in self.columns if self.roles[c.index].kind == kind]


@dataclass
class Respondent:
    row: int
    raw_id: str
    segment: str
    answers: dict[str, int | None]
    texts: list[tuple[str, str, Column]]  # (corpus, text, column)
    identifiers: list[tuple[str, str, Column]]  # (kind, value, column)


def _shown(cell: str) -> str:
    """A cell as an error message may quote it: shortened, e-mails, phones and IPs masked."""
    from ..privacy import excerpt

    return excerpt(str(cell).strip(), 80)


# --------------------------------------------------------------------------- numbers
def parse_number(text: str):
    """A number written with a dot or a decimal comma (``"3"``, ``"3,0"``, ``"2.5"``), else None.

    >>> parse_number("3,0"), parse_number(" 1.0 "), parse_number("2,5"), parse_number("Oui")
    (3, 1, 2.5, None)
    """
    text = str(text).strip().replace("\u00a0", "")
    if not _NUMBER.match(text):
        return None
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value


# --------------------------------------------------------------------------- roles
def _column_values(export: Export, column: Column) -> list[str]:
    return [cells[column.index] for _, cells in export.rows]


def assign_roles(export: Export, mapping: Mapping, codebook: Codebook) -> Plan:
    """Give each column of the export its role; check every asked question is found.

    Raises
    ------
    DataError
        A row or option of a mapped question that the mapping does not know,
        two columns for one item, a question of the codebook found nowhere in
        the export (neither by the mapping nor by its wording), no segment
        column, no respondent-id column where the tool always writes one.
    """
    roles, id_found, segment_found = _column_roles(export, mapping, codebook)
    plan = Plan(roles, export.columns)
    if not segment_found:
        wanted = next(iter(mapping.segment_question), codebook.segment_variable)
        raise DataError(
            f"no segment column: none of the export's columns is the segment question "
            f"(looked for {wanted!r}); name it under segment.question in the mapping",
            file=export.file,
            row=1,
            column=wanted,
        )
    if mapping.respondent_id and not id_found:
        raise DataError(
            f"no respondent-id column (looked for {', '.join(mapping.respondent_id)})",
            file=export.file,
            row=1,
            column=mapping.respondent_id[0],
        )
    _check_questions_found(export, plan, mapping, codebook)
    return plan


def _column_roles(export: Export, mapping: Mapping, codebook: Codebook) -> tuple[dict[int, Role], bool, bool]:
    """Each column's role, first rule that fits: respondent id, identifier named by the mapping, segment,
    item by its code, question, free text, ignored, identifier by content; and whether id and segment were found."""
    header_row = export.header_rows
    roles: dict[int, Role] = {}
    code_of = {code.casefold(): code for code in codebook.item_codes}
    question_of_item = {code: q.id for q in codebook.questions for code in q.codes}
    id_found = segment_found = False
    for col in export.columns:
        names = col.names
        if not id_found and names & set(mapping.respondent_id):
            roles[col.index], id_found = Role("id"), True
            continue
        kind = next((mapping.identifiers[n] for n in names if n in mapping.identifiers), None) or next(
            (mapping.identifiers[n] for n in col.broad if n in mapping.identifiers), None
        )
        if kind:
            if kind == "contact":
                kind = header_identifier_kind(col.header) or kind
            roles[col.index] = Role("identifier", identifier=kind)
            continue
        if not segment_found and names & set(mapping.segment_question):
            roles[col.index], segment_found = Role("segment"), True
            continue
        code = code_of.get(col.header.strip().casefold()) or mapping.columns.get(match_key(col.header))
        if code:
            roles[col.index] = Role("item", question_of_item[code], code, coded=True)
            continue
        role = _question_role(col, mapping, export, header_row)
        if role:
            roles[col.index] = role
            continue
        corpus = next((cid for cid, keys in mapping.free_text.items() if names & set(keys)), None)
        if corpus:
            roles[col.index] = Role("free", corpus=corpus)
            continue
        if names & mapping.ignore or col.broad & mapping.ignore:
            roles[col.index] = Role("ignore")
            continue
        kind = column_identifier_kind(col.header, _column_values(export, col))
        roles[col.index] = Role("identifier", identifier=kind) if kind else Role("unmapped")
    return roles, id_found, segment_found


def _check_questions_found(export: Export, plan: Plan, mapping: Mapping, codebook: Codebook) -> None:
    """Every asked question has columns, none of its items two; items a question's options lack go to
    ``plan.missing_items``."""
    roles, header_row = plan.roles, export.header_rows
    for q in codebook.questions:
        qmap = mapping.questions[q.id]
        if qmap.absent:
            continue
        cols = [
            c for c in export.columns if roles[c.index].question == q.id and roles[c.index].kind in ("item", "question")
        ]
        if not cols:
            wanted = [textwrap.shorten(q.wording or q.title or q.id, 90, placeholder="…")]
            raise DataError(
                f"question {q.id} of the codebook ({q.title!r}) is missing from the export and from "
                f"the mapping: map its column under questions.{q.id}.question, or write "
                f"'{q.id}: null' if this wave did not ask it",
                file=export.file,
                row=1,
                column=wanted[0],
            )
        seen: dict[str, Column] = {}
        for c in cols:
            role = roles[c.index]
            if role.kind == "item":
                if role.item in seen:
                    raise DataError(
                        f"two columns for item {role.item} of {q.id}: {seen[role.item].where} and this one",
                        file=export.file,
                        row=header_row,
                        column=c.where,
                    )
                seen[role.item] = c
        if seen and not any(roles[c.index].kind == "question" for c in cols):
            missing = [code for code in q.codes if code not in seen]
            if missing:
                plan.missing_items[q.id] = missing


def _question_role(col: Column, mapping: Mapping, export: Export, header_row: int) -> Role | None:
    """Role of a column that belongs to a question: an item, the whole question, or its "other" text."""
    for key, sub in col.readings:
        k = match_key(key)
        for qmap in mapping.questions.values():
            if qmap.absent or k not in qmap.question:
                continue
            if sub is None:
                return Role("question", qmap.id)
            s = match_key(sub)
            if qmap.other and s in qmap.other.match:
                return Role("other", qmap.id)
            if s in qmap.items:
                return Role("item", qmap.id, qmap.items[s])
            what = "row" if qmap.kind == "agreement3" else "option"
            raise DataError(
                f"{what} {sub!r} of question {qmap.id} is not in the mapping nor among the codebook's "
                f"labels: add it under questions.{qmap.id}.items (or other)",
                file=export.file,
                row=header_row,
                column=col.where,
            )
    for qmap in mapping.questions.values():  # an "other" text in a column of its own (KoboToolbox)
        if not qmap.absent and qmap.other and col.names & qmap.other.match:
            return Role("other", qmap.id)
    return None


# --------------------------------------------------------------------------- cells
def _agreement(cell: str, qmap: QuestionMap, where: tuple) -> int | None:
    key = match_key(cell)
    if key in MISSING:
        return None
    if key in qmap.answers:
        return qmap.answers[key]
    number = parse_number(cell)
    if number in (1, 2, 3):
        return int(number)
    labels = sorted({k for k in qmap.answers if not k.isdigit()})
    raise DataError(
        f"unknown answer label {_shown(cell)!r} for {qmap.id} (expected one of {labels}, or 3/2/1)",
        file=where[0],
        row=where[1],
        column=where[2],
    )


def _flag(cell: str, qmap: QuestionMap, col: Column, code: str, coded: bool, where: tuple) -> int | None:
    key = match_key(cell)
    if key in MISSING:
        return None
    number = parse_number(cell)
    if number is not None:
        if number in (0, 1):
            return int(number)
        raise DataError(
            f"{_shown(cell)!r} is not 1 (chosen) or 0 (not chosen) for item {code}",
            file=where[0],
            row=where[1],
            column=where[2],
        )
    if not coded:
        if key in YES:
            return 1
        if key in NO:
            return 0
        if qmap.items.get(key) == code or any(sub is not None and key == match_key(sub) for _, sub in col.readings):
            return 1
    raise DataError(
        f"unknown answer {_shown(cell)!r} for option {code} of {qmap.id} (expected the option's label, "
        "Y/Oui/1 or empty)",
        file=where[0],
        row=where[1],
        column=where[2],
    )


def split_labels(cell: str, labels: dict[str, str], *, allow_other: bool) -> tuple[list[str], str] | None:
    """Split a Google Forms checkbox cell against the known labels; labels may contain commas.

    Returns the item codes and the leftover "other" text (empty if none), or
    None when the cell cannot be read as known labels joined by ", " (with at
    most one trailing other text when ``allow_other``).

    Examples
    --------
    >>> labels = {"une volonte commune": "2E", "un facteur exterieur, ex. un appel a projet": "2H"}
    >>> split_labels("Un facteur extérieur, ex. un appel à projet, Une volonté commune", labels, allow_other=False)
    (['2H', '2E'], '')
    >>> split_labels("Une volonté commune, Les élus, surtout", labels, allow_other=True)
    (['2E'], 'Les élus, surtout')
    """
    original = cell.strip()
    text = match_key(original) if original else ""
    variants = sorted({(k, c) for k, c in labels.items() if k}, key=lambda kc: -len(kc[0]))
    pieces = [p.strip() for p in original.split(",")]

    def other_text(pos: int) -> str:
        # Recover the original spelling of the tail that starts at normalised position pos.
        for i in range(len(pieces)):
            tail = ", ".join(pieces[i:])
            if match_key(tail) == text[pos:].strip():
                return tail
        return original

    memo: dict[int, tuple | None] = {}

    def walk(pos: int):
        if pos in memo:
            return memo[pos]
        result = None
        for label, code in variants:
            if text.startswith(label, pos):
                end = pos + len(label)
                rest = text[end:]
                stripped = rest.lstrip(" .")
                if not stripped:
                    result = ([code], "")
                    break
                if stripped.startswith(","):
                    nxt = end + (len(rest) - len(stripped)) + 1
                    while nxt < len(text) and text[nxt] == " ":
                        nxt += 1
                    sub = walk(nxt)
                    if sub is not None:
                        result = ([code, *sub[0]], sub[1])
                        break
        if result is None and allow_other and pos < len(text):
            result = ([], other_text(pos))
        memo[pos] = result
        return result

    if not text:
        return [], ""
    return walk(0)


def _one_cell(
    cell: str, qmap: QuestionMap, joined: str, where: tuple, memo: dict | None = None
) -> tuple[set[str] | None, str]:
    """Codes chosen in a whole-question cell, and an inline "other" text (Google Forms).

    ``memo`` remembers the reading of each distinct cell of a question (combinations of checkbox labels
    recur: 1 000 respondents write a few dozen), so that splitting runs once per distinct cell."""
    if memo is not None:
        known = memo.get((qmap.id, cell))
        if known is not None:
            return set(known[0]) if known[0] is not None else None, known[1]
        result = _one_cell(cell, qmap, joined, where)
        memo[(qmap.id, cell)] = result
        return (set(result[0]) if result[0] is not None else None), result[1]
    key = match_key(cell)
    if key in MISSING:
        return None, ""
    if key in qmap.items:
        return {qmap.items[key]}, ""
    allow_other = bool(qmap.other and qmap.other.corpus) and joined == "labels"
    if joined == "labels":
        parsed = split_labels(cell, qmap.items, allow_other=allow_other)
        if parsed is not None:
            codes, other = parsed
            if other and qmap.other and qmap.other.item:
                codes = [*codes, qmap.other.item]
            return set(codes), other
    elif joined == "names":
        codes, unknown = set(), []
        for token in cell.split():
            code = qmap.items.get(match_key(token))
            (codes.add(code) if code else unknown.append(token))
        if not unknown:
            return codes, ""
        cell = " ".join(unknown)
    known = sorted({k for k in qmap.items if not re.fullmatch(r"\d[a-z]", k)})[:12]
    raise DataError(
        f"unknown answer label {_shown(cell)!r} for {qmap.id} (known: {known}{'…' if len(qmap.items) > 24 else ''})",
        file=where[0],
        row=where[1],
        column=where[2],
    )


def _agreement_values(q, qmap: QuestionMap, cols: list[Column], roles, cells, where, texts: list) -> dict:
    """Item code -> 3/2/1 score (None: no answer) of an agreement question; its 'other' texts go to ``texts``."""
    values = {code: None for code in q.codes}
    for c in cols:
        r = roles[c.index]
        if r.kind == "item":
            values[r.item] = _agreement(cells[c.index], qmap, where(c))
        elif r.kind == "other":
            text = cells[c.index].strip()
            if text and match_key(text) not in MISSING:
                texts.append((qmap.other.corpus if qmap.other else None, text, c))
    return values


def _choice_values(q, qmap: QuestionMap, cols: list[Column], roles, cells, joined, where, memo, texts: list) -> dict:
    """Item code -> 1/0 (None: not asked) of a multi or single question, from its option columns, its
    one-cell answer and its 'other' column, which must agree; its 'other' texts go to ``texts``."""
    chosen: set[str] = set()
    answered = False
    split: dict[str, int] = {}
    present = set()
    for c in cols:
        r = roles[c.index]
        if r.kind == "item":
            present.add(r.item)
            flag = _flag(cells[c.index], qmap, c, r.item, r.coded, where(c))
            if flag is not None:
                answered = True
                split[r.item] = flag
                if flag:
                    chosen.add(r.item)
    for c in cols:
        r = roles[c.index]
        if r.kind == "question":
            present.update(q.codes)
            codes, other = _one_cell(cells[c.index], qmap, joined, where(c), memo)
            if codes is not None:
                if split and set(codes) != {k for k, v in split.items() if v}:
                    file, row, column = where(c)
                    raise DataError(
                        f"{q.id}: this cell says {sorted(codes)} but the option columns say "
                        f"{sorted(k for k, v in split.items() if v)}",
                        file=file,
                        row=row,
                        column=column,
                    )
                answered = True
                chosen |= codes
            if other:
                texts.append((qmap.other.corpus if qmap.other else None, other, c))
        elif r.kind == "other":
            text = cells[c.index].strip()
            if text and match_key(text) not in MISSING:
                texts.append((qmap.other.corpus, text, c))
                if qmap.other.item:
                    chosen.add(qmap.other.item)
                    present.add(qmap.other.item)
                    answered = True
    if not answered:
        return {code: None for code in q.codes}
    if q.kind == "single" and len(chosen) > 1:
        file, row, column = where(cols[0])
        raise DataError(
            f"{q.id} is choose-one but {len(chosen)} options are chosen ({', '.join(sorted(chosen))})",
            file=file,
            row=row,
            column=column,
        )
    return {code: (int(code in chosen) if code in present else None) for code in q.codes}


def _columns_by_question(export: Export, roles: dict[int, Role]) -> dict[str, list[Column]]:
    """Question id -> the export's columns that answer it, in export order."""
    by_question: dict[str, list[Column]] = {}
    for c in export.columns:
        r = roles[c.index]
        if r.question:
            by_question.setdefault(r.question, []).append(c)
    return by_question


def _row_answers(cells, number: int, file: str, plan: Plan, mapping: Mapping, codebook: Codebook, by_question, memo):
    """One response's answers (item code -> score, flag or None) and free texts (corpus, text, column)."""

    def where(col):
        return (file, number, col.where)

    answers: dict[str, int | None] = {}
    texts: list[tuple[str, str, Column]] = []
    for q in codebook.questions:
        qmap, cols = mapping.questions[q.id], by_question.get(q.id, [])
        if q.kind == "agreement3":
            answers.update(_agreement_values(q, qmap, cols, plan.roles, cells, where, texts))
        else:
            answers.update(_choice_values(q, qmap, cols, plan.roles, cells, mapping.joined, where, memo, texts))
    for c in plan.of("free"):
        text = cells[c.index].strip()
        if text and match_key(text) not in MISSING:
            texts.append((plan.roles[c.index].corpus, text, c))
    return answers, texts


def _respondent_id(cells, id_cols: list[Column], seen_ids: dict[str, int], file: str, number: int) -> str:
    """The response id of the row ("" when the export has none), which must be given and unique."""
    if not id_cols:
        return ""
    raw_id = cells[id_cols[0].index].strip()
    if not raw_id:
        raise DataError("empty respondent id", file=file, row=number, column=id_cols[0].where)
    if raw_id in seen_ids:
        raise DataError(
            f"duplicated respondent: the same response id as row {seen_ids[raw_id]}",
            file=file,
            row=number,
            column=id_cols[0].where,
        )
    seen_ids[raw_id] = number
    return raw_id


def decode_rows(export: Export, plan: Plan, mapping: Mapping, codebook: Codebook) -> tuple[list[Respondent], list[int]]:
    """Every non-empty response as a :class:`Respondent`; also the rows skipped as empty responses.

    A response that answers nothing at all and gives no segment (a survey
    opened and left) is skipped and reported; one with answers but no segment
    is an error.
    """
    roles = plan.roles
    by_question = _columns_by_question(export, roles)
    seg_col = plan.of("segment")[0]
    id_cols = plan.of("id")
    respondents, skipped, seen_ids = [], [], {}
    memo: dict = {}
    for number, cells in export.rows:
        answers, texts = _row_answers(cells, number, export.file, plan, mapping, codebook, by_question, memo)
        identifiers = [
            (roles[c.index].identifier, cells[c.index].strip(), c)
            for c in plan.of("identifier")
            if cells[c.index].strip()
        ]
        seg_raw = cells[seg_col.index].strip()
        if not seg_raw or match_key(seg_raw) in MISSING:
            if all(v is None for v in answers.values()) and not texts:
                skipped.append(number)
                continue
            raise DataError(
                "respondent with no segment: answers but no answer to the segment question",
                file=export.file,
                row=number,
                column=seg_col.where,
            )
        segment = mapping.segment_values.get(match_key(seg_raw))
        if segment is None:
            raise DataError(
                f"unknown segment answer {_shown(seg_raw)!r} (expected one of {sorted(set(mapping.segment_values))})",
                file=export.file,
                row=number,
                column=seg_col.where,
            )
        raw_id = _respondent_id(cells, id_cols, seen_ids, export.file, number)
        respondents.append(Respondent(number, raw_id, segment, answers, texts, identifiers))
    if not respondents:
        raise DataError(
            "no response with answers in the export", file=export.file, row=export.header_rows + 1, column=seg_col.where
        )
    return respondents, skipped

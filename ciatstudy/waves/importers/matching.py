"""Automatic matching of an export's columns to the codebook: questions, items, answer labels, segment.

A re-run survey rarely writes the codebook's wordings exactly: a question is
slightly reworded, a suffix such as « (plusieurs réponses possibles) » is
dropped, the segment question's answers are worded otherwise, apostrophes are
straight instead of typographic, options come in another order. The mapping
(:mod:`.mapping`) says exactly what it knows; :func:`match_export` finds the
rest and lays it over the mapping, so that decoding (:mod:`.decode`) only ever
sees exact keys.

How a match is scored (0 to 1):

* **wording**: both texts folded by :func:`.similarity.fold` (case, accents, quotes and
  apostrophes, punctuation, bracketed notes, usual suffixes), then compared
  with rapidfuzz (the best of ``ratio`` and ``token_sort_ratio``; a text that
  begins the other — a dropped tail, a KoboToolbox name cut from a label —
  scores 0.9 to 1 times ``ratio`` with the other's beginning, the more of it
  it says the higher);
* **answer shape**: a column of two distinct answers that splits the
  respondents is a segment candidate, its answers assigned one-to-one to the
  segment levels; a grid whose answers are agreement levels is only an
  agreement question's; a question's rows or options are compared with the
  codebook's items *as a set* (a one-to-one assignment, whatever the order).

Only headers and the set of *distinct* answer labels are compared, so the cost
of matching does not grow with the number of respondents.

A match scoring at least :data:`.similarity.TAKEN` (and :data:`.similarity.MARGIN` above the next
candidate) is taken; anything else that could be a question's (score at least
:data:`.similarity.CANDIDATE`), and every question of the codebook found nowhere, stops the
import: :class:`.match_results.MatchError` lists them all at once, each with its best
candidates and the mapping key to write.

The texts are folded and scored in :mod:`.similarity`, the export's columns grouped by question in
:mod:`.column_groups`, and what is found is a :class:`~.match_results.Matching` (:mod:`.match_results`).
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from ...data.codebook import Codebook
from ..privacy import column_identifier_kind, normalise
from .column_groups import _distinct, _Group, _groups, _other_stem
from .decode import NO, YES, parse_number
from .layouts import Column, Export, match_key
from .mapping import Mapping, OtherMap, QuestionMap
from .match_results import Match, Matching, Problem
from .similarity import (
    ITEM_TAKEN,
    MARGIN,
    SHAPE_LIMIT,
    TAKEN,
    _alias_scores,
    _assign,
    _code_hits,
    _scores,
    _short,
    fold,
)

__all__ = ["match_export"]

_OTHER_WORDS = {
    "autre",
    "autres",
    "other",
    "autre veuillez preciser",
    "other please specify",
    "autre precisez",
    "autre preciser",
    "precisez",
    "autre s",
    "oth",
}


class _Matcher:
    def __init__(self, export: Export, mapping: Mapping, codebook: Codebook):
        self.export, self.mapping, self.codebook = export, mapping, codebook
        self.matches: list[Match] = []
        self.problems: list[Problem] = []
        self.file = export.file
        scale = ((codebook.raw.get("scales") or {}).get("agreement3") or {}).get("values") or {}
        self.scale = {int(s): str(label) for s, label in scale.items()}

    def _locate(self, columns: list[Column], value: str) -> tuple[int, str]:
        """The first row and the column where ``value`` is written (for the error message)."""
        for number, cells in self.export.rows:
            for c in columns:
                if cells[c.index].strip() == value:
                    return number, c.where
        return self.export.header_rows, columns[0].where if columns else "A"

    # ---- what the mapping settles on its own
    def _preassigned(self) -> tuple[set[int], Column | None]:
        m, skip, segment = self.mapping, set(), None
        id_found = False
        for col in self.export.columns:
            names = col.names
            if not id_found and names & set(m.respondent_id):
                skip.add(col.index)
                id_found = True
            elif any(n in m.identifiers for n in names | col.broad) or names & m.ignore or col.broad & m.ignore:
                skip.add(col.index)
            elif segment is None and names & set(m.segment_question):
                segment = col
                skip.add(col.index)
            elif col.header.strip().casefold() in {c.casefold() for c in self.codebook.item_codes}:
                skip.add(col.index)  # a codebook code: the plain layout, read as is
        return skip, segment

    def _identifier_columns(self, columns: list[Column]) -> set[int]:
        # Cells that are e-mails, phones or IP addresses on their own are personal data whatever the header;
        # headers alone are judged after matching (a question's "rôle" or "commune" is no contact field).
        out = set()
        for col in columns:
            if column_identifier_kind("", _distinct(self.export, [col])[:200]):
                out.add(col.index)
        return out

    # ---- segment
    def _segment_aliases(self) -> tuple[list[str], list[list[str]]]:
        levels = self.codebook.raw["segments"]["levels"]
        codes = [str(level["code"]) for level in levels]
        aliases = [[str(level.get(k)) for k in ("code", "label", "description") if level.get(k)] for level in levels]
        for key, code in self.mapping.segment_values.items():
            aliases[codes.index(code)].append(key)
        return codes, aliases

    def _segment_values(self, values: list[str]) -> tuple[float, list[tuple[str, str, float]]]:
        """Assign distinct answers to segment levels one-to-one: (mean score, [(answer, code, score)])."""
        codes, aliases = self._segment_aliases()
        if not values or len(values) > len(codes):
            return 0.0, []
        matrix = _alias_scores(values, aliases, tokens=True)
        pairs = _assign(matrix)
        return (sum(s for _, _, s in pairs) / len(values), [(values[r], codes[c], s) for r, c, s in pairs])

    def _segment(self, groups: list[_Group], found: Column | None) -> tuple[Column | None, list[_Group]]:
        m = self.mapping
        if found is None:
            heads = [
                *m.segment_question,
                self.codebook.segment_variable,
                *(str(lv.get("description") or "") for lv in self.codebook.raw["segments"]["levels"]),
            ]
            scored = []
            for g in groups:
                if g.subs or len(g.whole) != 1:
                    continue
                values = _distinct(self.export, g.whole, 3)
                if len({match_key(v) for v in values}) != 2:
                    continue
                v_score, _ = self._segment_values(values)
                h_score = float(_alias_scores([g.short or g.key, g.key], [heads]).max())
                scored.append((0.3 * h_score + 0.7 * v_score, g))
            scored.sort(key=lambda t: -t[0])
            if scored and scored[0][0] >= TAKEN and (len(scored) == 1 or scored[0][0] - scored[1][0] >= MARGIN):
                score, g = scored[0]
                found = g.whole[0]
                m.segment_question.append(match_key(found.header))
                self.matches.append(Match("segment.question", found.header, "segment", score))
                groups = [x for x in groups if x is not g]
            else:
                self.problems.append(
                    Problem(
                        "no column is clearly the segment question (two answers splitting the respondents)",
                        [(g.key, s) for s, g in scored],
                        'segment: {question: ["<the export\'s header>"], values: {"<answer>": <segment code>}}',
                        1,
                        self.codebook.segment_variable,
                    )
                )
                return None, groups
        else:
            self.matches.append(Match("segment.question", found.header, "segment", 1.0, auto=False))
        every = _distinct(self.export, [found])
        for v in every:
            if match_key(v) in m.segment_values:
                self.matches.append(Match("segment.values", v, m.segment_values[match_key(v)], 1.0, auto=False))
        values = [v for v in every if match_key(v) not in m.segment_values]
        if values:
            mean, pairs = self._segment_values(values)
            codes, aliases = self._segment_aliases()
            for value, code, score in pairs:
                if score >= ITEM_TAKEN:
                    m.segment_values[match_key(value)] = code
                    self.matches.append(Match("segment.values", value, code, score))
            for value in values:
                if match_key(value) not in m.segment_values:
                    row = _alias_scores([value], aliases, tokens=True)[0]
                    self.problems.append(
                        Problem(
                            f"unknown segment answer « {_short(value)} »",
                            sorted(((codes[i], float(s)) for i, s in enumerate(row)), key=lambda t: -t[1]),
                            f'segment: {{values: {{"{value}": <{"|".join(codes)}>}}}}',
                            *self._locate([found], value),
                        )
                    )
        return found, groups

    # ---- questions
    def _question_aliases(self, qmap: QuestionMap) -> list[str]:
        q = self.codebook.question(qmap.id)
        return [t for t in (q.wording, q.title, *qmap.question) if t]

    def _item_aliases(self, qmap: QuestionMap) -> list[list[str]]:
        q = self.codebook.question(qmap.id)
        aliases = [[label] for _, label in q.items]
        for key, code in qmap.items.items():
            if not re.fullmatch(r"\d[a-z]", key):
                aliases[q.codes.index(code)].append(key)
        return aliases

    def _is_other(self, text: str, qmap: QuestionMap) -> bool:
        f = fold(text, brackets=True)
        return (
            bool(qmap.other and match_key(text) in qmap.other.match) or f in _OTHER_WORDS or fold(text) in _OTHER_WORDS
        )

    def _agreement_share(self, values: list[str], qmap: QuestionMap | None = None) -> float:
        """Share of distinct answers that read as agreement levels (by label, mapping key or 3/2/1)."""
        if not values:
            return 0.0
        labels = [[label] for _, label in sorted(self.scale.items(), reverse=True)]
        if qmap is not None:
            for key, score in qmap.answers.items():
                if not key.isdigit():
                    labels[3 - score].append(key)
        matrix = _alias_scores(values, labels)
        good = sum(1 for i, v in enumerate(values) if parse_number(v) in (1, 2, 3) or matrix[i].max() >= ITEM_TAKEN)
        return good / len(values)

    def _split_runs(self, values: list[str], qmap: QuestionMap) -> list[str]:
        """Candidate option labels inside joined checkbox cells (« A, B, C »; labels may hold commas).

        The distinct comma-separated pieces, plus, for each item whose label has commas, the pieces that
        read best as its parts, joined: a bounded set however many respondents (and combinations) there are.
        """
        key = hash(tuple(values))
        cache = self.__dict__.setdefault("_pieces", {})
        if key not in cache:  # the same cells are split once, whichever question they are compared with
            frequency: Counter = Counter(p.strip() for v in values for p in v.split(",") if p.strip())
            cache[key] = [p for p, _ in frequency.most_common(SHAPE_LIMIT)]
        pieces = cache[key]
        runs = dict.fromkeys(pieces)
        if not pieces:
            return []
        folded = [fold(p, brackets=True) for p in pieces]
        for _, label in self.codebook.question(qmap.id).items:
            parts = [p.strip() for p in label.split(",") if p.strip()]
            if len(parts) < 2:
                continue
            scores = _scores([fold(x, brackets=True) for x in parts], folded, contained=False)
            runs[", ".join(pieces[int(np.argmax(scores[j]))] for j in range(len(parts)))] = None
        return list(runs)

    def _whole_values(self, g: _Group, qmap: QuestionMap) -> tuple[list[str], bool]:
        """The answer labels to compare with a question's items, from its whole-question column(s)."""
        joined = self.mapping.joined == "labels" and qmap.kind != "agreement3"
        values = _distinct(self.export, g.whole, None if joined else SHAPE_LIMIT)
        if self.mapping.joined == "names":
            values = list(dict.fromkeys(t for v in values for t in v.split()))
        elif self.mapping.joined == "labels" and qmap.kind != "agreement3":
            return self._split_runs(values, qmap), True
        return values, False

    def _question_score(self, g: _Group, qmap: QuestionMap) -> float:
        text = float(_alias_scores([g.key] + ([g.short] if g.short else []), [self._question_aliases(qmap)]).max())
        q = self.codebook.question(qmap.id)
        subs = [s for _, s in g.subs if not self._is_other(s, qmap)]
        values = _distinct(self.export, [c for c, s in g.subs if not self._is_other(s, qmap)] or g.whole, SHAPE_LIMIT)
        agreement_like = self._agreement_share(values) >= 0.6 if values else False
        if subs:
            matrix = np.maximum(_alias_scores(subs, self._item_aliases(qmap)), _code_hits(subs, q.codes))
            pairs = _assign(matrix)
            items = sum(s for _, _, s in pairs) / len(subs)
            score = 0.35 * text + 0.65 * items
            if items >= 0.95:
                # rows or options that are this question's items, nearly word for word, make it this question
                # whatever its header says (a KoboToolbox group renamed « avis »)
                score = max(score, 0.9 * items)
        elif g.whole and qmap.kind != "agreement3" and values:
            labels, runs = self._whole_values(g, qmap)
            matrix = np.maximum(_alias_scores(labels, self._item_aliases(qmap)), _code_hits(labels, q.codes))
            best = matrix.max(axis=0) if len(labels) else np.zeros(len(q.codes))
            # Share of the question's options found among the answers (runs of joined cells may be parts).
            found = float((best >= ITEM_TAKEN).mean())
            score = 0.5 * text + 0.5 * max(found, float(best.mean())) if found > 0 else text * 0.8
        else:
            score = text
        if qmap.kind == "agreement3":
            score *= 1.0 if agreement_like else 0.5
        elif agreement_like:
            score *= 0.5
        return score

    def _questions(self, groups: list[_Group]) -> list[_Group]:
        m = self.mapping
        asked = [qm for qm in m.questions.values() if not qm.absent]
        exact: dict[str, list[_Group]] = {}
        rest = []
        for g in groups:
            names = {match_key(g.key)} | {match_key(c.header) for c in g.whole}
            qm = next((qm for qm in asked if names & qm.question), None)
            if qm is None and not g.subs:
                # A whole column whose own reading is a question's (KoboToolbox group/question).
                qm = next((qm for qm in asked for c in g.whole if c.names & qm.question), None)
            (exact.setdefault(qm.id, []).append(g) if qm else rest.append(g))
        for qid, gs in exact.items():
            self.groups_of[qid] = gs
            for g in gs:
                self.matches.append(Match(f"questions.{qid}.question", g.key, qid, 1.0, auto=False))
        todo = [qm for qm in asked if qm.id not in exact]
        if todo and rest:
            matrix = np.array([[self._question_score(g, qm) for qm in todo] for g in rest])
        else:
            matrix = np.zeros((len(rest), len(todo)))
        taken_groups: set[int] = set()
        for j, qm in enumerate(todo):
            col = matrix[:, j] if len(rest) else np.array([])
            order = np.argsort(-col) if len(col) else []
            cands = [(rest[i].key, float(col[i])) for i in order[:3]]
            best = int(order[0]) if len(col) else None
            second = float(col[order[1]]) if len(col) > 1 else 0.0
            key = f'questions.{qm.id}.question: ["<the export\'s header>"]  (or {qm.id}: null if not asked)'
            wording = _short(self.codebook.question(qm.id).wording or qm.id, 50)
            if best is None or col[best] < TAKEN:
                self.problems.append(
                    Problem(
                        f"question {qm.id} of the codebook found in no column of the export", cands, key, 1, wording
                    )
                )
                continue
            rival = max((float(matrix[best, k]) for k in range(len(todo)) if k != j), default=0.0)
            if col[best] - second < MARGIN or col[best] - rival < MARGIN:
                self.problems.append(
                    Problem(f"question {qm.id} of the codebook matches several columns", cands, key, 1, wording)
                )
                continue
            g = rest[best]
            taken_groups.add(best)
            m.questions[qm.id].question.add(match_key(g.key))
            for c in g.whole:
                m.questions[qm.id].question.add(match_key(c.header))
            self.groups_of[qm.id] = [g]
            self.matches.append(
                Match(
                    f"questions.{qm.id}.question", g.key, qm.id, float(col[best]), self.codebook.question(qm.id).wording
                )
            )
        self._todo_scores = (todo, matrix, rest)
        return [g for i, g in enumerate(rest) if i not in taken_groups]

    # ---- items, answers, options of a matched question
    def _items(self, qmap: QuestionMap, groups: list[_Group]) -> None:
        q = self.codebook.question(qmap.id)
        aliases = self._item_aliases(qmap)
        for g in groups:
            subs = []
            for col, sub in g.subs:
                if qmap.other and match_key(sub) in qmap.other.match:
                    self.matches.append(
                        Match(f"questions.{qmap.id}.other.match", sub, f"{qmap.id} (autre)", 1.0, auto=False)
                    )
                    continue
                # "Autre" beside a question's options is where its "other" text goes, even when an option is
                # called "Autre" too (LimeSurvey's Q8[other] in a full-text export).
                if match_key(sub) in qmap.items and not self._is_other(sub, qmap):
                    self.matches.append(
                        Match(f"questions.{qmap.id}.items", sub, qmap.items[match_key(sub)], 1.0, auto=False)
                    )
                    continue
                if self._is_other(sub, qmap):
                    if qmap.other is None:
                        qmap.other = OtherMap(set())
                    qmap.other.match.add(match_key(sub))
                    self.matches.append(Match(f"questions.{qmap.id}.other.match", sub, f"{qmap.id} (autre)", 1.0))
                    continue
                subs.append((col, sub))
            if subs:
                texts = [s for _, s in subs]
                matrix = np.maximum(_alias_scores(texts, aliases), _code_hits(texts, q.codes))
                taken = {
                    code
                    for code in qmap.items.values()
                    if any(match_key(s) in qmap.items and qmap.items[match_key(s)] == code for _, s in g.subs)
                }
                for k, code in enumerate(q.codes):
                    if code in taken:
                        matrix[:, k] = 0
                self._take(qmap, texts, matrix, q, "items", columns=[c for c, _ in subs])
            if qmap.kind == "agreement3":
                self._answers(qmap, g)
            elif g.whole:
                labels, runs = self._whole_values(g, qmap)
                self.matches += [
                    Match(f"questions.{qmap.id}.items", v, qmap.items[match_key(v)], 1.0, auto=False)
                    for v in labels
                    if match_key(v) in qmap.items and not re.fullmatch(r"\d[a-z]", match_key(v))
                ]
                labels = [
                    v
                    for v in labels
                    if match_key(v) not in qmap.items
                    and match_key(v) not in YES | NO
                    and parse_number(v) is None
                    and not self._is_other(v, qmap)
                ]
                if labels:
                    matrix = np.maximum(_alias_scores(labels, aliases, contained=not runs), _code_hits(labels, q.codes))
                    if runs:  # an option already read exactly needs no piece of text guessed for it
                        seen = {
                            qmap.items[match_key(v)]
                            for v in self._whole_values(g, qmap)[0]
                            if match_key(v) in qmap.items
                        }
                        for k, code in enumerate(q.codes):
                            if code in seen:
                                matrix[:, k] = 0
                    self._take(qmap, labels, matrix, q, "items", partial=runs, whole=g.whole)

    def _take(
        self,
        qmap: QuestionMap,
        texts: list[str],
        matrix: np.ndarray,
        q,
        key: str,
        *,
        partial=False,
        columns: list[Column] | None = None,
        whole: list[Column] | None = None,
    ):
        """Take each text's item by one-to-one assignment; a text left without one is a problem
        (except runs of joined cells, most of which are pieces of labels or "other" texts)."""
        if partial:
            # Each item takes the run that reads most like it; the other runs are pieces or free text.
            for k, code in enumerate(q.codes):
                if not len(texts):
                    break
                i = int(np.argmax(matrix[:, k]))
                s = float(matrix[i, k])
                if s >= TAKEN and int(np.argmax(matrix[i])) == k:
                    qmap.items[match_key(texts[i])] = code
                    self.matches.append(Match(f"questions.{qmap.id}.{key}", texts[i], code, s, q.items[k][1]))
            return
        pairs = {r: (c, s) for r, c, s in _assign(matrix)}
        for i, text in enumerate(texts):
            c, s = pairs.get(i, (None, 0.0))
            row = matrix[i]
            order = np.argsort(-row)
            # Options are compared as a set: an item another option reads better as is no rival.
            elsewhere = {k for r, (k, _) in pairs.items() if r != i}
            second = max((float(row[k]) for k in range(len(row)) if k != c and k not in elsewhere), default=0.0)
            if c is not None and s >= ITEM_TAKEN and s - second >= MARGIN:
                qmap.items[match_key(text)] = q.codes[c]
                self.matches.append(Match(f"questions.{qmap.id}.{key}", text, q.codes[c], s, q.items[c][1]))
            else:
                where = (self.export.header_rows, columns[i].where) if columns else self._locate(whole or [], text)
                self.problems.append(
                    Problem(
                        f"{qmap.id}: the option or row « {_short(text)} » matches no item of the codebook clearly",
                        [(f"{q.codes[k]} {q.items[k][1]}", float(row[k])) for k in order[:3]],
                        f'questions.{qmap.id}.{key}: {{"{_short(text, 40)}": <{"|".join(q.codes)}>}}',
                        *where,
                    )
                )

    def _answers(self, qmap: QuestionMap, g: _Group) -> None:
        every = _distinct(self.export, g.columns)
        self.matches += [
            Match(f"questions.{qmap.id}.answers", v, str(qmap.answers[match_key(v)]), 1.0, auto=False)
            for v in every
            if match_key(v) in qmap.answers and not match_key(v).isdigit()
        ]
        values = [
            v
            for v in every
            if match_key(v) not in qmap.answers and parse_number(v) is None and not self._is_other(v, qmap)
        ]
        if not values:
            return
        scores = sorted(self.scale, reverse=True)
        labels = [[self.scale[s]] + [k for k, v in qmap.answers.items() if v == s and not k.isdigit()] for s in scores]
        matrix = _alias_scores(values, labels)
        for i, value in enumerate(values):
            row = matrix[i]
            order = np.argsort(-row)
            s, second = float(row[order[0]]), float(row[order[1]]) if len(order) > 1 else 0.0
            if s >= ITEM_TAKEN and s - second >= MARGIN:
                qmap.answers[match_key(value)] = scores[int(order[0])]
                self.matches.append(
                    Match(
                        f"questions.{qmap.id}.answers",
                        value,
                        str(scores[int(order[0])]),
                        s,
                        self.scale[scores[int(order[0])]],
                    )
                )
            else:
                self.problems.append(
                    Problem(
                        f"{qmap.id}: unknown answer label « {_short(value)} » (no agreement level reads like it)",
                        [(f"{scores[k]} {self.scale[scores[k]]}", float(row[k])) for k in order[:3]],
                        f'questions.{qmap.id}.answers: {{"{_short(value, 40)}": <3|2|1>}}',
                        *self._locate(g.columns, value),
                    )
                )

    def _others(self, groups: list[_Group]) -> list[_Group]:
        """A column of its own named like a matched question plus "autre" / "other" holds its "other" text."""
        left = []
        stems = {}
        for qid, gs in self.groups_of.items():
            for g in gs:
                for name in {g.key, g.short, *(c.header for c in g.whole)} - {""}:
                    stems[fold(name.split("/")[-1])] = qid
        for g in groups:
            stem = _other_stem(g)
            if g.subs or len(g.whole) != 1 or not stem or stem not in stems:
                left.append(g)
                continue
            qmap = self.mapping.questions[stems[stem]]
            if qmap.other is None:
                qmap.other = OtherMap(set())
            qmap.other.match.add(match_key(g.whole[0].header))
            self.matches.append(
                Match(
                    f"questions.{qmap.id}.other.match",
                    g.whole[0].header,
                    f"{qmap.id} (autre)",
                    1.0 if match_key(g.whole[0].header) in qmap.other.match else 0.9,
                )
            )
        return left

    def _flag_leftovers(self, groups: list[_Group]) -> None:
        """A column left over that reads as well as a taken one for some question is ambiguous, never dropped."""
        todo, matrix, rest = getattr(self, "_todo_scores", ([], np.zeros((0, 0)), []))
        index = {id(g): i for i, g in enumerate(rest)}
        for g in groups:
            i = index.get(id(g))
            if i is None or not len(todo):
                continue
            near = sorted(
                ((todo[j].id, float(matrix[i, j])) for j in range(len(todo)) if matrix[i, j] >= TAKEN),
                key=lambda t: -t[1],
            )
            if near:
                qid = near[0][0]
                self.problems.append(
                    Problem(
                        f"this column reads like {qid}, which another column was matched to",
                        near,
                        f'questions.{qid}.question: ["{_short(g.key, 40)}"]',
                        self.export.header_rows,
                        g.where,
                    )
                )

    # ---- free text
    def _free_text(self, groups: list[_Group]) -> list[_Group]:
        m = self.mapping
        specs = [s for s in self.codebook.raw.get("free_text") or []]
        cids = [str(s.get("id")) for s in specs]
        left = []
        singles = []
        for g in groups:
            if g.subs or len(g.whole) != 1:
                left.append(g)
                continue
            col = g.whole[0]
            cid = next((c for c, keys in m.free_text.items() if col.names & set(keys)), None)
            if cid:
                self.matches.append(Match(f"free_text.{cid}", col.header, cid, 1.0, auto=False))
                continue
            singles.append(g)
        if not singles or not specs:
            return left + singles
        aliases = [
            [str(s.get("wording") or ""), str(s.get("title") or ""), *m.free_text.get(str(s.get("id")), [])]
            for s in specs
        ]
        matrix = np.array(
            [_alias_scores([g.key] + ([g.short] if g.short else []), aliases).max(axis=0) for g in singles]
        )
        for i, g in enumerate(singles):
            row = matrix[i]
            order = np.argsort(-row)
            s = float(row[order[0]])
            second = float(row[order[1]]) if len(order) > 1 else 0.0
            column_best = float(matrix[:, order[0]].max())
            if s >= TAKEN and s - second >= MARGIN and s >= column_best:
                cid = cids[int(order[0])]
                m.free_text[cid].append(match_key(g.whole[0].header))
                self.matches.append(Match(f"free_text.{cid}", g.key, cid, s, str(specs[int(order[0])].get("wording"))))
            else:
                left.append(g)
        return left

    def run(self) -> Matching:
        skip, segment = self._preassigned()
        loose = [c for c in self.export.columns if c.index not in skip]
        skip |= self._identifier_columns(loose)
        self.groups_of: dict[str, list[_Group]] = {}
        groups = _groups(self.export, skip)
        segment, groups = self._segment(groups, segment)
        # "<question>_autre" beside "<question>" (KoboToolbox): the other text of whatever that column is,
        # never a candidate for a question of its own.
        lasts = {fold(c.header.split("/")[-1]) for c in self.export.columns}
        aside = [g for g in groups if not g.subs and len(g.whole) == 1 and _other_stem(g) in lasts]
        groups = self._questions([g for g in groups if g not in aside])
        for qid, gs in self.groups_of.items():
            self._items(self.mapping.questions[qid], gs)
        groups = groups + self._others(aside)
        groups = self._free_text(groups)
        self._flag_leftovers(groups)
        unmatched = [c.where for g in groups for c in g.columns if not column_identifier_kind(c.header, ())]
        problems = list({p.what: p for p in self.problems}.values())
        return Matching(
            self.mapping,
            self.matches,
            problems,
            unmatched,
            {qid: [c for g in gs for c in g.columns] for qid, gs in self.groups_of.items()},
        )


def match_export(export: Export, mapping: Mapping, codebook: Codebook) -> Matching:
    """Match ``export`` against ``codebook``, completing ``mapping`` (changed in place) with what is found.

    Parameters
    ----------
    export : Export
        The export's columns and rows (:func:`ciatstudy.waves.importers.read_export`).
    mapping : Mapping
        The format's default mapping laid under the analyst's (:func:`.mapping.load_mapping`).
    codebook : Codebook

    Returns
    -------
    Matching
        The completed mapping, every taken match with its score, and the
        problems (ambiguous or missing matches); raising on them is the
        caller's choice (:func:`ciatstudy.waves.importers.import_export` does,
        ``--suggest-mapping`` writes them as comments).
    """
    if export.format == "plain":
        return _plain(export, mapping, codebook)
    return _Matcher(export, mapping, codebook).run()


def _plain(export: Export, mapping: Mapping, codebook: Codebook) -> Matching:
    """A table in codebook codes: codes written otherwise (``q2a``, `` 1a``) and the segment's answers."""
    out = Matching(mapping)
    codes = {c.casefold(): c for c in codebook.item_codes}
    matcher = _Matcher(export, mapping, codebook)
    skip, segment = matcher._preassigned()
    for col in export.columns:
        if col.index in skip or col is segment:
            continue
        f = re.sub(r"[\s_.-]+", "", normalise(col.header))
        code = codes.get(f) or codes.get(f[1:] if f[:1] == "q" else "")
        if code:
            exact = col.header.strip().casefold() == code.casefold()
            if not exact:
                mapping.columns[match_key(col.header)] = code
            out.matches.append(Match("columns", col.header, code, 1.0 if exact else 0.95, codebook.label(code)))
    matcher.groups_of = {}
    rest = _groups(export, skip | {c.index for c in export.columns if any(m.source == c.header for m in out.matches)})
    _, rest = matcher._segment(rest, segment)
    rest = matcher._free_text(rest)
    out.matches += matcher.matches
    out.problems += matcher.problems
    out.unmatched = [c.where for g in rest for c in g.columns]
    return out

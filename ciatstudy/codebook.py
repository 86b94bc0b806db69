"""The codebook: questions, items, scales, segments and labels of one wave."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import DataError

KINDS = {"agreement3", "multi", "single"}
AGREEMENT_SCORES = (3, 2, 1)


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    title: str
    wording: str
    items: tuple[tuple[str, str], ...]  # (code, French label), codebook order
    source: str = ""
    note: str = ""

    @property
    def codes(self) -> list[str]:
        return [code for code, _ in self.items]

    @property
    def allowed_values(self) -> set[int]:
        return set(AGREEMENT_SCORES) if self.kind == "agreement3" else {0, 1}

    @property
    def number(self) -> int:
        return int(self.id.lstrip("q"))


@dataclass(frozen=True)
class Codebook:
    """A validated codebook; build it with :meth:`from_dict`."""

    wave: str
    title: str
    source: str
    segment_variable: str
    all_code: str
    all_label: str
    segments: tuple[tuple[str, str], ...]  # (code, label) without the whole sample
    questions: tuple[Question, ...]
    responses_file: str
    id_column: str
    reconstructed: bool
    reconstruction_rule: str
    decimals: int
    raw: dict = field(repr=False, compare=False, hash=False, default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict, *, file: str = "codebook.yaml") -> "Codebook":
        def need(mapping, key, where):
            if not isinstance(mapping, dict) or key not in mapping or mapping[key] in (None, ""):
                raise DataError(f"missing key {key!r} in {where}", file=file, column=key)
            return mapping[key]

        if not isinstance(data, dict):
            raise DataError("the codebook is empty or not a mapping", file=file)
        seg = need(data, "segments", "the codebook")
        levels = tuple((str(need(l, "code", "segments.levels")), str(need(l, "label", "segments.levels")))
                       for l in need(seg, "levels", "segments"))
        questions, seen = [], set()
        for i, q in enumerate(need(data, "questions", "the codebook")):
            qid = str(need(q, "id", f"questions[{i}]"))
            kind = need(q, "kind", f"question {qid}")
            if kind not in KINDS:
                raise DataError(f"question {qid}: unknown kind {kind!r} (expected one of {sorted(KINDS)})",
                                file=file, column="kind")
            items = []
            for it in need(q, "items", f"question {qid}"):
                code = str(need(it, "code", f"question {qid} items"))
                if code in seen:
                    raise DataError(f"item code {code} appears twice", file=file, column=code)
                seen.add(code)
                items.append((code, str(need(it, "label", f"item {code}"))))
            questions.append(Question(qid, kind, str(q.get("title", "")), str(q.get("wording", "")),
                                      tuple(items), str(q.get("source", "")), str(q.get("note", ""))))
        responses = need(data, "responses", "the codebook")
        rounding = data.get("published_rounding", {}) or {}
        return cls(
            wave=str(need(data, "wave", "the codebook")),
            title=str(data.get("title", "")),
            source=str(data.get("source", "")),
            segment_variable=str(need(seg, "variable", "segments")),
            all_code=str(seg.get("all", {}).get("code", "tous")),
            all_label=str(seg.get("all", {}).get("label", "Tous")),
            segments=levels,
            questions=tuple(questions),
            responses_file=str(need(responses, "file", "responses")),
            id_column=str(responses.get("id_column", "respondent_id")),
            reconstructed=bool(responses.get("reconstructed", False)),
            reconstruction_rule=str(responses.get("rule", "")),
            decimals=int(rounding.get("decimals", 2)),
            raw=data,
        )

    # -- look-ups -------------------------------------------------------------
    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise ValueError(f"unknown question {qid!r}; the codebook has {[q.id for q in self.questions]}")

    @property
    def item_codes(self) -> list[str]:
        return [code for q in self.questions for code in q.codes]

    def response_columns(self, questions: list[str] | None = None) -> list[str]:
        """The responses file's columns: the id, the segment, then the items (of ``questions`` only, if given)."""
        items = self.item_codes if questions is None else [c for q in questions for c in self.question(q).codes]
        return [self.id_column, self.segment_variable, *items]

    def question_of(self, item: str) -> Question:
        for q in self.questions:
            if item in q.codes:
                return q
        raise ValueError(f"unknown item {item!r}")

    def label(self, item: str) -> str:
        return dict(self.question_of(item).items)[item]

    @property
    def segment_codes(self) -> list[str]:
        return [code for code, _ in self.segments]

    def segment_label(self, code: str) -> str:
        if code == self.all_code:
            return self.all_label
        return dict(self.segments)[code]

    def items_frame(self):
        """One row per item: question, kind, item, label (tidy, codebook order)."""
        import pandas as pd  # kept out of module import: the no-op build must not pay for pandas

        return pd.DataFrame(
            [{"question": q.id, "kind": q.kind, "item": code, "label": label}
             for q in self.questions for code, label in q.items]
        )

"""The codebook: questions, items, scales, segments and labels of one wave."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .schema import KINDS as _KINDS, check_codebook, check_datapackage, decode, parse_json, parse_yaml

KINDS = set(_KINDS)
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
    # Who a choose-any question's shares divide by: every respondent of the segment ("segment", the
    # 2014 convention) or only those who ticked at least one option ("answered").
    base: str = "segment"

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
        """Build a codebook from its parsed YAML, checked first (:func:`ciatstudy.data.schema.check_codebook`).

        A wrong type, a missing key or a colliding code gives one :class:`DataError`
        naming the file and the key path, e.g. ``questions.q1.items``.
        """
        check_codebook(data, file=file)
        seg = data["segments"]
        every = seg.get("all") or {}
        questions = tuple(
            Question(
                str(q["id"]),
                q["kind"],
                str(q.get("title") or ""),
                str(q.get("wording") or ""),
                tuple((str(it["code"]), str(it["label"])) for it in q["items"]),
                str(q.get("source") or ""),
                str(q.get("note") or ""),
                str(q.get("base") or "segment"),
            )
            for q in data["questions"]
        )
        responses = data["responses"]
        rounding = data.get("published_rounding") or {}
        return cls(
            wave=str(data["wave"]),
            title=str(data.get("title") or ""),
            source=str(data.get("source") or ""),
            segment_variable=str(seg["variable"]),
            all_code=str(every.get("code") or "tous"),
            all_label=str(every.get("label") or "Tous"),
            segments=tuple((str(level["code"]), str(level["label"])) for level in seg["levels"]),
            questions=questions,
            responses_file=str(responses["file"]),
            id_column=str(responses.get("id_column") or "respondent_id"),
            reconstructed=bool(responses.get("reconstructed", False)),
            reconstruction_rule=str(responses.get("rule") or ""),
            decimals=int(rounding.get("decimals", 2)),
            raw=data,
        )

    # -- look-ups -------------------------------------------------------------
    def text(self, key: str) -> str:
        """A wave-specific sentence of the codebook's ``texts`` (what the report says of this wave only), or "".

        >>> cb = Codebook.from_dict({"wave": "w", "segments": {"variable": "s", "levels": [{"code": "a", "label": "A"}]},
        ...     "responses": {"file": "r.csv"}, "questions": [{"id": "q2", "kind": "multi",
        ...     "items": [{"code": "2A", "label": "Un"}]}], "texts": {"corpus_scope": "Tel que cité."}})
        >>> cb.text("corpus_scope"), cb.text("staff_intro")
        ('Tel que cité.', '')
        """
        return str((self.raw.get("texts") or {}).get(key) or "")

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
            [
                {"question": q.id, "kind": q.kind, "item": code, "label": label}
                for q in self.questions
                for code, label in q.items
            ]
        )


def read_wave_inputs(folder: Path, *, file_name=str) -> tuple[Codebook, dict, dict[str, Path]]:
    """A wave folder's codebook, datapackage (or ``{}``) and input files by resource name, all checked.

    What :func:`ciatstudy.data.io.load_wave` and the build's plan read before any table:
    YAML and JSON syntax (file, line, column), types (file, key path) and every
    input's place (inside ``folder``, links followed); without pandas, so that a
    build deciding what to run stays light. ``file_name`` says how messages name a file.
    """
    from .config import inside_wave

    folder = Path(folder)
    path = inside_wave(folder / "codebook.yaml", folder)
    codebook = Codebook.from_dict(
        parse_yaml(decode(_read(path, file_name), file=file_name(path)), file=file_name(path)), file=file_name(path)
    )
    files = {"responses": inside_wave(folder / codebook.responses_file, folder, key="responses.file")}
    package: dict = {}
    path = folder / "datapackage.json"
    if path.exists() or path.is_symlink():
        package = parse_json(
            decode(_read(inside_wave(path, folder), file_name), file=file_name(path)), file=file_name(path)
        )
        check_datapackage(package, file=file_name(path))
        for resource in package["resources"]:
            name = str(resource["name"])
            target = inside_wave(folder / resource["path"], folder, key=f"resources.{name}.path")
            files.setdefault(name, target)
    return codebook, package, files


def _read(path: Path, file_name) -> bytes:
    from ..errors import DataError

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError("file not found", file=file_name(path)) from None
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror})", file=file_name(path)) from None
    if not data.strip():
        raise DataError("the file is empty", file=file_name(path))
    return data

"""Typed checks of ``codebook.yaml`` and ``datapackage.json``: every key checked the same way.

A small declarative description of each file (:data:`CODEBOOK`, :data:`DATAPACKAGE`)
walked by :func:`check`, which names the file and the key path of the first wrong
value (``questions.q1.items``, ``resources.responses.schema.fields[2].constraints.minimum``).

Why not jsonschema or frictionless (both in the lock): importing them costs
0.3-0.4 s and 0.5-1.1 s on our machines, against about 1 ms for this module and
under 1 ms to check wave 2014's codebook and datapackage; a changed codebook makes
``ciatstudy build`` re-read it, and that must stay fast. This module imports only
the standard library (no pandas, no YAML), so the build can use it too.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from ..errors import DataError, excerpt

__all__ = [
    "check",
    "check_codebook",
    "check_datapackage",
    "decode",
    "parse_json",
    "parse_yaml",
    "relative_path_problem",
]


# --------------------------------------------------------------------------- the little language
class Spec:
    """One node of a description: ``problem(value)`` says what is wrong, or None."""

    expected = "a value"

    def walk(self, value, path: str, file: str) -> None:
        problem = self.problem(value)
        if problem:
            _fail(file, path, problem)

    def problem(self, value):
        return None


def _fail(file: str, path: str, problem: str):
    raise DataError(problem, file=file, key=path or "(top level)")


def _type_name(value) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "an integer",
        float: "a number",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)


def _wrong(spec: "Spec", value) -> str:
    shown = f" {excerpt(value)}" if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
    return f"expected {spec.expected}, found {_type_name(value)}{shown}"


class Text(Spec):
    """A scalar written as text (YAML may read ``2014`` as a number: accepted, used as text)."""

    expected = "text"

    def __init__(self, *, pattern: str | None = None, hint: str = "", max_len: int | None = None):
        self.pattern = re.compile(pattern) if pattern else None
        self.hint, self.max_len = hint, max_len

    def problem(self, value):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return _wrong(self, value)
        text = str(value)
        if self.max_len is not None and len(text) > self.max_len:
            return f"{excerpt(text)} is longer than {self.max_len} characters"
        if self.pattern is not None and not self.pattern.fullmatch(text):
            return f"{excerpt(text)} is not {self.hint}"
        return None


class Integer(Spec):
    expected = "an integer"

    def __init__(self, low: int | None = None, high: int | None = None):
        self.low, self.high = low, high

    def problem(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            return _wrong(self, value)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            return f"{value} is outside {self.low}..{self.high if self.high is not None else ''}"
        return None


class Number(Spec):
    expected = "a number"

    def problem(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return _wrong(self, value)
        return None


class Boolean(Spec):
    expected = "true or false"

    def problem(self, value):
        return None if isinstance(value, bool) else _wrong(self, value)


class OneOf(Spec):
    def __init__(self, *choices):
        self.choices = choices
        self.expected = "one of " + ", ".join(map(str, choices))

    def problem(self, value):
        if isinstance(value, (dict, list)) or value not in self.choices:
            return (
                f"{excerpt(value) if not isinstance(value, (dict, list)) else _type_name(value)} is not {self.expected}"
            )
        return None


class Regex(Spec):
    expected = "a regular expression"

    def problem(self, value):
        if not isinstance(value, str):
            return _wrong(self, value)
        try:
            re.compile(value)
        except re.error as exc:
            return f"{excerpt(value)} is not a valid regular expression ({exc})"
        return None


class RelativePath(Spec):
    """A file inside the wave's folder, named relative to it."""

    expected = "a file name relative to the wave's folder"

    def problem(self, value):
        if not isinstance(value, str):
            return _wrong(self, value)
        return relative_path_problem(value)


def relative_path_problem(value: str) -> str | None:
    """Why ``value`` is not a plain path inside a wave's folder (None if it is).

    Examples
    --------
    >>> relative_path_problem("quotes.csv") is None
    True
    >>> relative_path_problem("/etc/passwd")
    "'/etc/passwd' is outside the wave's folder: input files are named relative to it, without '..'"
    """
    path = PurePosixPath(value)
    if (
        not value.strip()
        or "\0" in value
        or "\\" in value
        or path.is_absolute()
        or ".." in path.parts
        or value.startswith("~")
        or re.match(r"^[A-Za-z]:", value)
    ):
        return f"{excerpt(value)} is outside the wave's folder: input files are named relative to it, without '..'"
    return None


class Anything(Spec):
    pass


class Either(Spec):
    def __init__(self, *specs: Spec):
        self.specs = specs
        self.expected = " or ".join(s.expected for s in specs)

    def walk(self, value, path, file):
        for spec in self.specs:
            try:
                spec.walk(value, path, file)
                return
            except DataError:
                continue
        _fail(file, path, _wrong(self, value))


class ListOf(Spec):
    """A list; elements are named by their ``id``, ``code`` or ``name`` when they have one, else ``[i]``."""

    def __init__(self, item: Spec, *, min_len: int = 0, unique_by: str | None = None):
        self.item, self.min_len, self.unique_by = item, min_len, unique_by
        self.expected = "a list"

    def walk(self, value, path, file):
        if not isinstance(value, list):
            _fail(file, path, _wrong(self, value))
        if len(value) < self.min_len:
            _fail(file, path, f"expected a list of at least {self.min_len}, found {len(value)} element(s)")
        seen = set()
        for i, element in enumerate(value):
            here = f"{path}{_element_name(element, i)}"
            self.item.walk(element, here, file)
            if self.unique_by is not None and isinstance(element, dict):
                key = str(element.get(self.unique_by))
                if key in seen:
                    _fail(file, f"{here}.{self.unique_by}", f"{excerpt(key)} appears twice")
                seen.add(key)


def _element_name(element, i: int) -> str:
    if isinstance(element, dict):
        for key in ("id", "code", "name"):
            name = element.get(key)
            if isinstance(name, (str, int)) and not isinstance(name, bool) and re.fullmatch(r"[\w-]{1,40}", str(name)):
                return f".{name}"
    return f"[{i}]"


class MapOf(Spec):
    """A mapping whose keys and values all follow one description (e.g. a scale's values)."""

    expected = "a mapping"

    def __init__(self, key: Spec, value: Spec):
        self.key, self.value = key, value

    def walk(self, value, path, file):
        if not isinstance(value, dict):
            _fail(file, path, _wrong(self, value))
        for k, v in value.items():
            self.key.walk(k, f"{path}.{k}", file)
            self.value.walk(v, f"{path}.{k}", file)


class Map(Spec):
    """A mapping with known keys (``required`` and ``optional``); other keys are allowed and left alone."""

    expected = "a mapping"

    def __init__(self, required: dict | None = None, optional: dict | None = None, *, check=None):
        self.required, self.optional, self.extra_check = required or {}, optional or {}, check

    def walk(self, value, path, file):
        if not isinstance(value, dict):
            _fail(file, path, _wrong(self, value))
        for key, spec in self.required.items():
            here = f"{path}.{key}" if path else key
            if key not in value or value[key] is None or value[key] == "":
                _fail(file, here, "missing key")
            spec.walk(value[key], here, file)
        for key, spec in self.optional.items():
            if key in value and value[key] is not None:
                spec.walk(value[key], f"{path}.{key}" if path else key, file)
        if self.extra_check is not None:
            self.extra_check(value, path, file)


def check(data, spec: Spec, *, file: str) -> None:
    """Raise :class:`DataError` naming ``file`` and the key path of the first value ``spec`` refuses."""
    spec.walk(data, "", file)


# --------------------------------------------------------------------------- codebook.yaml
NAME = Text(pattern=r"[^\x00-\x1f\x7f]{1,64}", hint="a name of 1 to 64 printable characters")
KINDS = ("agreement3", "multi", "single")
BASES = ("segment", "answered")  # who a choose-any question's shares divide by (codebook ``base``)


def _codebook_relations(data: dict, path: str, file: str) -> None:
    """What types alone cannot say: codes that would collide as columns of the responses file."""
    seg = data["segments"]
    codes = [str(level["code"]) for level in seg["levels"]]
    for code in codes:
        if codes.count(code) > 1:
            _fail(file, f"segments.levels.{code}.code", f"segment code {excerpt(code)} appears twice")
    all_code = str((seg.get("all") or {}).get("code", "tous"))
    if all_code in codes:
        _fail(file, "segments.all.code", f"{excerpt(all_code)} is also a segment level's code")
    items = [str(item["code"]) for q in data["questions"] for item in q["items"]]
    seen = set()
    for q in data["questions"]:
        if "base" in q and q["kind"] == "agreement3":  # a score's base is who answered the item, always
            _fail(
                file,
                f"questions.{q['id']}.base",
                "a base applies to choose-any questions (multi, single), not to an agreement3 question",
            )
        for item in q["items"]:
            code = str(item["code"])
            if code in seen:
                _fail(file, f"questions.{q['id']}.items.{code}.code", f"item code {excerpt(code)} appears twice")
            seen.add(code)
    id_column = str(data["responses"].get("id_column") or "respondent_id")
    variable = str(seg["variable"])
    for key, name in (("responses.id_column", id_column), ("segments.variable", variable)):
        if name in items:
            _fail(file, key, f"{excerpt(name)} is also an item code")
    if id_column == variable:
        _fail(file, "responses.id_column", f"{excerpt(id_column)} is also the segment variable")


CODEBOOK = Map(
    required={
        "wave": Text(),
        "segments": Map(
            required={
                "variable": NAME,
                "levels": ListOf(
                    Map(required={"code": NAME, "label": Text()}, optional={"description": Text(), "n": Integer(0)}),
                    min_len=1,
                ),
            },
            optional={"all": Map(optional={"code": NAME, "label": Text()})},
        ),
        "questions": ListOf(
            Map(
                required={
                    "id": Text(pattern=r"q[0-9]{1,3}", hint="a question id such as q1"),
                    "kind": OneOf(*KINDS),
                    "items": ListOf(Map(required={"code": NAME, "label": Text()}), min_len=1),
                },
                optional={"title": Text(), "wording": Text(), "source": Text(), "note": Text(), "base": OneOf(*BASES)},
            ),
            min_len=1,
            unique_by="id",
        ),
        "responses": Map(
            required={"file": RelativePath()}, optional={"id_column": NAME, "reconstructed": Boolean(), "rule": Text()}
        ),
    },
    optional={
        "title": Text(),
        "date": Text(),
        "population": Text(),
        "source": Text(),
        "texts": MapOf(NAME, Text()),  # wave-specific sentences of the report (Codebook.text)
        "published_rounding": Map(optional={"decimals": Integer(0, 10), "method": Text(), "note": Text()}),
        "scales": MapOf(NAME, Map(optional={"values": MapOf(Integer(), Text()), "exactly_one": Boolean()})),
        "free_text": ListOf(
            Map(
                required={"id": NAME},
                optional={"title": Text(), "wording": Text(), "source": Text(), "answers": Integer(0)},
            ),
            unique_by="id",
        ),
    },
    check=_codebook_relations,
)


def check_codebook(data, *, file: str) -> None:
    """Check a parsed ``codebook.yaml`` (types, required keys, codes that would collide).

    Examples
    --------
    >>> check_codebook({"wave": "2025", "segments": "tous"}, file="codebook.yaml")
    Traceback (most recent call last):
    ...
    ciatstudy.errors.DataError: codebook.yaml, key segments: expected a mapping, found text 'tous'
    """
    if not isinstance(data, dict):
        raise DataError("the codebook is empty or not a mapping", file=file)
    check(data, CODEBOOK, file=file)


# --------------------------------------------------------------------------- datapackage.json
FIELD_TYPES = (
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "object",
    "array",
    "geopoint",
    "geojson",
    "any",
)


def _field_relations(field: dict, path: str, file: str) -> None:
    constraints = field.get("constraints") or {}
    for bound in ("minimum", "maximum"):
        if bound in constraints and field.get("type", "string") not in ("integer", "number"):
            _fail(file, f"{path}.constraints.{bound}", f"{bound} applies to integer and number fields only")


def _schema_relations(schema: dict, path: str, file: str) -> None:
    names = [str(f["name"]) for f in schema.get("fields") or []]
    key = schema.get("primaryKey")
    for name in [key] if isinstance(key, str) else key or []:
        if name not in names:
            _fail(file, f"{path}.primaryKey", f"{excerpt(name)} is not one of the schema's fields")


FIELD = Map(
    required={"name": NAME},
    optional={
        "type": OneOf(*FIELD_TYPES),
        "description": Text(),
        "title": Text(),
        "constraints": Map(
            optional={
                "required": Boolean(),
                "unique": Boolean(),
                "enum": ListOf(Either(Text(), Boolean())),
                "minimum": Number(),
                "maximum": Number(),
                "pattern": Regex(),
            }
        ),
    },
    check=_field_relations,
)

DATAPACKAGE = Map(
    required={
        "resources": ListOf(
            Map(
                required={"name": NAME, "path": RelativePath()},
                optional={
                    "format": Text(),
                    "encoding": Text(),
                    "title": Text(),
                    "description": Text(),
                    "schema": Map(
                        optional={"fields": ListOf(FIELD, unique_by="name"), "primaryKey": Either(NAME, ListOf(NAME))},
                        check=_schema_relations,
                    ),
                },
            ),
            unique_by="name",
        ),
    },
    optional={"name": Text(), "title": Text(), "description": Text()},
)


def check_datapackage(data, *, file: str) -> None:
    """Check a parsed ``datapackage.json``: resources, their paths and their Table Schemas.

    Examples
    --------
    >>> check_datapackage({"resources": [{"name": "quotes", "path": "../x.csv"}]}, file="datapackage.json")
    Traceback (most recent call last):
    ...
    ciatstudy.errors.DataError: datapackage.json, key resources.quotes.path: '../x.csv' is outside the wave's folder: input files are named relative to it, without '..'
    """
    if not isinstance(data, dict):
        _fail(file, "", _wrong(DATAPACKAGE, data))
    check(data, DATAPACKAGE, file=file)


def decode(data: bytes, *, file: str) -> str:
    """UTF-8 (BOM tolerated) text of a small file, or a DataError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"not valid UTF-8 at line {line} (byte 0x{data[exc.start]:02x}): re-save the file as UTF-8", file=file
        ) from None


def parse_yaml(text: str, *, file: str):
    """``yaml.safe_load`` (the C loader when built) naming the file, line and column of a syntax error."""
    import yaml  # here: the no-op build imports this module and must not pay for YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise DataError(
            f"not valid YAML{where}: {getattr(exc, 'problem', None) or 'syntax error'}", file=file
        ) from None


def parse_json(text: str, *, file: str):
    """``json.loads`` that names the file, line and column of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", file=file) from None

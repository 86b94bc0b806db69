"""A catalogue of hostile inputs to ``validate``, ``build`` and (wave names) ``import``: each is refused in one located line.

For every case: exit code 2, exactly one line on stderr of at most 300 characters,
naming where the problem is (file and row, or file and key path), no traceback, and
the project tree byte-for-byte as it was (the build's own plan and library-digest
memos under ``.build`` aside: they describe the code, not the outputs). The command
runs in-process (``ciatstudy.cli.main``) to stay fast; a few run as real processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ciatstudy import cli
from conftest import ROOT, new_project

RESPONSES = "responses_reconstructed.csv"
SECRET = "SECRET-CONTENT-4242"
EXPORT = ROOT / "tests" / "fixtures" / "exports" / "google_forms.csv"
# Build memos, not outputs: the section plan and library digest (written before any input is read) and the
# per-wave lock that keeps two builds of one wave apart (taken before the answers are validated).
IGNORED = (".build/plans/", ".build/library-digest.json", ".build/2014/build.lock")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A throw-away project (wave 2014, notebooks, lock) and a secret file outside it."""
    root = tmp_path / "project"
    new_project(root)
    (tmp_path / "outside.csv").write_text(f"{SECRET},x\n1,2\n", encoding="utf-8")
    monkeypatch.setenv("CIATSTUDY_ROOT", str(root))
    monkeypatch.delenv("CIATSTUDY_STAGE", raising=False)
    monkeypatch.chdir(root)
    from ciatstudy.pipeline.fingerprints import library_digest

    library_digest()  # its memo is written once here, not by the case under test
    return root


def tree_hash(root: Path) -> str:
    """Every path, file content and link target under ``root`` (the ignored memos aside)."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if (Path(dirpath).relative_to(root).as_posix() + "/").startswith(IGNORED):
            continue
        for name in sorted(filenames + [d for d in dirnames if Path(dirpath, d).is_symlink()]):
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            if rel.startswith(IGNORED):
                continue
            h.update(rel.encode() + b"\0")
            h.update(os.readlink(path).encode() if path.is_symlink() else path.read_bytes())
        folder = Path(dirpath).relative_to(root).as_posix()
        if not folder.startswith(".build"):  # an empty memo folder (the lock's) is not an output
            h.update(b"/" + folder.encode())
    return h.hexdigest()


# --------------------------------------------------------------------------- how to break a wave
def raw(root):
    return root / "data" / "raw" / "2014"


def edit_text(name, transform):
    def apply(root):
        path = raw(root) / name
        path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")

    return apply


def write_bytes(name, transform):
    def apply(root):
        path = raw(root) / name
        path.write_bytes(transform(path.read_bytes()))

    return apply


def line(n, transform):
    """Change line ``n`` (header = 1) of the responses file."""

    def apply(text):
        lines = text.split("\n")
        lines[n - 1] = transform(lines[n - 1])
        return "\n".join(lines)

    return edit_text(RESPONSES, apply)


def cell(n, column, value):
    def apply(root):
        path = raw(root) / RESPONSES
        lines = path.read_text(encoding="utf-8").split("\n")
        names = lines[0].split(",")
        fields = lines[n - 1].split(",")
        fields[names.index(column)] = value
        lines[n - 1] = ",".join(fields)
        path.write_text("\n".join(lines), encoding="utf-8")

    return apply


def codebook(change):
    def apply(root):
        path = raw(root) / "codebook.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    return apply


def package(change):
    def apply(root):
        path = raw(root) / "datapackage.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    return apply


def field(resource, name):
    def find(data):
        res = next(r for r in data["resources"] if r["name"] == resource)
        return next(f for f in res["schema"]["fields"] if f["name"] == name)

    return find


def question(data, qid):
    return next(q for q in data["questions"] if q["id"] == qid)


def link_outside(name):
    def apply(root):
        path = raw(root) / name
        path.unlink()
        path.symlink_to(root.parent / "outside.csv")

    return apply


def set_key(getter, key, value):
    def change(data):
        getter(data)[key] = value

    return change


def delete_key(getter, key):
    def change(data):
        del getter(data)[key]

    return change


def resource(name):
    return lambda data: next(r for r in data["resources"] if r["name"] == name)


def nothing(root):
    pass


# (case id, command, how to break the wave, fragments the one line must hold)
VALIDATE, BUILD = ["validate", "2014"], ["build", "--wave", "2014"]
CASES = [
    # wave names: every command that takes a wave
    *[
        (f"{cmd}-name-{label}", argv, nothing, ["invalid wave name"])
        for label, name in [
            ("dotdot-raw", "../raw/2014"),
            ("dotdot-tmp", "../../tmp/evil"),
            ("absolute", "/tmp/evil"),
            ("empty", ""),
            ("dot", "."),
            ("slash", "2014/x"),
            ("nul", "20\x0014"),
            ("newline", "2014\n"),
            ("too-long", "w" * 65),
        ]
        for cmd, argv in [("build", ["build", "--wave", name]), ("validate", ["validate", name])]
    ],
    *[
        (f"{cmd}-name-dotdot", [cmd, "--wave", "../raw/2014"], nothing, ["invalid wave name"])
        for cmd in ("audit", "reconstruct")
    ],
    (
        "build-baseline-name",
        ["build", "--wave", "2014", "--baseline", "../../tmp/evil"],
        nothing,
        ["invalid wave name"],
    ),
    *[
        (
            f"import-name-{label}",
            ["import", str(EXPORT), "--format", "google", "--wave", name],
            nothing,
            ["invalid wave name"],
        )
        for label, name in [
            ("dotdot-raw", "../raw/2014"),
            ("absolute", "/tmp/evil"),
            ("newline", "2026\n"),
            ("empty", ""),
        ]
    ],
    # rows of the responses file (point 5, 6, 7)
    ("short-row", VALIDATE, line(4, lambda t: t.rsplit(",", 2)[0]), [RESPONSES, "row 4", "short row"]),
    ("long-row", VALIDATE, line(6, lambda t: t + ",1"), [RESPONSES, "row 6", "long row"]),
    ("long-first-row", VALIDATE, line(2, lambda t: t + ",1"), [RESPONSES, "row 2", "long row"]),
    ("short-last-row", BUILD, line(29, lambda t: t.split(",", 1)[0]), [RESPONSES, "row 29", "short row"]),
    (
        "bad-byte-at-row-start",
        VALIDATE,
        write_bytes(RESPONSES, lambda b: b.replace(b"\nrec-mda-05", b"\n\xffrec-mda-05")),
        [RESPONSES, "row 6", "'respondent_id'", "UTF-8"],
    ),
    (
        "unclosed-quote",
        VALIDATE,
        line(8, lambda t: t.replace(",mda,", ',"mda,', 1)),
        [RESPONSES, "row 8", "'segment'", "never closed"],
    ),
    (
        "blank-line-then-bad-cell",
        VALIDATE,
        line(3, lambda t: "\n" + t.replace(",mda,3,", ",mda,7,", 1)),
        [RESPONSES, "row 4", "'1A'"],
    ),
    ("huge-cell", VALIDATE, cell(5, "1C", "9" * 200_000), [RESPONSES, "row 5", "131 072"]),
    ("long-cell-excerpt", VALIDATE, cell(5, "1C", "x" * 5_000), [RESPONSES, "row 5", "'1C'", "…"]),
    ("long-id", VALIDATE, cell(3, "respondent_id", "i" * 65), [RESPONSES, "row 3", "longer than 64"]),
    ("huge-unknown-segment", VALIDATE, cell(3, "segment", "s" * 100_000), [RESPONSES, "row 3", "'segment'", "…"]),
    ("empty-header-name", VALIDATE, line(1, lambda t: t + ","), [RESPONSES, "row 1", "no name"]),
    (
        "responses-is-a-folder",
        VALIDATE,
        lambda r: ((raw(r) / RESPONSES).unlink(), (raw(r) / RESPONSES).mkdir()),
        [RESPONSES, "not a regular file"],
    ),
    # codebook.yaml (point 8)
    (
        "codebook-items-int",
        VALIDATE,
        codebook(lambda d: question(d, "q1").update(items=5)),
        ["codebook.yaml", "key questions.q1.items", "expected a list"],
    ),
    (
        "codebook-all-text",
        VALIDATE,
        codebook(lambda d: d["segments"].update(all="tous")),
        ["codebook.yaml", "key segments.all", "expected a mapping"],
    ),
    (
        "codebook-decimals-word",
        VALIDATE,
        codebook(lambda d: d["published_rounding"].update(decimals="two")),
        ["key published_rounding.decimals", "expected an integer"],
    ),
    (
        "codebook-question-qx",
        VALIDATE,
        codebook(lambda d: question(d, "q2").update(id="qx")),
        ["key questions.qx.id", "question id"],
    ),
    ("codebook-kind", BUILD, codebook(lambda d: question(d, "q3").update(kind="likert")), ["key questions.q3.kind"]),
    (
        "codebook-items-int-build",
        BUILD,
        codebook(lambda d: question(d, "q1").update(items=5)),
        ["codebook.yaml", "key questions.q1.items"],
    ),
    (
        "codebook-level-n",
        VALIDATE,
        codebook(lambda d: d["segments"]["levels"][0].update(n="douze")),
        ["key segments.levels.mda.n"],
    ),
    (
        "codebook-duplicate-item",
        VALIDATE,
        codebook(lambda d: question(d, "q2")["items"].append({"code": "1A", "label": "x"})),
        ["key questions.q2.items.1A.code", "twice"],
    ),
    (
        "codebook-responses-absolute",
        BUILD,
        codebook(lambda d: d["responses"].update(file="/etc/passwd")),
        ["key responses.file", "outside the wave"],
    ),
    (
        "codebook-responses-dotdot",
        VALIDATE,
        codebook(lambda d: d["responses"].update(file="../2014/x.csv")),
        ["key responses.file", "outside the wave"],
    ),
    (
        "codebook-yaml-syntax",
        VALIDATE,
        edit_text("codebook.yaml", lambda t: t.replace("segments:\n", "segments: [\n", 1)),
        ["codebook.yaml", "not valid YAML at line"],
    ),
    (
        "codebook-yaml-syntax-build",
        BUILD,
        edit_text("codebook.yaml", lambda t: t.replace("segments:\n", "segments: [\n", 1)),
        ["codebook.yaml", "not valid YAML at line"],
    ),
    (
        "codebook-a-list",
        VALIDATE,
        edit_text("codebook.yaml", lambda t: "- 1\n- 2\n"),
        ["codebook.yaml", "not a mapping"],
    ),
    (
        "codebook-not-utf8",
        BUILD,
        write_bytes("codebook.yaml", lambda b: b.replace("Tous".encode(), b"T\xf4us", 1)),
        ["codebook.yaml", "UTF-8", "line"],
    ),
    ("codebook-linked-outside", VALIDATE, link_outside("codebook.yaml"), ["codebook.yaml", "outside the wave"]),
    # datapackage.json (points 8 and 9)
    (
        "package-no-path",
        VALIDATE,
        package(delete_key(resource("quotes"), "path")),
        ["datapackage.json", "key resources.quotes.path", "missing"],
    ),
    (
        "package-no-path-build",
        BUILD,
        package(delete_key(resource("quotes"), "path")),
        ["datapackage.json", "key resources.quotes.path", "missing"],
    ),
    (
        "package-fields-text",
        VALIDATE,
        package(lambda d: resource("quotes")(d)["schema"].update(fields="abc")),
        ["key resources.quotes.schema.fields", "expected a list"],
    ),
    (
        "package-bad-regex",
        VALIDATE,
        package(lambda d: field("published_tables", "table")(d)["constraints"].update(pattern="(")),
        ["key resources.published_tables.schema.fields.table.constraints.pattern", "regular expression"],
    ),
    (
        "package-minimum-text",
        VALIDATE,
        package(lambda d: field("published_tables", "table_position")(d)["constraints"].update(minimum="a")),
        ["constraints.minimum", "expected a number"],
    ),
    (
        "package-type-typo",
        VALIDATE,
        package(set_key(field("published_tables", "table"), "type", "strng")),
        ["fields.table.type"],
    ),
    (
        "package-enum-text",
        VALIDATE,
        package(lambda d: field("published_tables", "question")(d)["constraints"].update(enum="q1")),
        ["constraints.enum", "expected a list"],
    ),
    (
        "package-resources-mapping",
        VALIDATE,
        package(lambda d: d.update(resources={})),
        ["key resources", "expected a list"],
    ),
    (
        "package-primary-key",
        VALIDATE,
        package(lambda d: resource("quotes")(d)["schema"].update(primaryKey="nosuch")),
        ["primaryKey", "not one of"],
    ),
    (
        "package-etc-passwd",
        VALIDATE,
        package(set_key(resource("quotes"), "path", "/etc/passwd")),
        ["key resources.quotes.path", "outside the wave"],
    ),
    (
        "package-etc-passwd-build",
        BUILD,
        package(set_key(resource("quotes"), "path", "/etc/passwd")),
        ["key resources.quotes.path", "outside the wave"],
    ),
    (
        "package-dotdot",
        VALIDATE,
        package(set_key(resource("quotes"), "path", "../../../outside.csv")),
        ["key resources.quotes.path", "outside the wave"],
    ),
    ("package-link-outside", VALIDATE, link_outside("quotes.csv"), ["quotes.csv", "a link to a file outside"]),
    ("responses-link-outside", BUILD, link_outside(RESPONSES), [RESPONSES, "a link to a file outside"]),
    (
        "package-invalid-json",
        VALIDATE,
        edit_text("datapackage.json", lambda t: t.replace('"resources": [', '"resources": [,', 1)),
        ["datapackage.json", "not valid JSON at line", "column"],
    ),
    (
        "package-invalid-json-build",
        BUILD,
        edit_text("datapackage.json", lambda t: t[:-3]),
        ["datapackage.json", "not valid JSON at line", "column"],
    ),
    (
        "package-a-list",
        BUILD,
        edit_text("datapackage.json", lambda t: "[1, 2]"),
        ["datapackage.json", "expected a mapping"],
    ),
]


def run_in_process(argv, capsys):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, err


def check_refusal(code, err, fragments):
    lines = err.splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert len(lines[0]) <= 300, len(lines[0])
    assert "Traceback" not in err and SECRET not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case, argv, breaks, fragments", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_in_one_located_line(tree, capsys, case, argv, breaks, fragments):
    breaks(tree)
    before = tree_hash(tree)
    code, err = run_in_process(argv, capsys)
    check_refusal(code, err, fragments)
    assert tree_hash(tree) == before


@pytest.mark.parametrize("case", ["build-name-dotdot-raw", "short-row", "package-invalid-json-build"])
def test_hostile_input_in_a_real_process(tree, case):
    _, argv, breaks, fragments = next(c for c in CASES if c[0] == case)
    breaks(tree)
    before = tree_hash(tree)
    done = subprocess.run(
        [sys.executable, "-m", "ciatstudy.cli", *argv],
        capture_output=True,
        text=True,
        cwd=tree,
        env={**os.environ, "CIATSTUDY_ROOT": str(tree)},
        timeout=120,
    )
    check_refusal(done.returncode, done.stderr, fragments)
    assert tree_hash(tree) == before


def test_the_tree_hash_sees_a_change(tree):
    """The catalogue's 'unchanged' is worth something: one byte anywhere changes the hash."""
    before = tree_hash(tree)
    (tree / "figures").mkdir()
    assert tree_hash(tree) != before
    before = tree_hash(tree)
    (raw(tree) / RESPONSES).write_bytes((raw(tree) / RESPONSES).read_bytes() + b" ")
    assert tree_hash(tree) != before

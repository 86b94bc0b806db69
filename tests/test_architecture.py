"""The package's layers (ARCHITECTURE.md): imports only go down, no import circle, every subpackage says
what it holds, no module over 800 lines.

Every module of ``ciatstudy`` is parsed with :mod:`ast`; imports at module level and inside functions
(the code imports lazily to keep start-up fast), relative and absolute, all count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ciatstudy"

# Low to high. A module may import its own subpackage and any layer of a lower rank; layers of the
# same rank (analysis and text; audit, report and waves) are independent of each other.
LAYERS = {
    "ciatstudy": 0,  # the lazy public API: imports by name on first use, nothing at module level
    "errors": 0,
    "resources": 0,
    "data": 1,
    "analysis": 2,
    "text": 2,
    "audit": 3,
    "report": 3,
    "waves": 3,
    "pipeline": 4,
    "cli": 5,
}
MAX_LINES = 800


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, name: str, is_package: bool, known: set[str]) -> set[str]:
    """The ``ciatstudy`` modules a module's source imports, anywhere in it.

    ``from ciatstudy.x import y`` counts as importing ``ciatstudy.x.y`` when that is a module, else ``ciatstudy.x``.

    >>> known = {"ciatstudy", "ciatstudy.data", "ciatstudy.data.io", "ciatstudy.report", "ciatstudy.report.plots"}
    >>> sorted(imported_modules("def f():\\n    from ..report import plots\\nimport ciatstudy.data.io",
    ...                         "ciatstudy.analysis.compare", False, known))
    ['ciatstudy.data.io', 'ciatstudy.report.plots']
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "ciatstudy")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "ciatstudy":
                continue
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
            found.update(subs)
            if len(subs) < len(node.names):
                found.add(target)
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    known = set(files)
    return {
        name: imported_modules(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", known) - {name}
        for name, path in files.items()
    }


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """``a -> b`` for each import of a higher layer, or of another layer of the same rank."""
    wrong = []
    for source, targets in graph.items():
        for target in sorted(targets):
            here, there = layer(source), layer(target)
            if here == there or target in ("ciatstudy.errors", "ciatstudy"):
                if target == "ciatstudy" and source != "ciatstudy.cli":
                    wrong.append(f"{source} -> {target} (the lazy API is for users, not for the package)")
                continue
            if here not in LAYERS or there not in LAYERS:
                wrong.append(f"{source} -> {target} (layer {here if here not in LAYERS else there!r} has no rank)")
            elif LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{source} ({here}, rank {LAYERS[here]}) -> {target} ({there}, rank {LAYERS[there]})")
    return wrong


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as ``[a, b, …, a]``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """The package's import graph, parsed once by the test process that runs these tests (not at collection)."""
    return import_graph()


def test_every_module_belongs_to_a_ranked_layer(graph):
    assert {layer(m) for m in graph} <= set(LAYERS), sorted({layer(m) for m in graph} - set(LAYERS))


def test_imports_only_go_down_the_layers(graph):
    assert upward_imports(graph) == []


def test_no_import_circle(graph):
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_cli_alone_imports_the_command_line(graph):
    assert sorted(m for m, targets in graph.items() if "ciatstudy.cli" in targets) == []


def test_every_subpackage_says_what_it_holds_and_may_import():
    missing = []
    for init in sorted(PACKAGE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        if len(doc.split()) < 10:
            missing.append(module_name(init))
    assert missing == []


def test_layer_subpackages_keep_their_init_light():
    """A subpackage's ``__init__`` imports nothing at module level (``import ciatstudy`` stays fast)."""
    heavy = []
    for name in LAYERS:
        init = PACKAGE / name / "__init__.py"
        if init.is_file():
            tree = ast.parse(init.read_text(encoding="utf-8"))
            if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body):
                heavy.append(name)
    assert heavy == []


def test_no_module_over_800_lines():
    sizes = {
        module_name(p): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert sizes == {}, f"modules over {MAX_LINES} lines: " + ", ".join(f"{m} ({n})" for m, n in sorted(sizes.items()))


# ------------------------------------------------------------------ the checks themselves can fail
def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "ciatstudy"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # main's compare (statistics) drew its chart with plots (presentation), inside a function
        (
            "def f():\n    from ..report.plots import colour\n",
            "ciatstudy.analysis.compare (analysis, rank 2) -> ciatstudy.report.plots",
        ),
        (
            "from ciatstudy.report import plots\n",
            "ciatstudy.analysis.compare (analysis, rank 2) -> ciatstudy.report.plots",
        ),
        ("import ciatstudy.text.corpus\n", "ciatstudy.analysis.compare (analysis, rank 2) -> ciatstudy.text.corpus"),
        ("from .. import cli\n", "ciatstudy.analysis.compare (analysis, rank 2) -> ciatstudy.cli"),
    ],
)
def test_an_upward_or_sideways_import_is_reported(tmp_path, source, expected):
    root = _package(
        tmp_path,
        {
            "__init__.py": '"""api"""\n',
            "cli.py": "",
            "analysis/__init__.py": "",
            "analysis/compare.py": source,
            "report/__init__.py": "",
            "report/plots.py": "",
            "text/__init__.py": "",
            "text/corpus.py": "",
        },
    )
    wrong = upward_imports(import_graph(root))
    assert len(wrong) == 1 and wrong[0].startswith(expected), wrong


def test_a_downward_import_is_allowed(tmp_path):
    root = _package(tmp_path, {"report/plots.py": "from ..data.rounding import format_fr\n", "data/rounding.py": ""})
    assert upward_imports(import_graph(root)) == []


def test_an_import_circle_is_reported_with_its_path(tmp_path):
    # main's cli <-> importers: cli imported importers, whose main_import imported cli inside a function
    root = _package(
        tmp_path,
        {
            "cli.py": "def f():\n    from .waves import importers\n",
            "waves/__init__.py": "",
            "waves/importers/__init__.py": "def main_import():\n    from ...cli import main\n",
        },
    )
    graph = import_graph(root)
    assert find_cycle(graph) == ["ciatstudy.cli", "ciatstudy.waves.importers", "ciatstudy.cli"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None

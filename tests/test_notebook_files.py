"""The notebooks as files: saving from JupyterLab leaves them unchanged, fingerprints ignore jupytext's
version lines, and parameters are read as each notebook declares them."""

import difflib
import shutil

import nbformat
import pytest

from ciatstudy.pipeline.notebooks import coerce_parameters, declared_parameters, notebook_fingerprint_text
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
VERSION_LINES = "#       format_version: '1.3'\n#       jupytext_version: 1.19.6\n"


def _with_version_lines(text: str) -> str:
    """What a JupyterLab save wrote into the header before jupytext.toml (the lines of issue 16)."""
    return text.replace("#       format_name: percent\n", "#       format_name: percent\n" + VERSION_LINES, 1)


def _save_from_lab(root):
    """Open and save every notebook as JupyterLab does (jupytext's contents manager), after a run."""
    from jupyter_server.services.contents.largefilemanager import LargeFileManager
    from jupytext.sync_contentsmanager import build_sync_jupytext_contents_manager_class

    manager = build_sync_jupytext_contents_manager_class(LargeFileManager)(root_dir=str(root))
    for path in sorted((root / "notebooks").glob("*.py")):
        rel = f"notebooks/{path.name}"
        model = manager.get(rel, content=True, type="notebook")
        model["content"]["metadata"]["language_info"] = {"name": "python", "version": "3.11.7"}
        for i, cell in enumerate(model["content"]["cells"]):
            if cell["cell_type"] == "code":  # outputs and counts are not part of a py:percent file
                cell["execution_count"] = i
                cell["outputs"] = [nbformat.v4.new_output("stream", text="sortie\n")]
        manager.save(model, rel)


def _changes(root) -> dict[str, str]:
    out = {}
    for path in NOTEBOOKS:
        before, after = path.read_text(), (root / "notebooks" / path.name).read_text()
        if before != after:
            out[path.name] = "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True)))
    return out


def test_saving_an_unchanged_notebook_from_lab_leaves_git_clean(tmp_path):
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    _save_from_lab(tmp_path)
    assert _changes(tmp_path) == {}


def test_without_the_jupytext_configuration_a_save_adds_version_lines(tmp_path):
    """The control: what jupytext.toml prevents (so the test above can fail)."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    _save_from_lab(tmp_path)
    changes = _changes(tmp_path)
    assert set(changes) == {p.name for p in NOTEBOOKS}
    assert all("jupytext_version" in diff for diff in changes.values())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_fingerprint_text_ignores_only_the_version_lines(path):
    text = path.read_text()
    assert "jupytext_version" in _with_version_lines(text)
    assert notebook_fingerprint_text(_with_version_lines(text)) == notebook_fingerprint_text(text) == text
    edited = text.replace("# %%", "# %%\nx = 1\n", 1)
    assert notebook_fingerprint_text(edited) != notebook_fingerprint_text(text)


@pytest.mark.parametrize("text", ["", "x = 1\n", "# ---\n# jupyter: {}\n", "# %%\n#       jupytext_version: 1\n"])
def test_fingerprint_text_leaves_files_without_a_closed_header_alone(text):
    assert notebook_fingerprint_text(text) == text


def test_a_lab_save_does_not_rerun_the_section(project):
    from ciatstudy.pipeline.fingerprints import fingerprint, library_digest
    from ciatstudy.pipeline.sections import read_plan
    from ciatstudy.data.config import Paths
    from ciatstudy.pipeline.sections import plan

    wave_plan = read_plan("2014")
    section = next(s for s in plan(wave_plan.codebook, set(wave_plan.files)) if s.slug == "choices-q4")
    paths, lib = Paths.for_wave("2014"), library_digest()

    def current():
        import ciatstudy.pipeline.fingerprints

        ciatstudy.pipeline.fingerprints._HASHES.clear()
        return fingerprint(section, paths=paths, files=wave_plan.files, lib=lib)

    notebook = project / "notebooks" / section.notebook
    before = current()
    notebook.write_text(_with_version_lines(notebook.read_text()))
    assert current() == before
    notebook.write_text(notebook.read_text().replace('question: str = "q2"', 'question: str = "q3"'))
    assert current() != before


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_declares_a_string_wave(path):
    import jupytext

    cell = next(c for c in jupytext.read(path).cells if "parameters" in c.metadata.get("tags", []))
    assert declared_parameters(cell.source).get("wave") == "str"


@pytest.mark.parametrize(
    "given, expected",
    [
        ({"wave": 2014}, {"wave": "2014"}),
        ({"wave": "2014"}, {"wave": "2014"}),
        ({"wave": 2014.0, "question": "q4"}, {"wave": "2014.0", "question": "q4"}),
        ({"top": "12"}, {"top": 12}),
        ({"top": 12}, {"top": 12}),
        ({"share": "0.5"}, {"share": 0.5}),
        ({"hatch": "false"}, {"hatch": False}),
        ({"hatch": "True"}, {"hatch": True}),
    ],
)
def test_parameters_are_read_as_declared(given, expected):
    declared = {"wave": "str", "question": "str", "top": "int", "share": "float", "hatch": "bool"}
    assert coerce_parameters(given, declared) == expected


@pytest.mark.parametrize(
    "given, message",
    [
        ({"qestion": "q4"}, "unknown notebook parameter 'qestion'"),
        ({"top": "douze"}, "declared int"),
        ({"hatch": "oui"}, "declared bool"),
    ],
)
def test_parameters_the_notebook_cannot_take_are_refused(given, message):
    with pytest.raises(ValueError, match=message):
        coerce_parameters(given, {"wave": "str", "question": "str", "top": "int", "hatch": "bool"})

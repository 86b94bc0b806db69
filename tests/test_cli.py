"""The command line as a newcomer meets it: help, defaults, version, and one clear line for each mistake."""

import argparse
import json
import shutil
import subprocess

import nbformat
import pytest

from ciatstudy import __version__, cli
from conftest import ROOT


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    return dict(cli.build_parser()._subparsers._group_actions[0].choices)


def _fail(argv, capsys) -> tuple[int, str]:
    """Exit code and stderr of a command expected to fail, whether argparse or the command refuses it."""
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.strip() == f"ciatstudy {__version__}"


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_option_has_help_and_says_its_default(command):
    parser = _subparsers()[command]
    formatter = parser._get_formatter()
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        assert action.help, (command, action.dest)
        if action.option_strings:
            text = formatter._get_help_string(action) % {"default": action.default}
            assert "default" in text or "required" in text, (command, action.option_strings, text)


@pytest.mark.parametrize("command", [None, *sorted(_subparsers())])
def test_help_is_plain_text(command):
    parser = cli.build_parser() if command is None else _subparsers()[command]
    text = parser.format_help()
    assert "`" not in text and "(default: None)" not in text, text


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_jobs_must_be_at_least_one(value, capsys):
    code, err = _fail(["build", "--jobs", value], capsys)
    assert code == 2 and "--jobs" in err and "at least 1" in err


def test_jobs_reads_a_positive_count():
    assert cli._parse(["build", "--jobs", "3"]).jobs == 3


def test_synth_without_output_refuses_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, err = _fail(["synth", "--n", "3", "--format", "google"], capsys)
    assert code == 2 and "--output" in err
    assert list(tmp_path.iterdir()) == []


def _paths_that_name_no_wave(base):
    (base / "exports").mkdir()
    (base / "exports" / "answers.csv").write_text("a,b\n1,2\n")
    (base / "empty").mkdir()
    return {
        "exports/answers.csv": "this is a file",
        "empty/": "holds no codebook.yaml",
        "data/raw/2014/responses.csv": "no such file",
        "elsewhere/2026": "no such folder",
    }


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["audit", "--wave"],
        ["build", "--wave"],
        ["reconstruct", "--wave"],
        ["notebook", "profile", "--wave"],
    ],
)
def test_a_wave_argument_that_names_no_wave_is_reported_as_typed(command, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for typed, reason in _paths_that_name_no_wave(tmp_path).items():
        code, err = _fail([*command, typed], capsys)
        assert code == 2, (command, typed, err)
        line = err.strip()
        assert "\n" not in line and line.startswith("ciatstudy: error: ") and typed in line and reason in line, line
        assert "data/raw/data/raw" not in line and "Traceback" not in err
        assert "expected a wave name" in line


def test_a_file_points_to_its_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    code, err = _fail(["validate", "data/raw/2014/respondents.csv"], capsys)
    assert code == 2 and "give its folder: data/raw/2014" in err


def test_a_relative_wave_folder_validates(monkeypatch, capsys):
    monkeypatch.chdir(ROOT / "data")
    assert cli.main(["validate", "raw/2014"]) == 0
    assert capsys.readouterr().out.startswith("wave 2014: valid")


def test_audit_of_a_wave_with_nothing_published_says_so(tmp_path, monkeypatch, capsys):
    raw = tmp_path / "data" / "raw" / "2026"
    shutil.copytree(ROOT / "data" / "raw" / "2014", raw)
    package = json.loads((raw / "datapackage.json").read_text())
    package["resources"] = [r for r in package["resources"] if r["name"] == "responses"]
    (raw / "datapackage.json").write_text(json.dumps(package))
    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))
    assert cli.main(["audit", "--wave", "2026"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "nothing published to check" in out
    assert not (tmp_path / "data" / "processed").exists()


@pytest.mark.parametrize("typed", ["no/such/export.csv", "export.xlsx", "../elsewhere/export.csv"])
def test_import_of_a_missing_file_names_it_as_given(typed, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, err = _fail(["import", typed, "--format", "google", "--wave", "2099"], capsys)
    assert code == 2 and err.strip() == f"ciatstudy: error: {typed}: file not found"


def test_notebook_names_the_sections_when_one_is_unknown(capsys):
    code, err = _fail(["notebook", "nosuch"], capsys)
    assert code == 2 and "choices-q4" in err and "profile" in err and err.count("\n") == 1


def test_papermill_integer_wave_is_read_as_a_name():
    from ciatstudy.data.config import Paths, wave_folder
    from ciatstudy.data.io import load_wave

    assert wave_folder(2014) == wave_folder("2014")
    assert Paths.for_wave(2014) == Paths.for_wave("2014")
    assert load_wave(2014, questions=["q8"]).name == "2014"


# --------------------------------------------------------------------------- one section by hand (kernels)
def _outputs(path):
    notebook = nbformat.read(path, as_version=4)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    injected = [c.source for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    return notebook, errors, injected


@pytest.mark.notebook
def test_notebook_command_runs_one_section_with_the_builds_parameters(project, capsys):
    target = project / "by-hand" / "q8.ipynb"
    assert cli.main(["notebook", "choices-q8", "--wave", "2014", "--output", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"written: {target}"
    notebook, errors, injected = _outputs(target)
    assert not errors and injected and 'question = "q8"' in injected[0] and 'wave = "2014"' in injected[0]
    assert any(c.get("outputs") for c in notebook.cells if c.cell_type == "code")


@pytest.mark.notebook
def test_the_papermill_pipe_of_the_readme_runs_with_an_integer_wave(project):
    bin_dir = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "papermill").exists() else None
    tool = (lambda name: str(bin_dir / name)) if bin_dir else (lambda name: shutil.which(name))
    out = project / "q8.ipynb"
    text = subprocess.run(
        [tool("jupytext"), "--to", "ipynb", "-o", "-", str(project / "notebooks/33-choices.py")],
        capture_output=True,
        check=True,
    ).stdout
    done = subprocess.run(
        [
            tool("papermill"),
            "-",
            str(out),
            "-k",
            "python3",
            "--cwd",
            str(project / "notebooks"),
            "-p",
            "wave",
            "2014",
            "-p",
            "question",
            "q8",
            "--no-progress-bar",
        ],
        input=text,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    _, errors, injected = _outputs(out)
    assert not errors and "wave = 2014" in injected[0]  # papermill's integer, accepted by the library

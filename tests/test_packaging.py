"""Set-up files agree with each other: the lock, environment.yml, pyproject and the Makefile."""

import json
import os
import re
import subprocess
import sys
import tomllib

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import sync_environment  # noqa: E402


def test_environment_yml_has_the_lock_pins():
    assert (ROOT / "environment.yml").read_text() == sync_environment.render(ROOT / "requirements.lock")


def test_every_direct_dependency_is_pinned():
    pinned = {p.split("==")[0].lower().replace("_", "-") for p in sync_environment.pins(ROOT / "requirements.lock")}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for dep in project["dependencies"]:
        name = dep.split(">")[0].split("=")[0].split("<")[0].strip().lower()
        assert name in pinned, name
    assert project["scripts"]["ciatstudy"] == "ciatstudy.cli:main"


def test_makefile_has_the_two_commands():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("report:", "test:", "help:"):
        assert target in makefile
    assert "requirements.lock" in makefile


def test_environment_is_installed_for_fast_start_up():
    """Measured in benchmarks/: precompiled bytecode and no IRI grammar save 1.5-3 s per Jupyter process."""
    makefile = (ROOT / "Makefile").read_text()
    assert "--compile-bytecode" in makefile and "--no-deps" in makefile
    lock = (ROOT / "requirements.lock").read_text()
    assert "rfc3987-syntax==" not in lock and "--no-emit-package rfc3987-syntax" in lock


@pytest.mark.parametrize(
    "argv", [["build"], ["build", "--force"], ["build", "--wave", "synth"], ["build", "--force", "--wave", "2014"]]
)
def test_plain_build_reads_its_arguments_as_argparse_does(argv):
    from ciatstudy import cli

    fast = cli._plain_build(argv)
    assert fast is not None and vars(fast) == vars(cli._parse(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--only", "profile"],
        ["build", "--wave"],
        ["build", "--wave=2014"],
        ["build", "--jobs", "1"],
        ["audit"],
        [],
    ],
)
def test_other_command_lines_go_through_argparse(argv):
    from ciatstudy import cli

    assert cli._plain_build(argv) is None


# --------------------------------------------------------------------------- environment.yml and the dev group
def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_installs_exactly_the_lock():
    import yaml

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == [*sync_environment.pins(ROOT / "requirements.lock"), "-e ."]
    names = {_name(p) for p in pip}
    assert not names & {"rfc3987-syntax", "lark"}
    # pip takes no --no-deps from a requirements list: the documented command passes it through the environment
    assert "PIP_NO_DEPS=1 conda env create -f environment.yml" in (ROOT / "environment.yml").read_text()
    assert "PIP_NO_DEPS=1 conda env create -f environment.yml" in (ROOT / "README.md").read_text()


def test_pip_reads_pip_no_deps_as_no_deps():
    code = (
        "from pip._internal.commands import create_command\n"
        "print(create_command('install').parse_args(['x'])[0].ignore_dependencies)"
    )
    for value, expected in (("1", "1"), (None, "False")):
        env = {k: v for k, v in os.environ.items() if k != "PIP_NO_DEPS"} | ({"PIP_NO_DEPS": value} if value else {})
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        assert out.stdout.strip() == expected


def test_development_tools_are_an_optional_group():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(d) for d in project["dependencies"]}
    dev = {_name(d) for d in project["optional-dependencies"]["dev"]}
    assert {"pytest", "playwright", "jupyterlab", "ruff", "pdoc"} <= dev and not dev & runtime
    wanted = {
        _name(line)
        for line in (ROOT / "requirements.in").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert wanted == runtime | dev, wanted ^ (runtime | dev)


# --------------------------------------------------------------------------- make test and the browser tier
def _run_tests(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CIATSTUDY_")}
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_tests.py"), "--dry-run", *args],
        capture_output=True,
        text=True,
        env=clean | env,
    )


def test_without_chromium_the_browser_tier_is_skipped_with_one_line(tmp_path):
    done = _run_tests({"CIATSTUDY_CHROMIUM": str(tmp_path / "no-chromium")})
    assert done.returncode == 0
    assert done.stdout.strip().endswith("-m pytest -n auto --dist worksteal -m not browser")
    assert done.stdout.startswith("skip:")
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "SKIPPED" in lines[0] and "apt-get install chromium" in lines[0]
    assert "CIATSTUDY_CHROMIUM" in lines[0]


def test_ci_fails_rather_than_skip_the_browser_tier(tmp_path):
    done = _run_tests({"CIATSTUDY_CHROMIUM": str(tmp_path / "no-chromium"), "CIATSTUDY_REQUIRE_BROWSER": "1"})
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "CIATSTUDY_REQUIRE_BROWSER=1" in done.stderr


def test_with_chromium_every_tier_runs(tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    for env in (
        {"CIATSTUDY_CHROMIUM": str(browser)},
        {"CIATSTUDY_CHROMIUM": str(browser), "CIATSTUDY_REQUIRE_BROWSER": "1"},
    ):
        done = _run_tests(env, "-x")
        assert done.returncode == 0 and done.stderr == ""
        assert done.stdout.strip().endswith("-m pytest -n auto --dist worksteal -x")
        assert "not browser" not in done.stdout


@pytest.mark.parametrize(
    "found, explicit, root, apt, required, action",
    [
        (True, False, False, False, True, "run"),
        (True, True, True, True, False, "run"),
        (False, False, True, True, False, "install"),
        (False, False, True, True, True, "install"),
        (False, False, False, True, False, "skip"),
        (False, False, True, False, False, "skip"),
        (False, True, True, True, False, "skip"),  # an explicit path is never replaced by an install
        (False, False, False, True, True, "fail"),
        (False, True, True, True, True, "fail"),
    ],
)
def test_browser_tier_decision(found, explicit, root, apt, required, action):
    import run_tests

    decision = run_tests.decide(found=found, explicit=explicit, is_root=root, has_apt=apt, required=required)
    assert decision.action == action
    assert (decision.message == "") == (action == "run")


def test_make_test_and_ci_go_through_the_tier_decision():
    dry = subprocess.run(["make", "-n", "test", "lint"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "tools/run_tests.py" in dry and "ruff check ." in dry and "ruff format --check ." in dry
    steps = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines() if not line.startswith("#")]
    assert "export CIATSTUDY_REQUIRE_BROWSER=1" in steps
    assert steps.index("make lint") < steps.index("make test")


# --------------------------------------------------------------------------- make lab
def _make_lab(tmp_path, uid: str, **variables) -> str:
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (fake / "id").chmod(0o755)
    env = os.environ | {"PATH": f"{fake}:{os.environ['PATH']}"}
    args = [f"{k}={v}" for k, v in variables.items()]
    out = subprocess.run(["make", "-n", "lab", *args], cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    return out.stdout[out.stdout.index("JUPYTER_CONFIG_PATH=") :]


def test_make_lab_command_line(tmp_path):
    as_root = _make_lab(tmp_path, "0")
    assert "--allow-root" in as_root
    assert f'--ServerApp.root_dir="{ROOT}"' in as_root and "--LabApp.default_url=/lab/tree/notebooks" in as_root
    assert "--ServerApp.port=8888" in as_root and "--ServerApp.ip=127.0.0.1" in as_root
    assert "--no-browser" not in as_root and "browser=" not in as_root
    assert f'JUPYTER_CONFIG_PATH="{ROOT}/.jupyter' in as_root

    as_user = _make_lab(tmp_path, "1000", LAB_PORT=9123, LAB_IP="0.0.0.0", LAB_BROWSER="none")
    assert "--allow-root" not in as_user
    assert "--ServerApp.port=9123" in as_user and "--ServerApp.ip=0.0.0.0" in as_user and "--no-browser" in as_user

    firefox = _make_lab(tmp_path, "1000", LAB_BROWSER="firefox")
    assert '--ServerApp.browser="firefox"' in firefox and "--no-browser" not in firefox


def test_lab_opens_py_notebooks_as_notebooks():
    """The shipped setting, read as JupyterLab's server reads its overrides, from JUPYTER_CONFIG_PATH."""
    code = (
        "import json\nfrom jupyterlab_server.settings_utils import _get_overrides\n"
        "print(json.dumps(_get_overrides('/nonexistent')[0]))"
    )
    env = os.environ | {"JUPYTER_CONFIG_PATH": str(ROOT / ".jupyter")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    viewers = json.loads(out.stdout)["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["python"] == "Jupytext Notebook"


# --------------------------------------------------------------------------- lint and pre-commit
def test_the_code_passes_the_lint_rules():
    ruff = ROOT / ".venv" / "bin" / "ruff"
    command = [str(ruff)] if ruff.exists() else [sys.executable, "-m", "ruff"]
    done = subprocess.run([*command, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def test_ruff_settings_match_the_code_style():
    ruff = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    assert ruff["line-length"] == 120 and ruff["format"]["quote-style"] == "double"
    assert {"E", "F", "W"} <= set(ruff["lint"]["select"])


def test_pre_commit_runs_the_locked_tools():
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert {"ruff", "ruff-format", "jupytext"} <= set(hooks)
    assert "--sync" in hooks["jupytext"]["entry"] and "notebooks" in hooks["jupytext"]["files"]
    pinned = {p.split("==")[0] for p in sync_environment.pins(ROOT / "requirements.lock")}
    for hook in hooks.values():
        executable = hook["entry"].split()[0]
        assert executable.startswith(".venv/bin/") and executable.rsplit("/", 1)[1] in pinned, hook


def test_jupytext_configuration():
    config = tomllib.loads((ROOT / "jupytext.toml").read_text())
    assert config["preferred_jupytext_formats_save"] == "py:percent"
    assert "-jupytext.text_representation.jupytext_version" in config["notebook_metadata_filter"]

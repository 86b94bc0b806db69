"""Set-up files agree with each other: the lock, environment.yml, pyproject and the Makefile."""

import sys
import tomllib

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

import contextlib
import fcntl
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

collect_ignore_glob = ["fixtures/*"]  # notebooks and exports used as test data, not test modules

ROOT = Path(__file__).resolve().parents[1]
RAW_2014 = ROOT / "data" / "raw" / "2014"


@pytest.fixture(scope="session")
def wave2014():
    from ciatstudy.data.io import load_wave

    return load_wave("2014")


@pytest.fixture
def raw_copy(tmp_path):
    """A writable copy of wave 2014's raw folder, to break on purpose."""
    target = tmp_path / "data" / "raw" / "2014"
    shutil.copytree(RAW_2014, target)
    return target


def build_2014(**kw) -> tuple[int, str]:
    """Exit code and log of a build of wave 2014 in the current ``CIATSTUDY_ROOT`` (``kw``: build's options)."""
    from ciatstudy.pipeline.build import build

    out = io.StringIO()
    code = build("2014", out=out, **kw)
    return code, out.getvalue()


def section_states(log: str) -> dict[str, str]:
    """Each section's last state in a build log (ran, skipped, FAILED; progress lines may carry ``[k/n]``)."""
    states = {}
    for line in log.splitlines():
        match = re.match(r"\s+(?:\[\d+/\d+\]\s+)?(\S+)\s+(ran|skipped|FAILED)\b", line)
        if match:
            states[match[1]] = match[2]
    return states


def new_project(root: Path) -> Path:
    """A throw-away project tree at ``root``: wave 2014's raw data, the notebooks and the lock (what a build reads)."""
    for rel in ("data/raw/2014", "notebooks"):
        shutil.copytree(ROOT / rel, root / rel)
    shutil.copy(ROOT / "requirements.lock", root / "requirements.lock")
    return root


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A throw-away project tree (raw data, notebooks, lock) that builds can write into."""
    new_project(tmp_path)
    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))
    monkeypatch.delenv("CIATSTUDY_STAGE", raising=False)
    return tmp_path


# --------------------------------------------------------------------------- builds shared by the test run
# A full build takes 20-40 s. The tests that only read a built report share one throw-away project and build
# each wave there once per run, whatever pytest-xdist worker asks first (a file lock serialises the builds;
# the others wait and reuse them). Those tests carry the xdist group SHARED, so one worker runs them in turn
# while the other takes the rest of the suite. A test that changes a project builds its own (``project``).
SHARED = "shared-build"


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_base(tmp_path_factory) -> Path:
    """The temporary folder of the whole run: each xdist worker's base folder is a child of it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_build(tmp_path_factory, wave: str, *, export: Path | None = None, fmt: str | None = None, **build_kw):
    """``(root, exit code, build log)`` of ``wave`` built in the run's shared project, built on first request.

    ``export``/``fmt``: the survey-tool export the wave is imported from first (new waves); ``build_kw``
    goes to :func:`ciatstudy.build.build` (``baseline="2014"``...). Callers must not change the project.
    """
    base = _run_base(tmp_path_factory)
    root = base / "shared-project"
    with _locked(base / "shared-project.lock"):
        done = root / ".tests" / f"{wave}.json"
        if not done.exists():
            if not root.exists():
                new_project(root)
            from ciatstudy.pipeline.build import build
            from ciatstudy.waves.importers import import_export

            out = io.StringIO()
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("CIATSTUDY_ROOT", str(root))
                mp.delenv("CIATSTUDY_STAGE", raising=False)
                if export is not None:
                    import_export(export, format=fmt, wave=wave, root=root)
                code = build(wave, jobs=2, out=out, **build_kw)
            done.parent.mkdir(exist_ok=True)
            done.write_text(json.dumps({"code": code, "log": out.getvalue()}), encoding="utf-8")
        result = json.loads(done.read_text(encoding="utf-8"))
    return root, result["code"], result["log"]


@pytest.fixture(scope="session")
def built_2014(tmp_path_factory) -> Path:
    """Root of the shared project with wave 2014 built (report, workbook, PDF when Chromium is there)."""
    root, code, log = shared_build(tmp_path_factory, "2014")
    assert code == 0, log
    return root

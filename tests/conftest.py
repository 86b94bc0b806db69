import contextlib
import fcntl
import gc
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
    """Exit code and log of a build of wave 2014 in the current ``CIATSTUDY_ROOT`` (``kw``: build's options).

    No PDF unless ``pdf=True``: printing costs seconds of Chromium and only the print tests read it.
    """
    from ciatstudy.pipeline.build import build

    out = io.StringIO()
    code = build("2014", out=out, **{"pdf": False, **kw})
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


def copy_built(source: Path, root: Path, wave: str = "2014") -> Path:
    """A throw-away project at ``root`` holding ``source``'s build of ``wave``: raw data, notebooks, lock,
    outputs and build state, so that a build there re-runs only what a test then changes."""
    new_project(root)
    for rel in (f"data/processed/{wave}", f"figures/{wave}", f"reports/{wave}", f".build/{wave}"):
        shutil.copytree(source / rel, root / rel, ignore=shutil.ignore_patterns("stage", "build.lock"))
    shutil.copy(source / ".build" / "library-digest.json", root / ".build" / "library-digest.json")
    return root


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A throw-away project tree (raw data, notebooks, lock) that builds can write into."""
    new_project(tmp_path)
    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))
    monkeypatch.delenv("CIATSTUDY_STAGE", raising=False)
    return tmp_path


# --------------------------------------------------------------------------- builds shared by the test run
# A full build takes 30-60 s of CPU. The tests that only read a built report share one throw-away project and
# build each wave there once per run, whatever pytest-xdist worker asks first. Each wave has its own file
# lock; a worker that finds the wave it needs being built by another builds a wave nobody has started yet
# (one the run's tests need), so both cores build until every shared wave is there. Those tests carry the
# ``shared_builds`` marker naming their waves and run first (see pytest_collection_modifyitems).
# A test that changes a project builds its own (``project``) or a copy (``copy_built``).
FIX = Path(__file__).parent / "fixtures" / "exports"
# survey-tool export fixture -> (format, encoding, delimiter); each is imported as wave ``w-<format>``
FIXTURES = {
    "surveymonkey.csv": ("surveymonkey", "utf-8-sig", ","),
    "google_forms.csv": ("google", "utf-8", ","),
    "limesurvey.csv": ("limesurvey", "utf-8", ";"),
    "kobotoolbox.csv": ("kobo", "utf-8", ";"),
    "plain_excel_fr.csv": ("plain", "cp1252", ";"),
}
# wave -> the export it is imported from (None: the project's own raw data); imported waves are compared with 2014
SHARED_WAVES = {"2014": None, **{f"w-{fmt}": name for name, (fmt, _, _) in FIXTURES.items()}}
# The shared builds that print a PDF (seconds of Chromium each): 2014 for the print tests, and the SurveyMonkey
# wave (its fixture has identifiers planted in free text) for the privacy scan of a PDF's text.
PRINTED = {"2014", "w-surveymonkey"}
_NEEDED: set[str] = set()  # the shared waves the selected tests read (a worker builds no other)


@pytest.hookimpl(trylast=True)  # after -m/-k have deselected
def pytest_collection_modifyitems(config, items):
    """Shared-build readers first, then the other notebook and browser tests, then the rest (each in file order):
    the long builds start on every core at once and the short tests fill the end of the run."""
    for item in items:
        for mark in item.iter_markers("shared_builds"):
            if not (item.get_closest_marker("notebook") or item.get_closest_marker("browser")):
                # `make test-fast` (-m "not notebook and not browser") must never start a build
                raise pytest.UsageError(f"{item.nodeid} reads a shared build: mark it notebook too")
            _NEEDED.update(mark.args)

    def rank(item) -> int:
        if item.get_closest_marker("shared_builds"):
            return 0
        return 1 if item.get_closest_marker("notebook") or item.get_closest_marker("browser") else 2

    items.sort(key=rank)


_LAST_MODULE: list = [None]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Between two test modules, collect once and freeze what survives (the modules imported, spaCy's model,
    session fixtures): a test process holds hundreds of thousands of long-lived objects, and every full
    collection walked them all again (0.2 s each, 20-30 per worker). Objects frozen still die when nothing
    refers to them; the builds' kernels do the same between sections (``section_run``)."""
    if item.path != _LAST_MODULE[0]:
        _LAST_MODULE[0] = item.path
        gc.collect()
        gc.freeze()


@contextlib.contextmanager
def _locked(path: Path, *, wait: bool = True):
    """Hold an exclusive lock on ``path``; yields False at once if another process holds it and ``wait`` is off."""
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_base(tmp_path_factory) -> Path:
    """The temporary folder of the whole run: each xdist worker's base folder is a child of it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build_shared(root: Path, wave: str) -> dict:
    from ciatstudy.pipeline.build import build
    from ciatstudy.waves.importers import import_export

    export = SHARED_WAVES[wave]
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIATSTUDY_ROOT", str(root))
        mp.delenv("CIATSTUDY_STAGE", raising=False)
        kw = {}
        if export is not None:
            import_export(FIX / export, format=FIXTURES[export][0], wave=wave, root=root)
            kw["baseline"] = "2014"
        # one kernel: the other core is busy with the other worker's build or tests
        code = build(wave, jobs=1, out=out, pdf=wave in PRINTED, **kw)
    return {"code": code, "log": out.getvalue()}


def _claim(base: Path, root: Path, wave: str, *, wait: bool) -> dict | None:
    """The wave's recorded build, built first if nobody did; None if another worker is building it (``wait`` off)."""
    with _locked(base / f"shared-{wave}.lock", wait=wait) as held:
        if not held:
            return None
        done = root / ".tests" / f"{wave}.json"
        if not done.exists():
            try:
                result = _build_shared(root, wave)
            except Exception:  # an import or build that raises is recorded too: every reader sees why, once
                import traceback

                result = {"code": -1, "log": traceback.format_exc()}
            done.parent.mkdir(exist_ok=True)
            done.write_text(json.dumps(result), encoding="utf-8")
        return json.loads(done.read_text(encoding="utf-8"))


def _shared_project(tmp_path_factory) -> tuple[Path, Path]:
    base = _run_base(tmp_path_factory)
    root = base / "shared-project"
    with _locked(base / "shared-project.lock"):
        if not root.exists():
            new_project(root)
    return base, root


@pytest.fixture(scope="session", autouse=True)
def _one_kernel_per_process():
    """The one-job builds a test process runs share its kernel (``kept_kernel``), as a batch of builds would:
    pandas, matplotlib and spaCy's French model are imported once per process, not once per build."""
    from ciatstudy.pipeline.section_run import kept_kernel

    with kept_kernel():
        yield


@pytest.fixture(scope="session", autouse=True)
def _shared_builds_first(tmp_path_factory, _one_kernel_per_process):
    """Under pytest-xdist, each worker starts by building the shared waves that nobody has started yet (those
    the selected tests read), so that the builds spread over every core before any test waits for one."""
    if not _NEEDED or not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # one process: each wave is built when a test first reads it
    base, root = _shared_project(tmp_path_factory)
    for wave in (w for w in SHARED_WAVES if w in _NEEDED):
        _claim(base, root, wave, wait=False)


def shared_build(tmp_path_factory, wave: str):
    """``(root, exit code, build log)`` of ``wave`` (a key of ``SHARED_WAVES``) built in the run's shared project.

    Built on first request (imported from its export first, and compared with 2014, for a new wave); a failed
    build is recorded and reported to every test that reads it. Callers must not change the project.
    """
    base, root = _shared_project(tmp_path_factory)
    while (result := _claim(base, root, wave, wait=False)) is None:
        # another worker builds this wave: build one that nobody has started, else wait for it
        others = [
            w for w in SHARED_WAVES if w != wave and w in _NEEDED and not (root / ".tests" / f"{w}.json").exists()
        ]
        if not any(_claim(base, root, w, wait=False) is not None for w in others):
            result = _claim(base, root, wave, wait=True)
            break
    return root, result["code"], result["log"]


@pytest.fixture(scope="session")
def built_2014(tmp_path_factory) -> Path:
    """Root of the shared project with wave 2014 built (report, workbook, PDF when Chromium is there)."""
    root, code, log = shared_build(tmp_path_factory, "2014")
    assert code == 0, log
    return root

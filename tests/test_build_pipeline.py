"""The build as a careful team needs it: incremental, parallel = sequential, failure-proof, deterministic."""

import hashlib
import os
import shutil
import time

import pytest

from ciatstudy.pipeline.sections import SPECS, SectionSpec
from ciatstudy.report.pdf import find_chromium
from conftest import ROOT, build_2014, section_states

pytestmark = pytest.mark.notebook

FIXTURES = ROOT / "tests" / "fixtures"
ECHO = SectionSpec("echo", "echo_section.py", "Écho", reads=("staff_bands",))
OTHER = SectionSpec(
    "persons", "20-resource-persons.py", "Annexe II", reads=("resource_persons",), requires=("resource_persons",)
)
FAILING = SectionSpec("broken", "failing_section.py", "Section en échec")


def _digests(root, *folders):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for f in folders
        for p in sorted((root / f).rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def fixture_project(project):
    for name in ("echo_section.py", "failing_section.py"):
        shutil.copy(FIXTURES / name, project / "notebooks" / name)
    return project


def test_incremental_skip_and_rerun(fixture_project):
    root = fixture_project
    code, log = build_2014(specs=(ECHO, OTHER), jobs=1)
    assert code == 0 and section_states(log) == {"echo": "ran", "persons": "ran"}
    report = root / "reports/2014/report.html"
    written = report.stat().st_mtime_ns
    code, log = build_2014(specs=(ECHO, OTHER), jobs=1)
    assert section_states(log) == {"echo": "skipped", "persons": "skipped"}
    assert report.stat().st_mtime_ns == written, "a build with nothing to run re-exported the report"

    # a raw file that only the echo section reads
    staff = root / "data/raw/2014/staff_bands.csv"
    staff.write_text(staff.read_text(encoding="utf-8").replace(",4,,", ",5,,", 1), encoding="utf-8")
    code, log = build_2014(specs=(ECHO, OTHER), jobs=1)
    assert section_states(log) == {"echo": "ran", "persons": "skipped"}
    assert ",5\n" in (root / "data/processed/2014/echo.csv").read_text()

    # a changed parameter
    changed = SectionSpec("echo", "echo_section.py", "Écho", reads=("staff_bands",))
    object.__setattr__(
        changed,
        "expand",
        lambda cb, av: [
            __import__("ciatstudy.pipeline.sections", fromlist=["Section"]).Section(
                "echo", "echo_section.py", "Écho", {"factor": 2}, ("staff_bands",)
            )
        ],
    )
    code, log = build_2014(specs=(changed, OTHER), jobs=1)
    assert section_states(log) == {"echo": "ran", "persons": "skipped"}
    assert ",10\n" in (root / "data/processed/2014/echo.csv").read_text()

    # a changed notebook
    nb = root / "notebooks/20-resource-persons.py"
    nb.write_text(nb.read_text(encoding="utf-8") + "\n# %% [markdown]\n# Note ajoutée.\n", encoding="utf-8")
    code, log = build_2014(specs=(changed, OTHER), jobs=1)
    assert section_states(log) == {"echo": "skipped", "persons": "ran"}

    # --force and --only
    code, log = build_2014(specs=(changed, OTHER), jobs=1, force=True, only=["persons"])
    assert section_states(log) == {"echo": "skipped", "persons": "ran"}

    # a build asking for the PDF after builds without it exports again (nothing to run), with the PDF where
    # Chromium is installed; --no-pdf then removes it rather than leave it beside a newer HTML
    pdf, written = root / "reports/2014/report.pdf", report.stat().st_mtime_ns
    code, log = build_2014(specs=(changed, OTHER), jobs=1, pdf=True)
    assert code == 0 and section_states(log) == {"echo": "skipped", "persons": "skipped"}
    assert report.stat().st_mtime_ns != written
    assert pdf.exists() == (find_chromium() is not None)
    code, log = build_2014(specs=(changed, OTHER), jobs=1, pdf=False)
    assert code == 0 and not pdf.exists()


def test_failing_section_keeps_the_rest_and_the_previous_outputs(fixture_project, capsys):
    root = fixture_project
    assert build_2014(specs=(ECHO, OTHER), jobs=1)[0] == 0
    before = _digests(root, "data/processed", "figures")
    previous_report = (root / "reports/2014/report.html").read_text(encoding="utf-8")

    staff = root / "data/raw/2014/staff_bands.csv"
    staff.write_text(staff.read_text(encoding="utf-8").replace(",4,,", ",5,,", 1), encoding="utf-8")
    code, log = build_2014(specs=(ECHO, FAILING, OTHER), jobs=2)
    assert code != 0
    assert section_states(log) == {"echo": "ran", "broken": "FAILED", "persons": "skipped"}
    err = capsys.readouterr().err
    assert "section broken failed at cell" in err and "panne volontaire du test" in err
    line = next(x for x in err.splitlines() if "section broken failed" in x)
    # the line says where to look: the executed notebook and the section's log, both present
    assert len(line) <= 300
    assert "executed notebook: .build/2014/failed/broken.ipynb" in line and "log: .build/2014/logs/broken.log" in line
    assert (root / ".build" / "2014" / "failed" / "broken.ipynb").is_file()
    assert (root / ".build" / "2014" / "logs" / "broken.log").is_file()
    # the failing section's staged table never reached data/processed
    assert not (root / "data/processed/2014/half_written.csv").exists()
    after = _digests(root, "data/processed", "figures")
    assert {k: v for k, v in after.items() if "echo" not in k} == {k: v for k, v in before.items() if "echo" not in k}
    report = (root / "reports/2014/report.html").read_text(encoding="utf-8")
    assert "Section en échec" in report and "panne volontaire du test" in report
    assert report != previous_report


def test_parallel_build_equals_sequential_build_byte_for_byte(project):
    specs = tuple(s for s in SPECS if s.name in {"profile", "call", "solidages"})
    assert build_2014(specs=specs, jobs=2)[0] == 0
    parallel = _digests(project, "data/processed", "figures")
    assert any(k.endswith(".png") for k in parallel) and any(k.endswith(".csv") for k in parallel)
    report = _without_provenance(project)
    assert build_2014(specs=specs, jobs=1, force=True)[0] == 0
    assert _digests(project, "data/processed", "figures") == parallel
    assert _without_provenance(project) == report  # only the build's date and durations may differ


def _without_provenance(project) -> str:
    text = (project / "reports/2014/report.html").read_text(encoding="utf-8")
    start = text.index('<section class="report-section" id="sec-provenance"')
    return text[:start] + text[text.index("</section>", start) :]


def test_a_kernel_starts_each_section_clean_and_frees_what_the_previous_one_left(project):
    """Sections sharing a kernel: the next one sees none of the previous one's names, a reference cycle the
    previous one left is freed (not kept alive by the freeze that spares later collections the kernel's
    modules), and the objects alive between sections are frozen."""
    from ciatstudy.pipeline import section_run
    from ciatstudy.pipeline.sections import Section

    shutil.copy(FIXTURES / "state_section.py", project / "notebooks" / "state_section.py")
    with section_run.kept_kernel():  # the test process's kernel if it keeps one, else a new one for this test
        for step in (1, 2):
            section = Section(f"state-{step}", "state_section.py", "État", {"step": step})
            result = section_run.run_section(section, str(project), "2014")
            assert result.status == "ok", result.error
    first, second = (
        (project / f"data/processed/2014/state-{step}.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
        for step in (1, 2)
    )
    assert first[1:3] == ["False", "False"]
    step, leftover, cycle_freed, frozen = second
    assert (leftover, cycle_freed) == ("False", "True")
    assert int(frozen) > 10_000, "the modules imported by the first section were not frozen"


def test_a_kept_kernel_serves_successive_builds_alike_and_is_renewed_when_the_code_changes(
    fixture_project, monkeypatch
):
    from ciatstudy.pipeline import build as build_module
    from ciatstudy.pipeline import section_run

    def kernel_pid():
        process, _ = section_run._kernel_process(section_run._KERNEL.get("client"))
        return process.pid if process is not None and process.poll() is None else None

    monkeypatch.setattr(section_run, "_KEPT", [])  # this test's block is the outermost, whatever the run keeps
    section_run.shutdown_kernel()
    with section_run.kept_kernel():
        code, log = build_2014(specs=(ECHO, OTHER), jobs=1, force=True)
        assert code == 0 and "starting 1 kernel" in log
        first, outputs = kernel_pid(), _digests(fixture_project, "data/processed")
        assert first is not None, "the kernel did not outlive the build inside the block"

        code, log = build_2014(specs=(ECHO, OTHER), jobs=1, force=True)
        assert code == 0 and "using the kept kernel" in log and section_states(log) == {"echo": "ran", "persons": "ran"}
        assert kernel_pid() == first and _digests(fixture_project, "data/processed") == outputs

        # other library code (or other CIATSTUDY_* settings): the kept kernel's modules are stale, a new one starts
        real = build_module.library_digest
        monkeypatch.setattr(build_module, "library_digest", lambda: "changed-" + real())
        code, log = build_2014(specs=(ECHO, OTHER), jobs=1, force=True)
        assert code == 0 and "starting 1 kernel" in log
        second = kernel_pid()
        assert second not in (None, first) and not os.path.exists(f"/proc/{first}")
        monkeypatch.setenv("CIATSTUDY_TEST_SLEEP", "0")
        code, log = build_2014(specs=(ECHO, OTHER), jobs=1, force=True)
        assert code == 0 and "starting 1 kernel" in log and kernel_pid() not in (None, second)
        last = kernel_pid()
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{last}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{last}"), "the kernel outlived its block"
    assert section_run._KERNEL.get("client") is None

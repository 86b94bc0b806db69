"""Process faults in the build: SIGTERM, a dying kernel, two builds at once, bad --jobs, stray outputs, progress."""

import fcntl
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ciatstudy.pipeline.build import build
from ciatstudy.pipeline.sections import SectionSpec
from conftest import ROOT, build_2014, section_states

FIXTURES = ROOT / "tests" / "fixtures"
CIATSTUDY = Path(sys.executable).parent / "ciatstudy"
ECHO = SectionSpec("echo", "echo_section.py", "Écho", reads=("staff_bands",))
OTHER = SectionSpec(
    "persons", "20-resource-persons.py", "Annexe II", reads=("resource_persons",), requires=("resource_persons",)
)
DYING = SectionSpec("dying", "dying_kernel_section.py", "Noyau qui meurt")
SLOW = SectionSpec("slow", "slow_section.py", "Section lente")

# A build with the sections above, run as its own process (as `ciatstudy build` is, with the CLI's handling
# of an interrupt), so the test can signal it.
BUILD_SCRIPT = textwrap.dedent("""
    import sys
    from ciatstudy.pipeline.build import build
    from ciatstudy.pipeline.sections import SectionSpec
    specs = (SectionSpec("slow", "slow_section.py", "Section lente"),
             SectionSpec("echo", "echo_section.py", "Écho", reads=("staff_bands",)))
    try:
        sys.exit(build("2014", specs=specs, jobs=int(sys.argv[1]), force=True))
    except KeyboardInterrupt as exc:
        print("ciatstudy: interrupted", file=sys.stderr)
        sys.exit(getattr(exc, "exit_code", 130))
""")


@pytest.fixture
def fixture_project(project):
    for name in ("echo_section.py", "dying_kernel_section.py", "slow_section.py", "worker_killer_section.py"):
        shutil.copy(FIXTURES / name, project / "notebooks" / name)
    return project


def _tree(root: Path, *folders) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for f in folders
        for p in sorted((root / f).rglob("*"))
        if p.is_file()
    }


def _staged(root: Path) -> list[Path]:
    stage = root / ".build" / "2014" / "stage"
    return sorted(stage.iterdir()) if stage.exists() else []


# --------------------------------------------------------------------------- --jobs
@pytest.mark.parametrize("jobs", [0, -1, -8])
def test_jobs_below_one_are_refused_by_the_python_api_before_anything_is_written(fixture_project, jobs):
    with pytest.raises(ValueError, match=r"--jobs must be a whole number .*at least 1 \(got " + str(jobs)):
        build("2014", specs=(ECHO,), jobs=jobs, out=io.StringIO())
    assert not (fixture_project / ".build").exists() and not (fixture_project / "reports").exists()


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_below_one_are_refused_on_the_command_line_with_one_line(project, jobs):
    env = {**os.environ, "CIATSTUDY_ROOT": str(project)}
    done = subprocess.run(
        [str(CIATSTUDY), "build", "--jobs", jobs], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "--jobs" in done.stderr and "Traceback" not in done.stderr
    assert not (project / "reports").exists() and not (project / "data" / "processed").exists()


# --------------------------------------------------------------------------- one build per wave
def _hold_lock(root: Path, pid: str = "4242"):
    path = root / ".build" / "2014" / "build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    handle.seek(0), handle.truncate(), handle.write(pid + "\n"), handle.flush()
    return handle


def test_a_second_build_of_a_wave_being_built_is_refused_with_one_line(fixture_project, capsys):
    holder = _hold_lock(fixture_project)
    try:
        code, log = build_2014(specs=(ECHO,), jobs=1)
    finally:
        holder.close()
    err = capsys.readouterr().err
    assert code == 75
    assert err.count("\n") == 1 and "wave 2014 is already being built by process 4242" in err
    assert not (fixture_project / "reports").exists() and not (fixture_project / "data" / "processed").exists()


def test_the_build_lock_is_released_when_its_holder_dies(project):
    env = {**os.environ, "CIATSTUDY_ROOT": str(project)}
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from ciatstudy.pipeline.build import _lock; "
            "from ciatstudy.data.config import Paths; _lock(Paths.for_wave('2014')); "
            "print('locked', flush=True); time.sleep(60)",
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BlockingIOError):
            _hold_lock(project)
    finally:
        holder.kill()
        holder.wait()
    _hold_lock(project).close()  # free again: the system released the dead holder's lock


# --------------------------------------------------------------------------- SIGTERM
def _descendants(pid: int) -> set[int]:
    """Every live process below pid (kernels start their own session, but keep their parent)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _kernels(pids) -> list[int]:
    out = []
    for pid in pids:
        try:
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                out.append(pid)
        except OSError:
            pass
    return out


def _start_slow_build(root: Path, jobs: int) -> subprocess.Popen:
    env = {**os.environ, "CIATSTUDY_ROOT": str(root), "CIATSTUDY_TEST_SLEEP": "120"}
    env.pop("CIATSTUDY_STAGE", None)
    build_process = subprocess.Popen(
        [sys.executable, "-c", BUILD_SCRIPT, str(jobs)],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    # The slow section has written its table into its staging folder: its kernel is now asleep.
    while not list((root / ".build" / "2014" / "stage").glob("slow.*/data/processed/2014/slow.csv")):
        assert build_process.poll() is None, build_process.stderr.read()
        assert time.monotonic() < deadline, "the slow section never started"
        time.sleep(0.2)
    return build_process


@pytest.mark.notebook
@pytest.mark.parametrize("jobs", [1, 2])
def test_sigterm_mid_build_ends_workers_and_kernels_and_moves_nothing_into_place(fixture_project, jobs, monkeypatch):
    root = fixture_project
    monkeypatch.setenv("CIATSTUDY_TEST_SLEEP", "0")
    assert build_2014(specs=(SLOW, ECHO), jobs=1)[0] == 0
    before = _tree(root, "data/processed", "figures", "reports")

    build_process = _start_slow_build(root, jobs)
    children = _descendants(build_process.pid)
    try:
        assert _kernels(children), "no kernel was running: the test would prove nothing"
        build_process.send_signal(signal.SIGTERM)
        try:  # stderr reaches its end only when every process holding it (workers, kernels) has ended
            _, err = build_process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail("the build, its workers or its kernels were still running 15 s after SIGTERM")
        assert build_process.returncode != 0 and err.strip() == "ciatstudy: interrupted", err
        deadline = time.monotonic() + 5
        while [p for p in children if _alive(p)] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in children if _alive(p)], "workers or kernels outlived the build"
    finally:  # a failing run leaves no process behind
        for pid in [build_process.pid, *children]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        build_process.wait()
    assert _staged(root) == []
    time.sleep(1)  # nothing may still be on its way into place
    after = _tree(root, "data/processed", "figures", "reports")
    # The interrupted section moved nothing into place: the slow table (slept 0) is still the previous
    # build's. With two workers the echo section may have ended before the signal came (how soon depends on
    # the machine's load); a section that ended is promoted whole, so only its own files may differ.
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    ended = {name for name in changed if "echo" in name} if jobs > 1 else set()
    assert changed == ended, sorted(changed - ended)
    # the wave is free again: the next build runs
    assert build_2014(specs=(SLOW, ECHO), jobs=1)[0] == 0


@pytest.mark.notebook
def test_a_second_build_is_refused_while_the_first_runs(fixture_project):
    root = fixture_project
    first = _start_slow_build(root, 1)
    try:
        env = {**os.environ, "CIATSTUDY_ROOT": str(root)}
        second = subprocess.run([str(CIATSTUDY), "build"], env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 75, second.stderr
        assert second.stderr.count("\n") == 1
        assert f"wave 2014 is already being built by process {first.pid}" in second.stderr
    finally:
        children = _descendants(first.pid)
        first.send_signal(signal.SIGTERM)
        try:
            first.wait(timeout=30)
        finally:
            for pid in [first.pid, *children]:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- a kernel that dies
@pytest.mark.notebook
def test_a_dying_kernel_fails_only_its_section_and_the_next_ones_run_in_a_new_kernel(fixture_project, capsys):
    root = fixture_project
    code, log = build_2014(specs=(DYING, ECHO, OTHER), jobs=1)
    assert code == 1
    assert section_states(log) == {"dying": "FAILED", "echo": "ran", "persons": "ran"}, log
    err = capsys.readouterr().err
    assert "section dying failed at cell 5: the kernel process ended (exit code 9)" in err
    assert [line for line in err.splitlines() if "failed" in line] == [
        line for line in err.splitlines() if "section dying" in line
    ]
    assert not (root / "data/processed/2014/before_death.csv").exists()
    assert (root / "data/processed/2014/echo.csv").exists()
    assert _staged(root) == []


@pytest.mark.notebook
def test_a_dying_worker_fails_only_its_running_section_and_a_new_worker_takes_the_rest(fixture_project, capsys):
    from ciatstudy.pipeline.sections import Section

    root = fixture_project
    killer = SectionSpec("killer", "worker_killer_section.py", "Processus tué")
    # two runs of one notebook: the same worker takes both, one after the other
    object.__setattr__(
        killer,
        "expand",
        lambda codebook, available: [
            Section(f"killer-{k}", "worker_killer_section.py", f"Processus tué {k}", {"kill": k}, (), (0, 1 - k, 0))
            for k in (1, 0)
        ],
    )  # killer-1 first
    code, log = build_2014(specs=(killer, ECHO), jobs=2)
    assert code == 1
    assert section_states(log) == {"killer-1": "FAILED", "killer-0": "ran", "echo": "ran"}, log
    err = capsys.readouterr().err
    assert "section killer-1 failed: its worker process ended (exit code -9)" in err
    assert not (root / "data/processed/2014/killer_1.csv").exists()
    assert (root / "data/processed/2014/killer_0.csv").exists()
    assert _staged(root) == []


# --------------------------------------------------------------------------- strays and progress
@pytest.mark.notebook
def test_the_workbook_holds_only_what_the_plan_declares(fixture_project):
    from openpyxl import load_workbook

    root = fixture_project
    assert build_2014(specs=(ECHO, OTHER), jobs=1)[0] == 0
    declared = set(load_workbook(root / "reports/2014/tables.xlsx", read_only=True).sheetnames)
    assert "echo" in declared
    # a notebook run by hand writes beside the build's outputs
    (root / "data/processed/2014/stray_by_hand.csv").write_text("a\n1\n", encoding="utf-8")
    (root / "figures/2014").mkdir(parents=True, exist_ok=True)
    (root / "figures/2014/stray_by_hand.png").write_bytes(b"\x89PNG\r\n")
    assert build_2014(specs=(ECHO, OTHER), jobs=1, force=True)[0] == 0
    assert set(load_workbook(root / "reports/2014/tables.xlsx", read_only=True).sheetnames) == declared
    assert "stray_by_hand" not in (root / "reports/2014/report.html").read_text(encoding="utf-8")
    assert "stray_by_hand" not in (root / "reports/2014/manifest.json").read_text(encoding="utf-8")


@pytest.mark.notebook
def test_progress_says_kernels_start_each_section_starts_and_ends_with_a_counter(fixture_project):
    code, log = build_2014(specs=(ECHO, OTHER, SLOW), jobs=2)
    assert code == 0, log
    lines = log.splitlines()
    assert "starting 2 kernels (python3)…" in lines
    for section in ("echo", "persons", "slow"):
        assert any(re.fullmatch(rf"\s+\[[123]/3\]\s+{section}\s+started", line) for line in lines), log
        assert any(re.fullmatch(rf"\s+\[[123]/3\]\s+{section}\s+ran\s+[\d.]+ s", line) for line in lines), log
    assert [re.search(r"\[(\d)/3\]\s+\S+\s+ran", line)[1] for line in lines if " ran " in line] == ["1", "2", "3"]
    exporting = lines.index("exporting the report (report.html, tables.xlsx, manifest.json)…")
    assert exporting < len(lines) - 1 and lines[-1].startswith("done: 3 run")
    assert _staged(fixture_project) == []


def test_kernels_talk_through_their_own_unix_sockets_not_tcp_ports():
    """Kernels started at once by several processes (a build's workers, two builds) must never race for a port:
    a TCP port is picked free, then bound a moment later by the kernel ("Address already in use", the section
    failing after a 60 s wait; seen when two test workers built at once). Each kernel gets Unix sockets under a
    path of its own, absolute (the kernel runs in another working folder)."""
    from ciatstudy.pipeline.section_run import _kernel_transport

    first, second = _kernel_transport(), _kernel_transport()
    assert first["transport"] == "ipc" and os.path.isabs(first["ip"]) and first["ip"] != second["ip"]
    assert len(first["ip"].encode()) + len("-65535") < 104  # a Unix socket's name is limited to ~104 bytes


def test_kernels_fall_back_to_tcp_where_a_socket_path_would_be_too_long(monkeypatch):
    import tempfile

    from ciatstudy.pipeline.section_run import _kernel_transport

    monkeypatch.setattr(tempfile, "gettempdir", lambda: "/" + "x" * 120)
    assert _kernel_transport() == {"transport": "tcp"}


def test_sockets_left_by_kernels_ended_outright_are_removed_and_live_ones_kept():
    """A worker killed outright takes its kernel along, and nobody removes that kernel's socket files: the next
    kernel started removes those nobody listens on (a live kernel's accept a connection)."""
    import socket
    import tempfile

    from ciatstudy.pipeline.section_run import remove_stale_sockets

    folder = tempfile.mkdtemp(prefix="cs-", dir="/tmp")  # short: a socket's path is limited to ~104 bytes
    stale, live = os.path.join(folder, "ciatstudy-kernel-dead-1"), os.path.join(folder, "ciatstudy-kernel-live-1")
    other = os.path.join(folder, "ciatstudy-kernel-notes.txt")
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(stale)
    dead.close()  # the file stays, nobody listens: what a killed kernel leaves
    listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listening.bind(live)
    listening.listen(1)
    Path(other).write_text("not a socket")
    try:
        assert remove_stale_sockets(folder) == [stale]
        assert not os.path.exists(stale) and os.path.exists(live) and os.path.exists(other)
    finally:
        listening.close()
        shutil.rmtree(folder)

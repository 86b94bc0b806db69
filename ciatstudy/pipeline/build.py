"""``ciatstudy build``: run the section notebooks, then export the committee report.

Each section runs in its own process through papermill, writes its tables and
figures into a private staging folder (``CIATSTUDY_STAGE``) and has them moved
into place only when it succeeds. A section is skipped when nothing it
depends on changed: its notebook, parameters, the raw files it reads, the
library's code and the locked dependency versions (see :func:`fingerprint`).

Faults: SIGTERM is handled as Ctrl-C is (workers and kernels ended, staged
outputs discarded, :class:`Interrupted` raised); a kernel that dies is replaced
and only its section fails; one build per wave at a time (``.build/<wave>/build.lock``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import namedtuple
from contextlib import contextmanager, nullcontext
from pathlib import Path

from ..data.config import PACKAGE_DIR, Paths, wave_folder
from .notebooks import notebook_fingerprint_text
from .startup import skip_unused_format_checkers
from .sections import Section, left_out, plan, read_plan

skip_unused_format_checkers()

KERNEL = "python3"


# What one section's run gave: status "ok", "skipped" or "failed"; cell = execution count of the
# failing cell; outputs = files it wrote, relative to the project root.
Result = namedtuple("Result", "slug status seconds cell error outputs", defaults=(0.0, None, "", ()))


class Interrupted(KeyboardInterrupt):
    """The build was asked to stop: Ctrl-C (SIGINT) or SIGTERM (``timeout``, a CI cancel, ``kill PID``).

    A ``KeyboardInterrupt``, so whoever handles Ctrl-C handles SIGTERM the same way;
    ``exit_code`` is the shell's convention (130 for SIGINT, 143 for SIGTERM).
    """

    def __init__(self, signum: int):
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum
        self.exit_code = 128 + signum


# What this process does when asked to stop: the build raises Interrupted, a worker ends its kernel and
# exits. "deferred" > 0 while a section's outputs are being moved into place: the stop waits for the move's
# end, so a section's files are all new or all old, never a mix.
_STOP: dict = {"action": None, "deferred": 0, "pending": None}


def _on_signal(signum, frame) -> None:
    if _STOP["deferred"]:
        _STOP["pending"] = signum
    elif _STOP["action"] is not None:
        _STOP["action"](signum)


def _raise_interrupted(signum: int) -> None:
    raise Interrupted(signum)


@contextmanager
def _whole():
    """Hold a stop request until the enclosed moves are done."""
    _STOP["deferred"] += 1
    try:
        yield
    finally:
        _STOP["deferred"] -= 1
    if not _STOP["deferred"] and _STOP["pending"] is not None:
        signum, _STOP["pending"] = _STOP["pending"], None
        _on_signal(signum, None)


@contextmanager
def _stop_on_signals():
    """SIGINT and SIGTERM raise :class:`Interrupted` in the main thread while the build runs."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    _STOP.update(action=_raise_interrupted, deferred=0, pending=None)
    for sig, handler in previous.items():
        if handler is not signal.SIG_IGN:  # `nohup`, or `&` in a script, ignore SIGINT on purpose
            signal.signal(sig, _on_signal)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        _STOP.update(action=None, pending=None)


# --------------------------------------------------------------------------- fingerprints
_HASHES: dict[str, str] = {}


def _sha256(path: Path) -> str:
    # Several sections read the same raw files: hash each once per build.
    key = str(path)
    if key not in _HASHES:
        _HASHES[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _HASHES[key]


def library_digest() -> str:
    """One hash for the package's code and data files (a change re-runs every section).

    Files are listed with their size and modification time first; their contents are hashed
    only when that listing changed since the last build (as make trusts timestamps).
    """
    files = sorted(
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file()
        and p.suffix in {".py", ".yaml", ".yml", ".css", ".html", ".ttf", ".geojson"}
        and "__pycache__" not in p.parts
    )
    listing = hashlib.sha256()
    for path in files:
        st = path.stat()
        listing.update(f"{path.relative_to(PACKAGE_DIR).as_posix()}:{st.st_size}:{st.st_mtime_ns};".encode())
    memo = Paths.for_wave("_").build_state.parent / "library-digest.json"
    try:
        cached = json.loads(memo.read_text())
        if cached.get("listing") == listing.hexdigest():
            return cached["digest"]
    except (OSError, ValueError):
        pass
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(path.read_bytes())
    try:
        _ensure(memo.parent)
        memo.write_text(json.dumps({"listing": listing.hexdigest(), "digest": h.hexdigest()}))
    except OSError:
        pass
    return h.hexdigest()


def input_files(section: Section, files: dict[str, Path], raw: Path) -> list[Path]:
    always = [raw / "codebook.yaml", raw / "datapackage.json"]
    return [p for p in always if p.exists()] + [files[r] for r in section.reads if r in files]


def _relative(path: Path, root: Path) -> str:
    path, root = os.path.abspath(path), os.path.abspath(root)
    return os.path.relpath(path, root) if path.startswith(root + os.sep) else path


def _notebook_sha256(path: Path) -> str:
    # Without the jupytext header's version lines: saving an unchanged notebook from Lab re-runs nothing.
    key = f"notebook:{path}"
    if key not in _HASHES:
        _HASHES[key] = hashlib.sha256(notebook_fingerprint_text(path.read_text(encoding="utf-8")).encode()).hexdigest()
    return _HASHES[key]


def fingerprint(section: Section, *, paths: Paths, files: dict[str, Path], lib: str) -> str:
    lock = paths.root / "requirements.lock"
    parts = {
        "notebook": _notebook_sha256(paths.notebooks / section.notebook),
        "parameters": json.dumps(section.parameters, sort_keys=True),
        "inputs": {_relative(p, paths.root): _sha256(p) for p in input_files(section, files, paths.raw)},
        "library": lib,
        "lock": _sha256(lock) if lock.exists() else "",
        "wave": paths.wave,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------- one section
# Each worker process keeps one kernel and runs its sections in it, one after the other: starting a
# kernel and importing pandas and matplotlib costs more than most sections' own work. Between two
# sections the kernel's namespace is reset and its figures closed, so sections stay independent.
# The kernel is driven from one helper thread: nbclient, when run in the main thread, takes SIGINT and
# SIGTERM for itself (it shuts the kernel down and lets the caller go on to the next section), whereas
# the build must stop as a whole.
_KERNEL: dict = {}
_CURRENT: dict = {}  # the section running in this process: its staging folder, removed if the process is stopped
SETUP_TAG = "ciatstudy-setup"


class KernelDied(RuntimeError):
    """The kernel process ended while running a section (``os._exit``, a crash, the OOM killer)."""


def _setup_cell(stage: Path, root: str, cwd: Path):
    import nbformat

    code = (
        "%reset -f\nimport os as _os\n"
        f"_os.environ['CIATSTUDY_ROOT'] = {root!r}\n_os.environ['CIATSTUDY_STAGE'] = {str(stage)!r}\n"
        f"_os.chdir({str(cwd)!r})\n"
        "import sys as _sys\nif 'matplotlib.pyplot' in _sys.modules:\n    _sys.modules['matplotlib.pyplot'].close('all')\n"
        "del _os, _sys"
    )
    return nbformat.v4.new_code_cell(code, metadata={"tags": [SETUP_TAG]})


def _in_kernel_thread(function, *args, **kwargs):
    if "thread" not in _KERNEL:
        from concurrent.futures import ThreadPoolExecutor

        _KERNEL["thread"] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ciatstudy-kernel")
    return _KERNEL["thread"].submit(function, *args, **kwargs).result()


def _kernel_process(client):
    provisioner = getattr(getattr(client, "km", None), "provisioner", None)
    return getattr(provisioner, "process", None), getattr(provisioner, "pgid", None)


def _kernel_alive(client) -> bool:
    # The process itself: AsyncKernelManager.is_alive() is a coroutine, truthy whatever the kernel's state.
    process, _ = _kernel_process(client)
    return process is not None and process.poll() is None


def kill_kernel() -> None:
    """End this process's kernel at once (its whole process group), without its event loop."""
    import signal

    client = _KERNEL.pop("client", None)
    process, pgid = _kernel_process(client)
    if process is None:
        return
    try:
        if pgid:
            os.killpg(pgid, signal.SIGKILL)
        else:
            process.kill()
        process.wait(timeout=5)
    except Exception:  # already gone, or a zombie the system will reap
        pass
    try:
        client.km.cleanup_connection_file()
    except Exception:  # best effort: a stale connection file is harmless
        pass


def shutdown_kernel() -> None:
    """Shut this process's kernel down cleanly (end of a build or of a worker)."""
    client = _KERNEL.get("client")
    if client is not None and client.km is not None and _kernel_alive(client):
        try:
            _in_kernel_thread(client._cleanup_kernel)
        except Exception:  # a kernel that will not stop is killed below
            pass
    kill_kernel()


def _execute(notebook, cwd: Path):
    """Run a notebook in this process's kernel, starting it on first use."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    previous = _KERNEL.get("client")
    client = NotebookClient(
        notebook,
        km=previous.km if previous else None,
        kernel_name=KERNEL,
        timeout=900,
        resources={"metadata": {"path": str(cwd)}},
        shutdown_kernel="immediate",
        allow_errors=False,
    )
    if previous is not None:
        client.kc = previous.kc
    _KERNEL["client"] = client
    client.on_cell_execute = lambda cell, cell_index: _KERNEL.update(cell=cell_index)  # where a dying kernel was
    try:
        _in_kernel_thread(client.execute, cleanup_kc=False)
    except Exception as exc:
        if isinstance(exc, CellExecutionError) and _kernel_alive(client):
            raise  # an error in the section's code: the kernel is fine and idle
        # Dead, timed out (still busy) or in an unknown state: the next section gets a fresh kernel.
        process, _ = _kernel_process(client)
        code = process.poll() if process is not None else None
        kill_kernel()
        if code is not None:
            raise KernelDied(f"the kernel process ended (exit code {code})") from None
        raise


def _failing_cell(notebook) -> tuple[int | None, str]:
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return cell.get("execution_count"), f"{out.get('ename')}: {out.get('evalue')}"
    return None, ""


def _running_cell(notebook) -> int | None:
    """The execution count the cell the kernel was running would have had (code cells run in order)."""
    index = _KERNEL.get("cell")
    if index is None or index >= len(notebook.cells):
        return None
    return sum(c.get("cell_type") == "code" for c in notebook.cells[: index + 1])


def run_section(section: Section, root: str, wave: str) -> Result:
    """Execute one section; its outputs go to a staging folder, moved into place on success."""
    import shutil
    import tempfile

    paths = Paths(Path(root), wave)
    stage = Path(tempfile.mkdtemp(prefix=f"{section.slug}.", dir=_ensure(paths.build_state / "stage")))
    _CURRENT["stage"] = stage
    try:
        return _run_staged(section, paths, root, wave, stage)
    finally:  # a section leaves no staging folder behind, whatever happened to it
        _CURRENT.pop("stage", None)
        shutil.rmtree(stage, ignore_errors=True)


def _run_staged(section: Section, paths: Paths, root: str, wave: str, stage: Path) -> Result:
    import jupytext
    import nbformat
    from papermill.parameterize import parameterize_notebook

    started = time.perf_counter()
    log = _ensure(paths.build_state / "logs") / f"{section.slug}.log"
    saved_stderr = os.dup(2)
    notebook = None
    _KERNEL.pop("cell", None)
    try:
        # A starting kernel inherits fd 2: its chatter goes to the section's log, not the terminal.
        with open(log, "wb") as handle:
            os.dup2(handle.fileno(), 2)
        notebook = jupytext.read(paths.notebooks / section.notebook)
        # What papermill.iorw.load_notebook_node sets up, for a notebook read by jupytext.
        notebook.metadata.setdefault(
            "papermill", {"default_parameters": {}, "parameters": {}, "environment_variables": {}}
        )
        for cell in notebook.cells:
            cell.metadata.setdefault("tags", [])
            cell.metadata.setdefault("papermill", {})
        notebook = parameterize_notebook(
            notebook, {"wave": wave, **section.parameters}, kernel_name=KERNEL, language="python"
        )
        for i, cell in enumerate(notebook.cells):  # jupytext and papermill draw random ids; the report shows them
            cell.id = f"{section.slug}-{i}"
        notebook.cells.insert(0, _setup_cell(stage, root, paths.notebooks))
        _execute(notebook, paths.notebooks)
    except Exception as exc:
        cell, error = _failing_cell(notebook) if notebook is not None else (None, "")
        if isinstance(exc, KernelDied) and notebook is not None:
            cell, error = _running_cell(notebook), str(exc)
        if notebook is not None and cell is not None:
            notebook.cells = [c for c in notebook.cells if SETUP_TAG not in c.metadata.get("tags", [])]
            failed = _ensure(paths.build_state / "failed") / f"{section.slug}.ipynb"
            nbformat.write(notebook, failed)
            cell -= 1  # the setup cell took the first execution count
        return Result(
            section.slug,
            "failed",
            time.perf_counter() - started,
            cell=cell,
            error=error or f"{type(exc).__name__}: {exc}",
        )
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
    notebook.cells = [c for c in notebook.cells if SETUP_TAG not in c.metadata.get("tags", [])]
    nbformat.write(notebook, stage / "notebook.ipynb")
    with _whole():
        outputs = _promote(stage, paths, section)
    return Result(section.slug, "ok", time.perf_counter() - started, outputs=outputs)


# --------------------------------------------------------------------------- parallel workers
def _die(signum: int) -> None:
    """A worker asked to stop: end its kernel, discard the running section's staged files, exit."""
    import shutil

    kill_kernel()
    stage = _CURRENT.get("stage")
    if stage is not None:
        shutil.rmtree(stage, ignore_errors=True)
    os._exit(128 + signum)


def _exit_with_parent(parent: int) -> None:
    """Linux: the system sends this worker SIGTERM when the build process ends, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the build ended before the request took effect
        _die(signal.SIGTERM)


def _worker(number: int, tasks, results, root: str, wave: str, parent: int) -> None:
    """Run the batches the build sends (None: no more work), reporting each section's start and result."""
    import signal

    _KERNEL.clear()  # a forked worker owns neither its parent's kernel nor its kernel thread
    _STOP.update(action=_die, deferred=0, pending=None)
    # Ctrl-C reaches the whole process group: the build decides, and ends its workers with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_signal)
    _exit_with_parent(parent)
    try:
        for batch in iter(tasks.get, None):
            for section in batch:
                results.put(("started", number, section))
                results.put(("done", number, run_section(section, root, wave)))
    finally:
        shutdown_kernel()


class _Workers:
    """Worker processes, each with one kernel, fed batches one at a time as they become free.

    The build knows which sections each worker holds, so a worker that dies (the OOM killer, a
    crash) fails only the section it was running: the rest of its batch goes to a new worker.
    """

    def __init__(self, count: int, todo: list[list[Section]], root: str, wave: str):
        import multiprocessing
        from collections import deque

        self.context = multiprocessing.get_context()
        self.results = self.context.Queue()
        self.todo = deque(todo)
        self.root, self.wave = root, wave
        self.processes: list = []
        self.holding: list[list[Section]] = []  # per worker: sections sent, not yet reported
        self.tasks: list = []
        for _ in range(count):
            self._start()

    def _start(self) -> None:
        number = len(self.processes)
        tasks = self.context.SimpleQueue()
        process = self.context.Process(
            target=_worker,
            name=f"ciatstudy-worker-{number}",
            daemon=True,
            args=(number, tasks, self.results, self.root, self.wave, os.getpid()),
        )
        process.start()
        self.processes.append(process)
        self.tasks.append(tasks)
        self.holding.append([])
        self._feed(number)

    def _feed(self, number: int) -> None:
        batch = self.todo.popleft() if self.todo else None
        self.holding[number] = list(batch or [])
        self.tasks[number].put(batch)

    def events(self):
        """Yield ("started", Section) and ("done", Result) until every section is reported."""
        from queue import Empty

        while any(self.holding) or self.todo:
            try:
                kind, number, payload = self.results.get(timeout=0.5)
            except Empty:
                yield from self._reap()
                continue
            if kind == "done":
                self.holding[number] = [s for s in self.holding[number] if s.slug != payload.slug]
                if not self.holding[number]:
                    self._feed(number)
            yield kind, payload

    def _reap(self):
        for number, process in enumerate(self.processes):
            if process.exitcode is None or not self.holding[number]:
                continue
            lost, *rest = self.holding[number]
            self.holding[number] = []
            self._discard_stage(lost)
            yield "done", Result(lost.slug, "failed", error=f"its worker process ended (exit code {process.exitcode})")
            if rest:
                self.todo.appendleft(rest)
                self._start()

    def _discard_stage(self, section: Section) -> None:
        import shutil

        for stage in (Paths(Path(self.root), self.wave).build_state / "stage").glob(f"{section.slug}.*"):
            shutil.rmtree(stage, ignore_errors=True)

    def stop(self) -> None:
        """End every worker (and so its kernel): at once if work is left, else after its clean shutdown."""
        interrupted = any(self.holding) or bool(self.todo)
        for process in self.processes:
            if interrupted and process.is_alive():
                process.terminate()
        deadline = time.monotonic() + (5 if interrupted else 30)
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(3)
            if process.is_alive():
                process.kill()
                process.join()


def batches(todo: list[Section], state: dict) -> list[list[Section]]:
    """Sections grouped by notebook, longest batch first (last run times as the estimate)."""
    groups: dict[str, list[Section]] = {}
    for section in todo:
        groups.setdefault(section.notebook, []).append(section)
    cost = lambda group: sum(state.get(s.slug, {}).get("seconds") or 3.0 for s in group)  # noqa: E731
    return sorted(groups.values(), key=cost, reverse=True)


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _promote(stage: Path, paths: Paths, section: Section) -> list[str]:
    """Move a successful section's staged files into place (each move is atomic)."""
    import shutil

    moved = []
    for staged in sorted(p for p in stage.rglob("*") if p.is_file() and p.name != "notebook.ipynb"):
        rel = staged.relative_to(stage)
        target = paths.root / rel
        _ensure(target.parent)
        os.replace(staged, target)
        moved.append(rel.as_posix())
    executed = paths.reports / "notebooks" / f"{section.slug}.ipynb"
    _ensure(executed.parent)
    os.replace(stage / "notebook.ipynb", executed)
    (paths.build_state / "failed" / f"{section.slug}.ipynb").unlink(missing_ok=True)
    shutil.rmtree(stage, ignore_errors=True)
    return moved


# --------------------------------------------------------------------------- the build
def _plan_key(wave: str, baseline: str | None, lib: str) -> str | None:
    """What the section plan depends on: the codebook and datapackage of the wave (and baseline), the code."""
    h = hashlib.sha256(lib.encode())
    for w in (wave, baseline):
        if w is None:
            continue
        _, folder = wave_folder(w)
        for name in ("codebook.yaml", "datapackage.json"):
            path = folder / name
            if name == "codebook.yaml" and not path.is_file():
                return None
            h.update(f"{folder.resolve()}/{name}".encode())
            h.update(path.read_bytes() if path.is_file() else b"-")
    return h.hexdigest()


def _plan_file(wave: str) -> Path:
    return (
        Paths.for_wave("_plans").build_state.parent
        / "plans"
        / f"{hashlib.sha256(str(wave).encode()).hexdigest()[:16]}.json"
    )


# What the plan left out for the wave being built, as (slug, reason): one summary line each (issue 13).
_LEFT_OUT: list[tuple[str, str]] = []


def _cached_plan(wave: str, baseline: str | None, lib: str):
    """The section plan of the last build with the same codebook, datapackage and code (no YAML to parse)."""
    key = _plan_key(wave, baseline, lib)
    path = _plan_file(wave)
    if key is None or not path.exists():
        return None, None, None
    try:
        cached = json.loads(path.read_text())
    except ValueError:
        return None, None, None
    if cached.get("key") != key or cached.get("baseline") != baseline:
        return None, None, None
    sections = [
        Section(**{**s, "reads": tuple(s["reads"]), "position": tuple(s["position"])}) for s in cached["sections"]
    ]
    _LEFT_OUT[:] = [tuple(x) for x in cached.get("left_out", [])]
    return cached["name"], sections, {k: Path(v) for k, v in cached["files"].items()}


def _store_plan(wave: str, baseline: str | None, lib: str, name: str, sections, files) -> None:
    key = _plan_key(wave, baseline, lib)
    if key is None:
        return
    path = _plan_file(wave)
    _ensure(path.parent)
    path.write_text(
        json.dumps(
            {
                "key": key,
                "baseline": baseline,
                "name": name,
                "sections": [s._asdict() for s in sections],
                "files": {k: str(v) for k, v in files.items()},
                "left_out": _LEFT_OUT,
            }
        )
    )


def _selects(name: str, slug: str) -> bool:
    """``--only choices`` selects every run of the choices notebook (choices-q2, …)."""
    return slug == name or slug.startswith(name + "-")


def _load_state(paths: Paths) -> dict:
    state = paths.build_state / "state.json"
    return json.loads(state.read_text()) if state.exists() else {}


def _save_state(paths: Paths, state: dict) -> None:
    # Written here rather than through ciatstudy.data.io, which imports pandas: a no-op build must stay light.
    import tempfile

    target = _ensure(paths.build_state) / "state.json"
    fd, tmp = tempfile.mkstemp(prefix=".state.", dir=target.parent)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(state, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, target)


def _line(result: Result, width: int, counter: str = "") -> str:
    mark = {"ok": "ran    ", "skipped": "skipped", "failed": "FAILED "}[result.status]
    extra = ""
    if result.status == "failed":
        extra = f"  cell {result.cell}: {result.error}" if result.cell is not None else f"  {result.error}"
    return f"  {counter}{result.slug:<{width}} {mark} {result.seconds:6.1f} s{extra}"


class _Progress:
    """Plain progress lines (a terminal and a CI log read them alike): ``[7/19] slug started``, then its result.

    Started and finished sections are counted apart, as ninja does: with several workers they
    finish in another order than they start.
    """

    def __init__(self, total: int, width: int, out):
        self.total, self.width, self.out = total, width, out
        self.started = self.finished = 0
        self.counter_width = len(f"[{total}/{total}] ")

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def skipped(self, result: Result) -> None:
        self._print(_line(result, self.width, " " * self.counter_width))

    def start(self, section: Section) -> None:
        self.started += 1
        self._print(
            f"  {f'[{self.started}/{self.total}]':<{self.counter_width - 1}} {section.slug:<{self.width}} started"
        )

    def done(self, result: Result) -> None:
        self.finished += 1
        self._print(_line(result, self.width, f"{f'[{self.finished}/{self.total}]':<{self.counter_width - 1}} "))

    def note(self, text: str) -> None:
        self._print(text)


def check_jobs(jobs) -> None:
    """Refuse a number of parallel sections that is not a whole number of at least 1.

    >>> check_jobs(2)
    >>> check_jobs(0)
    Traceback (most recent call last):
    ...
    ValueError: --jobs must be a whole number of parallel sections, at least 1 (got 0)
    """
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"--jobs must be a whole number of parallel sections, at least 1 (got {jobs!r})")


class BuildLocked(Exception):
    """Another process is building the same wave."""


LOCKED_EXIT = 75  # EX_TEMPFAIL: try again later


def _lock(paths: Paths) -> int | None:
    """Take ``.build/<wave>/build.lock`` for this build; the system releases it when the process ends.

    Returns the locked file descriptor (None where the file system cannot lock). Workers forked
    by the build inherit it, so the wave stays locked until the last of them has ended.
    """
    import fcntl

    path = _ensure(paths.build_state) / "build.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
        os.close(fd)
        raise BuildLocked(
            f"wave {paths.wave} is already being built by process {holder} "
            f"({_relative(path, paths.root)}); wait for it to end, then build again"
        ) from None
    except OSError:  # a file system without locks: build unguarded rather than not at all
        os.close(fd)
        return None
    # One fixed-width record, overwritten in place: truncating the file costs a journal write (~5 ms).
    os.pwrite(fd, f"{os.getpid():<15}\n".encode(), 0)
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def declared_tables(sections, state: dict, paths: Paths) -> list[Path]:
    """The processed tables the plan's sections wrote, as the build recorded them (not a folder listing).

    A notebook run by hand leaves files the build never declared; the workbook must not pick them up.
    """
    folder = paths.processed
    tables = {paths.root / rel for s in sections for rel in state.get(s.slug, {}).get("outputs", [])}
    return sorted(t for t in tables if t.suffix == ".csv" and t.parent == folder and t.is_file())


def build(
    wave: str = "2014",
    *,
    only: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    out=sys.stdout,
    specs=None,
    baseline: str | None = None,
) -> int:
    """Build a wave's sections and report; return the process exit code.

    ``specs`` replaces the report's sections (tests use it to inject a failing one).
    Raises :class:`Interrupted` on Ctrl-C or SIGTERM, once every worker and kernel has ended
    and nothing more is moved into place. Returns ``LOCKED_EXIT`` (one line on stderr) while
    another process builds the same wave.
    """
    check_jobs(jobs)
    _HASHES.clear()
    lib = library_digest()
    _LEFT_OUT.clear()
    name, sections, files = _cached_plan(wave, baseline, lib) if specs is None else (None, None, None)
    if sections is None:
        wave_plan = read_plan(wave)
        name, files = wave_plan.name, dict(wave_plan.files)
        if baseline:
            base = read_plan(baseline)
            files["baseline:codebook"] = base.folder / "codebook.yaml"
            files["baseline:responses"] = base.files["responses"]
        sections = plan(
            wave_plan.codebook, set(wave_plan.files), baseline=baseline, **({"specs": specs} if specs else {})
        )
        if specs is None:
            _LEFT_OUT[:] = left_out(wave_plan.codebook, set(wave_plan.files))
        if specs is None:
            _store_plan(wave, baseline, lib, name, sections, files)
    paths = Paths.for_wave(name)
    if only:
        unknown = {o for o in only if not any(_selects(o, s.slug) for s in sections)}
        if unknown:
            raise ValueError(f"unknown section(s) {sorted(unknown)}; sections are {[s.slug for s in sections]}")
    try:
        lock = _lock(paths)
    except BuildLocked as exc:
        print(f"ciatstudy: error: {exc}", file=sys.stderr)
        return LOCKED_EXIT
    try:
        return _build_locked(
            paths, name, sections, files, lib, only=only, jobs=jobs, force=force, out=out, baseline=baseline
        )
    finally:
        _unlock(lock)


def _build_locked(
    paths: Paths, name: str, sections, files, lib: str, *, only, jobs, force, out, baseline: str | None = None
) -> int:
    folder = files["responses"].parent
    state = _load_state(paths)
    state_before = json.dumps(state, sort_keys=True)
    todo, results = [], {}
    for section in sections:
        fp = fingerprint(section, paths=paths, files=files, lib=lib)
        selected = not only or any(_selects(o, section.slug) for o in only)
        previous = state.get(section.slug, {})
        up_to_date = (
            previous.get("fingerprint") == fp
            and previous.get("status") == "ok"
            and (paths.reports / "notebooks" / f"{section.slug}.ipynb").exists()
            and all((paths.root / o).exists() for o in previous.get("outputs", []))
        )
        if selected and (force or not up_to_date):
            todo.append((section, fp))
        else:
            results[section.slug] = Result(section.slug, "skipped", 0.0, outputs=previous.get("outputs", []))
    width = max([len(s.slug) for s in sections] + [10])
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    print(
        f"ciatstudy build — wave {name}: {len(sections)} sections, {len(todo)} to run, {jobs} in parallel",
        file=out,
        flush=True,
    )
    for slug, why in _LEFT_OUT:
        print(f"  left out: {slug} ({why})", file=out, flush=True)
    progress = _Progress(len(todo), width, out)
    for result in results.values():
        progress.skipped(result)
    if (paths.build_state / "stage").exists():  # left by a build killed outright (we hold the lock)
        import shutil

        shutil.rmtree(paths.build_state / "stage", ignore_errors=True)
    fingerprints = dict((s.slug, fp) for s, fp in todo)
    # A no-op build starts no process and moves nothing: it keeps the default signal handling (and its imports).
    with _stop_on_signals() if todo else nullcontext():
        if todo:
            from ..data.io import load_wave, wait_for_cache

            progress.note(f"starting {jobs} kernel{'s' if jobs > 1 else ''} (python3)…")
            load_wave(folder)  # validate the inputs once, before any kernel starts
            wait_for_cache()  # then every section reads the columnar cache instead of the CSV
            if jobs == 1:
                try:
                    for section, _ in todo:
                        progress.start(section)
                        results[section.slug] = run_section(section, str(paths.root), name)
                        progress.done(results[section.slug])
                except BaseException:
                    kill_kernel()  # interrupted: no clean shutdown to wait for
                    raise
                shutdown_kernel()
            else:
                workers = _Workers(jobs, batches([s for s, _ in todo], state), str(paths.root), name)
                try:
                    for kind, payload in workers.events():
                        if kind == "started":
                            progress.start(payload)
                        else:
                            results[payload.slug] = payload
                            progress.done(payload)
                finally:
                    workers.stop()
        for section, _ in todo:
            result = results[section.slug]
            if result.status == "ok":
                old = set(state.get(section.slug, {}).get("outputs", []))
                for stale in old - set(result.outputs):  # a file the section no longer writes
                    (paths.root / stale).unlink(missing_ok=True)
                state[section.slug] = {
                    "fingerprint": fingerprints[section.slug],
                    "status": "ok",
                    "outputs": result.outputs,
                    "seconds": round(result.seconds, 2),
                    "parameters": section.parameters,
                }
            else:
                state.setdefault(section.slug, {})["status"] = "failed"
        ordered = [results[s.slug] for s in sections]
        report_key = hashlib.sha256(
            json.dumps(
                [lib, name]
                + [
                    [s.slug, s.title, state.get(s.slug, {}).get("fingerprint"), r.status == "failed"]
                    for s, r in zip(sections, ordered)
                ]
            ).encode()
        ).hexdigest()
        report = paths.reports / "report.html"
        if todo or force or state.get("_report") != report_key or not report.exists():
            from ..data.io import load_wave
            from .export import export_report

            progress.note("exporting the report (report.html, tables.xlsx, manifest.json)…")
            report = export_report(
                load_wave(folder, questions=[]),
                sections,
                ordered,
                state,  # no answers needed
                tables=declared_tables(sections, state, paths),
                baseline=baseline,
            )
            state["_report"] = report_key if not any(r.status == "failed" for r in ordered) else None
        if json.dumps(state, sort_keys=True) != state_before:
            _save_state(paths, state)
    counts = {k: sum(r.status == k for r in ordered) for k in ("ok", "skipped", "failed")}
    print(
        f"done: {counts['ok']} run, {counts['skipped']} skipped, {counts['failed']} failed — "
        f"report: {report.relative_to(paths.root) if report.is_relative_to(paths.root) else report}",
        file=out,
        flush=True,
    )
    for r in ordered:
        if r.status == "failed":
            print(failure_line(r, paths), file=sys.stderr)
    return 1 if counts["failed"] else 0


def failure_line(result: Result, paths: Paths) -> str:
    """The one stderr line of a failed section: where it failed, why (shortened), and where to look.

    The executed notebook exists only when a cell failed (not when the kernel or its worker died).
    """
    where = [f"log: {_relative(paths.build_state / 'logs' / f'{result.slug}.log', paths.root)}"]
    executed = paths.build_state / "failed" / f"{result.slug}.ipynb"
    if executed.exists():
        where.insert(0, f"executed notebook: {_relative(executed, paths.root)}")
    head = f"ciatstudy: error: section {result.slug} failed" + (
        f" at cell {result.cell}" if result.cell is not None else ""
    )
    tail = f" ({'; '.join(where)})"
    reason = " ".join(str(result.error).split())
    room = max(300 - len(head) - len(tail) - 2, 20)
    if len(reason) > room:
        reason = reason[: room - 1] + "…"
    return f"{head}: {reason}{tail}"

"""One section's run in this process's kernel: staged outputs, moved into place only on success.

A kernel that dies (``os._exit``, a crash, the OOM killer) fails only its section and is replaced by a
fresh one for the next section.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from ..data.config import Paths
from .build_state import Result, _ensure
from .sections import Section
from .stopping import _whole

KERNEL = "python3"


# Each worker process keeps one kernel and runs its sections in it, one after the other: starting a
# kernel and importing pandas and matplotlib costs more than most sections' own work. Between two
# sections the kernel's namespace is reset and its figures closed, so sections stay independent.
# The kernel is driven from one helper thread: nbclient, when run in the main thread, takes SIGINT and
# SIGTERM for itself (it shuts the kernel down and lets the caller go on to the next section), whereas
# the build must stop as a whole.
_KERNEL: dict = {}
_CURRENT: dict = {}  # the section running in this process: its staging folder, removed if the process is stopped
_KEPT: list = []  # open kept_kernel() blocks of this process
SETUP_TAG = "ciatstudy-setup"


class KernelDied(RuntimeError):
    """The kernel process ended while running a section (``os._exit``, a crash, the OOM killer)."""


def _setup_cell(stage: Path, root: str, cwd: Path):
    import nbformat

    # Figures are closed before the reset, so that its garbage collection frees them. Then whatever is still
    # alive (modules, spaCy's model, caches) is moved out of the collector's sight (gc.freeze): %reset runs two
    # full collections, and with the French model loaded each took 0.25 s — the setup cost 0.6 s per section,
    # 8 s of a 34 s build. A frozen object still dies when nothing refers to it; only a reference cycle among
    # frozen objects would outlive its use, and what survives a reset lives as long as the kernel anyway.
    code = (
        "import sys as _sys\nif 'matplotlib.pyplot' in _sys.modules:\n    _sys.modules['matplotlib.pyplot'].close('all')\n"
        "%reset -f\nimport gc as _gc, os as _os\n_gc.freeze()\n"
        f"_os.environ['CIATSTUDY_ROOT'] = {root!r}\n_os.environ['CIATSTUDY_STAGE'] = {str(stage)!r}\n"
        f"_os.chdir({str(cwd)!r})\n"
        "del _gc, _os"
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

    _KERNEL.pop("library", None)
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
        client.km.cleanup_ipc_files()
    except Exception:  # best effort: a stale connection file or socket is harmless
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


@contextlib.contextmanager
def kept_kernel():
    """Keep this process's kernel from one one-job build to the next inside the block; shut it down on leaving.

    A batch of builds in one Python process (several waves, a test run) then starts one kernel and imports
    pandas, matplotlib and spaCy's French model (about 8 s) once, as the sections of one build already share
    theirs. A build whose library code differs from the kernel's starts a fresh kernel, and a build with
    several jobs runs in its own workers; so does a build whose ``CIATSTUDY_*`` settings changed (the kernel
    inherits its environment when it starts; the project root and staging folder are set for each section).
    """
    _KEPT.append(True)
    try:
        yield
    finally:
        _KEPT.pop()
        if not _KEPT:
            shutdown_kernel()


def _kept_key(library: str) -> tuple:
    """What a kept kernel must share with the next build: the library's code and the ``CIATSTUDY_*`` settings
    it inherited when it started (the project root and staging folder are set for each section)."""
    settings = sorted(
        (k, v)
        for k, v in os.environ.items()
        if k.startswith("CIATSTUDY_") and k not in ("CIATSTUDY_ROOT", "CIATSTUDY_STAGE")
    )
    return library, tuple(settings)


def release_kernel(library: str) -> None:
    """After a one-job build: shut the kernel down, or keep it for the next build of ``library`` (a kept block)."""
    if _KEPT and "client" in _KERNEL:
        _KERNEL["library"] = _kept_key(library)
    else:
        shutdown_kernel()


def kernel_kept_for(library: str) -> bool:
    """Whether a kept kernel, started for this ``library`` code and settings, is alive and waiting for a build."""
    client = _KERNEL.get("client")
    return bool(_KEPT) and client is not None and _KERNEL.get("library") == _kept_key(library) and _kernel_alive(client)


def claim_kernel(library: str) -> None:
    """Before a build: a kept kernel started for other library code or settings is shut down (stale modules,
    an environment the build no longer has)."""
    if _KERNEL.get("library") not in (None, _kept_key(library)):
        shutdown_kernel()


def _kernel_transport() -> dict:
    """How the build talks to a new kernel: Unix sockets with an absolute, unique path prefix where the
    system has them (a relative one would be resolved in the kernel's working folder, not ours); TCP elsewhere,
    or where the path would be too long for a socket name (about 100 bytes). Called when a kernel is about to
    start, it first removes the sockets that dead kernels left in the same folder (:func:`remove_stale_sockets`)."""
    import tempfile
    import uuid

    folder = tempfile.gettempdir()
    prefix = os.path.join(folder, f"{_SOCKET_PREFIX}{uuid.uuid4().hex[:12]}")
    if os.name != "posix" or len(prefix.encode()) > 80:
        return {"transport": "tcp"}
    remove_stale_sockets(folder)
    return {"transport": "ipc", "ip": prefix}


_SOCKET_PREFIX = "ciatstudy-kernel-"


def remove_stale_sockets(folder: str) -> list[str]:
    """Remove the socket files of build kernels that nobody listens on any more; return their paths.

    A kernel ended outright (its worker killed by the OOM killer, a build killed with SIGKILL) cannot remove
    its sockets. A live kernel's socket accepts a connection; a dead one's refuses it.
    """
    import glob
    import socket
    import stat

    removed = []
    for path in glob.glob(os.path.join(glob.escape(folder), _SOCKET_PREFIX + "*")):
        try:
            if not stat.S_ISSOCK(os.lstat(path).st_mode):
                continue
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.settimeout(0.5)
                probe.connect(path)
        except ConnectionRefusedError:
            with contextlib.suppress(OSError):
                os.remove(path)
                removed.append(path)
        except OSError:  # gone meanwhile, not ours, or busy: left alone
            continue
    return removed


def _execute(notebook, cwd: Path):
    """Run a notebook in this process's kernel, starting it on first use."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    previous = _KERNEL.get("client")
    client = NotebookClient(
        notebook,
        km=previous.km if previous else None,
        # Unix sockets, not TCP ports: a kernel picks its ports free and binds them a moment later, so kernels
        # started at once by other processes (the build's other workers, another build) may take the same port
        # ("Address already in use": the kernel dies and the section fails after a 60 s wait). Only a new
        # kernel needs them: the next sections reuse its manager.
        config=Config({"KernelManager": _kernel_transport()}) if previous is None else Config(),
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

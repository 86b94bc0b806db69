"""Parallel builds: worker processes, each with one kernel, fed batches of sections.

A worker that is asked to stop (SIGTERM from the build) ends its kernel, discards its running section's
staged files and exits; a worker that dies fails only the section it was running.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ..data.config import Paths
from .build_state import Result
from .section_run import _CURRENT, _KERNEL, kill_kernel, run_section, shutdown_kernel
from .sections import Section
from .stopping import _STOP, _on_signal


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

"""``ciatstudy build``: run the section notebooks, then export the committee report.

Each section runs in its own process through papermill, writes its tables and
figures into a private staging folder (``CIATSTUDY_STAGE``) and has them moved
into place only when it succeeds. A section is skipped when nothing it
depends on changed: its notebook, parameters, the raw files it reads, the
library's code and the locked dependency versions (see :func:`fingerprint`).

Faults: SIGTERM is handled as Ctrl-C is (workers and kernels ended, staged
outputs discarded, :class:`~ciatstudy.pipeline.stopping.Interrupted` raised); a kernel that dies is replaced
and only its section fails; one build per wave at a time (``.build/<wave>/build.lock``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from contextlib import nullcontext
from pathlib import Path

from ..data.config import Paths
from .build_state import (
    _LEFT_OUT,
    Result,
    _cached_plan,
    _ensure,
    _load_state,
    _relative,
    _save_state,
    _store_plan,
    declared_tables,
)
from .fingerprints import _HASHES, fingerprint, library_digest
from .progress import _Progress, failure_line
from .sections import left_out, plan, read_plan
from .startup import skip_unused_format_checkers

skip_unused_format_checkers()


def _selects(name: str, slug: str) -> bool:
    """``--only choices`` selects every run of the choices notebook (choices-q2, …)."""
    return slug == name or slug.startswith(name + "-")


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


def build(
    wave: str = "2014",
    *,
    only: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    out=sys.stdout,
    specs=None,
    baseline: str | None = None,
    pdf: bool = True,
) -> int:
    """Build a wave's sections and report; return the process exit code.

    ``pdf=False`` exports no report.pdf (and removes an older one). ``specs`` replaces the report's sections
    (tests use it to inject a failing one).
    Raises :class:`~ciatstudy.pipeline.stopping.Interrupted` on Ctrl-C or SIGTERM, once every worker and kernel has ended
    and nothing more is moved into place. Returns ``LOCKED_EXIT`` (one line on stderr) while
    another process builds the same wave.
    """
    check_jobs(jobs)
    _HASHES.clear()
    lib = library_digest()
    _LEFT_OUT.clear()
    name, sections, files = _section_plan(wave, baseline, lib, specs)
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
            paths, name, sections, files, lib, only=only, jobs=jobs, force=force, out=out, baseline=baseline, pdf=pdf
        )
    finally:
        _unlock(lock)


def _section_plan(wave: str, baseline: str | None, lib: str, specs):
    """The wave's name, sections and raw files: the last build's plan when nothing it depends on changed."""
    name, sections, files = _cached_plan(wave, baseline, lib) if specs is None else (None, None, None)
    if sections is not None:
        return name, sections, files
    wave_plan = read_plan(wave)
    name, files = wave_plan.name, dict(wave_plan.files)
    if baseline:
        base = read_plan(baseline)
        files["baseline:codebook"] = base.folder / "codebook.yaml"
        files["baseline:responses"] = base.files["responses"]
    sections = plan(wave_plan.codebook, set(wave_plan.files), baseline=baseline, **({"specs": specs} if specs else {}))
    if specs is None:
        _LEFT_OUT[:] = left_out(wave_plan.codebook, set(wave_plan.files))
        _store_plan(wave, baseline, lib, name, sections, files)
    return name, sections, files


def _build_locked(
    paths: Paths,
    name: str,
    sections,
    files,
    lib: str,
    *,
    only,
    jobs,
    force,
    out,
    baseline: str | None = None,
    pdf: bool = True,
) -> int:
    folder = files["responses"].parent
    state = _load_state(paths)
    state_before = json.dumps(state, sort_keys=True)
    todo, results = _to_run(sections, state, paths, files, lib, only=only, force=force)
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
    # A no-op build starts no process and moves nothing: it keeps the default signal handling (and its imports).
    stopping = nullcontext()
    if todo:
        from .stopping import _stop_on_signals

        stopping = _stop_on_signals()
    with stopping:
        if todo:
            from ..data.io import load_wave, wait_for_cache
            from .section_run import kernel_kept_for

            if jobs == 1 and kernel_kept_for(lib):
                progress.note("using the kept kernel (python3)…")
            else:
                progress.note(f"starting {jobs} kernel{'s' if jobs > 1 else ''} (python3)…")
            load_wave(folder)  # validate the inputs once, before any kernel starts
            wait_for_cache()  # then every section reads the columnar cache instead of the CSV
            results.update(_run_sections([s for s, _ in todo], state, paths, name, jobs, progress, library=lib))
        _record(todo, results, state, paths)
        ordered = [results[s.slug] for s in sections]
        report = paths.reports / "report.html"
        report_key = _report_key(lib, name, sections, ordered, state, pdf=pdf)
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
                pdf=pdf,
            )
            state["_report"] = report_key if not any(r.status == "failed" for r in ordered) else None
        if json.dumps(state, sort_keys=True) != state_before:
            _save_state(paths, state)
    return _summary(ordered, report, paths, out)


def _to_run(sections, state: dict, paths: Paths, files, lib: str, *, only, force):
    """The (section, fingerprint) pairs to run, and the skipped sections' results by slug."""
    todo, skipped = [], {}
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
            skipped[section.slug] = Result(section.slug, "skipped", 0.0, outputs=previous.get("outputs", []))
    return todo, skipped


def _run_sections(
    todo, state: dict, paths: Paths, name: str, jobs: int, progress: _Progress, *, library: str = ""
) -> dict:
    """Run the sections in this process's kernel (one job) or in worker processes; their results by slug.

    One job: the kernel is shut down at the end, unless a :func:`~ciatstudy.pipeline.section_run.kept_kernel`
    block keeps it for the next build of the same ``library`` code.
    """
    from .section_run import claim_kernel, kill_kernel, release_kernel, run_section, shutdown_kernel
    from .workers import _Workers, batches

    results = {}
    if jobs == 1:
        claim_kernel(library)
        try:
            for section in todo:
                progress.start(section)
                results[section.slug] = run_section(section, str(paths.root), name)
                progress.done(results[section.slug])
        except BaseException:
            kill_kernel()  # interrupted: no clean shutdown to wait for
            raise
        release_kernel(library)
        return results
    shutdown_kernel()  # a kept kernel is not forked into the workers (each starts its own)
    workers = _Workers(jobs, batches(todo, state), str(paths.root), name)
    try:
        for kind, payload in workers.events():
            if kind == "started":
                progress.start(payload)
            else:
                results[payload.slug] = payload
                progress.done(payload)
    finally:
        workers.stop()
    return results


def _record(todo, results: dict, state: dict, paths: Paths) -> None:
    """Write the run sections' fingerprints and outputs into ``state``; delete the files they no longer write."""
    for section, fp in todo:
        result = results[section.slug]
        if result.status == "ok":
            old = set(state.get(section.slug, {}).get("outputs", []))
            for stale in old - set(result.outputs):  # a file the section no longer writes
                (paths.root / stale).unlink(missing_ok=True)
            state[section.slug] = {
                "fingerprint": fp,
                "status": "ok",
                "outputs": result.outputs,
                "seconds": round(result.seconds, 2),
                "parameters": section.parameters,
            }
        else:
            state.setdefault(section.slug, {})["status"] = "failed"


def _report_key(lib: str, name: str, sections, ordered, state: dict, *, pdf: bool = True) -> str:
    """What the exported report depends on: the code, the wave, each section's fingerprint and failure,
    and whether a PDF was asked for (a build with the PDF after one without exports again)."""
    return hashlib.sha256(
        json.dumps(
            [lib, name, pdf]
            + [
                [s.slug, s.title, state.get(s.slug, {}).get("fingerprint"), r.status == "failed"]
                for s, r in zip(sections, ordered)
            ]
        ).encode()
    ).hexdigest()


def _summary(ordered, report: Path, paths: Paths, out) -> int:
    """Print the closing line and each failed section's stderr line; return the exit code."""
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

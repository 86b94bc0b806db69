"""``ciatstudy build``: run the section notebooks, then export the committee report.

Each section runs in its own process through papermill, writes its tables and
figures into a private staging folder (``CIATSTUDY_STAGE``) and has them moved
into place only when it succeeds. A section is skipped when nothing it
depends on changed: its notebook, parameters, the raw files it reads, the
library's code and the locked dependency versions (see :func:`fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import namedtuple
from pathlib import Path

from .config import PACKAGE_DIR, Paths, wave_folder
from .startup import skip_unused_format_checkers
from .sections import Section, plan

skip_unused_format_checkers()

KERNEL = "python3"


# What one section's run gave: status "ok", "skipped" or "failed"; cell = execution count of the
# failing cell; outputs = files it wrote, relative to the project root.
Result = namedtuple("Result", "slug status seconds cell error outputs", defaults=(0.0, None, "", ()))


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
    files = sorted(p for p in PACKAGE_DIR.rglob("*")
                   if p.is_file() and p.suffix in {".py", ".yaml", ".yml", ".css", ".html", ".ttf", ".geojson"}
                   and "__pycache__" not in p.parts)
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


def fingerprint(section: Section, *, paths: Paths, files: dict[str, Path], lib: str) -> str:
    lock = paths.root / "requirements.lock"
    parts = {
        "notebook": _sha256(paths.notebooks / section.notebook),
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
_KERNEL: dict = {}
SETUP_TAG = "ciatstudy-setup"


def _setup_cell(stage: Path, root: str, cwd: Path):
    import nbformat

    code = ("%reset -f\nimport os as _os\n"
            f"_os.environ['CIATSTUDY_ROOT'] = {root!r}\n_os.environ['CIATSTUDY_STAGE'] = {str(stage)!r}\n"
            f"_os.chdir({str(cwd)!r})\n"
            "import sys as _sys\nif 'matplotlib.pyplot' in _sys.modules:\n    _sys.modules['matplotlib.pyplot'].close('all')\n"
            "del _os, _sys")
    return nbformat.v4.new_code_cell(code, metadata={"tags": [SETUP_TAG]})


def shutdown_kernel() -> None:
    client = _KERNEL.pop("client", None)
    if client is not None and client.km is not None:
        try:
            client._cleanup_kernel()
        except Exception:  # a dead kernel has nothing left to clean
            pass


def _execute(notebook, cwd: Path):
    """Run a notebook in this process's kernel, starting it on first use."""
    from nbclient import NotebookClient

    previous = _KERNEL.get("client")
    client = NotebookClient(notebook, km=previous.km if previous else None, kernel_name=KERNEL, timeout=900,
                            resources={"metadata": {"path": str(cwd)}}, shutdown_kernel="immediate",
                            allow_errors=False)
    if previous is not None:
        client.kc = previous.kc
    _KERNEL["client"] = client
    try:
        client.execute(cleanup_kc=False)
    except Exception:
        if client.km is None or not client.km.is_alive():
            _KERNEL.pop("client", None)  # dead kernel: the next section starts a fresh one
        raise


def _failing_cell(notebook) -> tuple[int | None, str]:
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return cell.get("execution_count"), f"{out.get('ename')}: {out.get('evalue')}"
    return None, ""


def run_section(section: Section, root: str, wave: str) -> Result:
    """Execute one section; its outputs go to a staging folder, moved into place on success."""
    import shutil
    import tempfile

    import jupytext
    import nbformat
    from papermill.parameterize import parameterize_notebook

    paths = Paths(Path(root), wave)
    stage = Path(tempfile.mkdtemp(prefix=f"{section.slug}.", dir=_ensure(paths.build_state / "stage")))
    started = time.perf_counter()
    log = _ensure(paths.build_state / "logs") / f"{section.slug}.log"
    saved_stderr = os.dup(2)
    notebook = None
    try:
        # A starting kernel inherits fd 2: its chatter goes to the section's log, not the terminal.
        with open(log, "wb") as handle:
            os.dup2(handle.fileno(), 2)
        notebook = jupytext.read(paths.notebooks / section.notebook)
        # What papermill.iorw.load_notebook_node sets up, for a notebook read by jupytext.
        notebook.metadata.setdefault("papermill", {"default_parameters": {}, "parameters": {},
                                                   "environment_variables": {}})
        for cell in notebook.cells:
            cell.metadata.setdefault("tags", [])
            cell.metadata.setdefault("papermill", {})
        notebook = parameterize_notebook(notebook, {"wave": wave, **section.parameters},
                                         kernel_name=KERNEL, language="python")
        for i, cell in enumerate(notebook.cells):  # jupytext and papermill draw random ids; the report shows them
            cell.id = f"{section.slug}-{i}"
        notebook.cells.insert(0, _setup_cell(stage, root, paths.notebooks))
        _execute(notebook, paths.notebooks)
    except Exception as exc:
        cell, error = _failing_cell(notebook) if notebook is not None else (None, "")
        if notebook is not None and cell is not None:
            notebook.cells = [c for c in notebook.cells if SETUP_TAG not in c.metadata.get("tags", [])]
            failed = _ensure(paths.build_state / "failed") / f"{section.slug}.ipynb"
            nbformat.write(notebook, failed)
            cell -= 1  # the setup cell took the first execution count
        shutil.rmtree(stage, ignore_errors=True)
        return Result(section.slug, "failed", time.perf_counter() - started, cell=cell,
                      error=error or f"{type(exc).__name__}: {exc}")
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
    notebook.cells = [c for c in notebook.cells if SETUP_TAG not in c.metadata.get("tags", [])]
    nbformat.write(notebook, stage / "notebook.ipynb")
    outputs = _promote(stage, paths, section)
    return Result(section.slug, "ok", time.perf_counter() - started, outputs=outputs)


def _worker_init() -> None:
    import multiprocessing.util

    multiprocessing.util.Finalize(None, shutdown_kernel, exitpriority=100)


def run_batch(sections: list[Section], root: str, wave: str, queue) -> None:
    """Run sections of one notebook in this worker's kernel (its imports, e.g. spaCy's model, load once)."""
    for section in sections:
        queue.put(run_section(section, root, wave))


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


# --------------------------------------------------------------------------- the plan
# What a build needs to decide what to run, read without pandas (a no-op build stays fast).
Plan = namedtuple("Plan", "name folder codebook files")


def read_plan(wave: str) -> Plan:
    import yaml

    from .codebook import Codebook
    from .errors import DataError

    name, folder = wave_folder(wave)
    if not (folder / "codebook.yaml").is_file():
        raise DataError(f"no wave {str(wave)!r}: {folder / 'codebook.yaml'} does not exist "
                        "(bring a survey export in with `ciatstudy import`)")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        codebook = Codebook.from_dict(yaml.load((folder / "codebook.yaml").read_text(encoding="utf-8-sig"), Loader=loader),
                                      file=str(folder / "codebook.yaml"))
    except yaml.YAMLError as exc:
        raise DataError(f"not valid YAML: {exc}", file=str(folder / "codebook.yaml")) from None
    files = {"responses": folder / codebook.responses_file}
    package = folder / "datapackage.json"
    if package.exists():
        for resource in json.loads(package.read_text(encoding="utf-8")).get("resources", []):
            if resource.get("format", "csv") == "csv":
                files.setdefault(resource["name"], folder / resource["path"])
    return Plan(name, folder, codebook, files)


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
    return Paths.for_wave("_plans").build_state.parent / "plans" / f"{hashlib.sha256(str(wave).encode()).hexdigest()[:16]}.json"


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
    sections = [Section(**{**s, "reads": tuple(s["reads"]), "position": tuple(s["position"])}) for s in cached["sections"]]
    return cached["name"], sections, {k: Path(v) for k, v in cached["files"].items()}


def _store_plan(wave: str, baseline: str | None, lib: str, name: str, sections, files) -> None:
    key = _plan_key(wave, baseline, lib)
    if key is None:
        return
    path = _plan_file(wave)
    _ensure(path.parent)
    path.write_text(json.dumps({"key": key, "baseline": baseline, "name": name,
                                "sections": [s._asdict() for s in sections],
                                "files": {k: str(v) for k, v in files.items()}}))


def _selects(name: str, slug: str) -> bool:
    """``--only choices`` selects every run of the choices notebook (choices-q2, …)."""
    return slug == name or slug.startswith(name + "-")


def _load_state(paths: Paths) -> dict:
    state = paths.build_state / "state.json"
    return json.loads(state.read_text()) if state.exists() else {}


def _save_state(paths: Paths, state: dict) -> None:
    # Written here rather than through ciatstudy.io, which imports pandas: a no-op build must stay light.
    import tempfile

    target = _ensure(paths.build_state) / "state.json"
    fd, tmp = tempfile.mkstemp(prefix=".state.", dir=target.parent)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(state, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, target)


def _line(result: Result, width: int) -> str:
    mark = {"ok": "ran    ", "skipped": "skipped", "failed": "FAILED "}[result.status]
    extra = ""
    if result.status == "failed":
        extra = f"  cell {result.cell}: {result.error}" if result.cell is not None else f"  {result.error}"
    return f"  {result.slug:<{width}} {mark} {result.seconds:6.1f} s{extra}"


def build(wave: str = "2014", *, only: list[str] | None = None, jobs: int | None = None,
          force: bool = False, out=sys.stdout, specs=None, baseline: str | None = None) -> int:
    """Build a wave's sections and report; return the process exit code.

    ``specs`` replaces the report's sections (tests use it to inject a failing one).
    """
    _HASHES.clear()
    lib = library_digest()
    name, sections, files = _cached_plan(wave, baseline, lib) if specs is None else (None, None, None)
    if sections is None:
        wave_plan = read_plan(wave)
        name, files = wave_plan.name, dict(wave_plan.files)
        if baseline:
            base = read_plan(baseline)
            files["baseline:codebook"] = base.folder / "codebook.yaml"
            files["baseline:responses"] = base.files["responses"]
        sections = plan(wave_plan.codebook, set(wave_plan.files), baseline=baseline,
                        **({"specs": specs} if specs else {}))
        if specs is None:
            _store_plan(wave, baseline, lib, name, sections, files)
    paths = Paths.for_wave(name)
    folder = files["responses"].parent
    if only:
        unknown = {o for o in only if not any(_selects(o, s.slug) for s in sections)}
        if unknown:
            raise ValueError(f"unknown section(s) {sorted(unknown)}; sections are {[s.slug for s in sections]}")
    state = _load_state(paths)
    state_before = json.dumps(state, sort_keys=True)
    todo, results = [], {}
    for section in sections:
        fp = fingerprint(section, paths=paths, files=files, lib=lib)
        selected = not only or any(_selects(o, section.slug) for o in only)
        previous = state.get(section.slug, {})
        up_to_date = (previous.get("fingerprint") == fp and previous.get("status") == "ok"
                      and (paths.reports / "notebooks" / f"{section.slug}.ipynb").exists()
                      and all((paths.root / o).exists() for o in previous.get("outputs", [])))
        if selected and (force or not up_to_date):
            todo.append((section, fp))
        else:
            results[section.slug] = Result(section.slug, "skipped", 0.0, outputs=previous.get("outputs", []))
    width = max([len(s.slug) for s in sections] + [10])
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    print(f"ciatstudy build — wave {name}: {len(sections)} sections, {len(todo)} to run, "
          f"{jobs} in parallel", file=out, flush=True)
    for slug, result in results.items():
        print(_line(result, width), file=out, flush=True)
    fingerprints = dict((s.slug, fp) for s, fp in todo)
    if todo:
        from .io import load_wave, wait_for_cache

        load_wave(folder)  # validate the inputs once, before any kernel starts
        wait_for_cache()   # then every section reads the columnar cache instead of the CSV
        if jobs == 1:
            try:
                for section, _ in todo:
                    results[section.slug] = run_section(section, str(paths.root), name)
                    print(_line(results[section.slug], width), file=out, flush=True)
            finally:
                shutdown_kernel()
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            from queue import Empty

            with multiprocessing.Manager() as manager, \
                    ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init) as pool:
                queue = manager.Queue()
                futures = {pool.submit(run_batch, batch, str(paths.root), name, queue): batch
                           for batch in batches([s for s, _ in todo], state)}
                waiting = {s.slug for s, _ in todo}
                while waiting:  # one result per section, printed as each finishes
                    try:
                        done = [queue.get(timeout=0.5)]
                    except Empty:
                        done = []
                        for future, batch in futures.items():
                            if future.done() and future.exception() is not None:  # the worker itself died
                                done += [Result(s.slug, "failed", error=f"worker process failed: {future.exception()!r}")
                                         for s in batch if s.slug in waiting]
                    for result in done:
                        waiting.discard(result.slug)
                        results[result.slug] = result
                        print(_line(result, width), file=out, flush=True)
    for section, _ in todo:
        result = results[section.slug]
        if result.status == "ok":
            old = set(state.get(section.slug, {}).get("outputs", []))
            for stale in old - set(result.outputs):  # a file the section no longer writes
                (paths.root / stale).unlink(missing_ok=True)
            state[section.slug] = {"fingerprint": fingerprints[section.slug], "status": "ok",
                                   "outputs": result.outputs, "seconds": round(result.seconds, 2),
                                   "parameters": section.parameters}
        else:
            state.setdefault(section.slug, {})["status"] = "failed"
    ordered = [results[s.slug] for s in sections]
    report_key = hashlib.sha256(json.dumps(
        [lib, name] + [[s.slug, s.title, state.get(s.slug, {}).get("fingerprint"), r.status == "failed"]
                                 for s, r in zip(sections, ordered)]).encode()).hexdigest()
    report = paths.reports / "report.html"
    if todo or force or state.get("_report") != report_key or not report.exists():
        from .io import load_wave
        from .report import export_report

        report = export_report(load_wave(folder, questions=[]), sections, ordered, state)  # no answers needed
        state["_report"] = report_key if not any(r.status == "failed" for r in ordered) else None
    if json.dumps(state, sort_keys=True) != state_before:
        _save_state(paths, state)
    counts = {k: sum(r.status == k for r in ordered) for k in ("ok", "skipped", "failed")}
    print(f"done: {counts['ok']} run, {counts['skipped']} skipped, {counts['failed']} failed — "
          f"report: {report.relative_to(paths.root) if report.is_relative_to(paths.root) else report}",
          file=out, flush=True)
    for r in ordered:
        if r.status == "failed":
            print(f"ciatstudy: error: section {r.slug} failed"
                  + (f" at cell {r.cell}" if r.cell is not None else "") + f": {r.error}", file=sys.stderr)
    return 1 if counts["failed"] else 0

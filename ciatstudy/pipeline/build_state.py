"""What ``.build/`` remembers between builds: each section's state (``state.json``) and :data:`Result`
(what a section's run gave), the cached section plan, and the processed tables the sections declared.

Plain JSON written without :mod:`ciatstudy.data.io` (which imports pandas): a no-op build reads and
writes these files and must stay light.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import namedtuple
from pathlib import Path

from ..data.config import Paths, wave_folder
from .sections import Section

# What one section's run gave: status "ok", "skipped" or "failed"; cell = execution count of the
# failing cell; outputs = files it wrote, relative to the project root.
Result = namedtuple("Result", "slug status seconds cell error outputs", defaults=(0.0, None, "", ()))


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _relative(path: Path, root: Path) -> str:
    path, root = os.path.abspath(path), os.path.abspath(root)
    # abspath normalises both: below root, the relative path is the rest (os.path.relpath, 10 × slower)
    return path[len(root) + 1 :] if path.startswith(root + os.sep) else path


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


def declared_tables(sections, state: dict, paths: Paths) -> list[Path]:
    """The processed tables the plan's sections wrote, as the build recorded them (not a folder listing).

    A notebook run by hand leaves files the build never declared; the workbook must not pick them up.
    """
    folder = paths.processed
    tables = {paths.root / rel for s in sections for rel in state.get(s.slug, {}).get("outputs", [])}
    return sorted(t for t in tables if t.suffix == ".csv" and t.parent == folder and t.is_file())

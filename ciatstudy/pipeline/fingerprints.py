"""Fingerprints: what a section's run depends on, hashed, so that an unchanged section is skipped.

A section re-runs when its notebook, parameters, the raw files it reads, the library's code or the locked
dependency versions changed (:func:`fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..data.config import PACKAGE_DIR, Paths
from .build_state import _ensure, _relative
from .notebooks import notebook_fingerprint_text
from .sections import Section

_HASHES: dict[str, str] = {}


def _sha256(path: Path) -> str:
    # Several sections read the same raw files: hash each once per build.
    key = str(path)
    if key not in _HASHES:
        _HASHES[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _HASHES[key]


_CODE_AND_DATA = (".py", ".yaml", ".yml", ".css", ".html", ".ttf", ".geojson")


def _package_files(folder: str, prefix: str):
    """(relative posix name, (size, mtime_ns)) of the package's code and data files, ``__pycache__`` aside.

    ``os.scandir`` rather than ``Path.rglob``: this runs in every no-op build, over ~110 files, and
    scandir knows a file from a folder without a system call.
    """
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    yield from _package_files(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(_CODE_AND_DATA) and entry.is_file():
                st = entry.stat()
                yield f"{prefix}{entry.name}", (st.st_size, st.st_mtime_ns)


def library_digest() -> str:
    """One hash for the package's code and data files (a change re-runs every section).

    Files are listed with their size and modification time first; their contents are hashed
    only when that listing changed since the last build (as make trusts timestamps).
    """
    found = sorted(_package_files(str(PACKAGE_DIR), ""))
    files = [PACKAGE_DIR / name for name, _ in found]
    listing = hashlib.sha256()
    for name, (size, mtime) in found:
        listing.update(f"{name}:{size}:{mtime};".encode())
    memo = Paths.for_wave("_").build_state.parent / "library-digest.json"
    try:
        cached = json.loads(memo.read_text())
        if cached.get("listing") == listing.hexdigest():
            return cached["digest"]
    except (OSError, ValueError):
        pass
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())  # same names as the listing
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

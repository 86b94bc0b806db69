"""Fingerprints: what a section's run depends on, hashed, so that an unchanged section is skipped.

A section re-runs when its notebook, parameters, the raw files it reads, the library's code or the locked
dependency versions changed (:func:`fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
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

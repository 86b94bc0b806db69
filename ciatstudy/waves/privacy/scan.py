"""Checking outputs: which identifier values appear in which written file (text, XLSX members, PNG text).

Meant for tests and for the build's final check over ``data/processed``,
``figures`` and ``reports``.
"""

from __future__ import annotations

import html
import os
import re
import zipfile
from pathlib import Path
from typing import Iterable

from .folding import fold

__all__ = ["scan_files"]

_TEXT_SUFFIXES = {
    ".csv",
    ".json",
    ".yaml",
    ".yml",
    ".md",
    ".txt",
    ".html",
    ".htm",
    ".py",
    ".ipynb",
    ".svg",
    ".xml",
    ".tsv",
}


def _texts_of(path: Path) -> Iterable[tuple[str, str]]:
    """(where, text) pairs of a file: itself, or every member of a zip container (XLSX)."""
    if path.suffix.lower() in {".xlsx", ".zip", ".docx"}:
        try:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield f"{path}!{name}", archive.read(name).decode("utf-8", "replace")
        except zipfile.BadZipFile:
            yield str(path), path.read_bytes().decode("latin-1")
        return
    data = path.read_bytes()
    if path.suffix.lower() in _TEXT_SUFFIXES:
        yield str(path), data.decode("utf-8", "replace")
    elif data[:8] == b"\x89PNG\r\n\x1a\n":  # only a PNG's text chunks can carry words; pixels cannot
        yield str(path), _png_text(data)
    else:  # other binaries: metadata may still carry text
        yield str(path), data.decode("latin-1")


def _png_text(data: bytes) -> str:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG, decoded."""
    import zlib

    out, pos = [], 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            out.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            out.append(key.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1", "replace"))
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            flag, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\0")  # language tag
            _, _, text = rest.partition(b"\0")  # translated keyword
            out.append(
                key.decode("latin-1") + " " + (zlib.decompress(text) if flag else text).decode("utf-8", "replace")
            )
        pos += 12 + length
    return "\n".join(out)


def scan_files(paths: Iterable[str | os.PathLike], needles: Iterable[str]) -> list[tuple[str, str]]:
    """Which of ``needles`` (identifier values) appear in which file, case- and accent-insensitively.

    Walks folders, opens XLSX/zip members, reads other binaries as Latin-1 so
    that text in their metadata is seen. Returns (where, needle) pairs; empty
    means none was found. Meant for tests and for the build's final check over
    ``data/processed``, ``figures`` and ``reports``.
    """
    folded = {}
    for needle in needles:
        key = " ".join(fold(str(needle).strip()).split())
        if len(key) >= 3:
            folded[key] = needle
    files = []
    for p in map(Path, paths):
        files += sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else ([p] if p.exists() else [])
    # Whole words only: "Inès" must not match inside "inlineStr".
    patterns = {key: re.compile(r"(?<![0-9a-z])" + re.escape(key) + r"(?![0-9a-z])") for key in folded}
    hits = []
    for f in files:
        for where, text in _texts_of(f):
            text = " ".join(fold(html.unescape(text)).split())
            # the substring test (fast) spares the whole-word search where the needle is nowhere
            hits += [
                (where, original) for key, original in folded.items() if key in text and patterns[key].search(text)
            ]
    return hits

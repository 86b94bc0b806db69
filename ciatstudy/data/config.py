"""Every path the package reads or writes, anchored on the project root.

Set ``CIATSTUDY_ROOT`` to work on another tree (the tests build throw-away
projects that way); notebooks never build paths themselves.
"""

from __future__ import annotations

import os
import re
from collections import namedtuple
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # ciatstudy/, not ciatstudy/data/
RESOURCES = PACKAGE_DIR / "resources"

# A wave name is one folder name: no separator, no "." or ".." and no leading "-" (an option), so that
# data/raw/<wave>, data/processed/<wave>, figures/<wave> and reports/<wave> stay inside their folders.
# A leading "_" is allowed: the build keeps its own state under .build/_… .
_WAVE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


def check_wave_name(wave) -> str:
    """Return ``wave`` as a string if it is a valid wave name, else raise ``ValueError`` (one line).

    Every command that takes a wave (build, audit, validate, reconstruct, import) and every
    notebook's :class:`Paths` goes through this check.

    Examples
    --------
    >>> check_wave_name("2025-printemps")
    '2025-printemps'
    >>> check_wave_name("../raw/2014")
    Traceback (most recent call last):
    ...
    ValueError: invalid wave name '../raw/2014': a wave name is 1 to 64 letters, digits, '_', '-' or '.' (not first), e.g. 2025
    """
    name = str(wave)
    if _WAVE_NAME.fullmatch(name) is None:
        shown = repr(name[:40]) + ("…" if len(name) > 40 else "")
        raise ValueError(
            f"invalid wave name {shown}: a wave name is 1 to 64 letters, digits, '_', '-' or '.' (not first), e.g. 2025"
        )
    return name


def project_root() -> Path:
    env = os.environ.get("CIATSTUDY_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def stage_root() -> Path | None:
    """Where a running build wants this section's outputs staged (``CIATSTUDY_STAGE``).

    The build points each section at its own temporary folder and moves the
    files into place only when the section succeeds, so a failed or
    interrupted run never leaves half a section's tables behind.
    """
    env = os.environ.get("CIATSTUDY_STAGE")
    return Path(env) if env else None


class Paths(namedtuple("_Paths", "root wave output_root", defaults=(None,))):
    """Where one wave's inputs and outputs live; ``output_root`` stages outputs during a build.

    A named tuple rather than a dataclass: the no-op build imports this and must start fast.
    """

    __slots__ = ()

    def __new__(cls, root, wave, output_root=None):
        # Checked here rather than only in for_wave: every Paths, however built, stays inside its folders.
        return super().__new__(cls, root, check_wave_name(wave), output_root)

    @classmethod
    def for_wave(cls, wave: str, root: Path | None = None) -> "Paths":
        return cls(Path(root) if root else project_root(), wave, stage_root())

    @property
    def _out(self) -> Path:
        return self.output_root or self.root

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw" / self.wave

    @property
    def processed(self) -> Path:
        return self._out / "data" / "processed" / self.wave

    @property
    def figures(self) -> Path:
        return self._out / "figures" / self.wave

    @property
    def reports(self) -> Path:
        return self.root / "reports" / self.wave

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def build_state(self) -> Path:
        return self.root / ".build" / self.wave


def wave_folder(wave) -> tuple[str, Path]:
    """(name, folder) of a wave given by name ("2014") or by the path of a folder holding a codebook.

    A name must pass :func:`check_wave_name` (``ValueError`` otherwise); a path is taken
    as such only when it is a folder holding a ``codebook.yaml`` (what ``ciatstudy
    validate`` and the importer's check of its staging folder use); reading is then
    confined to that folder (see :mod:`ciatstudy.data.io`), and nothing is written for it
    but under a valid wave name. Says nothing about whether a named wave's folder
    exists: callers decide how to report that.
    """
    text = str(wave)
    if "\0" not in text and text.strip():
        candidate = Path(text)
        if (candidate / "codebook.yaml").is_file():
            folder = candidate.resolve()
            return folder.name, folder
    name = check_wave_name(text)
    return name, Paths.for_wave(name).raw


def inside_wave(path: Path, folder: Path, *, key: str | None = None) -> Path:
    """``path`` if it resolves inside the wave's ``folder`` (links followed), else a ``DataError``.

    Every input of a wave is read through this check (:func:`ciatstudy.data.io.load_wave`, the
    build's plan), so a datapackage path such as ``/etc/passwd`` or a responses file linked
    to a file elsewhere is refused before anything is read from it, and nothing of it
    reaches a message.
    """
    from ..errors import DataError

    home = Path(folder).resolve()
    if Path(path).resolve().is_relative_to(home):
        return Path(path)
    link = "a link to a file " if Path(path).is_symlink() else ""
    try:
        shown = str(Path(os.path.abspath(path)).relative_to(project_root()))
    except ValueError:
        shown = str(path)
    raise DataError(f"{link}outside the wave's folder: every input must lie inside {home.name}/", file=shown, key=key)

"""Every path the package reads or writes, anchored on the project root.

Set ``CIATSTUDY_ROOT`` to work on another tree (the tests build throw-away
projects that way); notebooks never build paths themselves.
"""

from __future__ import annotations

import os
from collections import namedtuple
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


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

    @classmethod
    def for_wave(cls, wave: str, root: Path | None = None) -> "Paths":
        return cls(Path(root) if root else project_root(), str(wave), stage_root())

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

    Says nothing about whether the folder exists: callers decide how to report that.
    """
    candidate = Path(str(wave))  # papermill passes `-p wave 2014` as an integer
    if (candidate / "codebook.yaml").is_file():
        folder = candidate.resolve()
        return folder.name, folder
    return str(wave), Paths.for_wave(str(wave)).raw

"""Every path the package reads or writes, anchored on the project root.

Set ``CIATSTUDY_ROOT`` to work on another tree (the tests build throw-away
projects that way); notebooks never build paths themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    env = os.environ.get("CIATSTUDY_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


@dataclass(frozen=True)
class Paths:
    """Where one wave's inputs and outputs live."""

    root: Path
    wave: str

    @classmethod
    def for_wave(cls, wave: str, root: Path | None = None) -> "Paths":
        return cls(Path(root) if root else project_root(), str(wave))

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw" / self.wave

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed" / self.wave

    @property
    def figures(self) -> Path:
        return self.root / "figures" / self.wave

    @property
    def reports(self) -> Path:
        return self.root / "reports" / self.wave

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def build_state(self) -> Path:
        return self.root / ".build" / self.wave

"""What a build prints: one progress line per section started and finished, and the one stderr line
of a failed section.
"""

from __future__ import annotations

from ..data.config import Paths
from .build_state import Result, _relative
from .sections import Section


def _line(result: Result, width: int, counter: str = "") -> str:
    mark = {"ok": "ran    ", "skipped": "skipped", "failed": "FAILED "}[result.status]
    extra = ""
    if result.status == "failed":
        extra = f"  cell {result.cell}: {result.error}" if result.cell is not None else f"  {result.error}"
    return f"  {counter}{result.slug:<{width}} {mark} {result.seconds:6.1f} s{extra}"


class _Progress:
    """Plain progress lines (a terminal and a CI log read them alike): ``[7/19] slug started``, then its result.

    Started and finished sections are counted apart, as ninja does: with several workers they
    finish in another order than they start.
    """

    def __init__(self, total: int, width: int, out):
        self.total, self.width, self.out = total, width, out
        self.started = self.finished = 0
        self.counter_width = len(f"[{total}/{total}] ")

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def skipped(self, result: Result) -> None:
        self._print(_line(result, self.width, " " * self.counter_width))

    def start(self, section: Section) -> None:
        self.started += 1
        self._print(
            f"  {f'[{self.started}/{self.total}]':<{self.counter_width - 1}} {section.slug:<{self.width}} started"
        )

    def done(self, result: Result) -> None:
        self.finished += 1
        self._print(_line(result, self.width, f"{f'[{self.finished}/{self.total}]':<{self.counter_width - 1}} "))

    def note(self, text: str) -> None:
        self._print(text)


def failure_line(result: Result, paths: Paths) -> str:
    """The one stderr line of a failed section: where it failed, why (shortened), and where to look.

    The executed notebook exists only when a cell failed (not when the kernel or its worker died).
    """
    where = [f"log: {_relative(paths.build_state / 'logs' / f'{result.slug}.log', paths.root)}"]
    executed = paths.build_state / "failed" / f"{result.slug}.ipynb"
    if executed.exists():
        where.insert(0, f"executed notebook: {_relative(executed, paths.root)}")
    head = f"ciatstudy: error: section {result.slug} failed" + (
        f" at cell {result.cell}" if result.cell is not None else ""
    )
    tail = f" ({'; '.join(where)})"
    reason = " ".join(str(result.error).split())
    room = max(300 - len(head) - len(tail) - 2, 20)
    if len(reason) > room:
        reason = reason[: room - 1] + "…"
    return f"{head}: {reason}{tail}"

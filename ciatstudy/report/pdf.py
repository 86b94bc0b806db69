"""The report as a PDF, printed from the same HTML by headless Chromium.

Chromium is the engine the browser tests already use; it implements the print stylesheet
(``@page`` A4, page-margin boxes for « 3 / 52 », break rules, ``:has()``) and embeds the
SVG charts as vectors. It is driven through Playwright's Python driver with the system's
executable (nothing is downloaded). Where no Chromium is found, the build says so in one line
and the HTML report stays complete: the PDF is a convenience, never a build failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from ..data.io import atomic_path

# The flags measured to keep headless Chromium off the network and quiet (DESIGN.md).
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The Chromium executable to print with: ``$CIATSTUDY_CHROMIUM`` if set (empty: none), else the first on PATH.

    >>> os.environ["CIATSTUDY_CHROMIUM"] = ""; find_chromium() is None
    True
    >>> del os.environ["CIATSTUDY_CHROMIUM"]
    """
    chosen = os.environ.get("CIATSTUDY_CHROMIUM")
    if chosen is not None:
        return chosen if chosen and os.access(chosen, os.X_OK) else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def missing_engine() -> str | None:
    """Why no PDF can be printed here (one line), or None when it can.

    >>> os.environ["CIATSTUDY_CHROMIUM"] = "/nowhere/chromium"; missing_engine()
    'CIATSTUDY_CHROMIUM names /nowhere/chromium, which is not an executable (apt-get install chromium, or point CIATSTUDY_CHROMIUM at one)'
    >>> del os.environ["CIATSTUDY_CHROMIUM"]
    """
    if find_chromium() is None:
        chosen = os.environ.get("CIATSTUDY_CHROMIUM")
        if chosen:  # the user named one: say that it is that one which is missing
            return (
                f"CIATSTUDY_CHROMIUM names {chosen}, which is not an executable "
                "(apt-get install chromium, or point CIATSTUDY_CHROMIUM at one)"
            )
        return "no headless Chromium found (apt-get install chromium, or set CIATSTUDY_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python driver is not installed (it is in requirements.lock)"
    return None


NOT_ASKED = "not asked for (--no-pdf)"


class Printer:
    """Headless Chromium printing in a background thread, so that its start and its printing overlap
    the build's other work (rendering the HTML, writing the workbook).

    Use :func:`printing`; Playwright's sync API lives entirely in this one thread.
    """

    def __init__(self, target: Path, err, enabled: bool = True):
        self.target, self.err = Path(target), err
        self.reason = missing_engine() if enabled else NOT_ASKED
        self._html: Path | None = None
        self._ready = threading.Event()
        self._error: str | None = None
        self._thread = None
        if self.reason is None:
            self._thread = threading.Thread(target=self._run, name="ciatstudy-pdf", daemon=True)
            self._thread.start()

    def print(self, html_path: Path) -> None:
        """Print ``html_path`` (returns at once; :meth:`finish` waits)."""
        self._html = Path(html_path)
        self._ready.set()

    def _run(self) -> None:
        try:
            from playwright.sync_api import sync_playwright

            with tempfile.TemporaryDirectory(prefix="ciatstudy-chromium-") as profile, sync_playwright() as driver:
                browser = driver.chromium.launch_persistent_context(
                    profile, executable_path=find_chromium(), headless=True, args=list(FLAGS), offline=True
                )
                try:
                    self._ready.wait()
                    if self._html is None:  # the report was not written: nothing to print
                        return
                    page = browser.new_page()
                    page.goto(self._html.resolve().as_uri(), wait_until="load")
                    with atomic_path(self.target) as tmp:
                        # A4, margins and page numbers come from the page's own @page rules
                        page.pdf(
                            path=str(tmp), prefer_css_page_size=True, print_background=True, outline=True, tagged=True
                        )
                finally:
                    browser.close()
        except Exception as exc:  # a broken browser install must not cost the committee its HTML report
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            self._error = f"Chromium failed to print: {first}"

    def finish(self) -> Path | None:
        """Wait for the PDF; say in one line why there is none (the HTML is delivered either way)."""
        self._ready.set()
        if self._thread is not None:
            self._thread.join()
        reason = self.reason or self._error or (None if self._html else "the report was not written")
        if reason is None and self.target.exists():
            return self.target
        self.target.unlink(missing_ok=True)  # never leave an older PDF beside a newer HTML
        name = self._html.name if self._html else "report.html"
        print(f"ciatstudy: no PDF: {reason}; {name} is complete", file=self.err or sys.stderr, flush=True)
        return None


@contextlib.contextmanager
def printing(target: Path, *, err=None, enabled: bool = True):
    """Start Chromium now, print when told, wait for the PDF on leaving the block.

    ``enabled=False`` (``build --no-pdf``) prints nothing and removes an older PDF, saying so in one line.

    >>> os.environ["CIATSTUDY_CHROMIUM"] = ""
    >>> import io; err = io.StringIO()
    >>> with printing(Path("/nonexistent/report.pdf"), err=err) as printer:
    ...     printer.print(Path("report.html"))
    >>> print(err.getvalue().strip())
    ciatstudy: no PDF: no headless Chromium found (apt-get install chromium, or set CIATSTUDY_CHROMIUM); report.html is complete
    >>> del os.environ["CIATSTUDY_CHROMIUM"]
    """
    printer = Printer(target, err, enabled)
    try:
        yield printer
    except BaseException:
        printer._html = None  # the report failed: close the browser, print nothing
        printer._ready.set()
        if printer._thread is not None:
            printer._thread.join()
        raise
    printer.finish()


def write_pdf(html_path: Path, target: Path, *, err=None) -> Path | None:
    """Print an existing HTML file to ``target`` (or say in one line why not)."""
    with printing(target, err=err) as printer:
        printer.print(html_path)
    return Path(target) if Path(target).exists() else None

"""The committee's report in a real browser: headless Chromium (Debian's), offline, markup inert."""

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

from ciatstudy.pipeline.build import build
from conftest import ROOT, copy_built, section_states

pytestmark = [pytest.mark.browser, pytest.mark.notebook, pytest.mark.shared_builds("2014")]

CHROMIUM = os.environ.get("CIATSTUDY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PLANTED = ["<script>window.__pwned = 1</script>", '<img src="x" onerror="window.__pwned = 2">']


def _plant_markup(raw: Path) -> None:
    """Put markup in free-text cells that the report prints, as a hostile answer would."""
    path = raw / "resource_persons.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0]["structure"] = PLANTED[0]
    rows[1]["structure"] = PLANTED[1]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def built_report(tmp_path_factory, built_2014):
    """The run's 2014 build, copied, with markup planted in the raw data and built again (incrementally: the
    sections reading the planted file run again and the report is exported again)."""
    if not os.path.exists(CHROMIUM) and not os.environ.get("CIATSTUDY_SKIP_BROWSER"):
        pytest.fail("headless Chromium is needed for the browser tests: apt-get install chromium (.ci/run does)")
    root = copy_built(built_2014, tmp_path_factory.mktemp("browser"))
    _plant_markup(root / "data/raw/2014")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIATSTUDY_ROOT", str(root))
        mp.delenv("CIATSTUDY_STAGE", raising=False)
        assert build("2014", jobs=1, out=out, pdf=False) == 0, out.getvalue()
    states = section_states(out.getvalue())
    assert states["persons"] == "ran" and "ran" not in {states[s] for s in ("agreement-q1", "choices-q2", "profile")}
    return root / "reports/2014/report.html"


def test_report_in_headless_chromium(built_report):
    from playwright.sync_api import sync_playwright

    requests = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(built_report.as_uri(), wait_until="load")

        # no network: only the file itself and inlined images
        assert all(u.startswith(("file://", "data:")) for u in requests), [
            u for u in requests if not u.startswith(("file://", "data:"))
        ]

        # every image decodes
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert images and all(done and width > 0 for done, width in images)

        # every table-of-contents link reaches its heading
        links = page.eval_on_selector_all("nav.toc a", "els => els.map(e => e.getAttribute('href'))")
        assert len(links) >= 3
        for href in links:
            assert page.evaluate(f"document.getElementById({href[1:]!r}) !== null"), href
            page.click(f"nav.toc a[href='{href}']")
            top = page.evaluate(f"document.getElementById({href[1:]!r}).getBoundingClientRect().top")
            assert -5 <= top < 300, (href, top)

        # planted markup is shown as text, never executed
        assert page.evaluate("window.__pwned === undefined")
        text = page.inner_text("body")
        for planted in PLANTED:
            assert planted in text
        assert page.evaluate("document.querySelectorAll('main script').length") == 0

        page.evaluate("window.scrollTo(0, 0)")
        shot = ROOT / "reports" / "browser-test" / "report.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=False)
        browser.close()
    assert shot.stat().st_size > 10_000

"""The report on paper: A4 pages numbered « 3 / 52 », nothing wider than the content box, a PDF beside the HTML,
vector charts, and one clear line when no PDF engine is installed."""

import base64
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import shared_build

READS_2014 = pytest.mark.shared_builds("2014")  # the print tests below read the run's shared 2014 build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
A4_POINTS = (595.28, 841.89)
# @page margins of report.css: 16 mm top, 15 mm left and right, 18 mm bottom
CONTENT_WIDTH_MM = 210 - 2 * 15
MM = 96 / 25.4  # CSS pixels per millimetre


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("headless Chromium is needed to print the report: apt-get install chromium (.ci/run does)")
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo and pdftotext are needed: apt-get install poppler-utils (.ci/run does)")
    root, code, log = shared_build(tmp_path_factory, "2014")
    assert code == 0, log
    return root / "reports/2014"


def _squash(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _page_text(pdf: Path, number: int) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.browser
@pytest.mark.notebook
@READS_2014
def test_the_build_prints_an_a4_pdf_with_numbered_pages(built):
    pdf = built / "report.pdf"
    assert pdf.exists(), "the build made no report.pdf"
    pages = _pages(pdf)
    assert pages >= 20
    sizes = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    found = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", sizes, re.M)
    assert len(found) == pages
    for width, height in found:  # every page A4 (portrait, or landscape for a wide table)
        assert sorted((float(width), float(height))) == [
            pytest.approx(A4_POINTS[0], abs=1),
            pytest.approx(A4_POINTS[1], abs=1),
        ]
    # the cover holds the title and the contents, without a number; every other page ends with « n / N »
    cover = _page_text(pdf, 1)
    assert any("Sommaire" in line for line in cover) and not re.fullmatch(r"\d+ / \d+", cover[-1])
    # ... all of the contents: none of it spills onto a page of its own
    page = (built / "report.html").read_text(encoding="utf-8")
    nav = page[page.index('<nav class="toc"') : page.index("</nav>")]
    entries = [_squash(html.unescape(re.sub(r"<[^>]+>", "", a))) for a in re.findall(r"<a\b[^>]*>(.*?)</a>", nav)]
    assert len(entries) > 10
    assert [e for e in entries if e not in _squash(" ".join(cover))] == []
    for number in range(2, pages + 1):
        assert _page_text(pdf, number)[-1] == f"{number} / {pages}", number


@pytest.mark.browser
@pytest.mark.notebook
@READS_2014
def test_headings_are_kept_with_what_follows(built):
    html = (built / "report.html").read_text(encoding="utf-8")
    headings = {
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r"<h[234][^>]*>(.*?)</h[234]>", html, re.S)
    }
    pdf = built / "report.pdf"
    for number in range(1, _pages(pdf)):
        lines = _page_text(pdf, number)
        body = lines[:-1] if re.fullmatch(r"\d+ / \d+", lines[-1]) else lines
        assert body[-1] not in headings, (number, body[-1])


@pytest.mark.browser
@pytest.mark.notebook
@READS_2014
def test_nothing_is_wider_than_the_content_box_when_printed(built):
    """Laid out for print in Chromium at the A4 content width: no table, figure or image sticks out."""
    from playwright.sync_api import sync_playwright

    width = round(CONTENT_WIDTH_MM * MM)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = chromium.new_page(viewport={"width": width, "height": 1100})
        page.emulate_media(media="print")
        page.goto((built / "report.html").as_uri(), wait_until="load")
        wide = page.evaluate(
            """(limit) => Array.from(document.querySelectorAll('table, figure, img, pre, dl, p'))
            .filter(e => e.getBoundingClientRect().right > limit + 0.5 || e.scrollWidth > e.clientWidth + 1)
            .map(e => [e.tagName, (e.querySelector('caption') || e).textContent.slice(0, 60),
                       Math.round(e.getBoundingClientRect().right)])""",
            width,
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        tables = page.evaluate("document.querySelectorAll('main table').length")
        # word clouds stay PNG: printed at 200 dpi or more
        dpi = page.evaluate("""Array.from(document.images).filter(i => i.src.startsWith('data:image/png'))
            .map(i => i.naturalWidth / (i.getBoundingClientRect().width / 96))""")
        kinds = page.evaluate("Array.from(document.images).map(i => i.src.slice(5, 18))")
        chromium.close()
    assert tables >= 30
    assert wide == []
    assert dpi and min(dpi) >= 200, dpi
    assert kinds.count("image/svg+xml") >= 10  # the charts are vectors


@pytest.mark.browser
@pytest.mark.notebook
@READS_2014
def test_printed_pages_leave_the_margins_blank(built, tmp_path):
    """In the real PDF: nothing is drawn in the left or right margin (a cut table would be)."""
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-png", str(built / "report.pdf"), str(tmp_path / "p")], check=True
    )
    for image in sorted(tmp_path.glob("p-*.png")):
        page = Image.open(image).convert("L")
        margin = round(page.width * 14 / 210)  # a little inside the 15 mm margins
        for box in ((0, 0, margin, page.height), (page.width - margin, 0, page.width, page.height)):
            assert page.crop(box).getextrema()[0] > 200, image.name


# ----------------------------------------------------------------------------- without a browser
def test_without_chromium_the_build_says_so_in_one_line_and_keeps_the_html(tmp_path, monkeypatch):
    from ciatstudy.report.pdf import printing

    monkeypatch.setenv("CIATSTUDY_CHROMIUM", "")
    html = tmp_path / "report.html"
    html.write_text("<p>x</p>", encoding="utf-8")
    stale = tmp_path / "report.pdf"
    stale.write_bytes(b"%PDF-1.4 older build")
    err = io.StringIO()
    with printing(stale, err=err) as printer:
        printer.print(html)
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ciatstudy: no PDF: no headless Chromium found")
    assert not stale.exists() and html.exists()  # no PDF older than its HTML


@pytest.mark.parametrize("named", ["/nowhere/chromium", "relative/chromium"])
def test_a_wrong_chromium_setting_is_named_in_the_one_line(tmp_path, monkeypatch, named):
    """A CIATSTUDY_CHROMIUM that names no executable: the line says that setting is wrong, not to set it."""
    from ciatstudy.report.pdf import printing

    monkeypatch.setenv("CIATSTUDY_CHROMIUM", named)
    html = tmp_path / "report.html"
    html.write_text("<p>x</p>", encoding="utf-8")
    err = io.StringIO()
    with printing(tmp_path / "report.pdf", err=err) as printer:
        printer.print(html)
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and f"CIATSTUDY_CHROMIUM names {named}, which is not an executable" in lines[0]
    assert "or set CIATSTUDY_CHROMIUM" not in lines[0] and not (tmp_path / "report.pdf").exists()


def test_a_failing_report_prints_nothing(tmp_path, monkeypatch):
    from ciatstudy.report.pdf import printing

    monkeypatch.setenv("CIATSTUDY_CHROMIUM", "")
    with pytest.raises(RuntimeError), printing(tmp_path / "report.pdf", err=io.StringIO()):
        raise RuntimeError("render failed")
    assert not (tmp_path / "report.pdf").exists()


def test_charts_are_saved_as_identical_svg_and_embedded(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from ciatstudy.report import render
    from ciatstudy.data.io import save_figure

    monkeypatch.setenv("CIATSTUDY_ROOT", str(tmp_path))  # save_figure writes only inside a project's figures/
    tmp_path = tmp_path / "figures" / "2014"
    outputs = []
    for run in range(2):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.barh([0, 1], [0.3, 0.7], hatch="..")
        ax.set_title("Répartition des réponses")
        target = save_figure(fig, tmp_path / f"run{run}" / "chart.png")
        plt.close(fig)
        outputs.append(target.with_suffix(".svg").read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].lstrip().startswith(b"<?xml")
    assert b"<text" not in outputs[0]  # text as outlines: same look on every machine
    html = render.figure_html(tmp_path / "run0" / "chart.png", caption="c", source="s", alt="a")
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert src and base64.b64decode(src.group(1)) == outputs[0]
    # a PNG without a vector twin (a word cloud) stays a PNG
    cloud = tmp_path / "cloud.png"
    shutil.copy(tmp_path / "run0" / "chart.png", cloud)
    assert 'src="data:image/png;base64,' in render.figure_html(cloud, caption="c", source="s", alt="a")

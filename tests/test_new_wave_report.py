"""A new wave end to end: each format's fixture export is imported, built with --baseline 2014 into a
full report, and no identifier of the export reaches data/processed, figures or reports."""

import re
import subprocess
from pathlib import Path

import pytest

from ciatstudy.waves.privacy import scan_files
from ciatstudy.report.pdf import find_chromium
from conftest import FIX, FIXTURES, PRINTED, shared_build
from test_privacy import fixture_identifiers

pytestmark = [pytest.mark.notebook, pytest.mark.shared_builds(*(f"w-{fmt}" for fmt, _, _ in FIXTURES.values()))]


@pytest.fixture(scope="module")
def built_waves(tmp_path_factory):
    """The run's shared project holding one imported wave per format, each built and compared with 2014."""
    logs, root = {}, None
    for name, (fmt, _, _) in FIXTURES.items():
        root, code, log = shared_build(tmp_path_factory, f"w-{fmt}")
        logs[name] = (code, log)
    return root, logs


@pytest.mark.parametrize("name", list(FIXTURES))
def test_fixture_goes_through_import_and_build_into_a_full_report(built_waves, name):
    root, logs = built_waves
    code, log = logs[name]
    assert code == 0, log
    wave = f"w-{FIXTURES[name][0]}"
    html = (root / "reports" / wave / "report.html").read_text(encoding="utf-8")
    assert "Évolutions depuis la vague 2014" in html and "Question 1" in html and "Question 8" in html
    assert "reconstitu" in html  # the 2014 baseline is said to be reconstructed
    assert (root / "data/processed" / wave / "comparison.csv").exists()
    assert (root / "reports" / wave / "tables.xlsx").exists()


BASE64_IMAGE = re.compile(r"(data:image/(?:png|svg\+xml);base64,|\"image/png\": \")[A-Za-z0-9+/=\\n]+")


def _without_inlined_images(path: Path, scratch: Path) -> Path:
    """Text outputs with their base64 images cut out: a 4-letter needle would match random base64 text.
    The images themselves are scanned as the PNG files under figures/."""
    if path.suffix == ".pdf":  # the text a reader sees (its streams are compressed and its glyphs numbered)
        copy = scratch / path.relative_to(path.parents[2]).with_suffix(".pdf.txt")
        copy.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftotext", str(path), str(copy)], check=True)
        return copy
    if path.suffix not in {".html", ".ipynb"}:
        return path
    copy = scratch / path.relative_to(path.parents[2])
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(BASE64_IMAGE.sub(r"\1…", path.read_text(encoding="utf-8")), encoding="utf-8")
    return copy


@pytest.mark.parametrize("name", list(FIXTURES))
def test_no_identifier_reaches_processed_figures_or_reports(built_waves, name, tmp_path):
    root, _ = built_waves
    wave = f"w-{FIXTURES[name][0]}"
    needles = fixture_identifiers(name)
    outputs = [
        p
        for folder in ("data/processed", "figures", "reports")
        for p in (root / folder / wave).rglob("*")
        if p.is_file()
    ]
    assert len(outputs) > 10 and any(p.suffix == ".png" for p in outputs)
    if wave in PRINTED and find_chromium():  # one wave's PDF is printed and its text scanned too
        assert any(p.suffix == ".pdf" for p in outputs)
    assert scan_files([_without_inlined_images(p, tmp_path) for p in outputs], needles) == []
    # positive control: the same scan finds them in the export itself
    assert scan_files([FIX / name], needles)

"""Issue 13 point 6: a new wave's report says nothing that belongs to 2014 only, and no heading stands empty.

The 2014-only statements are read FROM the 2014 codebook (its notes, sources and wave texts), so the test
follows the data: a sentence moved there is checked without editing this file.
"""

import html
import re

import pytest
import yaml

from ciatstudy.report import labels
from conftest import ROOT, shared_build

WAVE = "w-google"  # the name test_new_wave_report gives it: one build serves both
pytestmark = [pytest.mark.notebook, pytest.mark.shared_builds(WAVE)]

CODEBOOK_2014 = ROOT / "data/raw/2014/codebook.yaml"


def _fold(text: str) -> str:
    """Text as compared: typographic spaces, apostrophes and line breaks made plain."""
    text = text.replace("\u202f", " ").replace("\xa0", " ").replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


def statements_2014() -> list[str]:
    """Every wave-specific sentence of the 2014 codebook: question notes and sources, corpus sources, texts."""
    raw = yaml.safe_load(CODEBOOK_2014.read_text(encoding="utf-8"))
    sources = [q["source"] for q in raw["questions"] if q.get("source")]
    sources += [f["source"] for f in raw.get("free_text", []) if f.get("source")]
    texts = [q["note"] for q in raw["questions"] if q.get("note")] + list((raw.get("texts") or {}).values())
    # a long statement is checked by its sentences (the report may print one without the other)
    return [_fold(s) for s in sources] + [
        s for text in texts for s in re.split(r"(?<=[.;]) ", _fold(text)) if len(s) > 25
    ]


def test_the_2014_statements_are_many_and_cover_the_known_cases():
    found = " | ".join(statements_2014())
    for needle in (
        "1 + 3 + 9 = 13 choix pour 12 MDA",
        "Annexe III, Question 4",
        "tels que l'annexe III les publie",
        "Le corpus est ce que le rapport cite",
        "pas une donnée observée",
    ):
        assert needle in found, needle


def empty_headings(page: str) -> list[str]:
    """Headings (h2, h3) followed by nothing, or directly by a heading of the same or a higher level.

    >>> empty_headings("<h2>A</h2><p>x</p><h3>B</h3><h2>C</h2><h3>D</h3><table></table>")
    ['B']
    >>> empty_headings("<h2>A</h2><h3>B</h3><p>y</p><h3>E</h3>")
    ['E']
    """
    heads = list(re.finditer(r"<h([23])\b[^>]*>(.*?)</h\1>", page, flags=re.S))
    empty = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(page)
        between = page[m.end() : end]
        between = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", between, flags=re.S)
        has_content = bool(re.search(r"<(img|table|svg|figure)\b", between)) or bool(
            html.unescape(re.sub(r"<[^>]+>", " ", between)).strip()
        )
        next_level = int(heads[i + 1].group(1)) if i + 1 < len(heads) else 0
        if not has_content and (next_level == 0 or next_level <= int(m.group(1))):
            empty.append(_fold(html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))))
    return empty


@pytest.fixture(scope="module")
def new_wave(tmp_path_factory):
    """The wave imported from the Google Forms fixture and compared with 2014 (as test_new_wave_report builds it):
    its comparison with 2014 aside, nothing in it may be 2014's."""
    return shared_build(tmp_path_factory, WAVE)


def test_new_wave_report_has_no_2014_only_statement(new_wave):
    root, code, log = new_wave
    assert code == 0, log
    page = (root / f"reports/{WAVE}/report.html").read_text(encoding="utf-8")
    text = _fold(
        html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)))
    )
    found = [s for s in statements_2014() if s in text]
    assert not found, found
    assert "Question 3" in text and "Base : sur" in text  # the report is there, and states its bases


def test_new_wave_report_has_no_empty_heading_and_says_what_it_left_out(new_wave):
    root, code, log = new_wave
    page = (root / f"reports/{WAVE}/report.html").read_text(encoding="utf-8")
    assert empty_headings(page) == []
    assert "left out: profile-staff (no staff_bands table in this wave)" in log
    assert "left out: profile-sectors (no respondent_sectors table in this wave)" in log
    toc = re.search(r"<nav class=\"toc\".*?</nav>", page, flags=re.S).group(0)
    assert "Salariés" not in page and "Annexe II : personnes ressources" not in toc
    # a heading over a notice saying there is nothing is an empty heading too: none without its table
    assert not (root / f"data/raw/{WAVE}/respondents.csv").exists()
    for key in ("budget_heading", "staff_heading", "sectors_heading"):
        assert f">{labels.text('wave_texts', key)}<" not in page, key

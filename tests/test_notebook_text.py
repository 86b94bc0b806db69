"""What the committee reads comes from the codebook or labels_fr.yaml, never from a notebook's code."""

import ast
import re

import pytest

from ciatstudy.report import labels
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))


def _code_cells(path):
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"^# %%(.*)$", text, flags=re.M)
    for header, body in zip(parts[1::2], parts[2::2]):
        if "[markdown]" not in header:
            yield body


def _strings(code):
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_french_text_in_notebook_code(path):
    # a French caption or note nearly always holds an accent, a guillemet or a no-break space
    french = [s for cell in _code_cells(path) for s in _strings(cell) if re.search(r"[^\x00-\x7f]", s)]
    assert not french, f"{path.name}: French text belongs in ciatstudy/resources/labels_fr.yaml: {french}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_label_a_notebook_asks_for_exists(path):
    vocabulary = labels.vocabulary()
    source = path.read_text(encoding="utf-8")
    for section, key in re.findall(r"labels\.(?:text|texts|mapping)\(\s*\"(\w+)\",\s*\"(\w+)\"", source):
        assert key in vocabulary.get(section, {}), f"{path.name}: no {section}.{key} in labels_fr.yaml"

"""The public API: importable from ``ciatstudy``, light to import, documented, with the README's example."""

import doctest
import re
import subprocess
import sys

import pytest

import ciatstudy
from conftest import ROOT

HEAVY = ("pandas", "numpy", "matplotlib", "yaml", "scipy", "papermill")


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_import_loads_no_heavy_library():
    loaded = _python(f"import sys, ciatstudy; print([m for m in {HEAVY!r} if m in sys.modules])")
    assert loaded == "[]"


@pytest.mark.parametrize("name", [n for n in ciatstudy.__all__ if n != "__version__"])
def test_every_public_name_resolves_to_its_documented_object(name):
    value = getattr(ciatstudy, name)
    assert callable(value) and value.__doc__, name
    assert value.__module__.startswith("ciatstudy."), name
    assert name in dir(ciatstudy)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'load_wav'"):
        ciatstudy.load_wav  # noqa: B018


@pytest.mark.parametrize(
    "first",
    ["from ciatstudy.report.question_results import QuestionResults", "import ciatstudy.report.question_results"],
)
def test_importing_a_submodule_never_hides_a_public_function(first):
    """``question_results`` is both a module and its function: the notebooks import the module first."""
    out = _python(
        f"{first}\nimport ciatstudy\n"
        "print(callable(ciatstudy.question_results), callable(ciatstudy.grouped_barh),"
        " callable(ciatstudy.selection_rates))"
    )
    assert out == "True True True"


@pytest.mark.parametrize("questions", [None, ["q8"], ["q1", "q4"], []])
def test_repr_of_a_wave_is_one_short_line(questions):
    wave = ciatstudy.load_wave("2014", questions=questions)
    text = repr(wave)
    assert len(text) < 120 and "\n" not in text
    assert text.startswith("<Wave 2014: 28 respondents (mda 12, non_mda 16)") and "reconstructed" in text


def _readme_example() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Working from Python", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```pycon\n(.*?)```", section, re.S).group(1)


def test_readme_example_is_five_lines_and_runs(tmp_path, monkeypatch):
    example = _readme_example()
    test = doctest.DocTestParser().get_doctest(example, {}, "README: Working from Python", "README.md", 0)
    assert len(test.examples) == 5
    monkeypatch.chdir(tmp_path)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries == 5
    assert (tmp_path / "q4.svg").stat().st_size > 1000


@pytest.fixture(scope="module")
def q1_and_q4():
    from ciatstudy.analysis.distribution import answer_distribution

    wave = ciatstudy.load_wave("2014", questions=["q1", "q4"])
    q1 = ciatstudy.agreement_scores(wave.responses, codebook=wave.codebook, question="q1")
    q4 = ciatstudy.selection_rates(wave.responses, codebook=wave.codebook, question="q4")
    return q1, q4, answer_distribution(wave.responses, codebook=wave.codebook, question="q1")


@pytest.mark.parametrize("draw", ["grouped_barh", "dot_intervals", "diverging_agreement"])
def test_plot_defaults_read_the_tidy_tables(draw, q1_and_q4):
    import matplotlib.pyplot as plt

    q1, q4, distribution = q1_and_q4
    frame = {"grouped_barh": q4, "dot_intervals": q1, "diverging_agreement": distribution}[draw]
    fig = getattr(ciatstudy, draw)(frame)
    try:
        labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        items = list(dict.fromkeys(frame["item"]))
        assert all(any(item in label for label in labels) for item in items), (items, labels)
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    "name",
    [
        "grouped_barh",
        "dot_intervals",
        "diverging_agreement",
        "load_wave",
        "selection_rates",
        "agreement_scores",
        "question_results",
    ],
)
def test_public_functions_have_numpydoc_docstrings(name):
    doc = getattr(ciatstudy, name).__doc__
    assert ">>>" in doc, name
    if name in ("grouped_barh", "dot_intervals", "diverging_agreement"):
        assert "Parameters\n    ----------" in doc and "Returns\n    -------" in doc


def test_api_reference_builds(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_docs
    finally:
        sys.path.remove(str(ROOT / "tools"))
    index = build_docs.build(tmp_path / "api")
    assert index.exists()
    public = (tmp_path / "api" / "ciatstudy.html").read_text()
    for name in ("load_wave", "selection_rates", "question_results", "grouped_barh"):
        assert f'id="{name}"' in public, name
    for module in ("data/io", "analysis/score", "report/plots", "report/question_results", "cli", "waves/importers"):
        assert (tmp_path / "api" / "ciatstudy" / f"{module}.html").exists(), module

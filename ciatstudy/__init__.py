"""ciatstudy: rebuild the 2014 CIAT study (FDVA, RNMA & France Bénévolat) from data.

The public API, for working from Python or a notebook:

- :func:`load_wave` reads and validates a wave (``load_wave("2014")``);
- :func:`agreement_scores`, :func:`selection_rates`, :func:`score_question`,
  :func:`segment_tests`, :func:`add_segment_tests`, :func:`published_comparison`,
  :func:`display_rounded` and :func:`split_agreement` score a question's answers
  into the tidy table of the design (one row per item × segment);
- :func:`question_results` computes everything a question's section shows;
- :func:`grouped_barh`, :func:`dot_intervals` and :func:`diverging_agreement`
  draw the report's charts.

Examples
--------
>>> import ciatstudy
>>> wave = ciatstudy.load_wave("2014")
>>> ciatstudy.selection_rates(wave.responses, codebook=wave.codebook, question="q8").shape
(9, 10)

The package is deliberately light to import: these names are loaded on first use
(module ``__getattr__``), and heavy libraries (pandas, matplotlib, spaCy,
papermill) only by the functions that need them, so that ``import ciatstudy``
and a no-op ``ciatstudy build`` stay fast.
"""

__version__ = "0.1.0"

# Public name -> the module defining it (imported on first access).
_API = {
    "load_wave": "data.io",
    "Wave": "data.io",
    "agreement_scores": "analysis.score",
    "selection_rates": "analysis.score",
    "score_question": "analysis.score",
    "segment_tests": "analysis.score",
    "add_segment_tests": "analysis.score",
    "published_comparison": "analysis.score",
    "display_rounded": "analysis.score",
    "split_agreement": "analysis.score",
    "answer_distribution": "analysis.distribution",
    "question_results": "report.question_results",
    "QuestionResults": "report.question_results",
    "grouped_barh": "report.plots",
    "dot_intervals": "report.plots",
    "diverging_agreement": "report.plots",
    "DataError": "errors",
}

__all__ = ["__version__", *_API]


class _Package(type(__import__("sys"))):
    """The package's module type: an imported submodule never hides the function of the same name.

    Importing a submodule sets it as an attribute of its package, so a first
    ``from ciatstudy.<name> import ...`` of a submodule named like a public function would
    replace ``ciatstudy.<name>``, the function, by its module (``question_results`` once was both).
    """

    def __setattr__(self, name, value):
        if name in _API and isinstance(value, type(self).__mro__[1]):
            return  # the submodule stays reachable as sys.modules["ciatstudy.<name>"]
        super().__setattr__(name, value)


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'ciatstudy' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function (and the submodule no longer replaces it)
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))


__import__("sys").modules[__name__].__class__ = _Package

"""Build the API reference from the docstrings (pdoc): ``make docs``, or ``python tools/build_docs.py OUT``.

The package's ``__all__`` lists its public functions (see ``ciatstudy/__init__.py``), which pdoc
would take as the whole reference; the modules are therefore named explicitly, so that the
reference holds both the public API (page ``ciatstudy``) and every module.
"""

from __future__ import annotations

import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules() -> list[str]:
    """The package and every module under it, in name order.

    A module named like a public function (``question_results``) is found by pdoc through
    ``__all__`` already; naming it again would warn.
    """
    import ciatstudy

    found = (m.name for m in pkgutil.walk_packages(ciatstudy.__path__, "ciatstudy."))
    return ["ciatstudy", *sorted(name for name in found if name.removeprefix("ciatstudy.") not in ciatstudy.__all__)]


def build(output: Path) -> Path:
    """Write the HTML reference into ``output``; return its index page."""
    import pdoc
    import pdoc.render

    from ciatstudy.pipeline.startup import skip_unused_format_checkers

    skip_unused_format_checkers()  # the notebook modules import nbformat; see ciatstudy/pipeline/startup.py
    pdoc.render.configure(docformat="numpy", show_source=False, footer_text="ciatstudy")
    pdoc.pdoc(*modules(), output_directory=output)
    return output / "index.html"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "api"
    print(f"API reference: {build(target)}")

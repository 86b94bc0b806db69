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
    """The package and its top-level modules and subpackages, in name order.

    pdoc documents every submodule of a subpackage it is given (a subpackage has no ``__all__``), so the
    modules inside ``data``, ``report``… are not named again (that would warn). The package itself lists
    only its public names in ``__all__``, so its children are named here.
    """
    import ciatstudy

    found = (m.name for m in pkgutil.iter_modules(ciatstudy.__path__, "ciatstudy."))
    return ["ciatstudy", *sorted(found)]


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

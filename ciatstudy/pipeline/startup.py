"""Start-up cost control for the processes that drive notebooks.

jsonschema (imported by nbformat) loads ``rfc3987_syntax`` when it is
installed — jupyterlab's dependencies bring it — only to check the "iri"
string format, which notebook validation never uses. Building that grammar
costs 1–3 s in every process that touches a notebook; marking the module
absent makes jsonschema skip that one format check.
"""

from __future__ import annotations

import sys


def skip_unused_format_checkers() -> None:
    sys.modules.setdefault("rfc3987_syntax", None)

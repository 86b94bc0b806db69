"""New survey waves: importing an export of a survey tool (``importers``), pseudonyms and redaction
of personal data (``privacy``) and synthetic exports for tests and benchmarks (``synth``).

May import: :mod:`ciatstudy.errors`, :mod:`ciatstudy.data`; never :mod:`ciatstudy.cli` (the command
line calls these modules, not the reverse).
"""

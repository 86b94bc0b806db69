"""The build: which sections a wave gets (``sections``), running the section notebooks
(``notebooks``), the incremental build (``build``: lock, plan, run, summary) with what ``.build/`` remembers
(``build_state``), its fingerprints (``fingerprints``), one section's run in a kernel (``section_run``), the
worker processes (``workers``), stopping on SIGINT/SIGTERM (``stopping``) and its printed lines
(``progress``), the export of the report (``export``) and the start-up tweaks that keep Jupyter processes fast
(``startup``).

May import: every layer below it (errors, data, analysis, text, audit, report); never :mod:`ciatstudy.cli`.
"""

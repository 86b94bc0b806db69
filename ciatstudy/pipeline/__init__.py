"""The build: which sections a wave gets (``sections``), running the section notebooks
(``notebooks``), the incremental build with its fingerprints (``build``) and the start-up tweaks that
keep Jupyter processes fast (``startup``).

May import: every layer below it (errors, data, analysis, text, audit, report); never :mod:`ciatstudy.cli`.
"""

"""Survey statistics and the study's own computations: scores and shares (``score``), intervals
(``intervals``), effect sizes (``effect_sizes``), tests between segments (``gap_tests``) and their
verdicts (``verdict``), what published means allow (``published_means``), answer distributions, the
comparison of two waves (``compare``), and the numbers of the study's sections (``profile``,
``solidages``, ``call_for_projects``, ``conclusions``). Tidy DataFrames in and out; no drawing, no HTML.

May import: :mod:`ciatstudy.errors`, :mod:`ciatstudy.data`.
"""

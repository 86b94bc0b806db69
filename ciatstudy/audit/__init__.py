"""The audit of a wave against the published study: every claim, table and cross-footing checked.

``runner`` runs every check on a wave (``run_audit``); the checks, one module per kind: ``granularity``
(GRIM, rounding rule), ``footing`` (cross-footing, choose-one sums), ``sort_order``, ``claims`` (the
narrative, with ``table_claims`` and ``count_claims``), ``sample`` (respondents and side tables). Below them:
``cells`` (the table spec, printed figures read as counts), ``diagnoses`` (why a figure differs),
``quantities`` (named counts of the side tables), ``claim_format``, ``findings`` (the table of findings).

May import: :mod:`ciatstudy.errors`, :mod:`ciatstudy.data`, :mod:`ciatstudy.analysis`, :mod:`ciatstudy.text`.
"""

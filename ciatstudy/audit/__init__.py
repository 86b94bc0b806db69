"""The audit of a wave against the published study: every claim, table and cross-footing checked
(``checks``; to be split by kind of check).

May import: :mod:`ciatstudy.errors`, :mod:`ciatstudy.data`, :mod:`ciatstudy.analysis`, :mod:`ciatstudy.text`.
"""

"""The data layer: where a wave lives (``config``), its codebook and schema, reading and validating
its files (``io``, ``validate``), the reconstruction of 2014's answers (``reconstruct``) and the
French rounding and number formatting every table uses (``rounding``).

May import: :mod:`ciatstudy.errors` only.
"""

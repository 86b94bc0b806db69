"""Analysis of the open answers: tokens and lemmas, word frequencies and clouds, distinctive words
(``corpus``) and the quotations chosen from the answers (``quotes``).

May import: :mod:`ciatstudy.errors`, :mod:`ciatstudy.data`.
"""

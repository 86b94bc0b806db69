"""Analysis of the open answers: the word lists (``wordlists``), spaCy and its lemma corrections
(``lemmas``), the text cleaned before parsing (``cleaning``), tokens and lemmas (``tokens``), word
frequencies (``frequencies``) and clouds (``clouds``), distinctive words and keywords in context
(``keywords``), and the quotations chosen from the answers (``quotes``).

May import: :mod:`ciatstudy.errors`, :mod:`ciatstudy.data`.
"""

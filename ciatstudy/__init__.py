"""ciatstudy: rebuild the 2014 CIAT study (FDVA, RNMA & France Bénévolat) from data.

The package is deliberately light to import: heavy libraries (matplotlib, spaCy,
papermill) are imported inside the functions that need them.
"""

__version__ = "0.1.0"

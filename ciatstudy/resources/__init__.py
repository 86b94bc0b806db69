"""Package data, no code: the French labels (``labels_fr.yaml``), the stop-word lists of the text
analysis (``text_stoplist.yaml``), the report's style sheet (``templates/report.css``) and the
outlines of the départements (``departements.geojson``, see README.md).

Read through :data:`ciatstudy.data.config.PACKAGE_DIR`; this package imports nothing.
"""

"""Presentation: the French labels (``labels``), tables and typography in HTML (``render``,
``typography``), charts and the map (``plots``, ``geo``), each question's results as the report shows
them (``question_results``), the front matter and findings, and the export of the report to HTML,
PDF and the workbook (``export``, ``pdf``, ``workbook``).

May import: :mod:`ciatstudy.errors`, :mod:`ciatstudy.data`, :mod:`ciatstudy.analysis`, :mod:`ciatstudy.text`.
"""

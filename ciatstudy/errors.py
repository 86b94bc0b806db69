"""The one exception type that bad input raises, with where it was found."""

from __future__ import annotations


class DataError(ValueError):
    """Bad input data, located by file, row and column.

    ``row`` is the 1-based line number in the file as a spreadsheet shows it
    (the header is row 1), so that an analyst can open the file and go there.
    """

    def __init__(self, message: str, *, file: str | None = None,
                 row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.reason = file, row, column, message
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            # A column is named by its letter and header; a long header is cut so that the line stays short.
            column = str(column) if len(str(column)) <= 50 else str(column)[:49] + "…"
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)

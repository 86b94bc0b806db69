"""The one exception type that bad input raises, with where it was found."""

from __future__ import annotations

# With the command line's "ciatstudy: error: " prefix, one message stays within 300 characters.
MAX_MESSAGE = 280
EXCERPT = 40


def excerpt(value, limit: int = EXCERPT) -> str:
    """A value quoted for a message: its ``repr``, cut to ``limit`` characters with "…".

    A cell may hold megabytes or line breaks; messages stay one short line.

    Examples
    --------
    >>> excerpt("2.0")
    "'2.0'"
    >>> excerpt("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'…"
    >>> excerpt("a\\nb")
    "'a\\\\nb'"
    """
    text = str(value)
    if len(text) > limit:
        return repr(text[:limit]) + "…"
    return repr(text)


def _one_line(text: str) -> str:
    """Control characters (a newline in a file name, say) shown escaped: a message is one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


class DataError(ValueError):
    """Bad input data, located by file, row and column (or a key path such as ``questions.q1.items``).

    ``row`` is the line number in the file as an editor numbers lines, the header
    being line 1; a row whose cell holds a line break is named by the line it
    starts on. The message is one line of at most :data:`MAX_MESSAGE` characters,
    quoting at most a short excerpt of a cell (:func:`excerpt`).

    Examples
    --------
    >>> str(DataError("empty respondent id", file="responses.csv", row=3, column="respondent_id"))
    "responses.csv, row 3, column 'respondent_id': empty respondent id"
    >>> len(str(DataError("x" * 10_000, file="f.csv"))) <= MAX_MESSAGE
    True
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
    ):
        self.file, self.row, self.column, self.key, self.reason = file, row, column, key, message
        where = []
        if file is not None:
            where.append(_shorten(_one_line(str(file)), 120))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {excerpt(column)}")
        if key is not None:
            where.append(f"key {_shorten(_one_line(str(key)), 80)}")
        place = ", ".join(where)
        reason = _one_line(str(message))
        text = f"{place}: {reason}" if where else reason
        super().__init__(_shorten(text, MAX_MESSAGE))

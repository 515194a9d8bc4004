"""Values as text: how a cell, a key and a number are written wherever cpcd prints one.

One home for these rules, so that the CSV export, problem reports, the diff,
the data dictionary and the cookbook write the same value the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

MISSING = ""  # a missing value is the empty cell, in every CSV cpcd reads or writes


def number_text(value: float) -> str:
    """A number as the CSV writes it: the shortest text that reads back exactly, no '.0'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def cell_text(value: object) -> str | None:
    """A typed cell as the text a user wrote: dates without a time part, no NaN."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):  # isoformat, not strftime: it pads years before 1000
        if value.tzinfo is not None:
            return value.tz_convert("UTC").isoformat().replace("+00:00", "Z")
        return value.date().isoformat()
    return str(value)


def key_text(frame: pd.DataFrame, key: tuple[str, ...] | list[str]) -> pd.Series:
    """Each row's key as text, the values of a composite key joined by '|'."""
    parts = [_column_text(frame[name]) for name in key]
    text = parts[0]
    for part in parts[1:]:
        text = text + "|" + part
    return text


def _column_text(column: pd.Series) -> pd.Series:
    """A column's cells as text (missing as the empty string), as :func:`cell_text` writes
    them; text is already text."""
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype):
        return column.astype(object).fillna(MISSING)
    return column.map(cell_text).astype(object).fillna(MISSING)


def markdown_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, line breaks as spaces."""
    return text.replace("|", "\\|").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")

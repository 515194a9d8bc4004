"""Values as text: how a cell, a key and a number are written wherever cpcd prints one.

One home for these rules, so that the CSV export, problem reports, the diff,
the data dictionary, the cookbook, the workbook and the bibliography write the
same value the same way: as the CSV files write it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

MISSING = ""  # a missing value is the empty cell, in every CSV cpcd reads or writes


def number_text(value: float) -> str:
    """A number as the CSV writes it: the shortest text that reads back exactly, no '.0'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def cell_text(value: object) -> str | None:
    """A typed value as the CSV text a user writes, None when it is missing: true and false,
    numbers without '.0', dates as YYYY-MM-DD, times in UTC as YYYY-MM-DDTHH:MM:SSZ."""
    import numpy as np  # imported here: the build path does not load pandas
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return None if value != value else number_text(value)
    if isinstance(value, dt.datetime):
        moment = pd.Timestamp(value)
        if moment.tzinfo is not None:  # isoformat, not strftime: it pads years before 1000
            return moment.tz_convert("UTC").isoformat().replace("+00:00", "Z")
        return moment.date().isoformat()  # pandas holds a date as its midnight
    if isinstance(value, dt.date):
        return value.isoformat()
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

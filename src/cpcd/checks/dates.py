"""EDTF dates (the Library of Congress Extended Date/Time Format) and their bounds.

A date is kept as written (``2015``, ``2020-04``, ``196X``, ``2023-01/2023-11``);
the build computes its precision and first and last day with the ``edtf``
library, once per distinct text.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Iterable
from datetime import date

import pyarrow as pa


def _iso(day: time.struct_time) -> str:
    # Not strftime: it does not pad years before 1000 on every platform.
    return f"{day.tm_year:04d}-{day.tm_mon:02d}-{day.tm_mday:02d}"


def edtf_bounds(text: str) -> tuple[str, str, str] | None:
    """(precision, first day, last day) of an EDTF date or interval, or None if not EDTF."""
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        value = parse_edtf(text)
    except EDTFParseException:
        return None
    lower, upper = value.lower_strict(), value.upper_strict()
    if lower is None or upper is None:
        return None
    precision = getattr(value, "precision", None)
    if precision is None:  # an interval: both ends must share one precision
        ends = {getattr(value.lower, "precision", None), getattr(value.upper, "precision", None)}
        precision = ends.pop() if len(ends) == 1 else None
    if precision not in ("day", "month", "year", "decade"):
        return None
    first, last = _iso(lower), _iso(upper)
    try:  # the edtf library accepts days no calendar has, such as 29 February 2023
        date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None
    return precision, first, last


ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def iso_bounds(text: str) -> tuple[str, str, str] | None:
    """:func:`edtf_bounds` for the plain forms YYYY, YYYY-MM and YYYY-MM-DD, and intervals
    of two of them; anything else goes to the edtf library.

    Kept for speed: the edtf library is slow per value, and a large table holds
    many distinct plain dates (see docs/benchmarks.md). A test holds both readers
    to the same answers.
    """
    start, slash, end = text.partition("/")
    if slash:  # an interval of two plain dates of one precision: START/END
        ends = [ISO_DATE.fullmatch(part) for part in (start, end)]
        if not all(ends) or any(m[1] == "0000" for m in ends if m):
            return edtf_bounds(text)
        first, last = iso_bounds(start), iso_bounds(end)
        if first is None or last is None or first[0] != last[0]:
            return None
        return first[0], first[1], last[2]
    match = ISO_DATE.fullmatch(text)
    if match is None or match[1] == "0000":
        return edtf_bounds(text)
    year, month, day = match.groups()
    if month is None:
        return "year", f"{year}-01-01", f"{year}-12-31"
    if not 1 <= int(month) <= 12:
        return None
    last = calendar.monthrange(int(year), int(month))[1]
    if day is None:
        return "month", f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    if not 1 <= int(day) <= last:
        return None
    return "day", text, text


def bounds_table(texts: Iterable[str]) -> pa.Table:
    """The texts that are EDTF dates, each with its precision and first and last day."""
    rows = [(text, bounds) for text in texts if (bounds := iso_bounds(text)) is not None]
    return pa.table(
        {
            "text": pa.array([text for text, _ in rows], pa.string()),
            "precision": pa.array([b[0] for _, b in rows], pa.string()),
            "first": pa.array([date.fromisoformat(b[1]) for _, b in rows], pa.date32()),
            "last": pa.array([date.fromisoformat(b[2]) for _, b in rows], pa.date32()),
        }
    )

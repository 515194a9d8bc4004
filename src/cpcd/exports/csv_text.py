"""The canonical CSV text of a table or a view: UTF-8, LF line ends, a header, minimal
quoting.

A missing value is the empty cell. Cells are formatted by their type (see
:mod:`cpcd.metadata.types`) and joined column by column with Arrow's string kernels,
from typed Arrow tables. Tables and views are written by the same function, so
every CSV file of the exports writes a value the same way.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cpcd.common.text import MISSING
from cpcd.metadata.model import Field, Table
from cpcd.metadata.types import TYPES

# RFC 4180: a cell holding a comma, a quote, a line feed or a carriage return is quoted.
# (Python's csv module with "\n" line ends does not quote a carriage return, which CSV
# readers take for a line break.)
NEEDS_QUOTES = '[,"\n\r]'
ROWS_AT_ONCE = 1 << 16  # the text of this many rows is held at once, whatever the table's size


def text_table(frame: pa.Table, fields: Sequence[Field]) -> pa.Table:
    """Every column as text (null where missing), in the fields' order."""
    return pa.table({f.name: TYPES[f.type].write(frame[f.name]) for f in fields})


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _cells(text: pa.ChunkedArray, free_text: bool) -> pa.ChunkedArray:
    """Cells as CSV text: quoted (quotes doubled) where needed, empty for missing values.
    Only free text can need quotes; other types' text is passed through."""
    text = pc.cast(text, pa.large_string())
    if free_text:
        needs = pc.fill_null(pc.match_substring_regex(text, NEEDS_QUOTES), False)
        quote = _large('"')
        doubled = pc.replace_substring(text, '"', '""')
        quoted = pc.binary_join_element_wise(quote, doubled, quote, _large(""))
        text = pc.if_else(needs, quoted, text)
    return pc.fill_null(text, _large(MISSING))


def _values(strings: pa.Array) -> bytes:
    """The concatenated text of a large-string array, read from its data buffer."""
    _, offsets, data = strings.buffers()
    first = strings.offset
    ends = np.frombuffer(offsets, dtype=np.int64)[first : first + len(strings) + 1]
    return memoryview(data)[ends[0] : ends[-1]].tobytes()


def write_csv(frame: pa.Table, table: Table, out: BinaryIO) -> None:
    """Write the canonical CSV of a table's rows to ``out`` (see :func:`write_fields`)."""
    write_fields(frame, table.fields, out)


def write_fields(frame: pa.Table, fields: Sequence[Field], out: BinaryIO) -> None:
    """Write the canonical CSV of ``frame``'s ``fields`` to ``out``: the text Python's csv
    writer gives, with a carriage return quoted too. Written a slice of rows at a time,
    never whole in memory."""
    out.write((",".join(f.name for f in fields) + "\n").encode("utf-8"))
    for start in range(0, frame.num_rows, ROWS_AT_ONCE):
        _write_rows(frame.slice(start, ROWS_AT_ONCE), fields, out)


def _write_rows(frame: pa.Table, fields: Sequence[Field], out: BinaryIO) -> None:
    columns = text_table(frame, fields).columns
    cells = [
        _cells(column, TYPES[f.type].free_text) for column, f in zip(columns, fields, strict=True)
    ]
    # The last cell carries the line end, so the rows are joined in one pass.
    cells[-1] = pc.binary_join_element_wise(cells[-1], _large(""), _large("\n"))
    lines = pc.binary_join_element_wise(*cells, _large(","))
    for chunk in lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]:
        if len(chunk):
            out.write(_values(chunk))


def csv_bytes(frame: pa.Table, table: Table) -> bytes:
    """The canonical CSV of ``frame`` as bytes (see :func:`write_csv`)."""
    buffer = io.BytesIO()
    write_csv(frame, table, buffer)
    return buffer.getvalue()

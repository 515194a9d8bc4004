"""What each Table Schema type is in every library cpcd uses, in one table.

For each type: the pandas dtype users get, the Arrow type of the Parquet file,
the DuckDB column type, the SQL that reads CSV text into it (NULL for a cell
that does not convert), how it is written back as CSV text, and the words the
docs and problem reports use for it. A new type, or a change to one, is made
here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from cpcd.common.sql import literal
from cpcd.common.text import number_text

TIME_UNIT = "s"  # dates and times carry whole seconds, in pandas and in Arrow
TRUE_TEXT = ("true", "True", "TRUE", "1")
FALSE_TEXT = ("false", "False", "FALSE", "0")

Write = Callable[[pa.ChunkedArray], pa.ChunkedArray]


@dataclass(frozen=True)
class FieldType:
    """One Table Schema type as every library sees it."""

    name: str
    pandas: str  # the pandas dtype's name (pandas is imported only where frames are made)
    arrow: pa.DataType
    duckdb: str
    parse: str  # SQL reading the text {t} as this type; NULL where it does not convert
    write: Write  # typed column -> its CSV text (missing stays null)
    label: str  # in the data dictionary (Markdown)
    word: str  # in a problem: "type: not a valid <word>"
    free_text: bool = False  # its CSV text may hold a comma, a quote or a line break

    def parse_sql(self, text: str) -> str:
        """The SQL expression typing the text expression ``text``."""
        return self.parse.format(t=text)


def _when(pattern: str, then: str) -> str:
    """SQL: ``then`` where the text fully matches ``pattern``, else NULL."""
    quoted = literal(pattern).replace("{", "{{").replace("}", "}}")  # kept by str.format
    return f"CASE WHEN regexp_full_match({{t}}, {quoted}) THEN {then} END"


def _in(values: tuple[str, ...]) -> str:
    return "{t} IN (" + ", ".join(literal(v) for v in values) + ")"


def _write_string(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column


def _write_integer(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(column, pa.string())


def _write_number(column: pa.ChunkedArray) -> pa.ChunkedArray:
    # repr, not Arrow's cast: the shortest text that reads back exactly.
    texts = [None if v is None else number_text(v) for v in column.to_pylist()]
    return pa.chunked_array([pa.array(texts, pa.string())])


def _write_boolean(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(column, "true", "false")


def _write_date(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(column, pa.string())


def _write_datetime(column: pa.ChunkedArray) -> pa.ChunkedArray:
    text = pc.cast(column, pa.string())  # "YYYY-MM-DD HH:MM:SSZ": the space becomes the T
    return pc.replace_substring(text, " ", "T", max_replacements=1)


def from_duckdb(duckdb_type: str) -> str:
    """The Table Schema type of a DuckDB column type (a view's column, say): the type whose
    DuckDB type it is, or the one it widens (a sum is a HUGEINT, a count a BIGINT)."""
    for field_type in TYPES.values():
        if field_type.duckdb == duckdb_type:
            return field_type.name
    return DUCKDB_OTHER_NAMES[duckdb_type.split("(")[0]]


# DuckDB's other names for these types, as its catalogue reports a view's columns.
DUCKDB_OTHER_NAMES = {
    "HUGEINT": "integer",
    "INTEGER": "integer",
    "DECIMAL": "number",
    "TIMESTAMP WITH TIME ZONE": "datetime",
    "ENUM": "string",
}

# A number as Table Schema writes one: digits with an optional point and exponent. NaN and
# the infinities are not numbers here.
NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"

TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        FieldType(
            "string", "string", pa.string(), "VARCHAR", "{t}",
            _write_string, "text", "string", free_text=True,
        ),
        FieldType(
            "integer", "Int64", pa.int64(), "BIGINT",
            _when(r"[+-]?[0-9]+", "TRY_CAST({t} AS BIGINT)"),  # NULL past 64 bits
            _write_integer, "integer", "integer",
        ),
        FieldType(
            "number", "Float64", pa.float64(), "DOUBLE",
            _when(NUMBER, "CASE WHEN isfinite(TRY_CAST({t} AS DOUBLE)) "
                  "THEN TRY_CAST({t} AS DOUBLE) END"),
            _write_number, "number (decimal)", "number",
        ),
        FieldType(
            "boolean", "boolean", pa.bool_(), "BOOLEAN",
            f"CASE WHEN {_in(TRUE_TEXT)} THEN true WHEN {_in(FALSE_TEXT)} THEN false END",
            _write_boolean, "boolean (`true`/`false`)", "boolean (true or false)",
        ),
        FieldType(
            "date", f"datetime64[{TIME_UNIT}]", pa.date32(), "DATE",
            _when("[0-9]{4}-[0-9]{2}-[0-9]{2}", "TRY_CAST({t} AS DATE)"),  # NULL: 2023-02-30
            _write_date, "date (`YYYY-MM-DD`)", "date (YYYY-MM-DD)",
        ),
        FieldType(
            "datetime", f"datetime64[{TIME_UNIT}, UTC]", pa.timestamp(TIME_UNIT, tz="UTC"),
            "TIMESTAMPTZ",
            _when("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z",
                  "TRY_CAST({t} AS TIMESTAMPTZ)"),
            _write_datetime,
            "date and time in UTC (`YYYY-MM-DDTHH:MM:SSZ`)",
            "UTC date-time (YYYY-MM-DDTHH:MM:SSZ)",
        ),
    )
}  # fmt: skip

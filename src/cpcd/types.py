"""What each Table Schema type is in every library cpcd uses, in one table.

For each type: the pandas dtype users get, the Arrow type of the Parquet file,
the DuckDB column type, how CSV text is parsed into it (and which cells fail),
how it is written back as CSV text, and the words the docs and problem reports
use for it. A new type, or a change to one, is made here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cpcd.text import number_text

TIME_UNIT = "s"  # dates and times carry whole seconds, in pandas and in Arrow
TRUE_TEXT = ("true", "True", "TRUE", "1")
FALSE_TEXT = ("false", "False", "FALSE", "0")

Parse = Callable[[pd.Series], tuple[pd.Series, pd.Series]]
Write = Callable[[pd.Series], pa.Array]


@dataclass(frozen=True)
class FieldType:
    """One Table Schema type as every library sees it."""

    name: str
    pandas: Any
    arrow: pa.DataType
    duckdb: str
    parse: Parse  # CSV text (missing as NA) -> typed column, mask of cells that do not parse
    write: Write  # typed column -> its CSV text (missing stays null)
    label: str  # in the data dictionary (Markdown)
    word: str  # in a problem: "type: not a valid <word>"
    free_text: bool = False  # its CSV text may hold a comma, a quote or a line break


def _full_match(text: pd.Series, pattern: str) -> pd.Series:
    return text.str.fullmatch(pattern).fillna(False).astype(bool)


def _parse_string(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    return text.astype(pd.StringDtype()), pd.Series(False, index=text.index)


def _parse_integer(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    well_formed = _full_match(text, r"[+-]?[0-9]+")
    # Python's int, not float64: integers past 2**53 keep every digit.
    values = text[well_formed].astype(object).map(int)
    fits = values.between(-(2**63), 2**63 - 1)
    typed = pd.Series(pd.NA, index=text.index, dtype=pd.Int64Dtype())
    typed[fits[fits].index] = values[fits].astype("int64")
    return typed, text.notna() & typed.isna()


def _parse_number(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    typed = pd.to_numeric(text, errors="coerce").astype(pd.Float64Dtype())
    ok = typed.notna() & ~typed.isin([float("inf"), float("-inf")])
    return typed.where(ok), text.notna() & ~ok


def _parse_boolean(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    mapping = dict.fromkeys(TRUE_TEXT, True) | dict.fromkeys(FALSE_TEXT, False)
    typed = text.map(mapping, na_action="ignore").astype(pd.BooleanDtype())
    return typed, text.notna() & typed.isna()


def _parse_date(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    ok = _full_match(text, r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
    typed = pd.to_datetime(text.where(ok), format="%Y-%m-%d", errors="coerce")
    typed = typed.astype(f"datetime64[{TIME_UNIT}]")
    bad = text.notna() & typed.isna()  # malformed, or no such day (2023-02-30)
    return typed, bad


def _parse_datetime(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    ok = _full_match(text, r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
    typed = pd.to_datetime(text.where(ok), format="%Y-%m-%dT%H:%M:%SZ", utc=True, errors="coerce")
    typed = typed.astype(pd.DatetimeTZDtype(TIME_UNIT, "UTC"))
    return typed, text.notna() & typed.isna()


def _write_string(column: pd.Series) -> pa.Array:
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        return pa.array(column.array)  # already Arrow text: no copy through Python objects
    return pa.array(column.astype(object), pa.string(), from_pandas=True)


def _write_integer(column: pd.Series) -> pa.Array:
    return pc.cast(pa.array(column, pa.int64(), from_pandas=True), pa.string())


def _write_number(column: pd.Series) -> pa.Array:
    # repr, not Arrow's cast: the shortest text that reads back exactly.
    return pa.array(column.astype(object).map(number_text, na_action="ignore"), pa.string())


def _write_boolean(column: pd.Series) -> pa.Array:
    return pc.if_else(pa.array(column, pa.bool_(), from_pandas=True), "true", "false")


def _write_date(column: pd.Series) -> pa.Array:
    days = pc.cast(pa.array(column, pa.timestamp(TIME_UNIT), from_pandas=True), pa.date32())
    return pc.cast(days, pa.string())


def _write_datetime(column: pd.Series) -> pa.Array:
    moments = pa.array(column, pa.timestamp(TIME_UNIT, tz="UTC"), from_pandas=True)
    text = pc.cast(moments, pa.string())  # "YYYY-MM-DD HH:MM:SSZ": the space becomes the T
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
}

TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        FieldType(
            "string", pd.StringDtype(), pa.string(), "VARCHAR",
            _parse_string, _write_string, "text", "string", free_text=True,
        ),
        FieldType(
            "integer", pd.Int64Dtype(), pa.int64(), "BIGINT",
            _parse_integer, _write_integer, "integer", "integer",
        ),
        FieldType(
            "number", pd.Float64Dtype(), pa.float64(), "DOUBLE",
            _parse_number, _write_number, "number (decimal)", "number",
        ),
        FieldType(
            "boolean", pd.BooleanDtype(), pa.bool_(), "BOOLEAN",
            _parse_boolean, _write_boolean,
            "boolean (`true`/`false`)", "boolean (true or false)",
        ),
        FieldType(
            "date", f"datetime64[{TIME_UNIT}]", pa.date32(), "DATE",
            _parse_date, _write_date, "date (`YYYY-MM-DD`)", "date (YYYY-MM-DD)",
        ),
        FieldType(
            "datetime", pd.DatetimeTZDtype(TIME_UNIT, "UTC"), pa.timestamp(TIME_UNIT, tz="UTC"),
            "TIMESTAMPTZ", _parse_datetime, _write_datetime,
            "date and time in UTC (`YYYY-MM-DDTHH:MM:SSZ`)",
            "UTC date-time (YYYY-MM-DDTHH:MM:SSZ)",
        ),
    )
}  # fmt: skip

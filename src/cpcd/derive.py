"""Derive every library's schema from the Table Schemas in :mod:`cpcd.metadata`.

pandas dtypes, pandera checks, the Arrow schema and the DuckDB DDL are all
computed here from one :class:`~cpcd.metadata.Table`, so a field added to a
schema file reaches all of them with no other edit. Heavy libraries are
imported inside the functions that need them, to keep ``import cpcd`` fast.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cpcd.metadata import Field, Table
from cpcd.sql import identifier, literal

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pandera
    import pyarrow as pa

DATE_UNIT = "s"
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMPTZ",
}


def pandas_dtype(field: Field, enums_as_categories: bool = True) -> Any:
    """The pandas dtype users get: nullable types, enums as categoricals."""
    import pandas as pd

    if field.type == "string":
        if field.enum is not None and enums_as_categories:
            return pd.CategoricalDtype(list(field.enum), ordered=False)
        return pd.StringDtype()
    return {
        "integer": pd.Int64Dtype(),
        "number": pd.Float64Dtype(),
        "boolean": pd.BooleanDtype(),
        "date": f"datetime64[{DATE_UNIT}]",
        "datetime": pd.DatetimeTZDtype(DATE_UNIT, "UTC"),
    }[field.type]


def pandas_dtypes(table: Table) -> dict[str, Any]:
    return {f.name: pandas_dtype(f) for f in table.fields}


def cast_frame(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Give ``frame`` the table's column order and public dtypes."""
    import pandas as pd

    out = {}
    for f in table.fields:
        column = frame[f.name]
        dtype = pandas_dtype(f)
        if f.type == "date":
            column = pd.to_datetime(column)
        elif f.type == "datetime":
            column = pd.to_datetime(column, utc=True)
        out[f.name] = column.astype(dtype)
    return pd.DataFrame(out, index=frame.index)


def field_checks(field: Field) -> list[tuple[str, pandera.Check]]:
    """The field's constraints as pandera checks, each with the rule a report names."""
    import pandera.pandas as pandera

    checks = []
    if field.enum is not None:
        rule = "enum: must be one of " + ", ".join(field.enum)
        checks.append((rule, pandera.Check.isin(list(field.enum))))
    if field.pattern is not None:
        # Table Schema patterns match the whole value.
        rule = f"pattern: must match {field.pattern}"
        checks.append((rule, pandera.Check.str_matches(rf"(?:{field.pattern})\Z")))
    if field.minimum is not None:
        checks.append(
            (f"minimum: must be at least {field.minimum}", pandera.Check.ge(field.minimum))
        )
    if field.maximum is not None:
        checks.append(
            (f"maximum: must be at most {field.maximum}", pandera.Check.le(field.maximum))
        )
    return checks


def pandera_schema(table: Table) -> pandera.DataFrameSchema:
    """pandera checks for a frame typed by :mod:`cpcd.read` (enums still as strings).

    Text columns carry no pandera dtype: :mod:`cpcd.read` gives every one pandas'
    string dtype, and pandera checks that dtype cell by cell, building an empty
    failure report per column even when all pass (a millisecond a column, a
    third of the checks' cost on the shipped tables). Other types are checked.
    """
    import pandera.pandas as pandera

    columns = {}
    for f in table.fields:
        single_key = table.primary_key == (f.name,)
        columns[f.name] = pandera.Column(
            None if f.type == "string" else pandas_dtype(f, enums_as_categories=False),
            checks=[check for _, check in field_checks(f)],
            nullable=not (f.required or f.name in table.primary_key),
            unique=f.unique or single_key,
            report_duplicates="exclude_first",
            coerce=False,
        )
    composite = list(table.primary_key) if len(table.primary_key) > 1 else None
    return pandera.DataFrameSchema(
        columns,
        name=table.name,
        unique=composite,
        report_duplicates="exclude_first",
        ordered=True,
        strict=True,
    )


def _primary_key(table: Table) -> str:
    return "PRIMARY KEY (" + ", ".join(identifier(k) for k in table.primary_key) + ")"


def duckdb_primary_key(table: Table) -> str:
    """The primary key of a table created by ``duckdb_ddl(table, key_after_load=True)``."""
    return f"ALTER TABLE {identifier(table.name)} ADD {_primary_key(table)}"


def arrow_type(field: Field) -> pa.DataType:
    import pyarrow as pa

    return {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp(DATE_UNIT, tz="UTC"),
    }[field.type]


def arrow_schema(table: Table) -> pa.Schema:
    """Arrow schema for the Parquet export: date32 dates, nullable where not required."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(
                f.name,
                arrow_type(f),
                nullable=not (f.required or f.name in table.primary_key),
                metadata={"description": f.description},
            )
            for f in table.fields
        ],
        # The whole Table Schema travels with the file, so an Arrow reader sees the enums,
        # units, keys and rules without the repository.
        metadata={
            "name": table.name,
            "description": table.description,
            "table_schema": json.dumps(table.schema, ensure_ascii=False, sort_keys=True),
        },
    )


def _column_ddl(table: Table, f: Field) -> str:
    parts = [identifier(f.name), DUCKDB_TYPES[f.type]]
    if f.required or f.name in table.primary_key:
        parts.append("NOT NULL")
    if f.unique and table.primary_key != (f.name,):
        parts.append("UNIQUE")
    checks = []
    if f.enum is not None:
        checks.append(f"{identifier(f.name)} IN ({', '.join(literal(v) for v in f.enum)})")
    if f.pattern is not None:
        checks.append(f"regexp_full_match({identifier(f.name)}, {literal(f.pattern)})")
    if f.minimum is not None:
        checks.append(f"{identifier(f.name)} >= {f.minimum}")
    if f.maximum is not None:
        checks.append(f"{identifier(f.name)} <= {f.maximum}")
    parts.extend(f"CHECK ({c})" for c in checks)
    return " ".join(parts)


def duckdb_ddl(table: Table, key_after_load: bool = False) -> list[str]:
    """CREATE TABLE with types, NOT NULL, keys and CHECKs, then COMMENT ON for descriptions.

    With ``key_after_load`` the primary key is left out, for :func:`duckdb_primary_key`
    to add once the rows are in: DuckDB indexes a filled table in one pass, about
    three times faster than it checks each inserted row against the index.
    """
    lines = [_column_ddl(table, f) for f in table.fields]
    if not key_after_load:
        lines.append(_primary_key(table))
    for fk in table.foreign_keys:
        cols = ", ".join(identifier(c) for c in fk.fields)
        refs = ", ".join(identifier(c) for c in fk.reference_fields)
        lines.append(f"FOREIGN KEY ({cols}) REFERENCES {identifier(fk.resource)} ({refs})")
    name = identifier(table.name)
    statements = [f"CREATE TABLE {name} (\n  " + ",\n  ".join(lines) + "\n)"]
    statements.append(f"COMMENT ON TABLE {name} IS {literal(table.description)}")
    statements.extend(
        f"COMMENT ON COLUMN {name}.{identifier(f.name)} IS {literal(f.description)}"
        for f in table.fields
    )
    return statements

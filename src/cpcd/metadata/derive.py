"""Derive every library's schema from the Table Schemas in :mod:`cpcd.metadata.model`.

pandas dtypes, the Arrow schema and the DuckDB DDL are all computed here from
one :class:`~cpcd.metadata.model.Table`, so a field added to a schema file reaches
all of them with no other edit. Heavy libraries are
imported inside the functions that need them, to keep ``import cpcd`` fast.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cpcd.common.sql import identifier, literal
from cpcd.metadata.model import Field, Table

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def pandas_dtype(field: Field, enums_as_categories: bool = True) -> Any:
    """The pandas dtype users get: the type's nullable dtype, enums as categoricals."""
    import pandas as pd

    from cpcd.metadata.types import TYPES

    if field.enum is not None and enums_as_categories:
        return pd.CategoricalDtype(list(field.enum), ordered=False)
    return pd.api.types.pandas_dtype(TYPES[field.type].pandas)


def cast_frame(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Give ``frame`` the table's column order and public dtypes."""
    import pandas as pd

    out = {f.name: frame[f.name].astype(pandas_dtype(f)) for f in table.fields}
    return pd.DataFrame(out, index=frame.index)


def arrow_schema(table: Table) -> pa.Schema:
    """Arrow schema for the Parquet export: date32 dates, nullable where not required."""
    import pyarrow as pa

    from cpcd.metadata.types import TYPES

    return pa.schema(
        [
            pa.field(
                f.name,
                TYPES[f.type].arrow,
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
    from cpcd.metadata.types import TYPES

    # An enum is a DuckDB ENUM: a misspelt value in a query is an error, not zero rows. Its
    # values are declared in text order, so that ORDER BY sorts it as it sorts text.
    values = ", ".join(literal(v) for v in sorted(f.enum or ()))
    kind = f"ENUM({values})" if f.enum else TYPES[f.type].duckdb
    parts = [identifier(f.name), kind]
    if f.required or f.name in table.primary_key:
        parts.append("NOT NULL")
    if f.unique and table.primary_key != (f.name,):
        parts.append("UNIQUE")
    checks = []
    if f.pattern is not None:
        checks.append(f"regexp_full_match({identifier(f.name)}, {literal(f.pattern)})")
    if f.minimum is not None:
        checks.append(f"{identifier(f.name)} >= {f.minimum}")
    if f.maximum is not None:
        checks.append(f"{identifier(f.name)} <= {f.maximum}")
    parts.extend(f"CHECK ({c})" for c in checks)
    return " ".join(parts)


def duckdb_ddl(table: Table) -> list[str]:
    """CREATE TABLE with types, NOT NULL, keys and CHECKs, then COMMENT ON for descriptions."""
    lines = [_column_ddl(table, f) for f in table.fields]
    lines.append("PRIMARY KEY (" + ", ".join(identifier(k) for k in table.primary_key) + ")")
    for fk in table.foreign_keys:
        if fk.resource == table.name:
            # DuckDB checks a key against the rows already stored, so rows loaded at once
            # cannot name each other; cpcd validate checks these keys instead.
            continue
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

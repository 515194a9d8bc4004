"""SQL text for DuckDB: the one place where literals and identifiers are quoted.

Values that DuckDB accepts as parameters are passed as parameters; these helpers
are for the places it does not (DDL, COMMENT ON, COPY ... TO).
"""

from __future__ import annotations

from pathlib import Path


def literal(value: str | Path) -> str:
    """A string (or a path, as POSIX text) as an SQL string literal."""
    text = value.as_posix() if isinstance(value, Path) else value
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    """A table, view or column name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'

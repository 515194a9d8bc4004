"""``cpcd sql``: one query on the DuckDB file, its rows printed as a table, CSV, JSON or
Markdown, so that a reader without Python or a DuckDB client can ask the data a question."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cpcd.common.problems import CpcdError
from cpcd.common.text import markdown_cell, number_text

FORMATS = ("table", "csv", "json", "markdown")


def run(query: str, exports: Path | None = None) -> tuple[list[str], list[tuple]]:
    """The column names and rows of ``query`` on the read-only database; a query DuckDB
    refuses is a :class:`CpcdError` of one line. Times are given in UTC."""
    import duckdb

    from cpcd.api import connect

    con = connect(exports)
    try:
        con.execute("SET TimeZone = 'UTC'")
        result = con.execute(query)
        if result.description is None:
            return [], []
        return [d[0] for d in result.description], result.fetchall()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CpcdError(f"query failed: {first}") from None
    finally:
        con.close()


def text(value: Any) -> str:
    """A value as the CSV exports write it: ISO dates, UTC times with ``Z``, true and false,
    numbers without a trailing ``.0``, and the empty string when missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return text(value)


def show(columns: list[str], rows: list[tuple], fmt: str) -> None:
    """Print the rows on standard output: a table drawn by rich for a person, else
    :func:`render`'s text."""
    if fmt != "table":
        sys.stdout.write(render(columns, rows, fmt))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, caption=f"{len(rows)} row(s)")
    for row in rows:
        table.add_row(*(text(v) for v in row))
    Console(soft_wrap=True).print(table)


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    """The rows as CSV, JSON (a list of objects) or a Markdown table."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([text(v) for v in row] for row in rows)
        return buffer.getvalue()
    if fmt == "json":
        records = [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        lines = [
            "| " + " | ".join(markdown_cell(c) for c in columns) + " |",
            "|" + "---|" * len(columns),
        ]
        lines += ["| " + " | ".join(markdown_cell(text(v)) for v in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    raise CpcdError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")

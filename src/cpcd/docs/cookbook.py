"""The query cookbook (``docs/queries.md``): questions, their SQL and printed results.

Each question is a ``##`` heading followed by a ```` ```sql ```` block and the
result as a Markdown table. :func:`refresh` reruns every query against the built
database and rewrites the tables; :func:`stale` says which printed results no
longer match, so the cookbook cannot silently go out of date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cpcd.common.text import MISSING, cell_text, markdown_cell

if TYPE_CHECKING:
    import duckdb

BLOCK = re.compile(
    r"(?P<head>^## (?P<question>[^\n]+)\n"
    r"(?:(?!## )[^\n]*\n)*?"
    r"```sql\n(?P<sql>(?:(?!```)[^\n]*\n)*)```\n)"
    r"\n(?P<table>(?:\|[^\n]*\|\n)+)",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Query:
    question: str
    sql: str
    printed: str


def parse(text: str) -> list[Query]:
    return [Query(m["question"].strip(), m["sql"], m["table"]) for m in BLOCK.finditer(text)]


def cell(value: Any) -> str:
    """A value as the cookbook prints it: as the CSV files write it, safe in a table cell."""
    return markdown_cell(cell_text(value) or MISSING)


def run(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The query's result as a Markdown table."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in cursor.fetchall()]
    return "\n".join(lines) + "\n"


def stale(text: str, con: duckdb.DuckDBPyConnection) -> list[str]:
    """Questions whose printed result differs from what their query returns now."""
    return [q.question for q in parse(text) if run(con, q.sql) != q.printed]


def refresh(text: str, con: duckdb.DuckDBPyConnection) -> str:
    """The cookbook with every result table recomputed."""
    return BLOCK.sub(lambda m: m["head"] + "\n" + run(con, m["sql"]), text)

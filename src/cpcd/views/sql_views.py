"""Analytic views: ``views/<name>.sql`` files created in the DuckDB file and exported.

Each file holds one SELECT statement. Its leading ``--`` comment lines are the
view's description (``COMMENT ON VIEW``), then one line per column,
``-- column <name>: <description>`` (``COMMENT ON COLUMN``); every column the
view returns must be described. The views are the documented way to combine
the tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cpcd.common.problems import CpcdError, Problem
from cpcd.common.sql import identifier, literal
from cpcd.metadata.model import Field

if TYPE_CHECKING:
    import duckdb


COLUMN = re.compile(r"column (?P<name>[a-z][a-z0-9_]*): (?P<description>.+)")


@dataclass(frozen=True)
class View:
    name: str
    description: str
    sql: str
    path: Path
    columns: dict[str, str] = field(default_factory=dict)  # column name -> description


def load_views(folder: Path) -> list[View]:
    """Every ``*.sql`` file in ``folder``, in name order; none when the folder is absent."""
    views = []
    for path in sorted(Path(folder).glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        comments, columns = [], {}
        for line in text.splitlines():
            if not line.startswith("--"):
                break
            comment = line.removeprefix("--").strip()
            if match := COLUMN.fullmatch(comment):
                columns[match["name"]] = match["description"]
            else:
                comments.append(comment)
        sql = text.strip().rstrip(";")
        views.append(View(path.stem, " ".join(comments), sql, path, columns))
    return views


def create_views(con: duckdb.DuckDBPyConnection, views: list[View]) -> None:
    """CREATE VIEW, COMMENT ON VIEW and on each column; a broken or undocumented view names
    its file and column."""
    import duckdb

    problems = []
    for view in views:
        name = identifier(view.name)
        try:
            con.execute(f"CREATE VIEW {name} AS\n{view.sql}")
            con.execute(f"COMMENT ON VIEW {name} IS {literal(view.description)}")
            returned = [d[0] for d in con.execute(f"SELECT * FROM {name} LIMIT 0").description]
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            problems.append(Problem(str(view.path), None, None, None, f"view: {message}"))
            continue
        for column in returned:
            if column not in view.columns:
                rule = "view: no '-- column <name>: <description>' line for this column"
                problems.append(Problem(str(view.path), None, column, None, rule))
            else:
                text = literal(view.columns[column])
                con.execute(f"COMMENT ON COLUMN {name}.{identifier(column)} IS {text}")
        for column in sorted(set(view.columns) - set(returned)):
            rule = "view: a described column the view does not return"
            problems.append(Problem(str(view.path), None, column, None, rule))
    if problems:
        raise CpcdError("a view could not be created", problems)


def view_fields(con: duckdb.DuckDBPyConnection, view: View) -> tuple[Field, ...]:
    """The view's columns as fields: name, the Table Schema type of their DuckDB type, and
    their description."""
    from cpcd.metadata.types import from_duckdb

    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where table_name = ? order by column_index",
        [view.name],
    ).fetchall()
    return tuple(Field(name, from_duckdb(kind), view.columns[name]) for name, kind in columns)


def view_schemas(views: list[View], fields: dict[str, tuple[Field, ...]]) -> dict[str, dict]:
    """Each view as a Table Schema: its description and its columns (``fields``, by view, as
    :func:`view_fields` reads them) as fields with name, type and description."""
    schemas = {}
    for view in views:
        columns = [
            {"name": f.name, "type": f.type, "description": f.description}
            for f in fields[view.name]
        ]
        schemas[view.name] = {"description": view.description, "fields": columns}
    return schemas

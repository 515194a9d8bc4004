"""Analytic views: ``views/<name>.sql`` files created in the DuckDB file and exported.

Each file holds one SELECT statement; its leading ``--`` comment lines are the
view's description, stored with ``COMMENT ON VIEW``. The views are the
documented way to combine the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cpcd.problems import CpcdError, Problem
from cpcd.sql import identifier, literal

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class View:
    name: str
    description: str
    sql: str
    path: Path


def load_views(folder: Path) -> list[View]:
    """Every ``*.sql`` file in ``folder``, in name order; none when the folder is absent."""
    views = []
    for path in sorted(Path(folder).glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        comments = []
        for line in text.splitlines():
            if not line.startswith("--"):
                break
            comments.append(line.removeprefix("--").strip())
        views.append(View(path.stem, " ".join(comments), text.strip().rstrip(";"), path))
    return views


def create_views(con: duckdb.DuckDBPyConnection, views: list[View]) -> None:
    """CREATE VIEW and COMMENT ON VIEW for each; a broken view names its file."""
    import duckdb

    problems = []
    for view in views:
        try:
            con.execute(f"CREATE VIEW {identifier(view.name)} AS\n{view.sql}")
            con.execute(f"COMMENT ON VIEW {identifier(view.name)} IS {literal(view.description)}")
        except duckdb.Error as exc:
            message = str(exc).splitlines()[0]
            problems.append(Problem(str(view.path), None, None, None, f"view: {message}"))
    if problems:
        raise CpcdError("a view could not be created", problems)


def export_views(con: duckdb.DuckDBPyConnection, views: list[View], out: Path) -> None:
    """``out/<view>.csv`` and ``out/<view>.parquet`` for readers who do not write SQL."""
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    for view in views:
        # Each view runs once; DuckDB writes the CSV from the rows it returned.
        table = con.sql(f"SELECT * FROM {identifier(view.name)}").to_arrow_table()
        pq.write_table(
            table.replace_schema_metadata(None), out / f"{view.name}.parquet", compression="zstd"
        )
        # A file name, not SQL: the path goes to DuckDB's Python API as it is.
        con.from_arrow(table).write_csv(str(out / f"{view.name}.csv"), header=True, sep=",")

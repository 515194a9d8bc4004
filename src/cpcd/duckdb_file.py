"""The DuckDB file: every table with its constraints and comments, the views, the digest."""

from __future__ import annotations

from pathlib import Path

from cpcd.catalogue import package_views
from cpcd.content_digest import METADATA_TABLE, content_digest
from cpcd.derive import duckdb_ddl
from cpcd.metadata import Package
from cpcd.paths import DUCKDB_FILE
from cpcd.sql import identifier, literal
from cpcd.views import create_views, export_views, load_views, view_schemas

# DuckDB's default block size makes a file of a few hundred rows ten times larger than
# its content; the smallest block DuckDB allows keeps the file near its content's size.
BLOCK_SIZE = 16384
METADATA_COMMENTS = {
    "version": "Version of the dataset (semantic versioning).",
    "created": "Release time of this version (UTC).",
    "digest": "sha256 over a canonical dump of every other table and view, sorted.",
}


def write_duckdb(package: Package, out: Path, created: str) -> tuple[str, dict[str, dict]]:
    """``out/cpcd.duckdb`` filled from the Parquet files in ``out``; the analytic views,
    also exported to ``out/views`` as CSV and Parquet. Returns the content digest and each
    view's Table Schema."""
    import duckdb

    views = package_views(package) + load_views(package.descriptor_path.parent / "views")
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")  # a build prints its own progress
        con.execute(f"ATTACH {literal(out / DUCKDB_FILE)} AS cpcd (BLOCK_SIZE {BLOCK_SIZE})")
        con.execute("USE cpcd")
        con.execute("SET TimeZone = 'UTC'")
        for name in package.load_order():  # a table's key is in place before its children
            table = package.tables[name]
            for statement in duckdb_ddl(table):
                con.execute(statement)
            parquet = (out / "parquet" / f"{name}.parquet").as_posix()
            con.execute(f"INSERT INTO {identifier(name)} SELECT * FROM read_parquet(?)", [parquet])
        create_views(con, views)
        schemas = view_schemas(con, views)
        if views:
            export_views(con, views, out / "views")
        digest = content_digest(con)
        con.execute(
            f"CREATE TABLE {METADATA_TABLE} (version VARCHAR NOT NULL, "
            "created TIMESTAMPTZ NOT NULL, digest VARCHAR NOT NULL)"
        )
        con.execute(
            f"COMMENT ON TABLE {METADATA_TABLE} IS 'The dataset version, its release time and the "
            "content digest of every other table and view in this file.'"
        )
        for column, text in METADATA_COMMENTS.items():
            con.execute(f"COMMENT ON COLUMN {METADATA_TABLE}.{column} IS {literal(text)}")
        con.execute(
            f"INSERT INTO {METADATA_TABLE} VALUES (?, ?, ?)", [package.version, created, digest]
        )
    finally:
        con.close()
    return digest, schemas

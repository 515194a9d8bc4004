"""The DuckDB file: every table with its constraints and comments, the views, the digest."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cpcd.common.paths import DUCKDB_FILE
from cpcd.common.sql import identifier, literal
from cpcd.digests.content import METADATA_TABLE, content_digest
from cpcd.metadata.derive import duckdb_ddl
from cpcd.metadata.model import Field, Package
from cpcd.views.catalogue import package_views
from cpcd.views.sql_views import View, create_views, load_views, view_fields, view_schemas

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

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
        fields = {view.name: view_fields(con, view) for view in views}
        schemas = view_schemas(views, fields)
        if views:
            export_views(con, views, fields, out / "views")
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


def export_views(
    con: duckdb.DuckDBPyConnection,
    views: list[View],
    fields: dict[str, tuple[Field, ...]],
    out: Path,
) -> None:
    """``out/<view>.csv`` and ``out/<view>.parquet`` for readers who do not write SQL; the CSV
    written as the tables' CSV files are (:mod:`cpcd.exports.csv_text`), each view's columns
    typed as ``fields`` says."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cpcd.exports.csv_text import write_fields
    from cpcd.metadata.types import TYPES

    out.mkdir(parents=True, exist_ok=True)
    for view in views:
        # Each view runs once; both files are written from the rows it returned.
        table = con.sql(f"SELECT * FROM {identifier(view.name)}").to_arrow_table()
        # An enum column arrives dictionary-encoded: the files hold its text.
        table = table.cast(pa.schema([f.with_type(_plain(f.type)) for f in table.schema]))
        pq.write_table(
            table.replace_schema_metadata(None), out / f"{view.name}.parquet", compression="zstd"
        )
        columns = fields[view.name]
        # Each column as its Table Schema type holds it (a sum's HUGEINT as an integer).
        typed = pa.table({f.name: table[f.name].cast(TYPES[f.type].arrow) for f in columns})
        with (out / f"{view.name}.csv").open("wb") as fh:
            write_fields(typed, columns, fh)


def _plain(kind: pa.DataType) -> pa.DataType:
    import pyarrow as pa

    return kind.value_type if pa.types.is_dictionary(kind) else kind

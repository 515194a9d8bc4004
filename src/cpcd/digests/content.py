"""The digest of a DuckDB file's content, which stands in for a hash of its bytes.

DuckDB writes its own identifiers into the file, so two builds of one commit
give different bytes but the same content: every table's rows, sorted, and
every view's definition. The digest is stored in the file's ``cpcd_metadata``
table and in the exports' ``datapackage.json``.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from cpcd.common.hashing import file_sha256
from cpcd.common.sql import identifier, literal

if TYPE_CHECKING:
    import duckdb

METADATA_TABLE = "cpcd_metadata"
DIGEST_KEY = "duckdb_content_digest"


def content_digest(con: duckdb.DuckDBPyConnection) -> str:
    """sha256 over every table (but cpcd_metadata) and view: names, column types, and the
    sha256 of a table's sorted rows or the definition of a view.

    A view's rows follow from the tables and its definition, so its definition
    stands for them. Rows are dumped by DuckDB's own CSV writer (sorted, NULL as
    ``\\N``, times in UTC), which streams a million rows in about a second, and
    hashed from disk.
    """
    con.execute("SET TimeZone = 'UTC'")
    relations = con.execute(
        "select table_name, null from duckdb_tables() where not internal and table_name <> ? "
        "union all select view_name, sql from duckdb_views() where not internal order by 1",
        [METADATA_TABLE],
    ).fetchall()
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="cpcd-digest-") as tmp:
        dump = Path(tmp) / "rows.csv"
        target = literal(dump)
        for name, definition in relations:
            relation = con.execute(f"select * from {identifier(name)} limit 0")
            columns = [(d[0], str(d[1])) for d in relation.description]
            digest.update(repr((name, columns)).encode())
            if definition is not None:
                digest.update(definition.encode())
                continue
            con.execute(
                f"COPY (select * from {identifier(name)} order by all) TO {target} "
                "(FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', NULLSTR '\\N')"
            )
            digest.update(file_sha256(dump).encode())
    return "sha256:" + digest.hexdigest()

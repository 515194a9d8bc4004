"""Checksums and content digests, and ``cpcd verify``: is an export intact?

CSV, Parquet, JSON and bibliography files are byte-reproducible and listed in
``SHA256SUMS``. A DuckDB file is not (it carries its own identifiers), so it is
checked by a digest of its content instead: sha256 over a canonical dump of
every table, sorted, and the definition of every view, stored in its
``cpcd_metadata`` table and in the export's ``datapackage.json``.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from cpcd.paths import DUCKDB_FILE
from cpcd.problems import Problem
from cpcd.sql import identifier, literal

if TYPE_CHECKING:
    import duckdb

SUMS_FILE = "SHA256SUMS"
METADATA_TABLE = "cpcd_metadata"
DIGEST_KEY = "duckdb_content_digest"
INPUTS_KEY = "inputs_digest"  # in the exports' descriptor: what they were built from
STALE_RULE = "exports are older than data/ (or schemas/, views/): run `cpcd build`"


def _feed(digest: hashlib._Hash, path: Path) -> None:
    """Add a file's bytes to ``digest``, a mebibyte at a time."""
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    _feed(digest, path)
    return digest.hexdigest()


def input_files(descriptor: Path, data_dir: Path | None = None) -> dict[str, Path]:
    """What a build reads, by the name it has in a checkout: the descriptor, every table's
    CSV and schema file, and the views. Read from the descriptor's JSON alone."""
    descriptor = Path(descriptor)
    base = descriptor.parent
    files = {"datapackage.json": descriptor}
    for resource in json.loads(descriptor.read_text(encoding="utf-8")).get("resources", []):
        path = base / resource.get("path", "")
        files[path.relative_to(base).as_posix()] = (
            Path(data_dir) / path.name if data_dir is not None else path
        )
        if isinstance(resource.get("schema"), str):
            files[resource["schema"]] = base / resource["schema"]
    for view in sorted((base / "views").glob("*.sql")):
        files[f"views/{view.name}"] = view
    return files


def inputs_digest(descriptor: Path, data_dir: Path | None = None) -> str:
    """sha256 over the names and bytes of :func:`input_files`; a missing file counts as
    empty, so that the digest of a broken checkout is still a digest."""
    digest = hashlib.sha256()
    for name, path in sorted(input_files(descriptor, data_dir).items()):
        digest.update(f"{name}\n".encode())
        if path.is_file():
            _feed(digest, path)
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def is_stale(exports: Path, descriptor: Path) -> bool:
    """Whether ``exports`` were built from other inputs than ``descriptor``'s as they are now."""
    try:
        recorded = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # no readable exports: nothing served, so nothing stale
    return not isinstance(recorded, dict) or recorded.get(INPUTS_KEY) != inputs_digest(descriptor)


def content_digest(con: duckdb.DuckDBPyConnection) -> str:
    """sha256 over every table (but cpcd_metadata) and view: names, column types, and the
    sorted rows of a table or the definition of a view.

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
            _feed(digest, dump)
    return "sha256:" + digest.hexdigest()


def write_sums(out: Path) -> None:
    """SHA256SUMS for every byte-reproducible file (all but the DuckDB file)."""
    files = sorted(
        p for p in out.rglob("*") if p.is_file() and p.name not in (SUMS_FILE, DUCKDB_FILE)
    )
    lines = [f"{sha256(p)}  {p.relative_to(out).as_posix()}\n" for p in files]
    (out / SUMS_FILE).write_text("".join(lines), encoding="utf-8")


def verify(folder: Path, descriptor: Path | None = None) -> list[Problem]:
    """Every way ``folder`` differs from what its checksums, hashes and digest promise, and,
    given the ``descriptor`` they should have been built from, whether they are older.

    ``folder`` may also be the root of an unpacked release, which holds ``exports/``.
    """
    folder = Path(folder)
    if not (folder / SUMS_FILE).exists() and (folder / "exports" / SUMS_FILE).exists():
        folder = folder / "exports"
    problems: list[Problem] = []
    if descriptor is not None and is_stale(folder, descriptor):
        problems.append(Problem(str(folder), None, None, None, STALE_RULE))

    def problem(path: Path | str, rule: str) -> None:
        problems.append(Problem(str(path), None, None, None, rule))

    sums = folder / SUMS_FILE
    if not sums.exists():
        problem(sums, "file not found")
        return problems
    listed = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.exists():
            problem(path, "missing: listed in SHA256SUMS")
        elif sha256(path) != digest:
            problem(path, "checksum differs from SHA256SUMS")
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for name in sorted(present - set(listed) - {SUMS_FILE, DUCKDB_FILE}):
        problem(folder / name, "unexpected file: not in SHA256SUMS")

    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.exists():
        problem(descriptor_path, "file not found")
        return problems
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        problems.append(Problem(str(descriptor_path), line, None, None, f"not valid JSON ({exc})"))
        return problems
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and isinstance(r.get("path"), str) for r in resources
    ):
        problem(descriptor_path, "not a data package: no list of resources with paths")
        return problems
    for resource in resources:
        path = folder / resource["path"]
        # The DuckDB file is checked by its content digest, below; every other file by hash.
        hashed = DIGEST_KEY not in resource
        if hashed and path.exists() and resource.get("hash") != f"sha256:{sha256(path)}":
            problem(path, "hash differs from datapackage.json")
        if path.exists() and "bytes" in resource and resource["bytes"] != path.stat().st_size:
            problem(path, "size differs from datapackage.json")
    database = folder / DUCKDB_FILE
    if database.exists():
        problems.extend(_verify_database(database, descriptor.get(DIGEST_KEY)))
    return problems


def _verify_database(path: Path, expected: str | None) -> list[Problem]:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return [Problem(str(path), None, None, None, f"not a DuckDB file ({exc})")]
    try:
        digest = content_digest(con)
        stored = con.execute(f"select digest from {METADATA_TABLE}").fetchone()[0]
    finally:
        con.close()
    problems = []
    if digest != expected:
        problems.append(
            Problem(str(path), None, None, digest, "content digest differs from datapackage.json")
        )
    if digest != stored:
        problems.append(
            Problem(str(path), None, None, digest, f"content digest differs from {METADATA_TABLE}")
        )
    return problems

"""``cpcd verify``: is an export intact, and, in a checkout, as new as its inputs?

CSV, Parquet, JSON and bibliography files are checked against ``SHA256SUMS``
and the hashes of the exports' ``datapackage.json``; the DuckDB file, whose
bytes change from build to build, against its content digest.
"""

from __future__ import annotations

import json
from pathlib import Path

from cpcd.common.hashing import file_sha256
from cpcd.common.paths import DUCKDB_FILE
from cpcd.common.problems import Problem
from cpcd.digests.checksums import SUMS_FILE, read_sums
from cpcd.digests.content import DIGEST_KEY, METADATA_TABLE, content_digest
from cpcd.digests.inputs import STALE_RULE, is_stale


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
    listed = read_sums(sums)
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.exists():
            problem(path, "missing: listed in SHA256SUMS")
        elif file_sha256(path) != digest:
            problem(path, "checksum differs from SHA256SUMS")
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    for name in sorted(present - set(listed) - {SUMS_FILE, DUCKDB_FILE}):
        problem(folder / name, "unexpected file: not in SHA256SUMS")

    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.exists():
        problem(descriptor_path, "file not found")
        return problems
    try:
        exported = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        problems.append(Problem(str(descriptor_path), line, None, None, f"not valid JSON ({exc})"))
        return problems
    resources = exported.get("resources") if isinstance(exported, dict) else None
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and isinstance(r.get("path"), str) for r in resources
    ):
        problem(descriptor_path, "not a data package: no list of resources with paths")
        return problems
    for resource in resources:
        path = folder / resource["path"]
        # The DuckDB file is checked by its content digest, below; every other file by hash.
        hashed = DIGEST_KEY not in resource
        if hashed and path.exists() and resource.get("hash") != f"sha256:{file_sha256(path)}":
            problem(path, "hash differs from datapackage.json")
        if path.exists() and "bytes" in resource and resource["bytes"] != path.stat().st_size:
            problem(path, "size differs from datapackage.json")
    database = folder / DUCKDB_FILE
    if database.exists():
        problems.extend(_verify_database(database, exported.get(DIGEST_KEY)))
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

"""``SHA256SUMS``: the checksum of every byte-reproducible file of an export.

Every file but the DuckDB file, which DuckDB never writes twice the same; it is
checked by its content digest instead (:mod:`cpcd.digests.content`).
"""

from __future__ import annotations

from pathlib import Path

from cpcd.common.hashing import file_sha256
from cpcd.common.paths import DUCKDB_FILE

SUMS_FILE = "SHA256SUMS"


def write_sums(out: Path) -> None:
    """Write ``out/SHA256SUMS``, one ``<sha256>  <path>`` line per file, in path order."""
    files = sorted(
        p for p in out.rglob("*") if p.is_file() and p.name not in (SUMS_FILE, DUCKDB_FILE)
    )
    lines = [f"{file_sha256(p)}  {p.relative_to(out).as_posix()}\n" for p in files]
    (out / SUMS_FILE).write_text("".join(lines), encoding="utf-8")


def read_sums(path: Path) -> dict[str, str]:
    """The checksums a ``SHA256SUMS`` file lists, by relative path."""
    listed = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    return listed

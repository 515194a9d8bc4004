"""``cpcd release``: one archive per version, byte-identical whenever it is rebuilt.

The archive holds the exports (CSV, Parquet, views, bibliography, descriptor,
SHA256SUMS), the docs the README links to (``docs/``, figures included) and the
README, licence, citation file and changelog, with fixed
modification times (the export's ``created``), owners and entry order. The
DuckDB file is left out because DuckDB does not write byte-identical files;
``cpcd build`` recreates it, and its content digest is in the descriptor.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from datetime import datetime
from pathlib import Path

from cpcd.common.hashing import file_sha256
from cpcd.common.paths import DUCKDB_FILE
from cpcd.common.problems import CpcdError

PROJECT_FILES = ("README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md")
PROJECT_FOLDERS = ("docs",)


def release(exports: Path, project: Path, out: Path) -> Path:
    """Write ``out/cpcd-<version>.tar.gz`` and its ``.sha256``; return the archive's path."""
    descriptor_path = exports / "datapackage.json"
    if not descriptor_path.exists():
        raise CpcdError(f"no exports found in {exports}: run `make build` first")
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    version = descriptor["version"]
    mtime = int(datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00")).timestamp())
    top = f"cpcd-{version}"
    members = [
        (f"{top}/exports/{p.relative_to(exports).as_posix()}", p)
        for p in exports.rglob("*")
        if p.is_file() and p.name != DUCKDB_FILE
    ]
    members += [(f"{top}/{name}", project / name) for name in PROJECT_FILES]
    members += [
        (f"{top}/{path.relative_to(project).as_posix()}", path)
        for folder in PROJECT_FOLDERS
        for path in (project / folder).rglob("*")
        if path.is_file()
    ]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        folders = {d: None for n, _ in members for d in _parents(n)}
        for name, path in sorted({**folders, **dict(members)}.items()):  # parents sort first
            if path is None:
                tar.addfile(_info(name, mtime, tarfile.DIRTYPE, 0o755))
                continue
            data = path.read_bytes()
            info = _info(name, mtime, tarfile.REGTYPE, 0o644)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out.mkdir(parents=True, exist_ok=True)
    archive = out / f"{top}.tar.gz"
    with (
        archive.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
    ):
        gz.write(buffer.getvalue())
    digest = file_sha256(archive)
    (out / f"{archive.name}.sha256").write_text(f"{digest}  {archive.name}\n", encoding="utf-8")
    return archive


def _parents(name: str) -> list[str]:
    parts = name.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _info(name: str, mtime: int, kind: bytes, mode: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime = kind, mode, mtime
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info

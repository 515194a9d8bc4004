"""What a build reads, and the digest of it that exports record (``inputs_digest``).

An export built from other data than the checkout now holds is stale: the API
warns and ``cpcd verify`` fails, rather than serve old data in silence.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cpcd.common.hashing import file_sha256
from cpcd.metadata.model import FIELDS_KEY

INPUTS_KEY = "inputs_digest"  # in the exports' descriptor: what they were built from
STALE_RULE = "exports are older than data/ (or schemas/, views/): run `cpcd build`"


def input_files(descriptor: Path, data_dir: Path | None = None) -> dict[str, Path]:
    """What a build reads, by the name it has in a checkout: the descriptor, the shared
    fields file, every table's CSV and schema file, and the views. Read from the
    descriptor's JSON alone."""
    descriptor = Path(descriptor)
    base = descriptor.parent
    files = {"datapackage.json": descriptor}
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    if isinstance(package.get(FIELDS_KEY), str):
        files[package[FIELDS_KEY]] = base / package[FIELDS_KEY]
    for resource in package.get("resources", []):
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
    """sha256 over the name and sha256 of each of :func:`input_files`, in name order; a
    missing file has an empty hash, so that the digest of a broken checkout is still one."""
    digest = hashlib.sha256()
    for name, path in sorted(input_files(descriptor, data_dir).items()):
        digest.update(f"{name}\n{file_sha256(path) if path.is_file() else ''}\n".encode())
    return "sha256:" + digest.hexdigest()


def is_stale(exports: Path, descriptor: Path) -> bool:
    """Whether ``exports`` were built from other inputs than ``descriptor``'s as they are now."""
    try:
        recorded = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # no readable exports: nothing served, so nothing stale
    return not isinstance(recorded, dict) or recorded.get(INPUTS_KEY) != inputs_digest(descriptor)

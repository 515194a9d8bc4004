"""``cpcd diff OLD NEW``: what changed between two versions, row by row.

OLD and NEW are export directories or git revisions of the repository (a
revision's data, schemas and views are built into a temporary directory with
the current code). Rows are matched by primary key; a changed row lists each
changed field with its old and new value.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from cpcd.common.problems import CpcdError
from cpcd.metadata.load import load_package

# The tables are compared, not the views: an old revision's views need not meet the rules
# of today's code, so they are left out of its build.
PACKAGE_PATHS = ("datapackage.json", "schemas", "data", "CHANGELOG.md")


def resolve(ref: str, repo: Path, workdir: Path) -> Path:
    """An export directory for ``ref``: the directory itself, or a build of the git revision."""
    if (Path(ref) / "datapackage.json").exists():
        return Path(ref)
    listed = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "--name-only", ref], capture_output=True, text=True
    )
    if listed.returncode != 0:
        raise CpcdError(f"{ref}: neither an export directory nor a git revision of {repo}")
    paths = [p for p in PACKAGE_PATHS if p in listed.stdout.split()]
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", ref, *paths],
        capture_output=True,
        check=True,
    )
    target = Path(tempfile.mkdtemp(prefix="revision-", dir=workdir))
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    from cpcd.exports.build import build

    # A revision's release date does not matter here, and it may have none.
    build(target / "datapackage.json", target / "exports", source_date_epoch=0)
    return target / "exports"


def _rows(folder: Path, name: str) -> tuple[list[str], dict[str, dict[str, str | None]]]:
    from cpcd.api import load
    from cpcd.common.text import cell_text, key_text

    table = load_package(folder / "datapackage.json").tables[name]
    frame = load(name, exports=folder)
    keys = key_text(frame, table.primary_key)
    rows = {
        key: {field: cell_text(value) for field, value in record.items()}
        for key, record in zip(keys, frame.to_dict("records"), strict=True)
    }
    return table.field_names, rows


def diff(old: Path, new: Path) -> dict[str, Any]:
    """Per table: rows added, removed and changed (by primary key), and columns added or removed."""
    old_tables = load_package(old / "datapackage.json").tables
    new_tables = load_package(new / "datapackage.json").tables
    result: dict[str, Any] = {}
    for name in [*new_tables, *(t for t in old_tables if t not in new_tables)]:
        old_fields, old_rows = _rows(old, name) if name in old_tables else ([], {})
        new_fields, new_rows = _rows(new, name) if name in new_tables else ([], {})
        common = [f for f in new_fields if f in old_fields]
        changed = []
        for key in sorted(old_rows.keys() & new_rows.keys()):
            fields = {
                f: {"old": old_rows[key][f], "new": new_rows[key][f]}
                for f in common
                if old_rows[key][f] != new_rows[key][f]
            }
            if fields:
                changed.append({"key": key, "fields": fields})
        entry = {
            "added": sorted(new_rows.keys() - old_rows.keys()),
            "removed": sorted(old_rows.keys() - new_rows.keys()),
            "changed": changed,
            "columns_added": [f for f in new_fields if f not in old_fields and old_fields],
            "columns_removed": [f for f in old_fields if f not in new_fields and new_fields],
        }
        if any(entry.values()):
            result[name] = entry
    return result


def render(result: dict[str, Any]) -> list[str]:
    if not result:
        return ["no differences"]
    lines = []
    for name, entry in result.items():
        lines.append(
            f"{name}: {len(entry['added'])} added, {len(entry['removed'])} removed, "
            f"{len(entry['changed'])} changed"
        )
        lines += [f"  + column {c}" for c in entry["columns_added"]]
        lines += [f"  - column {c}" for c in entry["columns_removed"]]
        lines += [f"  + {key}" for key in entry["added"]]
        lines += [f"  - {key}" for key in entry["removed"]]
        for change in entry["changed"]:
            for field, values in change["fields"].items():
                lines.append(
                    f"  ~ {change['key']}: {field}: {values['old']!r} -> {values['new']!r}"
                )
    return lines

"""The record of released versions: each version's inputs digest, in ``releases.json``.

A version number names one dataset: the descriptor, schemas, CSVs and views it was
released with, summed up by :func:`cpcd.digests.inputs.inputs_digest`. Recording that
digest when a version is released lets the test suite tell when the data under a
released number changes, which must instead become a new version.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from cpcd.common.files import replace_file
from cpcd.common.problems import CpcdError

FILE_NAME = "releases.json"
VERSION = re.compile(r"\d+\.\d+\.\d+")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def _order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def read(path: Path) -> dict[str, str]:
    """Version -> inputs digest; an absent file is an empty record."""
    if not path.exists():
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise CpcdError(f"{path}: not valid JSON ({err})") from err
    if not isinstance(record, dict):
        raise CpcdError(f"{path}: expected an object of version -> inputs digest")
    bad = [
        f"{version!r}: {digest!r}"
        for version, digest in record.items()
        if not (VERSION.fullmatch(version) and isinstance(digest, str) and DIGEST.fullmatch(digest))
    ]
    if bad:
        raise CpcdError(
            f"{path}: each entry must be a version N.N.N and a sha256:<64 hex> digest: "
            + "; ".join(bad)
        )
    return record


def record(path: Path, version: str, digest: str) -> str | None:
    """Write ``version``'s digest into the record, versions in order; return the digest it
    replaced, if the version was recorded before (a release re-recorded after a merge)."""
    if not VERSION.fullmatch(version):
        raise CpcdError(f"{path}: version {version!r} is not of the form N.N.N")
    entries = read(path)
    previous = entries.get(version)
    entries[version] = digest
    ordered = {v: entries[v] for v in sorted(entries, key=_order)}
    replace_file(path, (json.dumps(ordered, indent=2) + "\n").encode("utf-8"))
    return previous


def record_version(descriptor: Path, path: Path) -> tuple[str, str, str | None]:
    """Record the descriptor's version with the digest of its inputs as they are now.

    A version is recorded only once CHANGELOG.md (beside the descriptor) has its dated
    entry: the number is then released and names these inputs. Returns the version, its
    digest and the digest it replaced, if any."""
    from cpcd.common import changelog
    from cpcd.digests.inputs import inputs_digest

    try:
        version = json.loads(descriptor.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise CpcdError(f"{descriptor}: cannot read the version ({err})") from err
    log = descriptor.parent / "CHANGELOG.md"
    entry = changelog.read(log).release(str(version))
    if entry is None or entry.date is None:
        raise CpcdError(f"{log}: no dated entry for version {version}: write it first")
    digest = inputs_digest(descriptor)
    return str(version), digest, record(path, str(version), digest)

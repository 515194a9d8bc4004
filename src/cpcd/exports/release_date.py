"""The time an export says it was made (``created``): never the clock, so that two builds
of one commit are byte-identical."""

from __future__ import annotations

from datetime import UTC, datetime

from cpcd.common import changelog
from cpcd.common.problems import CpcdError
from cpcd.metadata.model import Package


def created(package: Package, source_date_epoch: int | None = None) -> str:
    """``source_date_epoch`` (seconds since 1970, UTC) when given, else the release date of
    the package's version in the changelog beside its descriptor."""
    if source_date_epoch is not None:
        moment = datetime.fromtimestamp(source_date_epoch, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    path = package.descriptor_path.parent / "CHANGELOG.md"
    release = changelog.read(path).release(package.version)
    if release is not None and release.date:
        return f"{release.date}T00:00:00Z"
    raise CpcdError(
        f"{path}: no release entry '## [{package.version}] - YYYY-MM-DD' for this version; "
        "add one or set SOURCE_DATE_EPOCH"
    )

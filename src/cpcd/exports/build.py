"""Build: validate the data, then write the exports; nothing is written when anything fails."""

from __future__ import annotations

from pathlib import Path

from cpcd.checks.validate import Result, validate
from cpcd.common.problems import CpcdError
from cpcd.digests.inputs import inputs_digest
from cpcd.exports.release_date import created
from cpcd.exports.write import write_exports


def validated(
    descriptor: Path, data_dir: Path | None = None, refused: str = "the exports were not changed"
) -> Result:
    """The validated tables of ``data_dir`` (default: the descriptor's data), each in
    primary-key order; data that does not validate is refused, the error saying ``refused``."""
    result = validate(descriptor, data_dir)
    if not result.ok:
        raise CpcdError(f"validation failed; {refused}", result.problems, result.notices)
    return result


def build(
    descriptor: Path,
    out: Path,
    data_dir: Path | None = None,
    source_date_epoch: int | None = None,
) -> Result:
    """Validate ``data_dir`` (default: the descriptor's data) and export it to ``out``;
    ``source_date_epoch`` stands for the release date as the exports' ``created`` time."""
    result = validated(descriptor, data_dir)
    frames = {name: item.frame for name, item in result.data.items()}
    stamp = created(result.package, source_date_epoch)
    write_exports(result.package, frames, out, inputs_digest(descriptor, data_dir), stamp)
    return result

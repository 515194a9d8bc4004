"""Build: validate the data, then write the exports; nothing is written when anything fails."""

from __future__ import annotations

from pathlib import Path

from cpcd.export import write_exports
from cpcd.integrity import inputs_digest
from cpcd.problems import CpcdError
from cpcd.validate import Result, validate


def build(descriptor: Path, out: Path, data_dir: Path | None = None) -> Result:
    """Validate ``data_dir`` (default: the descriptor's data) and export it to ``out``."""
    result = validate(descriptor, data_dir)
    if not result.ok:
        raise CpcdError(
            "validation failed; the exports were not changed", result.problems, result.notices
        )
    frames = {name: item.frame for name, item in result.data.items()}
    write_exports(result.package, frames, out, inputs_digest(descriptor, data_dir))
    return result

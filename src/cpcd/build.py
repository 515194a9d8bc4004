"""Build: validate the data, then write the exports; nothing is written when anything fails."""

from __future__ import annotations

import time
from pathlib import Path

from cpcd.descriptor import DescriptorCheck
from cpcd.export import Step, canonical, write_exports
from cpcd.problems import CpcdError
from cpcd.validate import Result, validate


def build(
    descriptor: Path,
    data_dir: Path | None,
    out: Path,
    step: Step | None = None,
    descriptor_check: DescriptorCheck | None = None,
) -> Result:
    """Validate ``data_dir`` (default: the descriptor's data) and export it to ``out``."""
    start = time.perf_counter()
    result = validate(descriptor, data_dir, descriptor_check)
    if step is not None:
        step("validate", time.perf_counter() - start)
    if not result.ok:
        raise CpcdError(
            "validation failed; the exports were not changed", result.problems, result.notices
        )
    frames = {}
    for name, item in result.data.items():
        # The canonical frame replaces the one read, so a large table is held once.
        item.frame = frames[name] = canonical(item.frame, item.table)
    write_exports(result.package, frames, out, step)
    return result

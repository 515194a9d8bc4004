"""Where the exports are read from, and the per-user cache of an installed cpcd: exports
built on first use, one data version kept.

Each version of the packaged data is built into ``<cache>/<digest>/exports``
(:func:`exports_dir`). A folder cpcd made there holds a marker file;
once the current version is built, the other folders with that marker are
removed, so upgrades do not pile up copies. Folders without the marker are
never touched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from cpcd.common.paths import DESCRIPTOR, ROOT, cache_dir, is_checkout
from cpcd.digests.inputs import inputs_digest

MARKER = ".cpcd-cache"
MARKER_TEXT = (
    "Made by cpcd: the exports of one version of its packaged data. cpcd removes this folder "
    "when it builds another version.\n"
)


def exports_dir() -> Path:
    """The built exports: ``$CPCD_EXPORTS`` if set; in a checkout, ``exports/``; when
    installed, a folder of the per-user cache named by the digest of the packaged data,
    so that other data (an upgrade, a reinstall) never meets exports built before."""
    if os.environ.get("CPCD_EXPORTS"):
        return Path(os.environ["CPCD_EXPORTS"])
    if is_checkout():
        return ROOT / "exports"
    digest = inputs_digest(DESCRIPTOR).removeprefix("sha256:")
    return cache_dir() / digest[:32] / "exports"


def ensure_built(folder: Path) -> Path:
    """``folder``, the default export folder, built first when cpcd is installed and has not
    built this data yet (the marker put beside it, older versions removed)."""
    if not is_checkout() and not (folder / "datapackage.json").exists():
        from cpcd.exports.build import build

        build(DESCRIPTOR, folder)
        if folder.parent.parent.resolve() == cache_dir().resolve():
            (folder.parent / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            prune(folder.parent)
    return folder


def prune(current: Path) -> list[Path]:
    """Remove the cache folders cpcd made (they hold the marker) other than ``current``;
    return those removed."""
    removed = []
    for folder in sorted(Path(current).parent.iterdir()):
        if folder.resolve() == Path(current).resolve() or not (folder / MARKER).is_file():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed

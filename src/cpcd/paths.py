"""Where the package descriptor and the exports live.

The descriptor, schemas, CSVs and views travel as the ``cpcd_data`` package (the
repository root in a checkout or an editable install, package data in a wheel).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def _package_data() -> Path:
    spec = importlib.util.find_spec("cpcd_data")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parents[2]  # a source tree that is not installed


ROOT = _package_data()
DESCRIPTOR = ROOT / "datapackage.json"
DUCKDB_FILE = "cpcd.duckdb"
DOCS = ROOT / "docs"
COOKBOOK = DOCS / "queries.md"
DICTIONARY = DOCS / "data-dictionary.md"
FIGURES = DOCS / "figures"


def is_checkout() -> bool:
    """Whether cpcd runs from a repository (or an editable install of one), not a wheel."""
    return (ROOT / "pyproject.toml").is_file()


def is_checkout_exports(folder: Path) -> bool:
    """Whether ``folder`` is the checkout's own ``exports/``, the one held to its data."""
    return is_checkout() and Path(folder).resolve() == (ROOT / "exports").resolve()


def cache_dir() -> Path:
    """The per-user cache where an installed cpcd builds its exports (never site-packages)."""
    from platformdirs import user_cache_path

    return Path(os.environ.get("CPCD_CACHE") or user_cache_path("cpcd", appauthor=False))


def exports_dir() -> Path:
    """The built exports: ``$CPCD_EXPORTS`` if set; in a checkout, ``exports/``; when
    installed, a folder of the per-user cache named by the digest of the packaged data,
    so that other data (an upgrade, a reinstall) never meets exports built before."""
    if os.environ.get("CPCD_EXPORTS"):
        return Path(os.environ["CPCD_EXPORTS"])
    if is_checkout():
        return ROOT / "exports"
    from cpcd.integrity import inputs_digest

    digest = inputs_digest(DESCRIPTOR).removeprefix("sha256:")
    return cache_dir() / digest[:32] / "exports"


def needs_checkout(command: str, what: str) -> None:
    """Raise a clear error where a command needs files that only a repository has."""
    if not is_checkout():
        from cpcd.problems import CpcdError

        raise CpcdError(
            f"`cpcd {command}` needs a repository checkout: {what} is not installed with the "
            "package"
        )

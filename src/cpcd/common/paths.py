"""Where the package descriptor, its docs and a checkout's exports live.

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
    # A source tree that is not installed: the folder above this file that holds the data.
    return next(p for p in Path(__file__).resolve().parents if (p / "datapackage.json").is_file())


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


def needs_checkout(command: str, what: str) -> None:
    """Raise a clear error where a command needs files that only a repository has."""
    if not is_checkout():
        from cpcd.common.problems import CpcdError

        raise CpcdError(
            f"`cpcd {command}` needs a repository checkout: {what} is not installed with the "
            "package"
        )


def cache_dir() -> Path:
    """The per-user cache where an installed cpcd builds its exports and remembers checked
    descriptors (never site-packages)."""
    from platformdirs import user_cache_path

    return Path(os.environ.get("CPCD_CACHE") or user_cache_path("cpcd", appauthor=False))

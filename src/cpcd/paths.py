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


def exports_dir() -> Path:
    """The built exports: ``$CPCD_EXPORTS`` if set, else ``exports/`` beside the descriptor."""
    return Path(os.environ.get("CPCD_EXPORTS", ROOT / "exports"))

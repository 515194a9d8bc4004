"""Where the package descriptor and the exports live."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DESCRIPTOR = ROOT / "datapackage.json"
DUCKDB_FILE = "cpcd.duckdb"
COOKBOOK = ROOT / "docs" / "queries.md"


def exports_dir() -> Path:
    """The built exports: ``$CPCD_EXPORTS`` if set, else ``exports/`` beside the descriptor."""
    return Path(os.environ.get("CPCD_EXPORTS", ROOT / "exports"))

"""Python API: load the built tables into pandas, or query them with DuckDB.

Everything is read from an export directory (default ``exports/``), typed by the
schemas inlined in its own ``datapackage.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cpcd.metadata import Package, load_package
from cpcd.paths import DUCKDB_FILE, exports_dir
from cpcd.problems import CpcdError

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

BUILD_HINT = "run `make build` (or `cpcd build`) in the repository first"


def _exports(exports: Path | None) -> Path:
    folder = Path(exports) if exports is not None else exports_dir()
    if not (folder / "datapackage.json").exists():
        raise CpcdError(f"no exports found in {folder}: {BUILD_HINT}")
    return folder


def _package(exports: Path | None) -> Package:
    return load_package(_exports(exports) / "datapackage.json")


def tables(exports: Path | None = None) -> list[str]:
    """Names of the dataset's tables, in descriptor order."""
    return list(_package(exports).tables)


def load(name: str, exports: Path | None = None) -> pd.DataFrame:
    """One table as a typed DataFrame.

    Dates are datetime64, integers Int64, numbers Float64, booleans boolean,
    text string, and enum fields categorical.
    """
    import pyarrow.parquet as pq

    from cpcd.derive import cast_frame

    package = _package(exports)
    if name not in package.tables:
        raise CpcdError(f"no table named {name!r}; tables: {', '.join(package.tables)}")
    path = package.descriptor_path.parent / "parquet" / f"{name}.parquet"
    if not path.exists():
        raise CpcdError(f"{path} is missing: {BUILD_HINT}")
    return cast_frame(pq.read_table(path).to_pandas(), package.tables[name])


def connect(exports: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the built ``cpcd.duckdb``."""
    import duckdb

    path = _exports(exports) / DUCKDB_FILE
    if not path.exists():
        raise CpcdError(f"{path} is missing: {BUILD_HINT}")
    return duckdb.connect(str(path), read_only=True)

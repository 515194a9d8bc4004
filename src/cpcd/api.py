"""Python API: load the built tables into pandas, or query them with DuckDB.

Tables are read from an export directory (default ``exports/``), typed by the
schemas inlined in its own ``datapackage.json``. Where no export exists (cpcd
installed from a wheel), ``load`` and ``tables`` read the CSVs and schemas that
travel with the package, typed the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cpcd.metadata import Package, Table, load_package
from cpcd.paths import DESCRIPTOR, DUCKDB_FILE, exports_dir
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


def _package(exports: Path | None) -> tuple[Package, bool]:
    """The package to read, and whether it is the packaged CSVs rather than built exports.

    The packaged CSVs serve only when the caller named no exports and none are built.
    """
    if (
        exports is None
        and not (exports_dir() / "datapackage.json").exists()
        and DESCRIPTOR.exists()
    ):
        return load_package(DESCRIPTOR), True
    return load_package(_exports(exports) / "datapackage.json"), False


def tables(exports: Path | None = None) -> list[str]:
    """Names of the dataset's tables, in descriptor order."""
    return list(_package(exports)[0].tables)


def load(name: str, exports: Path | None = None) -> pd.DataFrame:
    """One table as a typed DataFrame.

    Dates are datetime64, integers Int64, numbers Float64, booleans boolean,
    text string, and enum fields categorical.
    """
    from cpcd.derive import cast_frame

    package, packaged = _package(exports)
    if name not in package.tables:
        raise CpcdError(f"no table named {name!r}; tables: {', '.join(package.tables)}")
    table = package.tables[name]
    if packaged:
        return cast_frame(_read_packaged(table), table)
    import pyarrow.parquet as pq

    path = package.descriptor_path.parent / "parquet" / f"{name}.parquet"
    if not path.exists():
        raise CpcdError(f"{path} is missing: {BUILD_HINT}")
    types = _nullable_types()
    return cast_frame(pq.read_table(path).to_pandas(types_mapper=types.get), table)


def _nullable_types() -> dict:
    import pandas as pd
    import pyarrow as pa

    # Through NumPy, an integer column with an empty cell becomes float64 and loses
    # digits past 2**53; these keep every value exact.
    return {
        pa.int64(): pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }


def _read_packaged(table: Table) -> pd.DataFrame:
    from cpcd.export import canonical
    from cpcd.read import read_table

    item = read_table(table)
    if item.frame is None or item.problems:
        raise CpcdError(f"the packaged {table.path} cannot be read", item.problems)
    return canonical(item.frame, table)


def connect(exports: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the built ``cpcd.duckdb``."""
    import duckdb

    path = _exports(exports) / DUCKDB_FILE
    if not path.exists():
        raise CpcdError(f"{path} is missing: {BUILD_HINT}")
    return duckdb.connect(str(path), read_only=True)

"""Python API: load the built tables into pandas, or query them with DuckDB.

Tables are read from an export directory, typed by the schemas inlined in its
own ``datapackage.json``. In a checkout that is ``exports/``, and a warning
says when ``data/``, ``schemas/`` or ``views/`` changed since it was built.
Installed from a wheel, cpcd builds its exports once per version of the
packaged data into a per-user cache folder, named by the data's digest, and
reads them from there.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from cpcd.common.paths import DESCRIPTOR, DUCKDB_FILE, is_checkout_exports
from cpcd.common.problems import CpcdError
from cpcd.digests.inputs import STALE_RULE, is_stale
from cpcd.exports.cache import ensure_built, exports_dir
from cpcd.metadata.load import load_package
from cpcd.metadata.model import Package

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

BUILD_HINT = "run `make build` (or `cpcd build`) in the repository first"


class StaleExportsWarning(UserWarning):
    """The exports read were built from other data than the checkout now holds."""


def _exports(exports: Path | None, stacklevel: int = 3) -> Path:
    """The export folder to read: the one named, else the default (built first when cpcd is
    installed and has not built this data yet)."""
    folder = Path(exports) if exports is not None else ensure_built(exports_dir())
    if not (folder / "datapackage.json").exists():
        raise CpcdError(f"no exports found in {folder}: {BUILD_HINT}")
    if is_checkout_exports(folder) and is_stale(folder, DESCRIPTOR):
        warnings.warn(f"{folder}: {STALE_RULE}", StaleExportsWarning, stacklevel=stacklevel)
    return folder


def _package(exports: Path | None) -> Package:
    return load_package(_exports(exports, stacklevel=4) / "datapackage.json")


def tables(exports: Path | None = None, role: str | None = None) -> list[str]:
    """Names of the dataset's tables, in descriptor order; with ``role``, those of that role
    (``"fact"``, ``"bibliography"`` or ``"errata"``, as each schema declares it)."""
    package = _package(exports)
    if role is None:
        return list(package.tables)
    roles = sorted({table.role for table in package.tables.values() if table.role})
    if role not in roles:
        raise CpcdError(f"no table role {role!r}; roles: {', '.join(roles)}")
    return package.by_role(role)


def load(name: str, exports: Path | None = None) -> pd.DataFrame:
    """One table (or view) as a typed DataFrame.

    Dates are datetime64, integers Int64, numbers Float64, booleans boolean,
    text string, and enum fields categorical.
    """
    from cpcd.metadata.derive import cast_frame

    package = _package(exports)
    folder = package.descriptor_path.parent
    if name not in package.tables:
        views = _views(folder)
        if name not in views:
            raise CpcdError(
                f"no table or view named {name!r}; tables: {', '.join(package.tables)}; "
                f"views: {', '.join(views)}"
            )
        return _parquet_frame(folder / views[name])  # typed as the view's SQL types it
    return cast_frame(_parquet_frame(folder / "parquet" / f"{name}.parquet"), package.tables[name])


def _views(folder: Path) -> dict[str, str]:
    """The views an export holds (``cpcd:view`` resources), by name: their Parquet files."""
    from cpcd.metadata.load import read_json
    from cpcd.metadata.model import VIEW_KEY

    return {
        resource["name"].removesuffix("_parquet"): resource["path"]
        for resource in read_json(folder / "datapackage.json").get("resources", [])
        if resource.get(VIEW_KEY) and resource.get("format") == "parquet"
    }


def _parquet_frame(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq
    from pandas.api.extensions import ExtensionDtype
    from pandas.api.types import pandas_dtype

    from cpcd.metadata.types import TYPES

    if not path.exists():
        raise CpcdError(f"{path} is missing: {BUILD_HINT}")
    # Straight to the nullable dtypes: through NumPy, an integer column with an empty cell
    # would become float64 and lose digits past 2**53.
    dtypes = {t.arrow: pandas_dtype(t.pandas) for t in TYPES.values()}
    nullable = {
        arrow: dtype for arrow, dtype in dtypes.items() if isinstance(dtype, ExtensionDtype)
    }
    return pq.read_table(path).to_pandas(types_mapper=nullable.get)


def connect(exports: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the built ``cpcd.duckdb``."""
    import duckdb

    path = _exports(exports) / DUCKDB_FILE
    if not path.exists():
        raise CpcdError(f"{path} is missing: {BUILD_HINT}")
    return duckdb.connect(str(path), read_only=True)

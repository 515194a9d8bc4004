"""A summary of built exports: what ``cpcd info`` prints, as one plain dictionary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cpcd.common.problems import CpcdError
from cpcd.metadata.load import read_json
from cpcd.metadata.model import VIEW_KEY


def describe(out: Path) -> dict[str, Any]:
    """Version, creation date, DuckDB digest and, per table, rows, columns and CSV hash.

    Row counts come from the Parquet footers, so nothing is read in full.
    """
    import pyarrow.parquet as pq

    from cpcd.api import BUILD_HINT

    descriptor_path = out / "datapackage.json"
    if not descriptor_path.exists():
        raise CpcdError(f"no exports found in {out}: {BUILD_HINT}")
    descriptor = read_json(descriptor_path)
    tables = []
    for resource in descriptor.get("resources", []):
        if resource.get("format") != "csv" or resource.get(VIEW_KEY):
            continue
        name = resource["name"]
        parquet = out / "parquet" / f"{name}.parquet"
        if not parquet.exists():
            raise CpcdError(f"{parquet} is missing: {BUILD_HINT}")
        tables.append(
            {
                "name": name,
                "rows": pq.ParquetFile(parquet).metadata.num_rows,
                "columns": len(resource["schema"]["fields"]),
                "sha256": str(resource.get("hash", "")).removeprefix("sha256:"),
            }
        )
    return {
        "title": descriptor.get("title"),
        "version": descriptor.get("version"),
        "created": descriptor.get("created"),
        "duckdb_content_digest": descriptor.get("duckdb_content_digest"),
        "exports": str(out),
        "tables": tables,
    }

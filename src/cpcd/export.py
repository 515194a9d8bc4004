"""Write validated tables as CSV, Parquet and one DuckDB file, with hashes.

Everything is written into a new directory that replaces the previous export
only once complete (:mod:`cpcd.swap`); the CSV text is :mod:`cpcd.csv_text`'s,
the DuckDB file :mod:`cpcd.duckdb_file`'s.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cpcd.bibliography import bibtex, csl_json
from cpcd.csv_text import csv_bytes
from cpcd.derive import arrow_schema
from cpcd.duckdb_file import write_duckdb
from cpcd.integrity import DIGEST_KEY, INPUTS_KEY, sha256, write_sums
from cpcd.metadata import Package, Table
from cpcd.problems import CpcdError
from cpcd.swap import checkpoint, replaced_directory

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def canonical(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Rows sorted by primary key, columns in schema order."""
    ordered = frame[table.field_names].sort_values(list(table.primary_key), kind="stable")
    return ordered.reset_index(drop=True)


def arrow_table(frame: pd.DataFrame, table: Table) -> pa.Table:
    """An Arrow table built column by column from the derived schema (no pandas metadata)."""
    schema = arrow_schema(table)
    arrays = []
    for f, arrow_field in zip(table.fields, schema, strict=True):
        column = frame[f.name]
        if f.type == "date":
            array = pa.array(column, type=pa.timestamp("s"), from_pandas=True).cast(pa.date32())
        else:
            if isinstance(column.dtype, pd.CategoricalDtype):
                column = column.astype("string")
            array = pa.array(column, type=arrow_field.type, from_pandas=True)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema)


RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\] - (?P<date>\d{4}-\d{2}-\d{2})", re.MULTILINE)


def created(package: Package) -> str:
    """Build time from SOURCE_DATE_EPOCH, else the release date of this version in the changelog.

    Never the clock, so that two builds of one commit are byte-identical.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    changelog = package.descriptor_path.parent / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    for match in RELEASE.finditer(text):
        if match["version"] == package.version:
            return f"{match['date']}T00:00:00Z"
    raise CpcdError(
        f"{changelog}: no release entry '## [{package.version}] - YYYY-MM-DD' for this version; "
        "add one or set SOURCE_DATE_EPOCH"
    )


def write_bibliography(sources: pd.DataFrame, out: Path) -> None:
    """``sources.csl.json`` (CSL-JSON) and ``sources.bib`` (BibLaTeX) from the sources table."""
    (out / "sources.csl.json").write_text(csl_json(sources), encoding="utf-8")
    (out / "sources.bib").write_text(bibtex(sources), encoding="utf-8")


def export_descriptor(package: Package, out: Path) -> dict[str, Any]:
    """The exports' datapackage.json: CSV and Parquet resources, inline schemas, sha256 hashes."""
    descriptor = {k: v for k, v in package.descriptor.items() if k != "resources"}
    descriptor["created"] = created(package)
    resources = []
    for name, table in package.tables.items():
        schema = table.schema
        csv_path = out / "csv" / f"{name}.csv"
        parquet_path = out / "parquet" / f"{name}.parquet"
        resources.append(
            {
                "name": name,
                "title": table.title,
                "description": table.description,
                "type": "table",
                "path": f"csv/{name}.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": csv_path.stat().st_size,
                "hash": f"sha256:{sha256(csv_path)}",
                "schema": schema,
            }
        )
        # No "bytes" here: frictionless rejects it for Parquet resources.
        resources.append(
            {
                "name": f"{name}_parquet",
                "title": f"{table.title} (Parquet)",
                "description": table.description,
                "type": "table",
                "path": f"parquet/{name}.parquet",
                "scheme": "file",
                "format": "parquet",
                "mediatype": PARQUET_MEDIATYPE,
                "hash": f"sha256:{sha256(parquet_path)}",
                "schema": _parquet_schema(schema),
            }
        )
    descriptor["resources"] = resources
    return descriptor


def _parquet_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema for a Parquet resource.

    frictionless reads Parquet through pandas, which turns a null integer into the
    float NaN; declaring "nan" missing for integer fields lets it read them as null.
    """
    fields = [
        {**f, "missingValues": ["", "nan"]} if f.get("type") == "integer" else f
        for f in schema["fields"]
    ]
    return {**schema, "fields": fields}


def write_exports(
    package: Package, frames: dict[str, pd.DataFrame], out: Path, inputs: str
) -> None:
    """Write every export into ``out``, replacing the previous one whole; ``inputs`` is the
    digest of what they were built from (:func:`cpcd.integrity.inputs_digest`)."""
    with replaced_directory(out) as new:
        _write_all(package, frames, new, inputs)


def _write_all(package: Package, frames: dict[str, pd.DataFrame], out: Path, inputs: str) -> None:
    (out / "csv").mkdir()
    (out / "parquet").mkdir()
    for name, table in package.tables.items():
        parquet = out / "parquet" / f"{name}.parquet"
        pq.write_table(arrow_table(frames[name], table), parquet, compression="zstd")
    checkpoint("parquet")
    # Kept for speed (docs/benchmarks.md): DuckDB fills its file from the Parquet files in
    # a second thread while this one writes the CSV files; both run mostly outside
    # Python's lock, so two cores share the work.
    with ThreadPoolExecutor(max_workers=1) as pool:
        database = pool.submit(write_duckdb, package, out, created(package))
        for name, table in package.tables.items():
            (out / "csv" / f"{name}.csv").write_bytes(csv_bytes(frames[name], table))
        if "sources" in frames:
            write_bibliography(frames["sources"], out)
        digest = database.result()
    checkpoint("csv and duckdb")
    descriptor = export_descriptor(package, out)
    descriptor[DIGEST_KEY] = digest
    descriptor[INPUTS_KEY] = inputs
    (out / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_sums(out)
    checkpoint("written")

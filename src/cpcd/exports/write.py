"""Write validated tables as CSV, Parquet and one DuckDB file, with hashes.

Everything is written into a new directory that replaces the previous export
only once complete (:mod:`cpcd.common.swap`); the CSV text is :mod:`cpcd.exports.csv_text`'s,
the DuckDB file :mod:`cpcd.exports.duckdb_file`'s.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cpcd.common.hashing import file_sha256
from cpcd.common.paths import DUCKDB_FILE
from cpcd.common.swap import checkpoint, replaced_directory
from cpcd.digests.checksums import write_sums
from cpcd.digests.content import DIGEST_KEY
from cpcd.digests.inputs import INPUTS_KEY
from cpcd.exports.bibliography import write_bibliography
from cpcd.exports.csv_text import write_csv
from cpcd.exports.duckdb_file import write_duckdb
from cpcd.exports.statfiles import SPSS_DIR, STATA_DIR, write_stat_files
from cpcd.exports.workbook import WORKBOOK_FILE, write_workbook
from cpcd.metadata.model import FIELDS_KEY, VIEW_KEY, Package, Table

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
XLSX_MEDIATYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def canonical(frame: pa.Table, table: Table) -> pa.Table:
    """Rows sorted by primary key, columns in schema order."""
    return frame.select(table.field_names).sort_by([(k, "ascending") for k in table.primary_key])


def _file(out: Path, path: str, **about: Any) -> dict[str, Any]:
    """A resource for the file at ``out/path``: its description, size and sha256.

    No size for Parquet: frictionless compares it with the bytes it reads through
    pandas, and rejects it.
    """
    resource = {**about, "path": path, "scheme": "file"}
    if about.get("format") != "parquet":
        resource["bytes"] = (out / path).stat().st_size
    return {**resource, "hash": f"sha256:{file_sha256(out / path)}"}


def export_descriptor(
    package: Package, out: Path, digest: str, views: dict[str, dict], created: str
) -> dict[str, Any]:
    """The exports' datapackage.json: every file shipped, with its size and sha256. Each table
    and view as CSV and Parquet with its Table Schema inline, the bibliography files and the
    DuckDB file."""
    # The schemas are written out whole below: the shared fields file is not needed there.
    descriptor = {k: v for k, v in package.descriptor.items() if k not in ("resources", FIELDS_KEY)}
    descriptor["created"] = created
    resources = []
    csv_about = {"type": "table", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
    parquet_about = {"type": "table", "format": "parquet", "mediatype": PARQUET_MEDIATYPE}
    for name, table in package.tables.items():
        about = {"title": table.title, "description": table.description}
        resources.append(
            _file(out, f"csv/{name}.csv", name=name, **about, **csv_about, schema=table.schema)
        )
        parquet = _file(
            out, f"parquet/{name}.parquet", name=f"{name}_parquet", **about, **parquet_about,
            schema=_parquet_schema(table.schema),
        )  # fmt: skip
        resources.append(parquet)
    for name, schema in views.items():  # as write_duckdb made them, in name order
        about = {"title": f"View {name}", "description": schema["description"], VIEW_KEY: True}
        resources.append(
            _file(out, f"views/{name}.csv", name=name, **about, **csv_about, schema=schema)
        )
        resources.append(
            _file(out, f"views/{name}.parquet", name=f"{name}_parquet", **about,
                  **parquet_about, schema=_parquet_schema(schema))
        )  # fmt: skip
    if (out / "sources.csl.json").exists():
        resources.append(
            _file(out, "sources.csl.json", name="sources_csl_json", format="json",
                  mediatype="application/vnd.citationstyles.csl+json",
                  description="The sources as CSL-JSON, for citation managers.")
        )  # fmt: skip
        resources.append(
            _file(out, "sources.bib", name="sources_bib", format="bib",
                  mediatype="application/x-bibtex",
                  description="The sources as BibLaTeX (@online for web pages).")
        )  # fmt: skip
    resources += _reader_files(package, out)
    # The DuckDB file's bytes differ from build to build (DuckDB writes its own ids), so
    # it carries the digest of its content instead of a hash of its bytes.
    resources.append(
        {"name": "cpcd_duckdb", "path": DUCKDB_FILE, "scheme": "file", "format": "duckdb",
         "mediatype": "application/vnd.duckdb",
         "description": "Every table with its keys and constraints, and the analytic views, in "
         f"one DuckDB file; {DIGEST_KEY} is the digest of its content.",
         DIGEST_KEY: digest}
    )  # fmt: skip
    descriptor["resources"] = resources
    return descriptor


def _reader_files(package: Package, out: Path) -> list[dict[str, Any]]:
    """The workbook and the Stata and SPSS files, where the build wrote them.

    No "type": the Data Package profile allows only "table". Formats "excel" and "spss"
    rather than the extensions xlsx and sav, which frictionless would read as tables (and
    fail without its Excel and SPSS extras); the mediatype names each file's format.
    """
    resources = []
    if (out / WORKBOOK_FILE).exists():
        resources.append(
            _file(out, WORKBOOK_FILE, name="cpcd_xlsx", format="excel", mediatype=XLSX_MEDIATYPE,
                  description="Every table and the views timeline, security_incidents_by_area "
                  "and terrorism_annual as sheets of one Excel workbook, with an About sheet "
                  "and a Columns sheet describing every column.")
        )  # fmt: skip
    for name, table in package.tables.items():
        for path, fmt, mediatype, program in (
            (f"{STATA_DIR}/{name}.dta", "dta", "application/x-stata-dta", "Stata"),
            (f"{SPSS_DIR}/{name}.sav", "spss", "application/x-spss-sav", "SPSS"),
        ):
            if (out / path).exists():
                about = f"{table.title} as a {program} file: variable and value labels, enums "
                resources.append(
                    _file(out, path, name=f"{name}_{Path(path).suffix[1:]}", format=fmt,
                          mediatype=mediatype,
                          description=about + "coded 1, 2, ... in schema order.")
                )  # fmt: skip
    return resources


def _parquet_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema for a Parquet resource.

    frictionless reads Parquet through pandas, which turns a null integer or number into
    the float NaN; declaring "nan" missing for those fields lets it read them as null.
    """
    fields = [
        {**f, "missingValues": ["", "nan"]} if f.get("type") in ("integer", "number") else f
        for f in schema["fields"]
    ]
    return {**schema, "fields": fields}


def write_exports(
    package: Package, frames: dict[str, pa.Table], out: Path, inputs: str, created: str
) -> None:
    """Write every export into ``out``, replacing the previous one whole; ``inputs`` is the
    digest of what they were built from (:func:`cpcd.digests.inputs.inputs_digest`), ``created``
    the time they say they were made (:func:`cpcd.exports.release_date.created`)."""
    with replaced_directory(out) as new:
        _write_all(package, frames, new, inputs, created)


def _write_all(
    package: Package, frames: dict[str, pa.Table], out: Path, inputs: str, created: str
) -> None:
    (out / "csv").mkdir()
    (out / "parquet").mkdir()
    for name in package.tables:
        parquet = out / "parquet" / f"{name}.parquet"
        pq.write_table(frames[name], parquet, compression="zstd")
    checkpoint("parquet")
    # Kept for speed (docs/benchmarks.md): DuckDB fills its file from the Parquet files in
    # a second thread while this one writes the CSV files; both run mostly outside
    # Python's lock, so two cores share the work.
    with ThreadPoolExecutor(max_workers=1) as pool:
        database = pool.submit(write_duckdb, package, out, created)
        for name, table in package.tables.items():
            with (out / "csv" / f"{name}.csv").open("wb") as fh:
                write_csv(frames[name], table, fh)
        if "sources" in frames:
            write_bibliography(frames["sources"], out)
        write_stat_files(package, out, created)
        digest, views = database.result()
    write_workbook(package, out, views, created)
    checkpoint("csv and duckdb")
    descriptor = export_descriptor(package, out, digest, views, created)
    descriptor[DIGEST_KEY] = digest
    descriptor[INPUTS_KEY] = inputs
    (out / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    write_sums(out)
    checkpoint("written")

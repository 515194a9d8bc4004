"""Write validated tables as CSV, Parquet and one DuckDB file, with hashes.

All files go into a temporary directory beside the output directory; only when
everything is written is it swapped in, so readers never see a half-written
export and a failed or killed build leaves the previous one whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cpcd.bibliography import bibtex, csl_json
from cpcd.derive import arrow_schema, duckdb_ddl, duckdb_primary_key
from cpcd.integrity import DIGEST_KEY, METADATA_TABLE, content_digest, sha256, write_sums
from cpcd.metadata import Package, Table
from cpcd.paths import DUCKDB_FILE
from cpcd.problems import CpcdError
from cpcd.sql import identifier, literal
from cpcd.views import create_views, export_views, load_views

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
DUCKDB_BLOCK_SIZE = 16384
Step = Callable[[str, float], None]


def canonical(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Rows sorted by primary key, columns in schema order."""
    ordered = frame[table.field_names].sort_values(list(table.primary_key), kind="stable")
    return ordered.reset_index(drop=True)


def number_text(value: float) -> str:
    """A number as the CSV writes it: the shortest text that reads back exactly, no '.0'."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _text_column(column: pd.Series, field_type: str) -> pa.Array:
    """A column as the text of its cells (null stays null), formatted by Arrow.

    Dates and times go through Arrow's ISO casts (strftime is twenty times slower):
    ``YYYY-MM-DD`` and ``YYYY-MM-DD HH:MM:SSZ``, whose space becomes the ``T``.
    """
    if field_type == "number":  # repr, not Arrow: the shortest text that reads back exactly
        return pa.array(column.astype(object).map(number_text, na_action="ignore"), pa.string())
    array = pa.array(column, from_pandas=True)
    if field_type == "date":
        return pc.cast(pc.cast(array, pa.date32()), pa.string())
    if field_type == "datetime":
        text = pc.cast(pc.cast(array, pa.timestamp("s", tz="UTC")), pa.string())
        return pc.replace_substring(text, " ", "T", max_replacements=1)
    if field_type == "boolean":
        return pc.if_else(array, "true", "false")
    return pc.cast(array, pa.string())


def text_table(frame: pd.DataFrame, table: Table) -> pa.Table:
    """Every column as text, in schema order: what the canonical CSV holds."""
    return pa.table({f.name: _text_column(frame[f.name], f.type) for f in table.fields})


# RFC 4180: a cell holding a comma, a quote, a line feed or a carriage return is quoted.
# (Python's csv module with "\n" line ends does not quote a carriage return, which CSV
# readers take for a line break.)
NEEDS_QUOTES = '[,"\n\r]'


def _csv_cells(text: pa.ChunkedArray, field_type: str) -> pa.ChunkedArray:
    """Cells as CSV text: quoted (quotes doubled) where needed, empty for missing values.

    Only text can hold a comma, a quote or a line break; a column that holds none
    is passed through.
    """
    text = pc.cast(text, pa.large_string())
    nothing = _large("")
    if field_type == "string":
        needs = pc.fill_null(pc.match_substring_regex(text, NEEDS_QUOTES), False)
        if pc.any(needs).as_py():
            quote = _large('"')
            doubled = pc.replace_substring(text, '"', '""')
            quoted = pc.binary_join_element_wise(quote, doubled, quote, nothing)
            text = pc.if_else(needs, quoted, text)
    return pc.fill_null(text, nothing)


def _values(strings: pa.Array) -> bytes:
    """The concatenated text of a large-string array, read from its data buffer."""
    _, offsets, data = strings.buffers()
    first = strings.offset
    ends = np.frombuffer(offsets, dtype=np.int64)[first : first + len(strings) + 1]
    return memoryview(data)[ends[0] : ends[-1]].tobytes()


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def csv_bytes(frame: pd.DataFrame, table: Table) -> bytes:
    """The canonical CSV: UTF-8, LF, a header, minimal quoting, empty cell for missing values.

    Built column by column with Arrow string kernels, so a million rows take about
    a second; the text is that of Python's csv writer.
    """
    header = ",".join(table.field_names) + "\n"
    if frame.empty:
        return header.encode("utf-8")
    texts = text_table(frame, table).columns
    cells = [_csv_cells(text, f.type) for text, f in zip(texts, table.fields, strict=True)]
    # The last cell carries the line end, so the rows are joined in one pass.
    cells[-1] = pc.binary_join_element_wise(cells[-1], _large(""), _large("\n"))
    lines = pc.binary_join_element_wise(*cells, _large(","))
    chunks = lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]
    body = b"".join(_values(chunk) for chunk in chunks if len(chunk))
    return header.encode("utf-8") + body


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


def write_duckdb(package: Package, out: Path) -> str:
    """Every table with its constraints and comments, filled from the Parquet files;
    then the analytic views, also exported to ``views/`` as CSV and Parquet."""
    import duckdb

    views = load_views(package.descriptor_path.parent / "views")
    con = duckdb.connect()
    try:
        # DuckDB's default 256 KiB blocks make a file of a few hundred rows some 13 MB;
        # 16 KiB blocks (the smallest DuckDB allows) hold the same content in a tenth.
        con.execute(f"ATTACH {literal(out / DUCKDB_FILE)} AS cpcd (BLOCK_SIZE {DUCKDB_BLOCK_SIZE})")
        con.execute("USE cpcd")
        con.execute("SET TimeZone = 'UTC'")
        for name in package.load_order():  # a table's key is in place before its children
            table = package.tables[name]
            for statement in duckdb_ddl(table, key_after_load=True):
                con.execute(statement)
            parquet = (out / "parquet" / f"{name}.parquet").as_posix()
            con.execute(f"INSERT INTO {identifier(name)} SELECT * FROM read_parquet(?)", [parquet])
            con.execute(duckdb_primary_key(table))
        create_views(con, views)
        if views:
            export_views(con, views, out / "views")
        digest = content_digest(con)
        con.execute(
            f"CREATE TABLE {METADATA_TABLE} (version VARCHAR NOT NULL, "
            "created TIMESTAMPTZ NOT NULL, digest VARCHAR NOT NULL)"
        )
        con.execute(
            f"COMMENT ON TABLE {METADATA_TABLE} IS 'The dataset version, its release time and the "
            "content digest of every other table and view in this file.'"
        )
        for column, text in (
            ("version", "Version of the dataset (semantic versioning)."),
            ("created", "Release time of this version (UTC)."),
            ("digest", "sha256 over a canonical dump of every other table and view, sorted."),
        ):
            con.execute(f"COMMENT ON COLUMN {METADATA_TABLE}.{column} IS {literal(text)}")
        con.execute(
            f"INSERT INTO {METADATA_TABLE} VALUES (?, ?, ?)",
            [package.version, created(package), digest],
        )
    finally:
        con.close()
    return digest


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


def _timed_call(function: Callable[..., str], *args: Any) -> tuple[str, float]:
    start = time.perf_counter()
    return function(*args), time.perf_counter() - start


@contextlib.contextmanager
def _timed(step: Step | None, name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    if step is not None:
        step(name, time.perf_counter() - start)


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that builds into it take turns."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


KILL_AT = "CPCD_KILL_AT"  # a test hook: the build kills itself at the named checkpoint


def _checkpoint(name: str) -> None:
    """Where a test may stop the build dead (SIGKILL), to prove a killed build harms nothing."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _recover(out: Path) -> None:
    """Undo a swap that was killed between its two renames: the previous export is put
    back where readers look for it."""
    if out.exists():
        return
    for leftover in sorted(out.parent.glob(f".{out.name}.old-*")):
        previous = leftover / "exports"
        if previous.is_dir():
            os.rename(previous, out)
            return


def _remove_leftovers(out: Path) -> None:
    """Temporary directories of builds that were killed before they could clean up."""
    for leftover in out.parent.glob(f".{out.name}.*-*"):
        if leftover.is_dir() and leftover.name.split(".")[-1].startswith(("tmp-", "old-")):
            shutil.rmtree(leftover, ignore_errors=True)


def write_exports(
    package: Package, frames: dict[str, pd.DataFrame], out: Path, step: Step | None = None
) -> None:
    """Write every export into ``out`` atomically (see module docstring).

    Builds into the same directory take turns; a build killed at any point
    leaves the previous export whole, and the next build removes what it left.
    """
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(out.parent):
        _recover(out)
        _remove_leftovers(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            _write_all(package, frames, tmp, step)
            _swap_in(tmp, out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _write_all(
    package: Package, frames: dict[str, pd.DataFrame], tmp: Path, step: Step | None
) -> None:
    (tmp / "csv").mkdir()
    (tmp / "parquet").mkdir()
    with _timed(step, "parquet"):
        for name, table in package.tables.items():
            pq.write_table(
                arrow_table(frames[name], table),
                tmp / "parquet" / f"{name}.parquet",
                compression="zstd",
            )
    _checkpoint("parquet")
    # DuckDB loads the Parquet files in a second thread while this one writes the
    # CSV files: both run mostly outside Python's lock, so two cores share the work.
    with ThreadPoolExecutor(max_workers=1) as pool:
        database = pool.submit(_timed_call, write_duckdb, package, tmp)
        with _timed(step, "csv"):
            for name, table in package.tables.items():
                (tmp / "csv" / f"{name}.csv").write_bytes(csv_bytes(frames[name], table))
        if "sources" in frames:
            with _timed(step, "bibliography"):
                write_bibliography(frames["sources"], tmp)
        digest, seconds = database.result()
    _checkpoint("csv and duckdb")
    if step is not None:
        step("duckdb", seconds)
    with _timed(step, "descriptor and checksums"):
        descriptor = export_descriptor(package, tmp)
        descriptor[DIGEST_KEY] = digest
        (tmp / "datapackage.json").write_text(
            json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        write_sums(tmp)
    _checkpoint("written")


def _swap_in(new: Path, out: Path) -> None:
    """Put ``new`` at ``out`` by two renames, the previous export moved aside first.

    A build killed between the renames leaves the previous export whole beside
    ``out``; the next build puts it back (:func:`_recover`) before anything else.
    """
    if not out.exists():
        os.rename(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, old / "exports")
    _checkpoint("swap")
    os.rename(new, out)
    new.mkdir()
    shutil.rmtree(old, ignore_errors=True)

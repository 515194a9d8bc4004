"""End to end: build, then read every export back and compare it with data/*.csv."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import (
    DATA,
    DESCRIPTOR,
    ROOT,
    TABLES,
    copy_package,
    frictionless_validate,
    read_rows,
    run_cli,
    schema,
)

import cpcd
from cpcd.common.problems import CpcdError
from cpcd.exports.build import build
from cpcd.releases.verify import verify

BIN = Path(sys.executable).parent


def expected(table):
    return read_rows(DATA / f"{table}.csv", table)


def key_columns(table):
    return schema(table)["primaryKey"]


@pytest.mark.parametrize("table", TABLES)
def test_csv_export_equals_the_source(exports, table):
    assert read_rows(exports / "csv" / f"{table}.csv", table) == expected(table)


@pytest.mark.parametrize("table", TABLES)
def test_csv_export_is_sorted_by_primary_key_in_schema_order(exports, table):
    text = (exports / "csv" / f"{table}.csv").read_bytes()
    assert b"\r" not in text
    header = text.decode().split("\n", 1)[0].split(",")
    assert header == [f["name"] for f in schema(table)["fields"]]
    frame = pd.read_csv(exports / "csv" / f"{table}.csv", dtype=str, keep_default_na=False)
    keys = key_columns(table)
    rows = list(frame[keys].itertuples(index=False))
    types = {f["name"]: f["type"] for f in schema(table)["fields"]}
    typed = [
        tuple(int(v) if types[k] == "integer" else v for k, v in zip(keys, row, strict=True))
        for row in rows
    ]
    assert typed == sorted(typed)


@pytest.mark.parametrize("table", TABLES)
def test_parquet_export_equals_the_source(exports, table):
    arrow = pq.read_table(exports / "parquet" / f"{table}.parquet")
    assert arrow.to_pylist() == expected(table)


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_table_equals_the_source(exports, table):
    con = cpcd.connect(exports)
    order = ", ".join(key_columns(table))
    cursor = con.execute(f"select * from {table} order by {order}")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert rows == expected(table)


def _python(value, field_type):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if field_type == "date":
        return value.date()
    if field_type == "datetime":
        return value.to_pydatetime()
    if field_type in ("integer",):
        return int(value)
    if field_type == "boolean":
        return bool(value)
    return value if field_type != "number" else float(value)


@pytest.mark.parametrize("table", TABLES)
def test_load_returns_the_source_typed(exports, table):
    frame = cpcd.load(table, exports=exports)
    fields = schema(table)["fields"]
    rows = [
        {f["name"]: _python(row[f["name"]], f["type"]) for f in fields}
        for row in frame.to_dict("records")
    ]
    assert rows == expected(table)
    for f in fields:
        dtype = frame[f["name"]].dtype
        if "enum" in f.get("constraints", {}):
            assert isinstance(dtype, pd.CategoricalDtype)
            assert list(dtype.categories) == f["constraints"]["enum"]
        else:
            assert (
                str(dtype)
                == {
                    "string": "string",
                    "integer": "Int64",
                    "number": "Float64",
                    "boolean": "boolean",
                    "date": "datetime64[s]",
                    "datetime": "datetime64[s, UTC]",
                }[f["type"]]
            )


def test_typed_values_round_trip_for_a_known_row(exports):
    """PakSat-1R as the paper and its corrections give it (section 2.5, reference [26])."""
    row = (
        cpcd.load("satellite_launches", exports=exports).set_index("satellite_id").loc["paksat_1r"]
    )
    assert row["launch_date"] == pd.Timestamp("2011-08-11")
    assert row["launch_datetime_utc"] == pd.Timestamp(datetime(2011, 8, 11, 16, 15, 4), tz="UTC")
    assert row["norad_id"] == 37779
    assert bool(row["in_paper"]) is True
    assert row["citation_number"] == 26


def test_sha256sums_and_descriptor_hashes_match_the_files(exports):
    sums = {}
    for line in (exports / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    expected_files = {f"csv/{t}.csv" for t in TABLES} | {f"parquet/{t}.parquet" for t in TABLES}
    # The DuckDB file is not byte-reproducible: its content digest stands for it (test_release).
    others = {"datapackage.json", "sources.csl.json", "sources.bib", "cpcd.xlsx"}
    readers = {f"stata/{t}.dta" for t in TABLES} | {f"spss/{t}.sav" for t in TABLES}
    # The views written in views/ and the two generated from the schemas.
    names = {p.stem for p in (ROOT / "views").glob("*.sql")} | {"fact_rows", "timeline"}
    views = {f"views/{name}.{ext}" for name in names for ext in ("csv", "parquet")}
    assert expected_files | others | views | readers == set(sums)
    for name, digest in sums.items():
        assert hashlib.sha256((exports / name).read_bytes()).hexdigest() == digest, name
    descriptor = json.loads((exports / "datapackage.json").read_text())
    # Every file shipped is a resource, the DuckDB file too; only the two files that
    # describe the others are not.
    shipped = {p.relative_to(exports).as_posix() for p in exports.rglob("*") if p.is_file()}
    paths = [resource["path"] for resource in descriptor["resources"]]
    assert sorted(paths) == sorted(shipped - {"datapackage.json", "SHA256SUMS"})
    for resource in descriptor["resources"]:
        if resource["path"] == "cpcd.duckdb":  # its bytes change with every build
            assert resource["duckdb_content_digest"] == descriptor["duckdb_content_digest"]
            continue
        data = (exports / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        if resource["format"] != "parquet":
            assert resource["bytes"] == len(data)
    assert descriptor["version"] == json.loads(DESCRIPTOR.read_text())["version"]


def test_frictionless_validates_the_exports_descriptor(exports):
    done = frictionless_validate(exports)
    assert done.returncode == 0, done.stdout[-3000:]


def test_duckdb_file_has_constraints_and_comments(exports):
    con = cpcd.connect(exports)
    tables = dict(
        con.execute("select table_name, comment from duckdb_tables() where not internal").fetchall()
    )
    assert set(tables) == {*TABLES, "cpcd_metadata"}
    assert all(tables.values())
    undocumented = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where not internal and (comment is null or comment = '') "
        "and table_name in (select table_name from duckdb_tables())"
    ).fetchall()
    assert undocumented == []
    views = dict(
        con.execute("select view_name, comment from duckdb_views() where not internal").fetchall()
    )
    assert set(views) == {p.stem for p in (ROOT / "views").glob("*.sql")} | {
        "fact_rows",
        "timeline",
    }
    assert all(views.values())
    undescribed = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where (comment is null or comment = '') and table_name in "
        "(select view_name from duckdb_views() where not internal)"
    ).fetchall()
    assert undescribed == []
    kinds = {
        row[0] for row in con.execute("select constraint_type from duckdb_constraints()").fetchall()
    }
    assert {"PRIMARY KEY", "FOREIGN KEY", "CHECK", "NOT NULL"} <= kinds


def test_duckdb_tables_carry_the_schemas_keys(exports, tmp_path):
    # Primary keys are added after the rows are loaded; each must be there, as in the schema.
    import duckdb

    copy = tmp_path / "copy.duckdb"
    shutil.copy(exports / "cpcd.duckdb", copy)
    con = duckdb.connect(str(copy))
    constraints = con.execute(
        "select table_name, constraint_type, constraint_column_names from duckdb_constraints() "
        "where constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')"
    ).fetchall()
    keys = {t: columns for t, kind, columns in constraints if kind == "PRIMARY KEY"}
    expected = {}
    for table in TABLES:
        key = schema(table)["primaryKey"]
        expected[table] = [key] if isinstance(key, str) else key
    assert keys == expected
    for table in TABLES:
        foreign = [c for t, kind, c in constraints if t == table and kind == "FOREIGN KEY"]
        # DuckDB checks a key against rows already stored, so a key into the table itself
        # (rows loaded together naming each other) is left to cpcd validate.
        declared = [
            fk
            for fk in schema(table).get("foreignKeys", [])
            if fk["reference"]["resource"] != table
        ]
        assert len(foreign) == len(declared), table
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into errata select * from errata limit 1")


def test_connect_is_read_only(exports):
    import duckdb

    con = cpcd.connect(exports)
    with pytest.raises(duckdb.Error):
        con.execute("delete from errata")
    with pytest.raises(duckdb.Error):
        con.execute("create table scratch (x integer)")


# What copy_package writes, plus the exports: no temporary directory beside them.
PACKAGE_AND_EXPORTS = ["CHANGELOG.md", "data", "datapackage.json", "exports", "schemas", "views"]


def test_a_failed_build_leaves_the_previous_exports_untouched(tmp_path, exports):
    descriptor = copy_package(tmp_path)
    out = tmp_path / "exports"
    shutil.copytree(exports, out)  # the previous build: the session's, of the same files
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    events = tmp_path / "data" / "bilateral_events.csv"
    events.write_text(events.read_text().replace(",diplomacy,", ",diplomacyy,", 1))
    with pytest.raises(CpcdError):
        build(descriptor, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == PACKAGE_AND_EXPORTS


def test_a_rebuild_replaces_the_exports_and_leaves_no_temporary_directory(tmp_path, exports):
    descriptor = copy_package(tmp_path)
    out = tmp_path / "exports"
    shutil.copytree(exports, out)  # the previous build: the session's, of the same files
    (out / "stale.txt").write_text("from an older build")
    build(descriptor, out)
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == PACKAGE_AND_EXPORTS


def test_api_without_exports_says_how_to_build(tmp_path):
    for call in (
        lambda: cpcd.load("errata", exports=tmp_path),
        lambda: cpcd.connect(tmp_path),
        lambda: cpcd.tables(tmp_path),
    ):
        with pytest.raises(CpcdError, match="make build"):
            call()


def test_api_names_the_tables(exports):
    assert cpcd.tables(exports) == TABLES
    with pytest.raises(CpcdError, match="no table or view named 'references'"):
        cpcd.load("references", exports=exports)


def test_dates_are_days_not_padded_guesses(exports):
    """A year-precision event spans its whole year (section 2.1: the 2010 memorandum)."""
    events = cpcd.load("bilateral_events", exports=exports).set_index("event_id")
    row = events.loc["cultural_centres_memorandum"]
    assert (row["date"], row["date_precision"]) == ("2010", "year")
    assert row["date_start"].date() == date(2010, 1, 1)
    assert row["date_end"].date() == date(2010, 12, 31)


def test_a_path_with_a_quote_builds_and_verifies(tmp_path):
    """An apostrophe in the output path reaches DuckDB as a path, not as broken SQL."""
    out = tmp_path / "it's" / "exports"
    done = run_cli("build", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert (out / "views" / "timeline.csv").exists()
    assert verify(out) == []


@pytest.mark.parametrize(
    "text", ["{not json", "[]", '{"resources": 3}', '{"resources": [{"name": "x"}]}']
)
def test_verify_reports_a_broken_descriptor(exports, tmp_path, text):
    """A broken exports/datapackage.json is a problem named by file, with exit status 1."""
    folder = tmp_path / "exports"
    shutil.copytree(exports, folder)
    (folder / "datapackage.json").write_text(text, encoding="utf-8")
    done = run_cli("verify", "--exports", str(folder))
    assert done.returncode == 1, done.stderr
    assert f"{folder / 'datapackage.json'}:" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_the_duckdb_file_is_small(exports):
    """With DuckDB's default 256 KiB blocks the shipped rows made a 13 MB file; with 16 KiB
    blocks they take about 1 MB, and a plain read-only connection still opens it."""
    import duckdb

    path = exports / "cpcd.duckdb"
    assert path.stat().st_size < 3 * 1024 * 1024
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("select count(*) from errata").fetchone()[0] == len(expected("errata"))
    finally:
        con.close()


@pytest.mark.parametrize("table", TABLES)
def test_each_parquet_file_carries_its_table_schema(exports, table):
    """Enums, units, keys and the declared rules reach an Arrow reader without the repository."""
    metadata = pq.read_schema(exports / "parquet" / f"{table}.parquet").metadata
    assert json.loads(metadata[b"table_schema"]) == schema(table)


def test_load_reads_a_view_as_its_csv_export(exports):
    """A view loads by name like a table, with the rows its CSV export holds."""
    frame = cpcd.load("fact_rows", exports=exports)
    with (exports / "views" / "fact_rows.csv").open(encoding="utf-8", newline="") as fh:
        expected = list(csv.DictReader(fh))
    assert len(frame) == len(expected) > 0
    assert list(frame.columns) == list(expected[0])
    assert list(frame["row_id"]) == [row["row_id"] for row in expected]
    assert str(frame["citation_number"].dtype) == "Int64"
    with pytest.raises(CpcdError, match="no table or view named 'fact_row'"):
        cpcd.load("fact_row", exports=exports)


def test_tables_of_a_role_are_those_whose_schema_declares_it(exports):
    # The role each schema file declares, read here straight from the files.
    declared = {
        path.stem: json.loads(path.read_text(encoding="utf-8")).get("cpcd:role")
        for path in (ROOT / "schemas").glob("*.json")
    }
    for role in ("fact", "bibliography", "errata"):
        expected = {name for name, declared_role in declared.items() if declared_role == role}
        assert expected, role
        assert set(cpcd.tables(exports, role=role)) == expected
    with pytest.raises(CpcdError, match="no table role 'facts'"):
        cpcd.tables(exports, role="facts")

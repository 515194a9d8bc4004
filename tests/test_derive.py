"""Every library schema is derived from the Table Schema files, and follows them."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import DESCRIPTOR, copy_package

import cpcd
from cpcd.build import build
from cpcd.derive import arrow_schema, duckdb_ddl, pandas_dtype, pandera_schema
from cpcd.metadata_load import load_package


def pandas_dtypes(table):
    return {f.name: pandas_dtype(f) for f in table.fields}


@pytest.fixture(scope="module")
def package():
    return load_package(DESCRIPTOR)


def test_pandas_dtypes_follow_field_types(package):
    dtypes = pandas_dtypes(package.tables["satellite_launches"])
    assert dtypes["launch_date"] == "datetime64[s]"
    assert str(dtypes["launch_datetime_utc"]) == "datetime64[s, UTC]"
    assert dtypes["norad_id"] == pd.Int64Dtype()
    assert dtypes["in_paper"] == pd.BooleanDtype()
    assert dtypes["satellite_name"] == pd.StringDtype()
    assert list(dtypes["launch_vehicle"].categories)[:2] == ["Long March 2C", "Long March 2D"]
    assert pandas_dtypes(package.tables["terrorism_statistics"])["value"] == pd.Float64Dtype()


def test_arrow_schema_types_and_nullability(package):
    schema = arrow_schema(package.tables["satellite_launches"])
    assert schema.field("launch_date").type == pa.date32()
    assert schema.field("launch_datetime_utc").type == pa.timestamp("s", tz="UTC")
    assert schema.field("norad_id").type == pa.int64()
    assert schema.field("norad_id").nullable
    assert not schema.field("satellite_id").nullable
    assert schema.field("in_paper").type == pa.bool_()
    assert schema.field("orbit").metadata[b"description"] == b"Orbit the satellite was placed in."


def test_duckdb_ddl_carries_keys_checks_and_comments(package):
    statements = duckdb_ddl(package.tables["project_partners"])
    create = statements[0]
    assert 'PRIMARY KEY ("project_id", "organisation")' in create
    assert 'FOREIGN KEY ("project_id") REFERENCES "agricultural_projects" ("project_id")' in create
    assert (
        "\"role\" VARCHAR NOT NULL CHECK (\"role\" IN ('funding', 'implementing', 'partner'))"
        in create
    )
    assert (
        '"citation_number" BIGINT CHECK ("citation_number" >= 1) CHECK ("citation_number" <= 50)'
        in create
    )
    assert any(s.startswith('COMMENT ON COLUMN "project_partners"."role" IS') for s in statements)


def test_duckdb_ddl_rejects_what_the_schema_forbids(package):
    con = duckdb.connect()
    for name in package.load_order():
        for statement in duckdb_ddl(package.tables[name]):
            con.execute(statement)
    con.execute(
        "insert into sources (source_id, csl_type, title, language) "
        "values ('a_source', 'webpage', 'T', 'en')"
    )
    with pytest.raises(duckdb.ConstraintException):  # enum
        con.execute(
            "insert into sources (source_id, csl_type, title, language) "
            "values ('b_source', 'blog', 'T', 'en')"
        )
    with pytest.raises(duckdb.ConstraintException):  # pattern
        con.execute(
            "insert into sources (source_id, csl_type, title, language) "
            "values ('Bad Id', 'webpage', 'T', 'en')"
        )
    with pytest.raises(duckdb.ConstraintException):  # foreign key
        con.execute("insert into citations values (1, 'missing_source', 'x')")
    with pytest.raises(duckdb.ConstraintException):  # maximum
        con.execute("insert into citations values (51, 'a_source', 'x')")


def test_pandera_schema_checks_each_constraint(package):
    schema = pandera_schema(package.tables["citations"])
    frame = pd.DataFrame(
        {
            "citation_number": pd.array([1, 1, 99], dtype="Int64"),
            "source_id": pd.array(["ok_id", "Not OK", "ok_id"], dtype="string"),
            "text_as_printed": pd.array(["a", None, "c"], dtype="string"),
        }
    )
    with pytest.raises(pandera.errors.SchemaErrors) as err:
        schema.validate(frame, lazy=True)
    checks = set(err.value.failure_cases["check"])
    assert {"field_uniqueness", "not_nullable"} <= checks
    # Our checks are named by the rule a report prints, written from the schema's constraints.
    assert "maximum: must be at most 50" in checks
    assert any(c.startswith("pattern: must match ") for c in checks)


def test_a_new_field_reaches_every_derived_schema(tmp_path):
    """Add one field to one schema file and one CSV column; nothing else is edited."""
    descriptor = copy_package(tmp_path)
    schema_path = tmp_path / "schemas" / "bilateral_events.json"
    spec = json.loads(schema_path.read_text())
    spec["fields"].append(
        {
            "name": "attendee_count",
            "type": "integer",
            "description": "People who attended.",
            "constraints": {"required": False, "minimum": 0},
        }
    )
    schema_path.write_text(json.dumps(spec, indent=2))
    csv_path = tmp_path / "data" / "bilateral_events.csv"
    lines = csv_path.read_text().splitlines()
    lines = [lines[0] + ",attendee_count"] + [
        line + ("," if i % 2 else ",12") for i, line in enumerate(lines[1:])
    ]
    csv_path.write_text("\n".join(lines) + "\n")

    table = load_package(descriptor).tables["bilateral_events"]
    assert pandas_dtypes(table)["attendee_count"] == pd.Int64Dtype()
    assert "attendee_count" in pandera_schema(table).columns
    assert arrow_schema(table).field("attendee_count").type == pa.int64()
    assert '"attendee_count" BIGINT CHECK ("attendee_count" >= 0)' in duckdb_ddl(table)[0]

    out = tmp_path / "exports"
    build(descriptor, out)
    assert (
        pq.read_schema(out / "parquet" / "bilateral_events.parquet").field("attendee_count").type
        == pa.int64()
    )
    con = cpcd.connect(out)
    comment = con.execute(
        "select comment from duckdb_columns() where table_name = 'bilateral_events' "
        "and column_name = 'attendee_count'"
    ).fetchone()[0]
    assert comment == "People who attended."
    loaded = cpcd.load("bilateral_events", exports=out)
    assert loaded["attendee_count"].dtype == pd.Int64Dtype()
    assert loaded["attendee_count"].notna().sum() == (len(lines) - 1 + 1) // 2
    assert (
        (out / "csv" / "bilateral_events.csv")
        .read_text()
        .splitlines()[0]
        .endswith(",attendee_count")
    )

"""Every library schema is derived from the Table Schema files, and follows them."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import DESCRIPTOR, copy_package

import cpcd
from cpcd.checks import sql_checks as checks
from cpcd.exports.build import build
from cpcd.metadata.derive import arrow_schema, duckdb_ddl, pandas_dtype
from cpcd.metadata.load import load_package


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
    assert "\"role\" ENUM('funding', 'implementing', 'partner') NOT NULL" in create
    assert (
        '"citation_number" BIGINT CHECK ("citation_number" >= 1) CHECK ("citation_number" <= 50)'
        in create
    )
    assert any(s.startswith('COMMENT ON COLUMN "project_partners"."role" IS') for s in statements)


def test_enum_columns_are_duckdb_enums(exports):
    """An enum is a DuckDB ENUM in the file: a misspelt value is refused where it is cast to
    the column's type. Compared with a text literal, DuckDB reads the ENUM as text, so a
    misspelt literal in a WHERE clause still finds no rows rather than failing (docs/queries.md
    says so)."""
    con = duckdb.connect(str(exports / "cpcd.duckdb"), read_only=True)
    [(kind,)] = con.execute(
        "select data_type from duckdb_columns() "
        "where table_name = 'security_incidents' and column_name = 'chinese_target'"
    ).fetchall()
    assert kind.startswith("ENUM(") and "'chinese_nationals'" in kind
    with pytest.raises(duckdb.ConversionException, match="chinese_national"):
        con.execute(
            f"select count(*) from security_incidents where chinese_target = 'chinese_national'::{kind}"
        )
    misspelt = "select count(*) from security_incidents where chinese_target = 'chinese_national'"
    assert con.execute(misspelt).fetchone() == (0,)
    right = misspelt.replace("'chinese_national'", "'chinese_nationals'")
    assert con.execute(right).fetchone()[0] > 0


def test_duckdb_ddl_rejects_what_the_schema_forbids(package):
    con = duckdb.connect()
    for name in package.load_order():
        for statement in duckdb_ddl(package.tables[name]):
            con.execute(statement)
    con.execute(
        "insert into sources (source_id, csl_type, title, language) "
        "values ('a_source', 'webpage', 'T', 'en')"
    )
    with pytest.raises(duckdb.ConversionException):  # enum: the ENUM type refuses it
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


def test_the_generated_checks_find_each_constraint(package):
    import pyarrow as pa

    from cpcd.checks import sql_checks as checks
    from cpcd.checks.read import LINE

    table = package.tables["citations"]
    text = pa.table(
        {
            "citation_number": ["1", "1", "99"],
            "source_id": ["ok_id", "Not OK", "ok_id"],
            "text_as_printed": ["a", None, "c"],
            LINE: [2, 3, 4],
        }
    )
    con = duckdb.connect()
    con.register("citations text", text)
    con.execute(checks.typed_table(table))
    queries = checks.field_checks(table) + checks.key_checks(table)
    found = con.sql(" UNION ALL ".join(queries)).fetchall()
    # Each broken rule on the row that breaks it, written from the schema's constraints:
    # the repeated number, the empty text, the number past 50, the id with capitals.
    assert (3, "citation_number", "1", checks.KEY_RULE + " (line 2)") in found
    assert (3, "text_as_printed", None, checks.REQUIRED_RULE) in found
    assert (4, "citation_number", "99", "maximum: must be at most 50") in found
    assert (3, "source_id", "Not OK", checks.PATTERN_RULE) in found
    assert len(found) == 4


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
    minimum = "minimum: must be at least 0"
    assert any('"attendee_count"' in q and minimum in q for q in checks.field_checks(table))
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

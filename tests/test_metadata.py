"""The schema files and the descriptor: standard-conformant, complete and consistent."""

from __future__ import annotations

import json

import duckdb
import jsonschema
import pytest
from conftest import (
    DATA,
    DESCRIPTOR,
    FACT_TABLES,
    ROOT,
    SCHEMAS,
    TABLES,
    frictionless_validate,
    schema,
)

from cpcd.checks.descriptor import check_descriptor
from cpcd.metadata.load import load_package

PROFILES = ROOT / "tests" / "profiles" / "2.0"
# The contract: every table and the columns it must have (issue "Foundation").
CONTRACT = {
    "bilateral_events": [
        "event_id",
        "date",
        "date_precision",
        "date_start",
        "date_end",
        "year",
        "event_type",
        "domain",
        "title",
        "description",
    ],
    "satellite_launches": [
        "satellite_id",
        "satellite_name",
        "launch_date",
        "launch_datetime_utc",
        "launch_vehicle",
        "launch_site",
        "cospar_id",
        "norad_id",
        "orbit",
        "purpose",
        "in_paper",
    ],
    "agricultural_projects": [
        "project_id",
        "name",
        "date",
        "date_precision",
        "date_start",
        "date_end",
        "year",
        "status",
        "description",
    ],
    "project_partners": ["project_id", "organisation", "country_code", "role"],
    "terrorism_statistics": [
        "statistic_id",
        "indicator",
        "value",
        "unit",
        "area_code",
        "period_start",
        "period_end",
        "comparison_period_start",
        "comparison_period_end",
        "is_derived",
        "compiling_organisation",
    ],
    "security_incidents": [
        "incident_id",
        "date",
        "date_precision",
        "date_start",
        "date_end",
        "year",
        "location",
        "area_code",
        "target",
        "killed",
        "injured",
        "description",
    ],
    "sources": [
        "source_id",
        "csl_type",
        "title",
        "publisher",
        "issued",
        "accessed",
        "url",
        "url_as_printed",
        "language",
    ],
    "citations": ["citation_number", "source_id", "text_as_printed"],
    "errata": [
        "erratum_id",
        "table_name",
        "row_id",
        "field",
        "paper_value",
        "corrected_value",
        "status",
        "explanation",
        "evidence_source_id",
    ],
}


def test_every_contract_table_is_a_resource_with_its_file_and_schema():
    assert set(CONTRACT) <= set(TABLES)
    for table in TABLES:
        assert (DATA / f"{table}.csv").is_file()
        assert (SCHEMAS / f"{table}.json").is_file()
    assert sorted(p.stem for p in DATA.glob("*.csv")) == sorted(TABLES)
    # Besides one schema per table, the shared fields file.
    assert sorted(p.stem for p in SCHEMAS.glob("*.json")) == sorted([*TABLES, "fields"])


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_contract_columns_present(table):
    names = [f["name"] for f in schema(table)["fields"]]
    assert [c for c in CONTRACT[table] if c not in names] == []


@pytest.mark.parametrize("table", FACT_TABLES)
def test_fact_tables_carry_provenance(table):
    fields = {f["name"]: f for f in schema(table)["fields"]}
    assert fields["source_id"]["constraints"]["required"] is True
    assert fields["citation_number"]["constraints"]["required"] is False
    assert "paper_section" in fields
    targets = {fk["fields"][0]: fk["reference"]["resource"] for fk in schema(table)["foreignKeys"]}
    assert targets["source_id"] == "sources"
    assert targets["citation_number"] == "citations"


def test_schemas_conform_to_the_table_schema_v2_profile():
    profile = json.loads((PROFILES / "tableschema.json").read_text())
    check = jsonschema.validators.validator_for(profile)(profile)
    errors = {table: [e.message for e in check.iter_errors(schema(table))] for table in TABLES}
    assert errors == {table: [] for table in TABLES}


def test_descriptor_conforms_to_the_data_package_v2_profile():
    descriptor = json.loads(DESCRIPTOR.read_text())
    jsonschema.validate(descriptor, json.loads((PROFILES / "datapackage.json").read_text()))
    resource_profile = json.loads((PROFILES / "dataresource.json").read_text())
    for resource in descriptor["resources"]:
        jsonschema.validate(resource, resource_profile)
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert "profile" not in descriptor
    assert any("10.55014/pij.v7i4.661" in s["path"] for s in descriptor["sources"])
    assert [lic["name"] for lic in descriptor["licenses"]] == ["CC-BY-4.0"]


def test_every_field_is_typed_described_and_enums_are_labelled():
    for table in TABLES:
        spec = schema(table)
        assert spec["missingValues"] == [""]
        for field in spec["fields"]:
            assert field.get("type"), (table, field["name"])
            assert field.get("description"), (table, field["name"])
            enum = field.get("constraints", {}).get("enum")
            if enum is not None:
                labels = field.get("categories", [])
                assert [c["value"] for c in labels] == enum, (table, field["name"])
                assert all(c.get("label") for c in labels), (table, field["name"])


# Names the table contract fixes in two tables with different constraints, and why.
CONTRACT_EXCEPTIONS = {
    "area_code": "security_incidents narrows ISO 3166 codes to subdivisions (ISO 3166-2)",
    "status": "a project's status and an erratum's status, each with its own vocabulary",
    "event_type": "bilateral_events and context_events each have their own vocabulary",
    "domain": "bilateral_events and context_events each have their own vocabulary",
    "indicator": "terrorism_statistics and context_statistics each have their own vocabulary",
    "role": "project_partners and cpec_project_partners each have their own vocabulary",
}
ROLE_CONSTRAINTS = ("required", "unique")  # a key is required where it is the primary key


def test_a_column_name_means_one_thing_across_tables():
    """Same name, same type and constraints: one name is one quantity (PUDL naming rule)."""
    seen: dict[str, tuple] = {}
    for table in TABLES:
        for field in schema(table)["fields"]:
            constraints = {
                k: v for k, v in field.get("constraints", {}).items() if k not in ROLE_CONSTRAINTS
            }
            key = (field["type"], json.dumps(constraints, sort_keys=True))
            first = seen.setdefault(field["name"], (table, key))
            if field["name"] in CONTRACT_EXCEPTIONS:
                assert first[1][0] == key[0], (table, field["name"])
            else:
                assert first[1] == key, (table, field["name"], first[0])


def test_no_table_or_column_name_is_a_reserved_sql_word():
    reserved = {
        row[0]
        for row in duckdb.sql(
            "select keyword_name from duckdb_keywords() where keyword_category = 'reserved'"
        ).fetchall()
    }
    assert "references" in reserved  # the list is the real one
    names = set(TABLES) | {f["name"] for t in TABLES for f in schema(t)["fields"]}
    assert names & reserved == set()


def test_frictionless_validates_the_root_descriptor_offline():
    done = frictionless_validate(ROOT)
    assert done.returncode == 0, done.stdout[-2000:]


def test_load_package_reads_tables_in_dependency_order():
    package = load_package(DESCRIPTOR)
    order = package.load_order()
    for name, table in package.tables.items():
        for fk in table.foreign_keys:
            if fk.resource != name:  # a key into its own table (an agreement's visit) is free
                assert order.index(fk.resource) < order.index(name)


def test_the_shipped_descriptor_meets_the_standard():
    assert check_descriptor(DESCRIPTOR) == []

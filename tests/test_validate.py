"""Validation: the shipped data passes; dates, integers and text are read as written.

Each kind of mistake and where it is reported: test_bad_input, from bad_input_cases."""

from __future__ import annotations

import pytest
from conftest import DESCRIPTOR, TABLES, copy_package

from cpcd.checks.read import read_table
from cpcd.checks.validate import edtf_bounds, iso_bounds, validate
from cpcd.metadata.load import load_package


def test_shipped_data_is_valid():
    result = validate(DESCRIPTOR)
    assert [str(p) for p in result.problems] == []
    assert list(result.data) == TABLES
    assert [name for name, item in result.data.items() if len(item.frame) == 0] == []


def test_missing_markers_stay_strings(tmp_path):
    """Only the empty cell is missing: words other tools read as null stay text."""
    descriptor = copy_package(tmp_path)
    path = tmp_path / "data" / "security_incidents.csv"
    text = path.read_text()
    for place, marker in (("Pishin and Qilla Saifullah", "NA"), ("Across Pakistan", "N/A")):
        assert place in text
        text = text.replace(place, marker, 1)
    path.write_text(text.replace(",Lahore,", ",None,", 1).replace(",Karachi,", ",null,", 1))
    result = validate(descriptor)
    assert result.problems == []
    locations = set(result.data["security_incidents"].frame["location"].to_pylist())
    assert {"NA", "N/A", "None", "null"} <= locations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015", ("year", "2015-01-01", "2015-12-31")),
        ("2024-02", ("month", "2024-02-01", "2024-02-29")),  # leap year, counted by hand
        ("2022-04-26", ("day", "2022-04-26", "2022-04-26")),
        ("2024-03-25/2024-03-26", ("day", "2024-03-25", "2024-03-26")),
        ("2023-02-30", None),
        ("May 2023", None),
    ],
)
def test_edtf_bounds(text, expected):
    assert edtf_bounds(text) == expected
    assert iso_bounds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1900",
        "2000-02",
        "2100-02",
        "2024-02-29",
        "2023-04-31",
        "2023-00",
        "2023-12-31",
        "1951-05-21",
        "0999-01-01",
        "9999-12",
        "2023-1-05",
        "2023-05-5",
        "0000",
        "2024-03/2024-05",
        "2020/2021",
        "2024-03-26/2024-03-25",  # reversed: read, then refused by the range rule
        "2024/2025-01",  # ends of different precision
        "2024-13/2024-14",
        "0000/0001",
        "2024/2025/2026",
    ],
)
def test_plain_dates_read_as_the_edtf_library_reads_them(text):
    assert iso_bounds(text) == edtf_bounds(text)


def test_a_day_that_does_not_exist_is_refused():
    # 2023 is not a leap year; the edtf library parses 2023-02-29 all the same.
    for text in ("2023-02-29", "2023-02-29/2023-03-01"):
        assert edtf_bounds(text) is None
        assert iso_bounds(text) is None
    assert edtf_bounds("2024-02-29") == ("day", "2024-02-29", "2024-02-29")  # a leap year


def test_large_integers_beside_empty_cells_are_read_exactly():
    """Found by the round trip: a column cast by Arrow went through float64 (2**53 + 1 lost)."""
    import duckdb
    import pyarrow as pa

    from cpcd.metadata.types import TYPES

    big = 2**53 + 1
    con = duckdb.connect()
    con.register("text", pa.table({"t": [str(big), None, "-7", "+3", str(2**63)]}))
    typed = con.sql(f"SELECT {TYPES['integer'].parse_sql('t')} FROM text").fetchall()
    assert [v for (v,) in typed] == [big, None, -7, 3, None]  # 2**63 does not fit int64


def test_cells_are_read_as_text():
    # The reader gives every source column as text; the SQL of cpcd.checks.sql_checks types it.
    import pyarrow as pa

    package = load_package(DESCRIPTOR)
    for table in package.tables.values():
        text = read_table(table).text
        for f in table.source_fields:
            assert text.schema.field(f.name).type == pa.string(), (table.name, f.name)


def test_computed_fields_take_the_names_the_rule_declares(tmp_path):
    import json

    descriptor = copy_package(tmp_path)
    shared = json.loads((tmp_path / "schemas" / "fields.json").read_text(encoding="utf-8"))
    shared["fields"]["first_day"] = shared["fields"]["date_start"]
    (tmp_path / "schemas" / "fields.json").write_text(json.dumps(shared), encoding="utf-8")
    path = tmp_path / "schemas" / "context_events.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    for field in spec["fields"]:
        if field["name"] == "date":
            field["cpcd:edtf"] = {
                "precision": "date_precision",
                "start": "first_day",
                "end": "date_end",
                "year": "year",
            }
    path.write_text(json.dumps(spec), encoding="utf-8")
    result = validate(descriptor)
    assert result.problems == []
    frame = result.data["context_events"].frame.to_pandas(date_as_object=False)
    assert "first_day" in frame and "date_start" not in frame
    # A month is known for every context event dated 2022-06 or similar; its first day is the
    # first of that month, by the calendar.
    month = frame[frame["date"].str.len() == 7].iloc[0]
    assert str(month["first_day"].date()) == month["date"] + "-01"


def test_a_column_called_date_without_the_rule_is_not_read_as_edtf(tmp_path):
    import json

    copy_package(tmp_path)
    path = tmp_path / "schemas" / "context_events.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    for field in spec["fields"]:
        if field["name"] == "date":
            field["cpcd:edtf"] = None  # merge-patch: removes the shared field's rule
    path.write_text(json.dumps(spec), encoding="utf-8")
    table = load_package(tmp_path / "datapackage.json").tables["context_events"]
    assert table.edtf_rules() == []
    assert load_package(DESCRIPTOR).tables["context_events"].edtf_rules() != []

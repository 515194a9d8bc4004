"""Validation: the shipped data passes; each kind of mistake is reported at its place."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from conftest import DESCRIPTOR, FACT_TABLES, copy_package, source_field_names

from cpcd.metadata import load_package
from cpcd.read import read_table
from cpcd.validate import edtf_bounds, iso_bounds, validate


def test_shipped_data_is_valid():
    result = validate(DESCRIPTOR)
    assert [str(p) for p in result.problems] == []
    assert all(len(item.frame) > 0 for item in result.data.values())


def line_of(path, key: str) -> int:
    """Physical line of the row whose first cell is ``key`` (the header is line 1)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    [number] = [n for n, line in enumerate(lines, start=1) if line.startswith(key + ",")]
    return number


@pytest.fixture
def corrupt(tmp_path):
    """Edit the row with a given key in a copy of the package; return (problems, its line)."""
    descriptor = copy_package(tmp_path)

    def run(table: str, key: str, old: str, new: str):
        path = tmp_path / "data" / f"{table}.csv"
        line = line_of(path, key)
        lines = path.read_text(encoding="utf-8").split("\n")
        assert old in lines[line - 1], (old, lines[line - 1])
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        path.write_text("\n".join(lines), encoding="utf-8")
        return validate(descriptor, tmp_path / "data").problems, line

    return run


# (table, key of the row edited, text to replace, replacement, column reported, start of the rule)
CASES = [
    ("satellite_launches", "paksat_1r", "2011-08-11,", "2011-02-30,", "launch_date", "type:"),
    # PakSat-1R rose at 00:15 on 12 August, Beijing time: 16:15 on 11 August, UTC. The
    # Beijing date beside the UTC time is rejected.
    (
        "satellite_launches",
        "paksat_1r",
        "2011-08-11,2011-08-11T",
        "2011-08-12,2011-08-11T",
        "launch_date",
        "day-of:",
    ),
    ("satellite_launches", "paksat_1r", ",37779,", ",37779.5,", "norad_id", "type:"),
    ("satellite_launches", "paksat_1r", ",37779,", ",0,", "norad_id", "minimum:"),
    ("satellite_launches", "paksat_1r", ",true,", ",yes,", "in_paper", "type:"),
    ("satellite_launches", "paksat_1r", "Long March 3B", "Long March 9", "launch_vehicle", "enum:"),
    ("satellite_launches", "paksat_1r", "2011-042A", "2011-42A", "cospar_id", "pattern:"),
    # prsc_eo3 sorts after prsc_eo2, so the repeated key is reported on its own line.
    (
        "satellite_launches",
        "prsc_eo3",
        "prsc_eo3,",
        "prsc_eo2,",
        "satellite_id",
        "primary-key:",
    ),
    ("citations", "1", "gmw_2024", "nobody_2024", "source_id", "foreign-key:"),
    (
        "errata",
        "karachi_university_attack_date",
        ",karachi_university_attack,",
        ",karachi_attack,",
        "row_id",
        "row-reference:",
    ),
    (
        "errata",
        "karachi_university_attack_date",
        ",karachi_university_attack,date,",
        ",karachi_university_attack,day,",
        "field",
        "row-reference:",
    ),
    (
        "bilateral_events",
        "cultural_centres_memorandum",
        ",agreement_signed,",
        ", agreement_signed,",
        "event_type",
        "whitespace:",
    ),
    (
        "bilateral_events",
        "cultural_centres_memorandum",
        ",2010,agreement_signed,",
        ",2010-13,agreement_signed,",
        "date",
        "edtf:",
    ),
    (
        "sources",
        "aljazeera_2024_march_of_terror",
        ",,2024-07-15,https",
        ",2024-13,2024-07-15,https",
        "issued",
        "edtf:",
    ),
    (
        "terrorism_statistics",
        "attacks_2023_jan_nov",
        "2023-11-30",
        "2022-11-30",
        "period_end",
        "range:",
    ),
    (
        "project_partners",
        "wheat_molecular_breeding_laboratory",
        "wheat_molecular_breeding_laboratory",
        "no_such_project",
        "project_id",
        "foreign-key:",
    ),
]


@pytest.mark.parametrize(("table", "key", "old", "new", "column", "rule"), CASES)
def test_each_mistake_is_reported_at_its_line_and_column(
    corrupt, table, key, old, new, column, rule
):
    problems, line = corrupt(table, key, old, new)
    assert len(problems) == 1, [str(p) for p in problems]
    [problem] = problems
    assert problem.path.endswith(f"{table}.csv")
    assert (problem.line, problem.column) == (line, column)
    assert problem.rule.startswith(rule)


def test_dangling_citation_number(tmp_path):
    descriptor = copy_package(tmp_path)
    citations = tmp_path / "data" / "citations.csv"
    lines = citations.read_text().splitlines()
    citations.write_text("\n".join(line for line in lines if not line.startswith("29,")) + "\n")
    # Every row that cites [29], found with the csv module, must be reported at its line.
    expected = []
    for table in FACT_TABLES:
        with (tmp_path / "data" / f"{table}.csv").open(newline="") as fh:
            for number, row in enumerate(csv.DictReader(fh), start=2):
                if row["citation_number"] == "29":
                    expected.append((f"{table}.csv", number, "citation_number", "29"))
    assert len(expected) >= 2
    problems = validate(descriptor).problems
    assert sorted(
        (p.path.rsplit("/", 1)[1], p.line, p.column, p.value) for p in problems
    ) == sorted(expected)
    assert all(p.rule.startswith("foreign-key:") for p in problems)


def test_every_problem_is_reported_not_the_first(corrupt):
    _, first = corrupt("satellite_launches", "paksat_1r", "Long March 3B", "Long March 9")
    _, second = corrupt("satellite_launches", "paksat_mm1", "Long March 3B", "Long March 9")
    problems, third = corrupt("citations", "1", "gmw_2024", "nobody_2024")
    assert sorted((p.path.rsplit("/", 1)[1], p.line) for p in problems) == sorted(
        [
            ("citations.csv", third),
            ("satellite_launches.csv", first),
            ("satellite_launches.csv", second),
        ]
    )


def test_composite_primary_key_duplicate(tmp_path):
    descriptor = copy_package(tmp_path)
    path = tmp_path / "data" / "project_partners.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    [problem] = validate(descriptor).problems
    assert (problem.line, problem.column) == (len(lines) + 1, "project_id,organisation")
    assert problem.rule.startswith("primary-key:")


def test_lines_count_physical_lines_when_a_cell_spans_lines(tmp_path):
    descriptor = copy_package(tmp_path)
    path = tmp_path / "data" / "citations.csv"
    lines = path.read_text().splitlines()
    # Line 2 gets a quoted newline; the broken row below it is then on physical line 4.
    lines[1] = lines[1].replace("Guangming.com, ", "Guangming.com,\n", 1)
    lines[2] = lines[2].replace("govcn_2015", "govcn_2016")
    path.write_text("\n".join(lines) + "\n")
    [problem] = validate(descriptor).problems
    assert (problem.line, problem.column) == (4, "source_id")


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


def test_wrong_cell_count_and_structure(tmp_path):
    descriptor = copy_package(tmp_path)
    data = tmp_path / "data"
    events = (data / "bilateral_events.csv").read_text().splitlines()
    events[3] += ",surplus"
    (data / "bilateral_events.csv").write_text("\n".join(events) + "\n")
    errata = (data / "errata.csv").read_text().splitlines()
    errata[0] = errata[0].replace("row_id", "row")
    (data / "errata.csv").write_text("\n".join(errata) + "\n")
    (data / "sources.csv").write_text("")
    rules = {
        (p.path.rsplit("/", 1)[1], p.line, p.column, p.rule.split(":")[0])
        for p in validate(descriptor).problems
    }
    width = len(source_field_names("bilateral_events"))
    assert (
        "bilateral_events.csv",
        4,
        None,
        f"row has {width + 1} cells, the header has {width}",
    ) in rules
    assert ("errata.csv", 1, "row_id", "missing column") in rules
    assert ("errata.csv", 1, "row", "unexpected column (not in the schema)") in rules
    assert ("sources.csv", 1, None, "empty file") in rules


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

    from cpcd.types import TYPES

    big = 2**53 + 1
    con = duckdb.connect()
    con.register("text", pa.table({"t": [str(big), None, "-7", "+3", str(2**63)]}))
    typed = con.sql(f"SELECT {TYPES['integer'].parse_sql('t')} FROM text").fetchall()
    assert [v for (v,) in typed] == [big, None, -7, 3, None]  # 2**63 does not fit int64


def test_load_keeps_large_integers_beside_empty_cells(tmp_path):
    """Found by the round trip: Parquet read through NumPy turned Int64 with NA into float64."""

    import cpcd
    from cpcd.build import build

    descriptor = copy_package(tmp_path)
    path = tmp_path / "data" / "security_incidents.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert (frame["killed"] == "").any()  # the column has empty cells
    big = 2**53 + 1
    frame.loc[0, "killed"] = str(big)
    frame.to_csv(path, index=False, lineterminator="\n")
    build(descriptor, tmp_path / "out")
    loaded = cpcd.load("security_incidents", tmp_path / "out").set_index("incident_id")
    assert loaded.loc[frame.loc[0, "incident_id"], "killed"] == big


def test_cells_are_read_as_text():
    # The reader gives every source column as text; the SQL of cpcd.checks types it.
    import pyarrow as pa

    package = load_package(DESCRIPTOR)
    for table in package.tables.values():
        text = read_table(table).text
        for f in table.source_fields:
            assert text.schema.field(f.name).type == pa.string(), (table.name, f.name)


# Cross-field rules are declared in the schemas, not keyed to column names.


def _rename_column(root, table: str, old: str, new: str, in_rules: bool) -> None:
    """Rename a column in a copied package's schema and CSV header (and, if asked, in the
    rule properties that name it)."""
    import json

    path = root / "schemas" / f"{table}.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    for field in spec["fields"]:
        if field["name"] == old:
            field["name"] = new
        if in_rules:
            for key in ("cpcd:edtf",):
                if isinstance(field.get(key), dict):
                    field[key] = {r: (new if f == old else f) for r, f in field[key].items()}
            if field.get("cpcd:rangeEnd") == old:
                field["cpcd:rangeEnd"] = new
    path.write_text(json.dumps(spec), encoding="utf-8")
    data = root / "data" / f"{table}.csv"
    header, rest = data.read_text(encoding="utf-8").split("\n", 1)
    data.write_text(",".join(new if c == old else c for c in header.split(",")) + "\n" + rest)


def test_a_rule_naming_an_undefined_computed_field_is_a_metadata_problem(tmp_path):
    import json

    descriptor = copy_package(tmp_path)
    path = tmp_path / "schemas" / "bilateral_events.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    for field in spec["fields"]:
        if "cpcd:edtf" in field or field["name"] == "date":
            field["cpcd:edtf"] = {**field.get("cpcd:edtf", {}), "start": "first_day"}
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(Exception) as raised:
        load_package(descriptor)
    problems = [(p.column, p.rule) for p in raised.value.problems]
    assert ("first_day", "a computed field must be defined in the shared fields file") in problems


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

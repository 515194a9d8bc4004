"""Validation: the shipped data passes; each kind of mistake is reported at its place."""

from __future__ import annotations

import pytest
from conftest import DESCRIPTOR, copy_package

from cpcd.validate import edtf_bounds, validate


def test_shipped_data_is_valid():
    result = validate(DESCRIPTOR)
    assert [str(p) for p in result.problems] == []
    assert all(len(item.frame) > 0 for item in result.data.values())


@pytest.fixture
def corrupt(tmp_path):
    """Rewrite one line of one CSV in a copy of the package and return the problems."""
    descriptor = copy_package(tmp_path)

    def run(table: str, line: int, old: str, new: str):
        path = tmp_path / "data" / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        assert old in lines[line - 1], (old, lines[line - 1])
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        path.write_text("\n".join(lines), encoding="utf-8")
        return validate(descriptor, tmp_path / "data").problems

    return run


# (table, line, text to replace, replacement, column reported, start of the rule)
CASES = [
    ("satellite_launches", 3, "2011-08-11,", "2011-02-30,", "launch_date", "type:"),
    ("satellite_launches", 3, ",37779,", ",37779.5,", "norad_id", "type:"),
    ("satellite_launches", 3, ",37779,", ",0,", "norad_id", "minimum:"),
    ("satellite_launches", 3, ",true,", ",yes,", "in_paper", "type:"),
    ("satellite_launches", 3, "Long March 3B", "Long March 9", "launch_vehicle", "enum:"),
    ("satellite_launches", 3, "2011-042A", "2011-42A", "cospar_id", "pattern:"),
    ("satellite_launches", 4, "paksat_mm1,", "paksat_1r,", "satellite_id", "primary-key:"),
    ("citations", 2, "gmw_2024", "nobody_2024", "source_id", "foreign-key:"),
    ("bilateral_events", 3, "2024,year,", "2024,month,", "date_precision", "date-precision:"),
    ("bilateral_events", 3, "2024-12-31", "2024-06-30", "date_end", "date-bounds:"),
    ("bilateral_events", 3, "2024-12-31,2024,", "2024-12-31,2023,", "year", "year:"),
    ("bilateral_events", 3, ",data_handover,", ", data_handover,", "event_type", "enum:"),
    ("bilateral_events", 3, "2024,year,", "2024-13,month,", "date", "edtf:"),
    ("sources", 2, ",,2024-07-15,2024-07-15,", ",,2024-07-16,2024-07-15,", "accessed", "edtf-day:"),
    ("sources", 2, ",,2024-07-15,2024-07-15,", ",2024-13,2024-07-15,2024-07-15,", "issued", "edtf:"),
    ("terrorism_statistics", 3, "2023-11-30", "2022-11-30", "period_end", "range:"),
    (
        "project_partners",
        2,
        "wheat_molecular_breeding_laboratory",
        "no_such_project",
        "project_id",
        "foreign-key:",
    ),
]


@pytest.mark.parametrize(("table", "line", "old", "new", "column", "rule"), CASES)
def test_each_mistake_is_reported_at_its_line_and_column(
    corrupt, table, line, old, new, column, rule
):
    problems = corrupt(table, line, old, new)
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
    problems = validate(descriptor).problems
    # Rows citing [29]: bilateral_events line 3 (change_6_cubesat_data_handover) and
    # satellite_launches line 2 (icube_q).
    assert sorted((p.path.rsplit("/", 1)[1], p.line, p.column, p.value) for p in problems) == [
        ("bilateral_events.csv", 3, "citation_number", "29"),
        ("satellite_launches.csv", 2, "citation_number", "29"),
    ]
    assert all(p.rule.startswith("foreign-key:") for p in problems)


def test_every_problem_is_reported_not_the_first(corrupt, tmp_path):
    corrupt("satellite_launches", 3, "Long March 3B", "Long March 9")
    corrupt("satellite_launches", 4, "Long March 3B", "Long March 9")
    problems = corrupt("citations", 2, "gmw_2024", "nobody_2024")
    assert sorted((p.path.rsplit("/", 1)[1], p.line) for p in problems) == [
        ("citations.csv", 2),
        ("satellite_launches.csv", 3),
        ("satellite_launches.csv", 4),
    ]


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
    descriptor = copy_package(tmp_path)
    path = tmp_path / "data" / "security_incidents.csv"
    text = path.read_text().replace("Pishin and Qilla Saifullah", "NA", 1)
    path.write_text(text)
    result = validate(descriptor)
    assert result.problems == []
    assert "NA" in set(result.data["security_incidents"].frame["location"])


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
    assert ("bilateral_events.csv", 4, None, "row has 17 cells, the header has 16") in rules
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

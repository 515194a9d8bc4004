"""Problem reports where a contributor was left guessing: each says what is wrong in words
a new user acts on, on the line where it is. The rules of single cells (the nearest enum
value, the line a repeated key repeats, a pattern in words) are held in the one table of
bad-input cases, tests/bad_input_cases.py."""

from __future__ import annotations

import json

import pytest
from conftest import copy_package, run_cli

from cpcd.checks.validate import validate


def _edit_line(root, table: str, key: str, old: str, new: str) -> int:
    """Replace text in the row whose first cell is ``key``; return its physical line."""
    path = root / "data" / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    [index] = [i for i, line in enumerate(lines) if line.startswith(key + ",")]
    assert old in lines[index], (old, lines[index])
    lines[index] = lines[index].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


@pytest.fixture
def package(tmp_path):
    return copy_package(tmp_path), tmp_path


def test_an_unbalanced_quote_is_named_on_its_line_without_knock_on_errors(package):
    descriptor, root = package
    # A quote opens the launch vehicle's cell and never closes.
    line = _edit_line(
        root, "satellite_launches", "paksat_1r", ",Long March 3B,", ',"Long March 3B,'
    )
    problems = [p for p in validate(descriptor).problems if "satellite_launches" in p.path]
    assert [(p.line, p.rule.split(":")[0]) for p in problems] == [(line, "quote")]
    assert "unbalanced quote" in problems[0].rule
    assert problems[0].value.startswith("paksat_1r,PakSat-1R")


def test_a_quote_inside_an_unquoted_cell_is_reported(package):
    descriptor, root = package
    line = _edit_line(root, "satellite_launches", "paksat_1r", ",PakSat-1R,", ',PakSat-"1R,')
    [problem] = validate(descriptor).problems
    assert (problem.line, problem.column, problem.value) == (line, "satellite_name", 'PakSat-"1R')
    assert problem.rule.startswith("quote: a quote inside a cell that is not quoted")


def test_a_quoted_cell_with_doubled_quotes_is_accepted(package):
    descriptor, root = package
    _edit_line(root, "satellite_launches", "paksat_1r", ",PakSat-1R,", ',"PakSat ""1R""",')
    result = validate(descriptor)
    assert result.problems == []
    names = result.data["satellite_launches"].frame["satellite_name"].to_pylist()
    assert 'PakSat "1R"' in names


def test_a_carriage_return_in_an_earlier_quoted_cell_does_not_shift_the_quote_check(package):
    """A lone carriage return inside a quoted cell ends a line for the csv module; a later
    quoted cell spanning two lines, with a doubled quote, is then still read as quoted (found
    by the round trip)."""
    descriptor, root = package
    path = root / "data" / "satellite_launches.csv"
    raw = path.read_bytes()  # bytes: reading text would turn the carriage return into a LF
    for old, new in (
        (b",PakSat-1R,", b',"PakSat\r1R",'),
        (b",PRSS-1,", b',"PRSS-1\nlaunch ""one""",'),
    ):
        assert raw.count(old) == 1, old
        raw = raw.replace(old, new)
    path.write_bytes(raw)
    assert validate(descriptor).problems == []


def test_a_value_far_from_every_allowed_value_lists_them(package):
    descriptor, root = package
    _edit_line(root, "satellite_launches", "paksat_1r", ",Xichang,", ",Cape Canaveral,")
    [problem] = validate(descriptor).problems
    assert problem.rule.startswith("enum: must be one of ") and "did you mean" not in problem.rule


def test_text_and_json_reports_list_problems_in_the_same_order(package):
    descriptor, root = package
    # Planted out of file and line order: a late row first, then an early row, then another
    # file, so that only a sort puts them in report order.
    _edit_line(root, "satellite_launches", "paksat_1r", ",Xichang,", ",Xichnag,")
    _edit_line(root, "satellite_launches", "badr_1", ",Xichang,", ",Xichnag,")
    _edit_line(root, "citations", "50", "xinhua_2024_joint_statement", "xinhua_2024_joint_st")
    args = ("validate", "--package", str(descriptor), "--data", str(root / "data"))
    text = run_cli(*args, "--max-problems", "100")
    as_json = run_cli(*args, "--json")
    assert text.returncode == as_json.returncode == 1
    report = json.loads(as_json.stdout or as_json.stderr)
    listed = [(p["file"], p["line"]) for p in report["problems"]]
    printed = [
        (line.split(":")[0], int(line.split(":")[1]))
        for line in text.stderr.splitlines()
        if line.startswith(("data/", str(root)))
    ]
    assert len(listed) == 3
    assert listed == printed

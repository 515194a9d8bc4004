"""Bad input: every case of :mod:`bad_input_cases` through the library, some through the
command line.

Each failing case must be reported as its table says (file, line, column, value, rule),
and a group of cases sharing a copy of the package must report nothing else. A
normalised file (byte-order mark, CRLF, blank lines) is exported as the committed bytes.
On the command line: exit status 1, no traceback, the same problems in the JSON report,
one line per problem in the text report, and a failed build leaves earlier exports as
they were. docs/validation.md lists every case.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from bad_input_cases import CASES, Case, Expect
from conftest import ROOT, copy_package, run_cli
from package_edits import APPENDED, row_line

from cpcd.checks.validate import Result, validate
from cpcd.common.problems import CpcdError, Problem
from cpcd.exports.csv_text import csv_bytes
from cpcd.exports.write import canonical


def clash(a: Case, b: Case) -> bool:
    """Whether two cases' edits or findings would mix in one copy of the package."""
    if a.metadata or b.metadata:
        # A broken descriptor is reported alone, before the schemas are read.
        descriptor = "datapackage.json" in (a.edit.touches, b.edit.touches)
        return a.metadata != b.metadata or a.edit.touches == b.edit.touches or descriptor
    rows = a.edit.row, b.edit.row
    if a.edit.touches == b.edit.touches and (None in rows or rows[0] == rows[1]):
        return True
    # A whole-file edit may make a table unreadable or move its lines: no other case may
    # expect a problem in it or read it. An edited row may not be one another case expects
    # a problem on.
    for x, y in ((a, b), (b, a)):
        name = Path(x.edit.touches).name
        named = {e.file for e in (*y.expect, y.notice) if e} | set(y.needs)
        if x.edit.row is None and name in named:
            return True
        if x.edit.row not in (None, APPENDED):
            line = row_line(name.removesuffix(".csv"), x.edit.row)
            if (name, line) in {(e.file, e.line_number) for e in y.expect}:
                return True
    return False


def first_fit(cases: list[Case]) -> list[list[Case]]:
    """Cases that can share one copy of the package, in table order."""
    found: list[list[Case]] = []
    for case in cases:
        for group in found:
            if not any(clash(case, other) for other in group):
                group.append(case)
                break
        else:
            found.append([case])
    return found


GROUPS = first_fit(CASES)
GROUP_OF = {case.id: number for number, group in enumerate(GROUPS) for case in group}


@dataclass
class Outcome:
    root: Path
    problems: list[Problem]
    notices: list[Problem]
    result: Result | None  # None when validation raised (broken metadata)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    """Each group's copy of the package, edited and validated once."""
    done: dict[int, Outcome] = {}

    def get(number: int) -> Outcome:
        if number not in done:
            root = tmp_path_factory.mktemp(f"group{number}")
            descriptor = copy_package(root)
            for case in GROUPS[number]:
                case.edit(root)
            try:
                result = validate(descriptor)
            except CpcdError as err:
                done[number] = Outcome(root, err.problems, err.notices, None)
            else:
                done[number] = Outcome(root, result.problems, result.notices, result)
        return done[number]

    return get


def found(problem: Problem) -> tuple:
    return (Path(problem.path).name, problem.line, problem.column, problem.value, problem.rule)


def wanted(expect: Expect) -> tuple:
    return (expect.file, expect.line_number, expect.column, expect.value, expect.rule)


def in_order(items) -> list:
    return sorted(items, key=repr)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_case_is_reported_as_the_table_says(case, outcome):
    got = outcome(GROUP_OF[case.id])
    problems = [found(p) for p in got.problems]
    if case.notice is None:
        assert case.expect, "a failing case names its problems"
        for expect in case.expect:
            assert wanted(expect) in problems, (wanted(expect), in_order(problems))
        return
    assert [p for p in problems if p[0] == case.notice.file] == []
    assert wanted(case.notice) in [found(n) for n in got.notices], got.notices
    # The normalised file is exported in canonical form: the committed bytes.
    item = got.result.data[case.notice.file.removesuffix(".csv")]
    exported = csv_bytes(canonical(item.frame, item.table), item.table)
    assert exported == (ROOT / "data" / case.notice.file).read_bytes()


@pytest.mark.parametrize("number", range(len(GROUPS)), ids=[g[0].id for g in GROUPS])
def test_a_group_reports_its_cases_problems_and_nothing_else(number, outcome):
    got = outcome(number)
    expected = [wanted(e) for case in GROUPS[number] for e in case.expect]
    assert in_order(found(p) for p in got.problems) == in_order(expected)


def test_cases_share_copies():
    # A copy for the broken descriptor, one for the broken schemas and few for the data:
    # the cheap way stays cheap.
    assert len(GROUPS) <= 6, [[c.id for c in g] for g in GROUPS]
    assert len(CASES) == len({c.id for c in CASES})


def test_every_case_is_documented():
    documented = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert [c.id for c in CASES if f"`{c.id}`" not in documented] == []


# The command line as a user meets it, on the groups holding a case marked for it.
CLI_GROUPS = [n for n, group in enumerate(GROUPS) if any(c.cli for c in group)]


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def printed(expect: Expect, root: Path) -> tuple[str, str]:
    """The documented report line's start and end: ``file:line: column: `` ... ``rule``."""
    folder = "schemas" if expect.file.endswith(".json") else "data"
    where = str(root / folder / expect.file)
    if expect.line_number is not None:
        where += f":{expect.line_number}"
    return f"{where}: {expect.column or '-'}: ", expect.rule


@pytest.mark.parametrize("number", CLI_GROUPS, ids=[GROUPS[n][0].id for n in CLI_GROUPS])
def test_the_command_line_reports_every_problem_and_keeps_the_exports(
    number, outcome, exports, tmp_path
):
    root = outcome(number).root
    where = ("--package", str(root / "datapackage.json"), "--data", str(root / "data"))
    expected = [e for case in GROUPS[number] for e in case.expect]
    assert len(expected) > 3  # so that the cap below leaves some out

    done = run_cli("validate", *where, "--json")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    report = json.loads(done.stdout)  # nothing but the JSON document on standard output
    assert report["ok"] is False
    problems = [
        (Path(p["file"]).name, p["line"], p["column"], p["value"], p["rule"])
        for p in report["problems"]
    ]
    assert in_order(problems) == in_order(wanted(e) for e in expected)

    out = tmp_path / "exports"
    shutil.copytree(exports, out)
    before = digests(out)
    done = run_cli("build", *where, "--out", str(out), "--max-problems", "3")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    notices = [case.notice for case in GROUPS[number] if case.notice]
    lines = done.stderr.splitlines()
    for line in lines[: len(notices)]:  # normalisations first, as notes
        starts = [printed(n, root) for n in notices]
        assert any(line.startswith("note: " + a) and line.endswith(b) for a, b in starts), line
    lines = lines[len(notices) :]
    assert lines[0].startswith("error: ")
    shown = [printed(e, root) for e in expected]
    for line in lines[1:4]:  # one line per problem, each one of the group's
        assert any(line.startswith(a) and line.endswith(b) for a, b in shown), line
    files = len({e.file for e in expected})
    assert lines[4:] == [
        f"... and {len(expected) - 3} more",
        f"{len(expected)} problem(s) in {files} file(s)",
    ]
    assert digests(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["exports"]  # no temporary directory left


def test_the_text_report_lists_files_in_the_order_they_were_checked():
    from cpcd.common.problems import render

    report = render(
        [
            Problem("data/satellite_launches.csv", 4, "launch_date", "x", "type: a"),
            Problem("data/citations.csv", 2, "source_id", "y", "foreign-key: b"),
            Problem("data/satellite_launches.csv", 2, "satellite_id", "z", "type: c"),
        ]
    )
    assert [re.match(r"[^:]+:\d+", line)[0] for line in report[:3]] == [
        "data/satellite_launches.csv:2",
        "data/satellite_launches.csv:4",
        "data/citations.csv:2",
    ]

"""`cpcd sql` and `cpcd verify DIR` as a user runs them; the rows printed are compared with
the CSV exports read by the standard library."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from conftest import read_rows, run_cli

QUERY = "select satellite_id, launch_date, norad_id, in_paper from satellite_launches order by 1"


def _expected(exports) -> list[dict]:
    rows = read_rows(exports / "csv" / "satellite_launches.csv", "satellite_launches")
    return [
        {k: row[k] for k in ("satellite_id", "launch_date", "norad_id", "in_paper")}
        for row in sorted(rows, key=lambda r: r["satellite_id"])
    ]


def test_sql_prints_csv_as_the_csv_exports_write_values(exports):
    done = run_cli("sql", "--exports", str(exports), "--format", "csv", QUERY)
    assert done.returncode == 0, done.stderr
    with (exports / "csv" / "satellite_launches.csv").open(encoding="utf-8", newline="") as fh:
        source = sorted(csv.DictReader(fh), key=lambda r: r["satellite_id"])
    printed = list(csv.DictReader(io.StringIO(done.stdout)))
    columns = ["satellite_id", "launch_date", "norad_id", "in_paper"]
    assert printed == [{c: row[c] for c in columns} for row in source]


def test_sql_prints_json_with_typed_values(exports):
    done = run_cli("sql", "--exports", str(exports), "-f", "json", QUERY)
    assert done.returncode == 0, done.stderr
    expected = [
        {**row, "launch_date": row["launch_date"].isoformat()} for row in _expected(exports)
    ]
    assert json.loads(done.stdout) == expected


def test_sql_prints_markdown_with_escaped_cells(exports):
    query = "select 'a|b' as text, 1.5 as number, null as nothing, true as flag"
    done = run_cli("sql", "--exports", str(exports), "--format", "markdown", query)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "| text | number | nothing | flag |",
        "|---|---|---|---|",
        "| a\\|b | 1.5 |  | true |",
    ]


def test_sql_prints_a_table_by_default(exports, monkeypatch):
    done = run_cli("sql", "--exports", str(exports), QUERY, env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    expected = _expected(exports)
    assert "satellite_id" in done.stdout and "launch_date" in done.stdout
    for row in expected:
        assert row["satellite_id"] in done.stdout
    assert f"{len(expected)} row(s)" in done.stdout


def test_sql_reads_what_connect_reads(exports):
    """No --exports: the folder cpcd.connect() would read (here named by CPCD_EXPORTS)."""
    done = run_cli("sql", "-f", "csv", "select count(*) as n from errata",
                   env={"CPCD_EXPORTS": str(exports)})  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (exports / "csv" / "errata.csv").open(encoding="utf-8", newline="") as fh:
        rows = len(list(csv.DictReader(fh)))
    assert done.stdout == f"n\n{rows}\n"


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("selec * from errata", "syntax error"),
        ("select * from no_such_table", "no_such_table"),
        ("drop table errata", "read-only"),
    ],
)
def test_a_bad_query_is_one_line_and_a_failure(exports, query, words):
    done = run_cli("sql", "--exports", str(exports), query)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: query failed: "), done.stderr
    assert words in lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_an_unknown_format_is_refused(exports):
    done = run_cli("sql", "--exports", str(exports), "-f", "xml", "select 1")
    assert done.returncode == 1
    assert done.stderr.strip() == "error: unknown format 'xml'; formats: table, csv, json, markdown"


def test_verify_takes_the_folder_as_an_argument(exports, tmp_path):
    done = run_cli("verify", str(exports))
    assert done.returncode == 0, done.stderr
    assert str(exports) in done.stdout
    broken = tmp_path / "exports"
    shutil.copytree(exports, broken)
    (broken / "cpcd.xlsx").write_bytes(b"not a workbook")
    done = run_cli("verify", str(broken))
    assert done.returncode == 1
    assert f"{broken / 'cpcd.xlsx'}: -: -: checksum differs from SHA256SUMS" in done.stderr
    done = run_cli("verify", str(broken), "--exports", str(exports))
    assert done.returncode == 1
    assert "two folders to verify" in done.stderr

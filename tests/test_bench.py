"""The benchmark's parts work, so that the report cannot rot: the synthetic data is
valid, the DuckDB-only references apply the rules and write the tables, and the
ratios are computed the right way round.

Timings are never asserted here (machines are shared and noisy): the targets
are reported in docs/benchmarks.md by scripts/bench.py.
"""

from __future__ import annotations

import csv
import shutil
import sys

import duckdb
import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import bench
import engines

from cpcd.checks.validate import validate

ROWS = 300


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench") / "package"
    folder.mkdir()
    bench.generate(ROWS, folder)
    return folder


def violations(package) -> int:
    con = duckdb.connect()
    con.execute(bench.validation_sql(package))
    return con.fetchone()[0]


def test_the_synthetic_data_is_valid(package):
    result = validate(package / "datapackage.json")
    assert result.problems == []
    assert len(result.data[bench.TABLE].frame) == ROWS
    assert violations(package) == 0


def _set_cell(path, key, column, value):
    """Put ``value`` in ``column`` of the row whose first cell is ``key``."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    [row] = [row for row in rows if row[0] == key]
    row[rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


# One planted error per row, each of another rule: (row key, column, value).
PLANTED = [
    ("synthetic_event_0000001", "event_id", "synthetic_event_0000000"),  # the row before's key
    ("synthetic_event_0000002", "domain", "spcae"),  # not in the enum
    ("synthetic_event_0000003", "date", "2023-02-30"),  # no such day
    ("synthetic_event_0000004", "source_id", "no_such_source"),  # not in the sources table
]


def test_the_duckdb_reference_counts_one_violation_per_planted_error(package, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    path = copy / "data" / f"{bench.TABLE}.csv"
    for key, column, value in PLANTED:
        _set_cell(path, key, column, value)
    assert violations(copy) == len(PLANTED)
    # cpcd rejects each too, in the column it was planted in.
    problems = validate(copy / "datapackage.json").problems
    assert {column for _, column, _ in PLANTED} <= {p.column for p in problems}


def test_the_duckdb_export_writes_every_table(package, tmp_path):
    con = duckdb.connect(str(tmp_path / "reference.duckdb"))
    con.execute(bench.export_sql(package, tmp_path))
    tables = [
        r["name"] for r in bench.json.loads((package / "datapackage.json").read_text())["resources"]
    ]
    for name in tables:
        rows = con.execute(f'select count(*) from "{name}"').fetchone()[0]
        assert (
            con.execute(f"select count(*) from '{tmp_path / name}.parquet'").fetchone()[0] == rows
        )
        assert (tmp_path / f"{name}.csv").exists()
    assert con.execute(f'select count(*) from "{bench.TABLE}"').fetchone()[0] == ROWS


def test_ratios_are_the_right_way_round():
    def timed(command, seconds):
        return {"rows": 1_000_000, "command": command, "median_s": seconds}

    results = [
        timed("cpcd validate", 4.0),
        timed("frictionless validate", 80.0),
        timed("DuckDB validate", 2.0),
        timed("cpcd build", 9.0),
        timed("DuckDB export", 3.0),
    ]
    found = {
        (command, reference): (ratio, met)
        for _, command, reference, _, ratio, met in bench.ratios(results)
    }
    # By hand: 80 / 4 = 20 times faster (target at least 15); 4 / 2 = 2 times the
    # DuckDB time (at most 1.5); 9 / 3 = 3 times the DuckDB export (at most 2).
    assert found == {
        ("cpcd validate", "frictionless validate"): (20.0, True),
        ("cpcd validate", "DuckDB validate"): (2.0, False),
        ("cpcd build", "DuckDB export"): (3.0, False),
    }


@pytest.mark.parametrize("engine", sorted(engines.ENGINES))
def test_each_engine_passes_the_data_and_finds_a_planted_error(package, tmp_path, engine):
    assert engines.main([engine, str(package)]) == 0
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    _set_cell(copy / "data" / f"{bench.TABLE}.csv", "synthetic_event_0000001", "domain", "spcae")
    assert engines.main([engine, str(copy)]) == 1

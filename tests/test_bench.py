"""The benchmark script runs end to end at a small size, so that it cannot rot.

Timings are never asserted here (machines are shared and noisy): the targets
live in docs/benchmarks.md, produced by scripts/bench.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_bench_smoke_run():
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench.py"),
            "--sizes",
            "1000",
            "--runs",
            "1",
            "--out",
            "-",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for command in (
        "cpcd validate",
        "cpcd build",
        "frictionless validate",
        "cpcd validate (seeded errors)",
        "frictionless validate (seeded errors)",
    ):
        assert f"| 1,000 | {command} |" in done.stdout, command
    for command in ("cpcd build", "import cpcd"):  # the shipped dataset, with its targets
        assert f"| shipped | {command} |" in done.stdout, command
        assert f"| shipped | {command} | ≤ " in done.stdout.split("## Targets", 1)[1], command
    assert "| NO |" not in done.stdout
    columns = len(json.loads((ROOT / "schemas" / "bilateral_events.json").read_text())["fields"])
    assert f"- 1,000 rows: `bilateral_events.csv`, {columns} columns, " in done.stdout

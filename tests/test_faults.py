"""Faults: a build killed mid-way or racing another build never leaves a half-written export."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from conftest import DESCRIPTOR

import cpcd
from cpcd.build import build
from cpcd.verify import verify

BUILD = [sys.executable, "-m", "cpcd", "build", "--quiet", "--out"]


def assert_complete(out: Path) -> None:
    """Every checksum, hash and the DuckDB digest match, and the tables load."""
    assert verify(out) == []
    assert len(cpcd.load("errata", exports=out)) > 0


CHECKPOINTS = ("parquet", "csv and duckdb", "written", "swap")


def test_a_killed_build_harms_nothing(tmp_path, exports):
    """Builds killed (SIGKILL) after the Parquet files, after the CSV and DuckDB files, with
    everything written but not swapped in, and between the swap's two renames: readers
    still find the previous export whole (beside the output, for the swap, until the next
    build puts it back), and the next build completes and removes what was left behind.

    The killed builds run at once, each into its own folder, for speed."""
    outs = {name: tmp_path / name.replace(" ", "_") / "exports" for name in CHECKPOINTS}
    processes = {}
    for checkpoint, out in outs.items():
        shutil.copytree(exports, out)
        env = {**os.environ, "CPCD_KILL_AT": checkpoint}
        processes[checkpoint] = subprocess.Popen(
            [*BUILD, str(out)], env=env, stderr=subprocess.PIPE
        )
    for checkpoint, process in processes.items():
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == -signal.SIGKILL, (checkpoint, stderr)
    for checkpoint, out in outs.items():
        if checkpoint == "swap":
            assert not out.exists()
            [aside] = [p / "exports" for p in out.parent.glob(".exports.old-*")]
            assert verify(aside) == []
        else:
            assert_complete(out)
            assert list(out.parent.glob(".exports.tmp-*")), checkpoint  # a leftover to remove
        build(DESCRIPTOR, out)
        assert_complete(out)
        assert [p.name for p in out.parent.iterdir()] == ["exports"], checkpoint


def test_two_builds_at_once_give_one_complete_export(tmp_path):
    out = tmp_path / "exports"
    processes = [subprocess.Popen([*BUILD, str(out)], stderr=subprocess.PIPE) for _ in range(2)]
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    assert_complete(out)
    assert [p.name for p in tmp_path.iterdir()] == ["exports"]

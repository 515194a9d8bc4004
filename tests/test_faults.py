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
from cpcd.exports.build import build
from cpcd.releases.verify import verify

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
    build puts it back), and each next build runs and removes what the killed one left.

    The builds run one after another into one folder, as a user's repeated tries would."""
    out = tmp_path / "exports"
    shutil.copytree(exports, out)
    left: list[Path] = []
    for checkpoint in CHECKPOINTS:
        env = {**os.environ, "CPCD_KILL_AT": checkpoint}
        done = subprocess.run([*BUILD, str(out)], env=env, capture_output=True, timeout=300)
        assert done.returncode == -signal.SIGKILL, (checkpoint, done.stderr)
        assert not [p for p in left if p.exists()], checkpoint  # the earlier leftover is gone
        if checkpoint == "swap":
            assert not out.exists()
            [aside] = [p / "exports" for p in tmp_path.glob(".exports.old-*")]
            assert verify(aside) == []
        else:
            assert_complete(out)
            left = list(tmp_path.glob(".exports.tmp-*"))
            assert len(left) == 1, checkpoint  # what the killed build left behind
    build(DESCRIPTOR, out)
    assert_complete(out)
    assert [p.name for p in tmp_path.iterdir()] == ["exports"]


def test_two_builds_at_once_give_one_complete_export(tmp_path):
    out = tmp_path / "exports"
    processes = [subprocess.Popen([*BUILD, str(out)], stderr=subprocess.PIPE) for _ in range(2)]
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    assert_complete(out)
    assert [p.name for p in tmp_path.iterdir()] == ["exports"]

"""Faults: a build killed mid-way or racing another build never leaves a half-written export."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import cpcd
from cpcd.integrity import verify

BUILD = [sys.executable, "-m", "cpcd", "build", "--quiet", "--out"]


def assert_complete(out: Path) -> None:
    """Every checksum, hash and the DuckDB digest match, and the tables load."""
    assert verify(out) == []
    assert len(cpcd.load("errata", exports=out)) > 0


def killed_build(out: Path, checkpoint: str) -> None:
    """A build that kills itself (SIGKILL) at a named checkpoint of the export."""
    env = {**os.environ, "CPCD_KILL_AT": checkpoint}
    done = subprocess.run([*BUILD, str(out)], env=env, capture_output=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr


def test_a_killed_build_leaves_the_previous_exports_whole(tmp_path, exports):
    out = tmp_path / "exports"
    shutil.copytree(exports, out)
    # Killed after the Parquet files, after the CSV files and the DuckDB file, and with
    # everything written but not yet swapped in.
    for checkpoint in ("parquet", "csv and duckdb", "written"):
        killed_build(out, checkpoint)
        assert_complete(out)
    # The next build completes and removes what the killed ones left behind.
    subprocess.run([*BUILD, str(out)], check=True, timeout=300)
    assert_complete(out)
    assert [p.name for p in tmp_path.iterdir()] == ["exports"]


def test_a_build_killed_inside_the_swap_is_recovered(tmp_path, exports):
    """Killed between the swap's two renames: the previous export is whole beside the output,
    and the next build puts it back before it builds."""
    out = tmp_path / "exports"
    shutil.copytree(exports, out)
    killed_build(out, "swap")
    assert not out.exists()
    [aside] = [p / "exports" for p in tmp_path.glob(".exports.old-*")]
    assert verify(aside) == []
    subprocess.run([*BUILD, str(out)], check=True, timeout=300)
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

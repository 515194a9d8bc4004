"""Faults: a build killed mid-way or racing another build never leaves a half-written export."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import cpcd
from cpcd.integrity import verify

BUILD = [sys.executable, "-m", "cpcd", "build", "--quiet", "--out"]


def assert_complete(out: Path) -> None:
    """Every checksum, hash and the DuckDB digest match, and the tables load."""
    assert verify(out) == []
    assert len(cpcd.load("errata", exports=out)) > 0


def test_a_killed_build_leaves_the_previous_exports_whole(tmp_path, exports):
    out = tmp_path / "exports"
    shutil.copytree(exports, out)
    # Kill points spread over start-up, validation and writing (a build takes a few seconds).
    for delay in (0.3, 0.9, 1.5, 2.1, 2.7, 3.3):
        process = subprocess.Popen(
            [*BUILD, str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.kill()
        process.wait()
        assert_complete(out)
    # The next build completes and removes what the killed ones left behind.
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

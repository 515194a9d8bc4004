"""A version names one dataset: releases.json holds each released version's inputs digest,
and the checkout's inputs are held to the digest recorded under its version."""

from __future__ import annotations

import json
import subprocess
import tarfile

import pytest
from conftest import DESCRIPTOR, ROOT, run_cli

from cpcd.common import changelog
from cpcd.digests.inputs import inputs_digest
from cpcd.releases.record import read

RELEASES = ROOT / "releases.json"
# Versions before 0.3.0 were changed after their release (0.2.0's commit holds other data
# than the final 0.2.0), so no digest names them; the record starts at 0.3.0.
FIRST_RECORDED = (0, 3, 0)
# The commit released as 0.3.0 (CHANGELOG entry dated 2026-12-04).
RELEASE_0_3_0 = "f58c23f"


def _order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def released_versions() -> list[str]:
    log = changelog.parse((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    return [r.version for r in log.releases if r.date is not None]


def test_every_released_version_from_0_3_0_on_is_recorded():
    versions = [v for v in released_versions() if _order(v) >= FIRST_RECORDED]
    assert "0.3.0" in versions
    missing = [v for v in versions if v not in read(RELEASES)]
    assert not missing, f"released but not in releases.json: {missing} (`cpcd release --record`)"


def test_every_recorded_version_is_a_released_one():
    assert set(read(RELEASES)) <= set(released_versions())


def test_the_inputs_under_the_current_version_are_the_recorded_ones():
    """Data, schemas, views or descriptor changed under a released number: that is a new
    version, with its CHANGELOG entry and its own record."""
    version = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["version"]
    assert version == released_versions()[0]
    recorded = read(RELEASES).get(version)
    assert recorded is not None, f"version {version} is not recorded in releases.json"
    assert recorded == inputs_digest(DESCRIPTOR), (
        f"the inputs differ from those released as {version}: make a new version"
    )


def test_the_0_3_0_record_is_the_digest_of_its_commit(tmp_path):
    """Recomputed from the released commit's own files, extracted with git archive."""
    if subprocess.run(["git", "cat-file", "-e", RELEASE_0_3_0], cwd=ROOT).returncode:
        pytest.skip(f"commit {RELEASE_0_3_0} (release 0.3.0) is not in this clone's history")
    archive = tmp_path / "inputs.tar"
    subprocess.run(
        [
            "git",
            "archive",
            "--output",
            str(archive),
            RELEASE_0_3_0,
            "datapackage.json",
            "data",
            "schemas",
            "views",
        ],
        cwd=ROOT,
        check=True,
    )
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "tree", filter="data")
    assert read(RELEASES)["0.3.0"] == inputs_digest(tmp_path / "tree" / "datapackage.json")


def test_release_record_writes_the_current_digest_and_says_what_it_replaced(tmp_path):
    path = tmp_path / "releases.json"
    old = "sha256:" + "0" * 64
    path.write_text(json.dumps({"9.9.9": old, "0.0.1": old}), encoding="utf-8")
    version = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["version"]
    done = run_cli("release", "--record", "--releases", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "0.0.1": old,
        version: inputs_digest(DESCRIPTOR),
        "9.9.9": old,
    }
    assert list(json.loads(path.read_text(encoding="utf-8"))) == ["0.0.1", version, "9.9.9"]
    path.write_text(json.dumps({version: old}), encoding="utf-8")
    done = run_cli("release", "--record", "--releases", str(path))
    assert done.returncode == 0, done.stderr
    assert f"(was {old})" in done.stdout


def test_a_version_without_a_dated_changelog_entry_is_not_recorded(tmp_path):
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    (tmp_path / "datapackage.json").write_text(json.dumps({**descriptor, "version": "99.0.0"}))
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n")
    path = tmp_path / "releases.json"
    done = run_cli(
        "release",
        "--record",
        "--releases",
        str(path),
        "--package",
        str(tmp_path / "datapackage.json"),
    )
    assert done.returncode == 1
    assert "no dated entry for version 99.0.0" in done.stderr
    assert not path.exists()


@pytest.mark.parametrize(
    "text, words",
    [
        ("{not json", "not valid JSON"),
        ('{"0.3": "sha256:abc"}', "'0.3': 'sha256:abc'"),
    ],
)
def test_a_broken_record_is_reported_with_its_file(tmp_path, text, words):
    path = tmp_path / "releases.json"
    path.write_text(text, encoding="utf-8")
    done = run_cli("release", "--record", "--releases", str(path))
    assert done.returncode == 1
    assert str(path) in done.stderr and words in done.stderr

"""Versioned, reproducible releases: identical rebuilds, one version everywhere, verify, release."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, TABLES, run_cli

from cpcd.exports.build import build
from cpcd.releases.archive import release
from cpcd.releases.verify import verify


def build_in(folder: Path, **env: str) -> Path:
    """A build in its own working directory and environment, as a separate process."""
    folder.mkdir(parents=True)
    out = folder / "exports"
    subprocess.run(
        [sys.executable, "-m", "cpcd", "build", "--quiet", "--out", str(out)],
        cwd=folder,
        check=True,
        timeout=300,
        env={**os.environ, **env},
    )
    return out


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory, exports) -> tuple[Path, Path]:
    """The session's build (in this process) and one in another process, directory, time
    zone and locale."""
    base = tmp_path_factory.mktemp("rebuilds")
    second = build_in(
        base / "two" / "deeper", TZ="Asia/Karachi", LC_ALL="C.UTF-8", LANG="ur_PK.UTF-8"
    )
    return exports, second


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_rebuilds_are_byte_identical_but_for_the_duckdb_file(two_builds):
    first, second = (files(folder) for folder in two_builds)
    assert set(first) == set(second)
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == ["cpcd.duckdb"]
    assert any(name.endswith(".parquet") for name in first)
    # The workbook and the Stata and SPSS files carry the release time, not the build's.
    for name in ("cpcd.xlsx", f"stata/{TABLES[0]}.dta", f"spss/{TABLES[0]}.sav"):
        assert name in first, name
    assert first["SHA256SUMS"] == second["SHA256SUMS"]


def test_duckdb_content_digest_is_the_same_and_stored_twice(two_builds):
    digests = set()
    for folder in two_builds:
        descriptor = json.loads((folder / "datapackage.json").read_text())
        con = duckdb.connect(str(folder / "cpcd.duckdb"), read_only=True)
        version, created, digest = con.execute("select * from cpcd_metadata").fetchone()
        con.close()
        assert digest == descriptor["duckdb_content_digest"]
        # created is a timestamp in the database, the same instant as the descriptor's text.
        stamp = datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))
        assert (version, created) == (descriptor["version"], stamp)
        digests.add(digest)
    assert len(digests) == 1


def test_created_comes_from_the_changelog_or_source_date_epoch(two_builds, tmp_path):
    changelog = (ROOT / "CHANGELOG.md").read_text()
    version = json.loads((ROOT / "datapackage.json").read_text())["version"]
    line = next(line for line in changelog.splitlines() if line.startswith(f"## [{version}] - "))
    assert json.loads((two_builds[0] / "datapackage.json").read_text())["created"] == (
        line.rsplit(" ", 1)[1] + "T00:00:00Z"
    )
    # 1700000000 seconds after the epoch is 2023-11-14 22:13:20 UTC.
    out = tmp_path / "epoch"
    build(ROOT / "datapackage.json", out, source_date_epoch=1700000000)
    assert json.loads((out / "datapackage.json").read_text())["created"] == "2023-11-14T22:13:20Z"


def test_the_build_command_reads_source_date_epoch_and_refuses_other_text(tmp_path):
    out = tmp_path / "exports"
    done = run_cli("build", "--out", str(out), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert done.returncode == 1
    assert "SOURCE_DATE_EPOCH: 'yesterday' is not a whole number of seconds" in done.stderr
    assert not out.exists()


def test_a_file_hash_is_its_sha256(tmp_path):
    from cpcd.common.hashing import file_sha256

    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    # The SHA-256 of "abc", example B.1 of FIPS 180-2.
    expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert file_sha256(path) == expected


def test_verify_passes_on_a_build(two_builds):
    assert verify(two_builds[0]) == []
    done = run_cli("verify", "--exports", str(two_builds[0]))
    assert done.returncode == 0


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "csv/errata.csv",
            {
                "checksum differs from SHA256SUMS",
                "hash differs from datapackage.json",
                "size differs from datapackage.json",
            },
        ),
        # frictionless does not check Parquet hashes; verify does.
        (
            "parquet/sources.parquet",
            {"checksum differs from SHA256SUMS", "hash differs from datapackage.json"},
        ),
        (
            "views/timeline.csv",
            {
                "checksum differs from SHA256SUMS",
                "hash differs from datapackage.json",
                "size differs from datapackage.json",
            },
        ),
    ],
)
def test_verify_names_each_changed_file(two_builds, tmp_path, target, expected):
    copy = tmp_path / "exports"
    shutil.copytree(two_builds[0], copy)
    with (copy / target).open("ab") as fh:
        fh.write(b"\n")
    problems = verify(copy)
    assert {p.rule for p in problems} == expected
    assert {Path(p.path).relative_to(copy).as_posix() for p in problems} == {target}
    done = run_cli("verify", "--exports", str(copy))
    assert done.returncode == 1 and target in done.stderr


LAUNCHES = (ROOT / "views" / "launch_summary.sql").read_text().rstrip().rstrip(";")


@pytest.mark.parametrize(
    "change",
    [
        "update bilateral_events set title = title || '!' where event_id = 'friendship_treaty'",
        # Same name, columns and types, fewer rows: the view's definition is in the digest.
        "create or replace view launch_summary as "
        f"select * from ({LAUNCHES}) where satellite_count > 1",
    ],
    ids=["table_row", "view_definition"],
)
def test_verify_detects_a_changed_database(two_builds, tmp_path, change):
    copy = tmp_path / "exports"
    shutil.copytree(two_builds[0], copy)
    con = duckdb.connect(str(copy / "cpcd.duckdb"))
    con.execute(change)
    con.close()
    assert {p.rule for p in verify(copy)} == {
        "content digest differs from datapackage.json",
        "content digest differs from cpcd_metadata",
    }


def test_release_archive_is_byte_identical_and_complete(two_builds, tmp_path):
    archives = [
        release(folder, ROOT, tmp_path / f"release{i}") for i, folder in enumerate(two_builds)
    ]
    assert archives[0].read_bytes() == archives[1].read_bytes()
    version = json.loads((ROOT / "datapackage.json").read_text())["version"]
    assert archives[0].name == f"cpcd-{version}.tar.gz"
    checksum = (archives[0].parent / f"{archives[0].name}.sha256").read_text().split()[0]
    assert checksum == hashlib.sha256(archives[0].read_bytes()).hexdigest()
    with tarfile.open(archives[0]) as tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        assert names == sorted(names)
        assert {m.mtime for m in members} == {members[0].mtime}
        assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
        top = f"cpcd-{version}"
        for name in (
            "README.md",
            "LICENSE",
            "CITATION.cff",
            "CHANGELOG.md",
            "exports/datapackage.json",
            "exports/SHA256SUMS",
            "docs/queries.md",
            "docs/data-dictionary.md",
            "docs/datasheet.md",
            "docs/figures/security.png",
            *(f"exports/parquet/{t}.parquet" for t in TABLES),
            "exports/cpcd.xlsx",
            *(f"exports/stata/{t}.dta" for t in TABLES),
            *(f"exports/spss/{t}.sav" for t in TABLES),
        ):
            assert f"{top}/{name}" in names, name
        extracted = tmp_path / "extracted"
        tar.extractall(extracted, filter="data")
    # What was released verifies on its own (the DuckDB file is left out: see cpcd.releases.archive),
    # from the archive's root as from its exports; every docs/ link in its README resolves.
    assert verify(extracted / top / "exports") == []
    done = run_cli("verify", "--exports", str(extracted / top))
    assert done.returncode == 0, done.stderr
    readme = (extracted / top / "README.md").read_text(encoding="utf-8")
    links = set(re.findall(r"\]\((docs/[^)#]+)", readme))
    assert links and all((extracted / top / link).is_file() for link in links), links

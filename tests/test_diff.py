"""cpcd diff between two fixture versions with known differences, as directories and as git revisions."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import copy_package, run_cli

from cpcd.exports.build import build
from cpcd.releases.diff import diff

GIT = [
    "git",
    "-c",
    "user.name=CPCD tests",
    "-c",
    "user.email=tests@example.org",
    "-c",
    "commit.gpgsign=false",
]

# The known differences between version 1 and version 2 of the fixture.
EXPECTED = {
    "bilateral_events": {
        "added": ["friendship_treaty_anniversary"],
        "removed": ["cpec_tenth_anniversary"],
        "changed": [
            {
                "key": "friendship_treaty",
                "fields": {
                    "title": {
                        "old": "Treaty of Friendship, Cooperation and Good-Neighbourly Relations signed",
                        "new": "Treaty of Friendship signed",
                    }
                },
            }
        ],
        "columns_added": [],
        "columns_removed": [],
    },
    "satellite_launches": {
        "added": [],
        "removed": [],
        "changed": [
            {
                "key": "hs_1",
                "fields": {"launch_datetime_utc": {"old": None, "new": "2025-10-19T03:00:00Z"}},
            }
        ],
        "columns_added": [],
        "columns_removed": [],
    },
}


def make_version_two(root: Path) -> None:
    events = root / "data" / "bilateral_events.csv"
    lines = events.read_text().split("\n")
    treaty = next(line for line in lines if line.startswith("friendship_treaty,"))
    kept = [line for line in lines if not line.startswith("cpec_tenth_anniversary,")]
    kept = [
        line.replace(
            "Treaty of Friendship, Cooperation and Good-Neighbourly Relations signed",
            "Treaty of Friendship signed",
        )
        if line.startswith("friendship_treaty,")
        else line
        for line in kept
    ]
    kept.insert(-1, treaty.replace("friendship_treaty,", "friendship_treaty_anniversary,", 1))
    events.write_text("\n".join(kept))
    launches = root / "data" / "satellite_launches.csv"
    text = launches.read_text()
    assert "hs_1,HS-1,,2025-10-19,," in text
    launches.write_text(
        text.replace("hs_1,HS-1,,2025-10-19,,", "hs_1,HS-1,,2025-10-19,2025-10-19T03:00:00Z,")
    )


@pytest.fixture(scope="module")
def versions(exports, tmp_path_factory) -> tuple[Path, Path]:
    """Version one is the shipped data (the session's build); version two is built here."""
    two = tmp_path_factory.mktemp("versions") / "two"
    two.mkdir()
    copy_package(two)
    make_version_two(two)
    build(two / "datapackage.json", two / "exports")
    return exports.parent, two


def test_diff_of_export_directories(versions):
    one, two = versions
    assert diff(one / "exports", two / "exports") == EXPECTED
    assert diff(one / "exports", one / "exports") == {}


def test_diff_command_prints_and_emits_json(versions):
    one, two = versions
    command = ["diff", str(one / "exports"), str(two / "exports")]
    text = run_cli(*command).stdout
    assert "bilateral_events: 1 added, 1 removed, 1 changed" in text
    assert "  - cpec_tenth_anniversary" in text
    assert "  ~ hs_1: launch_datetime_utc: None -> '2025-10-19T03:00:00Z'" in text
    as_json = run_cli(*command, "--json").stdout
    assert json.loads(as_json)["tables"] == EXPECTED


def test_diff_of_git_revisions(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    copy_package(repo)
    subprocess.run([*GIT, "init", "-q", str(repo)], check=True)
    subprocess.run([*GIT, "-C", str(repo), "add", "."], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qm", "version 1"], check=True)
    make_version_two(repo)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qam", "version 2"], check=True)
    done = run_cli("diff", "--json", "--repo", str(repo), "HEAD~1", "HEAD")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tables"] == EXPECTED


def test_unknown_version_is_a_clear_error(tmp_path):
    done = run_cli("diff", str(tmp_path), "no-such-revision")
    assert done.returncode == 1
    assert "neither an export directory nor a git revision" in done.stderr
    assert "Traceback" not in done.stderr

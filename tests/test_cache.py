"""The user cache of an installed cpcd: built on first use, one data version kept, and only
the folders cpcd made removed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import cpcd.common.paths
import cpcd.exports.build
import cpcd.exports.cache
from cpcd.exports.cache import MARKER, ensure_built


@pytest.fixture
def installed(monkeypatch, tmp_path, exports) -> list[Path]:
    """cpcd as if installed from a wheel, its cache in a fresh folder; builds copy the
    session's exports (what a build writes is tested elsewhere) and are recorded."""
    monkeypatch.setattr(cpcd.common.paths, "is_checkout", lambda: False)
    monkeypatch.setattr(cpcd.exports.cache, "is_checkout", lambda: False)
    monkeypatch.setenv("CPCD_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CPCD_EXPORTS", raising=False)
    built: list[Path] = []

    def build(descriptor, out, data_dir=None):
        shutil.copytree(exports, out)
        built.append(Path(out))

    monkeypatch.setattr(cpcd.exports.build, "build", build)
    return built


def _folder(cache: Path, name: str, marked: bool) -> Path:
    folder = cache / name
    (folder / "exports").mkdir(parents=True)
    (folder / "exports" / "datapackage.json").write_text("{}")
    if marked:
        (folder / MARKER).write_text("made by cpcd")
    return folder


def test_first_use_builds_the_current_version_and_removes_older_ones(installed, tmp_path):
    cache = tmp_path / "cache"
    older = _folder(cache, "0" * 32, marked=True)
    foreign = _folder(cache, "not-cpcds", marked=False)
    folder = ensure_built(cpcd.exports.cache.exports_dir())
    assert installed == [folder]
    assert folder.parent.parent == cache and folder.name == "exports"
    assert (folder / "datapackage.json").is_file()
    assert (folder.parent / MARKER).is_file()
    assert not older.exists()  # an older version cpcd made
    assert foreign.exists()  # a folder cpcd did not make is never touched
    assert sorted(p.name for p in cache.iterdir()) == sorted([folder.parent.name, foreign.name])


def test_the_current_version_is_built_once(installed):
    first = ensure_built(cpcd.exports.cache.exports_dir())
    second = ensure_built(cpcd.exports.cache.exports_dir())
    assert first == second and installed == [first]


def test_exports_already_built_are_neither_rebuilt_nor_pruned(installed, tmp_path):
    older = _folder(tmp_path / "cache", "1" * 32, marked=True)
    built = _folder(tmp_path / "elsewhere", "current", marked=False) / "exports"
    assert ensure_built(built) == built
    assert installed == [] and older.exists()


def test_info_and_verify_build_the_cache_on_first_use(installed, tmp_path):
    from conftest import run_cli

    done = run_cli("info", "--json")
    assert done.returncode == 0, done.stderr
    assert len(installed) == 1 and str(tmp_path / "cache") in done.stdout
    shutil.rmtree(tmp_path / "cache")
    done = run_cli("verify")
    assert done.returncode == 0, done.stderr
    assert len(installed) == 2


def test_a_descriptor_that_passed_is_not_checked_again(monkeypatch, tmp_path):
    """The frictionless check is remembered by the digest of the descriptor and its schemas;
    a changed schema is checked again, and a failing descriptor is never remembered."""
    import json

    from conftest import copy_package

    import cpcd.checks.descriptor as descriptor

    monkeypatch.setenv("CPCD_CACHE", str(tmp_path / "cache"))
    path = copy_package(tmp_path)
    assert descriptor.check_descriptor(path) == []
    remembered = tmp_path / "cache" / descriptor.CHECKED_DIR / descriptor.descriptor_digest(path)
    assert remembered.is_file()
    schema = tmp_path / "schemas" / "errata.json"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert descriptor.descriptor_digest(path) != remembered.name
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["resources"][0]["path"] = 5  # the standard wants a string
    path.write_text(json.dumps(spec), encoding="utf-8")
    for _ in range(2):
        assert descriptor.check_descriptor(path) != []
    assert len(list(remembered.parent.iterdir())) == 1  # only the descriptor that passed

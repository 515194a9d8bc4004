"""Installable data: the wheel carries the dataset, and cpcd.load works outside the
repository, typed exactly as inside it."""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, TABLES

import cpcd
from cpcd.common.text import cell_text

DUMP = textwrap.dedent("""
    import json, sys
    import cpcd
    from cpcd.common.text import cell_text
    out = {"version": cpcd.__version__, "tables": cpcd.tables(), "where": cpcd.__file__, "frames": {}}
    for name in cpcd.tables():
        frame = cpcd.load(name)
        out["frames"][name] = {
            "dtypes": [str(t) for t in frame.dtypes],
            "rows": [[cell_text(v) for v in row] for row in frame.itertuples(index=False)],
        }
    json.dump(out, sys.stdout)
""")


PACKAGED = ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "datapackage.json")
PACKAGED_DIRS = ("src", "data", "schemas", "views")


def build_wheel(source, dist):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(dist)],
        check=True, timeout=300, capture_output=True,
    )  # fmt: skip
    [wheel] = dist.glob("cpcd-*.whl")
    return wheel


@dataclass
class Venv:
    """A fresh virtual environment with cpcd installed from a wheel, used from the root
    folder (far from any repository), with its own home (and so its own user cache)."""

    python: Path
    purelib: Path
    home: Path
    wheel: Path  # the wheel built from the checkout, installed

    def run(self, *args, code=None, home=None):
        argv = [str(self.python), "-c", code] if code else [str(self.python.parent / "cpcd"), *args]
        return subprocess.run(
            argv, cwd="/", capture_output=True, text=True, timeout=300,
            env={"PATH": "/usr/bin:/bin", "HOME": str(home or self.home)},
        )  # fmt: skip

    def install(self, wheel):
        subprocess.run(
            [str(self.python), "-m", "pip", "install", "--no-deps", "--force-reinstall", "-q",
             str(wheel)],
            check=True, timeout=300, capture_output=True,
        )  # fmt: skip

    def installed_files(self):
        """cpcd's files in site-packages (bytecode aside, which Python itself may write)."""
        return sorted(
            p.relative_to(self.purelib).as_posix()
            for p in self.purelib.glob("cpcd*/**/*")
            if p.is_file() and "__pycache__" not in p.parts
        )


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Venv:
    base = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(ROOT, base / "dist")
    folder = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    python = folder / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    # The dependencies come from this environment; cpcd itself only from the wheel.
    deps = [p for p in site.getsitepackages() if p.endswith("site-packages")]
    (purelib / "dependencies.pth").write_text("\n".join(deps) + "\n")
    home = base / "elsewhere"
    home.mkdir()
    env = Venv(python, purelib, home, wheel)
    env.install(wheel)
    return env


@pytest.fixture(scope="module")
def installed(venv) -> dict:
    before = venv.installed_files()
    done = venv.run(code=DUMP)
    assert done.returncode == 0, done.stderr
    assert venv.installed_files() == before  # nothing written into site-packages
    return json.loads(done.stdout)


def test_the_wheel_is_what_is_imported(installed):
    assert str(ROOT) not in installed["where"]
    assert installed["version"] == cpcd.__version__
    assert installed["tables"] == TABLES


@pytest.mark.parametrize("table", TABLES)
def test_tables_load_outside_the_repository_as_inside(installed, exports, table):
    inside = cpcd.load(table, exports=exports)
    outside = installed["frames"][table]
    assert outside["dtypes"] == [str(t) for t in inside.dtypes]
    assert outside["rows"] == [
        [cell_text(v) for v in row] for row in inside.itertuples(index=False)
    ]


def test_the_exports_are_built_in_the_user_cache_not_in_site_packages(venv, installed):
    assert list((venv.home / ".cache" / "cpcd").glob("*/exports/cpcd.duckdb"))
    done = venv.run(
        code="import cpcd; print(cpcd.connect().sql('select count(*) from errata').fetchall()[0][0])"
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(installed["frames"]["errata"]["rows"])
    assert not list(venv.purelib.glob("cpcd*/**/exports/datapackage.json"))  # no built export


def test_a_reinstall_with_one_changed_cell_serves_that_cell(venv, installed, tmp_path):
    """Same version, one cell changed: the new wheel's data is served at once."""
    source = tmp_path / "source"
    source.mkdir()
    for name in PACKAGED:
        shutil.copy(ROOT / name, source / name)
    for name in PACKAGED_DIRS:
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("*.egg-info"))
    errata = source / "data" / "errata.csv"
    text = errata.read_text(encoding="utf-8")
    assert "The data keeps the paper's figure." in text
    errata.write_text(text.replace("The data keeps the paper's figure.", "Changed cell.", 1))
    query = (
        'import cpcd; print(cpcd.connect().sql("select count(*) from errata '
        "where explanation like '%Changed cell.%'\").fetchall()[0][0])"
    )
    try:
        venv.install(build_wheel(source, tmp_path / "dist"))
        done = venv.run(code=query)
        assert (done.returncode, done.stdout) == (0, "1\n"), done.stderr
    finally:
        venv.install(venv.wheel)  # the checkout's wheel again, as the other tests expect


def test_verify_on_a_fresh_install_builds_the_cache_and_removes_older_versions(venv, tmp_path):
    cache = tmp_path / ".cache" / "cpcd"
    older = cache / ("0" * 32)
    (older / "exports").mkdir(parents=True)
    (older / ".cpcd-cache").write_text("made by cpcd")
    foreign = cache / "notes"
    foreign.mkdir()
    done = venv.run("verify", home=tmp_path)
    assert done.returncode == 0, done.stderr
    [built] = [p for p in cache.glob("*/exports/cpcd.duckdb")]
    assert (built.parent.parent / ".cpcd-cache").is_file()
    assert str(built.parent) in done.stdout
    assert not older.exists() and foreign.exists()


@pytest.mark.parametrize(
    "command", [["cookbook", "--check"], ["docs", "--check"], ["release"], ["figures"]]
)
def test_commands_that_need_a_checkout_say_so(venv, command):
    done = venv.run(*command)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert f"`cpcd {command[0]}` needs a repository checkout" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_wheel_names_both_licences(venv):
    with zipfile.ZipFile(venv.wheel) as archive:
        [metadata] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
        licence = [n for n in archive.namelist() if n.endswith("licenses/LICENSE")]
    assert "License-Expression: MIT AND CC-BY-4.0" in text.splitlines()
    assert licence  # the licence text travels with the wheel

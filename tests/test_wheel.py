"""Installable data: the wheel carries the dataset, and cpcd.load works outside the
repository, typed exactly as inside it."""

from __future__ import annotations

import json
import site
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, TABLES

import cpcd
from cpcd.text import cell_text

DUMP = textwrap.dedent("""
    import json, sys
    import cpcd
    from cpcd.text import cell_text
    out = {"version": cpcd.__version__, "tables": cpcd.tables(), "where": cpcd.__file__, "frames": {}}
    for name in cpcd.tables():
        frame = cpcd.load(name)
        out["frames"][name] = {
            "dtypes": [str(t) for t in frame.dtypes],
            "rows": [[cell_text(v) for v in row] for row in frame.itertuples(index=False)],
        }
    json.dump(out, sys.stdout)
""")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(base / "dist"),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    [wheel] = (base / "dist").glob("cpcd-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    # The dependencies come from this environment; cpcd itself only from the wheel.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    deps = [p for p in site.getsitepackages() if p.endswith("site-packages")]
    (base / "venv" / purelib.split(str(venv) + "/", 1)[1] / "dependencies.pth").write_text(
        "\n".join(deps) + "\n"
    )
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    outside = base / "elsewhere"
    outside.mkdir()
    done = subprocess.run(
        [str(python), "-c", DUMP],
        cwd=outside,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(outside)},
    )
    assert done.returncode == 0, done.stderr
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

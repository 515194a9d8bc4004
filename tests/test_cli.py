"""The command line: its commands and options read from the click objects typer builds, and
a few runs end to end (exit codes, JSON, quiet output). Bad input on the command line:
test_bad_input."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
import tomllib

import pytest
import typer
from conftest import DATA, DESCRIPTOR, ROOT, TABLES, copy_package, read_rows, run_cli

import cpcd
from cpcd.cli.main import app
from cpcd.exports.build import build

cpcd_cli = run_cli


COMMANDS = (
    "validate",
    "build",
    "info",
    "verify",
    "sql",
    "diff",
    "release",
    "cookbook",
    "docs",
    "figures",
    "site",
)
# Which commands read built exports, which write files, and which options are flags (a
# contract, written out).
READ_EXPORTS = {"info", "verify", "sql", "diff", "cookbook", "figures", "site", "release"}
WRITE_FILES = {"build", "figures", "site", "release"}
FLAGS = {"--quiet", "--json", "--check", "--help", "--version", "--record"}

GROUP = typer.main.get_command(app)
ROOT_CONTEXT = typer.Context(GROUP, info_name="cpcd")


def command(name: str):
    """The click command ``name`` and a context to read it in."""
    found = GROUP.get_command(ROOT_CONTEXT, name)
    return found, typer.Context(found, parent=ROOT_CONTEXT, info_name=name)


def options(name: str) -> dict[str, object]:
    """A command's options by their long name, --help included."""
    found, context = command(name)
    params = [*found.params, found.get_help_option(context)]
    return {opt: p for p in params for opt in p.opts if opt.startswith("--")}


def test_every_command_is_listed_in_order_with_a_one_line_summary():
    assert GROUP.list_commands(ROOT_CONTEXT) == list(COMMANDS)
    # A row of the 80-column commands panel is "│ ", the name padded to the longest name,
    # two spaces, the summary and " │" (counted on `COLUMNS=80 cpcd --help`).
    room = 80 - 2 - max(map(len, COMMANDS)) - 2 - 2
    for name in COMMANDS:
        summary = command(name)[0].help.split("\n\n")[0]
        assert summary and "\n" not in summary, name
        assert len(summary) <= room, (name, summary)


@pytest.mark.parametrize("name", COMMANDS)
def test_exports_are_read_with_exports_and_files_written_with_out(name):
    found = options(name)
    assert ("--exports" in found) == (name in READ_EXPORTS), name
    assert ("--out" in found) == (name in WRITE_FILES), name


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_flags_take_no_value_and_show_none(name):
    """The help shows no value for a flag (typer would show `<bool>` beside --help)."""
    if name is None:
        context = ROOT_CONTEXT
        params = [*GROUP.params, GROUP.get_help_option(context)]
    else:
        found, context = command(name)
        params = [*found.params, found.get_help_option(context)]
    flags = [p for p in params if set(p.opts) & FLAGS]
    assert "--help" in {opt for p in flags for opt in p.opts}
    for p in flags:
        assert p.is_flag, p.opts
        assert not p.display_type_rich(context), (p.opts, p.display_type_rich(context))
    for p in params:
        if not set(p.opts) & FLAGS:
            assert not getattr(p, "is_flag", False), p.opts


def test_diff_quiet_prints_one_line_per_table_and_new_defaults_to_the_exports(exports, tmp_path):
    copy_package(tmp_path)
    errata = tmp_path / "data" / "errata.csv"
    lines = errata.read_text(encoding="utf-8").splitlines()
    errata.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one row fewer
    older = tmp_path / "older"
    build(tmp_path / "datapackage.json", older)
    full = cpcd_cli("diff", str(older), str(exports))
    assert full.returncode == 0, full.stderr
    assert any(line.startswith("  ") for line in full.stdout.splitlines())
    quiet = cpcd_cli("diff", str(older), "--exports", str(exports), "--quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.splitlines() == [
        line for line in full.stdout.splitlines() if not line.startswith(" ")
    ]
    assert "errata: 1 added, 0 removed, 0 changed" in quiet.stdout


def test_bare_cpcd_prints_the_help_and_succeeds():
    done = cpcd_cli(env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    assert "Commands" in done.stdout and "validate" in done.stdout


def test_version_is_the_datasets():
    # The real entry point, in a new process, once; other tests run the CLI in this one.
    done = subprocess.run(
        [sys.executable, "-m", "cpcd", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    version = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["version"]
    assert done.stdout == f"cpcd {version}\n"


def test_validate_passes_on_the_shipped_data():
    done = cpcd_cli("validate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"valid: {len(TABLES)} tables")


def test_build_says_what_it_built_and_info_reads_it(tmp_path):
    out = tmp_path / "out"
    done = cpcd_cli("build", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = sum(len(read_rows(DATA / f"{name}.csv", name)) for name in TABLES)
    assert re.fullmatch(rf"built {len(TABLES)} tables, {rows} rows in \d+\.\d\d s\n", done.stdout)
    info = cpcd_cli("info", "--exports", str(out))
    assert info.returncode == 0
    as_json = json.loads(cpcd_cli("info", "--exports", str(out), "--json").stdout)
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert as_json["version"] == descriptor["version"]
    assert as_json["duckdb_content_digest"] == descriptor["duckdb_content_digest"]
    assert f"DuckDB content digest: {descriptor['duckdb_content_digest']}" in info.stdout
    assert [t["name"] for t in as_json["tables"]] == TABLES
    # Row counts in `info` are those of the committed CSVs (records minus header),
    # and the hashes those of the exported CSV files.
    total = 0
    for item in as_json["tables"]:
        name = item["name"]
        with (ROOT / "data" / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
            rows = sum(1 for _ in csv.reader(fh)) - 1
        total += rows
        assert item["rows"] == rows, name
        assert (
            item["sha256"] == hashlib.sha256((out / "csv" / f"{name}.csv").read_bytes()).hexdigest()
        )
        assert re.search(rf"^│ {name}\s+│\s+{rows} │", info.stdout, re.MULTILINE), name
    assert re.search(rf"^│ all tables\s+│\s+{total} │", info.stdout, re.MULTILINE)


def test_json_output_for_programs():
    # Bad input in JSON: test_bad_input.
    done = cpcd_cli("validate", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["problems"] == []
    assert report["rows"]["citations"] == 50  # the paper's reference list ends at [50]


def test_quiet_commands_print_nothing_on_success(exports):
    for args in (("validate",), ("verify", "--exports", str(exports)), ("docs", "--check")):
        done = cpcd_cli(*args, "--quiet")
        assert done.returncode == 0, (args, done.stderr)
        assert done.stdout == "" and done.stderr == "", args
    done = cpcd_cli("verify", "--exports", str(exports), "--json")
    assert json.loads(done.stdout) == {"ok": True, "exports": str(exports), "problems": []}


def test_info_without_exports_says_how_to_build(tmp_path):
    done = cpcd_cli("info", "--exports", str(tmp_path))
    assert done.returncode == 1
    assert "make build" in done.stderr


def test_one_version_everywhere(exports):
    version = json.loads(DESCRIPTOR.read_text())["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == version
    citation = (ROOT / "CITATION.cff").read_text()
    assert re.search(rf"^version: \"?{re.escape(version)}\"?$", citation, re.MULTILINE)
    assert cpcd.__version__ == version
    assert json.loads((exports / "datapackage.json").read_text())["version"] == version
    con = cpcd.connect(exports)
    assert con.execute("select version from cpcd_metadata").fetchone()[0] == version
    assert f"## [{version}] - " in (ROOT / "CHANGELOG.md").read_text()
    released = re.search(r'^date-released: "?(\d{4})', citation, re.MULTILINE)[1]
    assert (
        f"> CPCD contributors ({released}). *China-Pakistan Cooperation Dataset (CPCD)*,\n> version {version}."
        in (ROOT / "README.md").read_text()
    )


def test_readme_row_counts_match_the_data():
    readme = (ROOT / "README.md").read_text()
    for table in TABLES:
        rows = len((ROOT / "data" / f"{table}.csv").read_text().splitlines()) - 1
        assert re.search(rf"^\| `{table}` \| {rows} \|", readme, re.MULTILINE), table


def test_readme_quick_start_is_the_two_make_commands():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"```sh\n(.*?)```", quick, re.DOTALL) == ["make build\nmake test\n"]

"""The command line as a user runs it: help, exit codes, readable problems, no traceback."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
import tomllib

import pytest
from conftest import DATA, DESCRIPTOR, ROOT, TABLES, copy_package, read_rows, run_cli

import cpcd
from cpcd.build import build

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


def test_help_lists_every_command_on_one_line():
    done = cpcd_cli("--help", env={"COLUMNS": "80"})
    assert done.returncode == 0
    panel = done.stdout.split("Commands", 1)[1].split("╰", 1)[0]
    commands = [line for line in panel.splitlines() if line.startswith("│")]
    # One line per command, each with its help; no help wraps onto a second line.
    assert [line.split()[1] for line in commands] == list(COMMANDS)
    assert all(len(line.split()) > 3 for line in commands)
    for command in COMMANDS:
        assert cpcd_cli(command, "--help").returncode == 0


# Which commands read built exports and which write files (a contract, written out).
READ_EXPORTS = {"info", "verify", "sql", "diff", "cookbook", "figures", "site", "release"}
WRITE_FILES = {"build", "figures", "site", "release"}


def _options(command: str) -> dict[str, str]:
    """The options of a command's --help, each with the rest of its line."""
    text = cpcd_cli(command, "--help", env={"COLUMNS": "200"}).stdout
    found = {}
    for line in text.splitlines():
        for word in line.strip("│ ").split():
            if word.startswith("--"):
                found.setdefault(word.rstrip(","), line)
    return found


@pytest.mark.parametrize("command", COMMANDS)
def test_exports_are_read_with_exports_and_files_written_with_out(command):
    options = _options(command)
    assert ("--exports" in options) == (command in READ_EXPORTS), command
    assert ("--out" in options) == (command in WRITE_FILES), command
    for flag, line in options.items():  # flags (--help too) take no value, and show none
        assert "<bool>" not in line, (flag, line)


def test_the_help_of_cpcd_itself_shows_no_value_for_a_flag():
    text = cpcd_cli("--help", env={"COLUMNS": "200"}).stdout
    assert "--help" in text and "--version" in text
    assert "<bool>" not in text


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


def test_json_output_for_programs(tmp_path):
    done = cpcd_cli("validate", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["problems"] == []
    assert report["rows"]["citations"] == 50  # the paper's reference list ends at [50]
    copy_package(tmp_path)
    citations = tmp_path / "data" / "citations.csv"
    citations.write_text(citations.read_text().replace("\n7,", "\nseven,", 1))
    done = cpcd_cli("validate", "--json", "--data", str(tmp_path / "data"))
    assert done.returncode == 1
    report = json.loads(done.stdout)  # nothing but the JSON document on standard output
    assert report["ok"] is False
    assert {
        "file": str(tmp_path / "data" / "citations.csv"),
        "line": 8,
        "column": "citation_number",
        "value": "seven",
        "rule": "type: not a valid integer",
    } in report["problems"]


def test_quiet_commands_print_nothing_on_success(exports):
    for args in (("validate",), ("verify", "--exports", str(exports)), ("docs", "--check")):
        done = cpcd_cli(*args, "--quiet")
        assert done.returncode == 0, (args, done.stderr)
        assert done.stdout == "" and done.stderr == "", args
    done = cpcd_cli("verify", "--exports", str(exports), "--json")
    assert json.loads(done.stdout) == {"ok": True, "exports": str(exports), "problems": []}


def test_bad_data_gives_one_line_per_problem_and_exit_1(tmp_path):
    copy_package(tmp_path)
    data = tmp_path / "data"
    events = data / "bilateral_events.csv"
    events.write_text(events.read_text().replace(",diplomacy,", ",diplomacyy,"))
    out = tmp_path / "out"
    done = cpcd_cli("build", "--data", str(data), "--out", str(out))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "bilateral_events.csv:" in line]
    with (ROOT / "data" / "bilateral_events.csv").open(newline="") as fh:
        diplomacy = sum(row["domain"] == "diplomacy" for row in csv.DictReader(fh))
    assert diplomacy > 1
    assert len(lines) == diplomacy
    assert all(
        re.fullmatch(r".*bilateral_events\.csv:\d+: domain: 'diplomacyy': enum: .*", line)
        for line in lines
    )
    assert f"{diplomacy} problem(s) in 1 file(s)" in done.stderr
    assert not out.exists()


def test_problem_list_is_capped(tmp_path):
    copy_package(tmp_path)
    sources = tmp_path / "data" / "sources.csv"
    sources.write_text(
        sources.read_text().replace(",en,", ",english,").replace(",zh,", ",chinese,")
    )
    done = cpcd_cli("validate", "--data", str(tmp_path / "data"), "--max-problems", "3")
    assert done.returncode == 1
    assert re.search(r"^\.\.\. and \d+ more$", done.stderr, re.MULTILINE)


def test_broken_metadata_is_reported_without_traceback(tmp_path):
    descriptor = copy_package(tmp_path)
    (tmp_path / "schemas" / "errata.json").write_text("{")
    done = cpcd_cli("validate", "--package", str(descriptor))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "errata.json" in done.stderr


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

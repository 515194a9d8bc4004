"""Shared fixtures: the repository's files, a fresh build, and an independent CSV reader.

The reader here deliberately does not use cpcd: it turns the committed CSV text
into Python values with the standard library, so that exports can be compared
with the source data by a second, simpler implementation.
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from cpcd.exports.build import build

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = ROOT / "datapackage.json"
SCHEMAS = ROOT / "schemas"
DATA = ROOT / "data"
TABLES = [r["name"] for r in json.loads(DESCRIPTOR.read_text())["resources"]]
# The tables of facts, each row with its source (written out: a contract, not derived).
FACT_TABLES = [
    "bilateral_events",
    "context_events",
    "satellite_launches",
    "agricultural_projects",
    "project_partners",
    "cpec_projects",
    "cpec_project_milestones",
    "cpec_project_partners",
    "terrorism_statistics",
    "context_statistics",
    "security_incidents",
]


SHARED = json.loads((SCHEMAS / "fields.json").read_text(encoding="utf-8"))["fields"]
ROLES = ("precision", "start", "end", "year", "day")


def schema(table: str) -> dict:
    """The table's complete schema, expanded here without cpcd by the documented rule: a
    field with no type is the shared field (or the one its cpcd:sharedField names) plus the
    table's keys (constraints merged), and
    the fields an EDTF rule names but the file lacks follow the EDTF field."""
    written = json.loads((SCHEMAS / f"{table}.json").read_text(encoding="utf-8"))
    names = {f["name"] for f in written["fields"]}
    fields = []
    for f in written["fields"]:
        if "type" not in f:
            base = SHARED[f.get("cpcd:sharedField", f["name"])]
            f = {k: v for k, v in f.items() if k != "cpcd:sharedField"}
            constraints = {**base.get("constraints", {}), **f.get("constraints", {})}
            f = {**base, **f, "constraints": constraints}
            # JSON Merge Patch: a null removes the shared key.
            f = {k: v for k, v in f.items() if v is not None}
            f["constraints"] = {k: v for k, v in constraints.items() if v is not None}
        fields.append(f)
        rule = f.get("cpcd:edtf") or {}
        for role in ROLES:
            target = rule.get(role)
            if target and target not in names:
                required = f.get("constraints", {}).get("required", False)
                constraints = {**SHARED[target].get("constraints", {}), "required": required}
                fields.append(
                    {
                        "name": target,
                        **SHARED[target],
                        "cpcd:derivedFrom": f["name"],
                        "constraints": constraints,
                    }
                )
    reference = written.get("cpcd:rowReference")
    if reference:
        # The referring column's enum: the tables of the roles the reference declares.
        tables = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]
        roles = {
            r["name"]: (json.loads((ROOT / r["schema"]).read_text()).get("cpcd:role"), r["title"])
            for r in tables
        }
        named = [n for n, (role, _) in roles.items() if role in reference["roles"]]
        for f in fields:
            if f["name"] == reference["table"]:
                f["constraints"] = {**f["constraints"], "enum": named}
                f["categories"] = [{"value": n, "label": roles[n][1]} for n in named]
    return {**written, "fields": fields}


def source_field_names(table: str) -> list[str]:
    """The columns a person writes in data/<table>.csv (computed ones excluded)."""
    return [f["name"] for f in schema(table)["fields"] if "cpcd:derivedFrom" not in f]


def python_value(text: str, field_type: str):
    """One CSV cell as a Python value, by the Table Schema rules for its type."""
    if text == "":
        return None
    if field_type == "integer":
        return int(text)
    if field_type == "number":
        return float(text)
    if field_type == "boolean":
        return {"true": True, "false": False}[text]
    if field_type == "date":
        return date.fromisoformat(text)
    if field_type == "datetime":
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    return text


def edtf_parts(text: str) -> dict[str, object]:
    """Precision, first and last day, year and day of the EDTF forms the tables use
    (YYYY, YYYY-MM, YYYY-MM-DD, YYYX and START/END of these), by the calendar alone: an
    oracle for the values the build computes with the edtf library."""
    if "/" in text:
        first, last = (edtf_parts(part) for part in text.split("/"))
        return {
            "precision": first["precision"],
            "start": first["start"],
            "end": last["end"],
            "year": first["year"],
            "day": None,
        }
    if text.endswith("X"):
        decade = int(text[:3]) * 10
        start, end, precision = date(decade, 1, 1), date(decade + 9, 12, 31), "decade"
    elif len(text) == 4:
        start, end, precision = date(int(text), 1, 1), date(int(text), 12, 31), "year"
    elif len(text) == 7:
        y, m = int(text[:4]), int(text[5:])
        last = calendar.monthrange(y, m)[1]
        start, end, precision = date(y, m, 1), date(y, m, last), "month"
    else:
        start = end = date.fromisoformat(text)
        precision = "day"
    return {
        "precision": precision,
        "start": start,
        "end": end,
        "year": start.year,
        "day": start if precision == "day" else None,
    }


def read_rows(path: Path, table: str) -> list[dict]:
    """Rows of a CSV file as typed dicts, sorted by the table's primary key. Fields the build
    computes and the file lacks (data/ holds none) are filled in by :func:`edtf_parts`."""
    spec = schema(table)
    types = {f["name"]: f["type"] for f in spec["fields"]}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [
            {k: python_value(v, types[k]) for k, v in row.items()} for row in csv.DictReader(fh)
        ]
    order = [f["name"] for f in spec["fields"]]
    for f in spec["fields"]:
        for role, target in (f.get("cpcd:edtf") or {}).items():
            for row in rows:
                if target not in row:
                    text = row[f["name"]]
                    row[target] = edtf_parts(text)[role] if text else None
    rows = [{name: row[name] for name in order} for row in rows]
    key = spec["primaryKey"]
    return sorted(rows, key=lambda r: tuple(r[k] for k in key))


def text_rows(table: str) -> list[dict[str, str]]:
    """data/<table>.csv as text cells, with the fields the build computes from EDTF dates
    added as text (by :func:`edtf_parts`), in the exports' column order."""
    spec = schema(table)
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for f in spec["fields"]:
        for role, target in (f.get("cpcd:edtf") or {}).items():
            for row in rows:
                if target not in row:
                    text = row[f["name"]]
                    value = edtf_parts(text)[role] if text else None
                    row[target] = "" if value is None else str(value)
    order = [f["name"] for f in spec["fields"]]
    return [{name: row[name] for name in order} for row in rows]


def copy_package(target: Path) -> Path:
    """A writable copy of the descriptor, schemas and data; returns the copied descriptor."""
    shutil.copy(DESCRIPTOR, target / "datapackage.json")
    shutil.copytree(SCHEMAS, target / "schemas")
    shutil.copytree(DATA, target / "data")
    shutil.copytree(ROOT / "views", target / "views")
    shutil.copy(ROOT / "CHANGELOG.md", target / "CHANGELOG.md")
    return target / "datapackage.json"


def frictionless_validate(folder: Path) -> subprocess.CompletedProcess:
    """Run the frictionless command line on ``folder/datapackage.json``, as a user would."""
    cli = Path(sys.executable).parent / "frictionless"
    return subprocess.run(
        [str(cli), "validate", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """``cpcd ARGS`` run the way the installed command runs it (``cpcd.cli.main.main``), but in
    this process: the same output and exit status without starting Python again."""
    from cpcd.cli.main import main

    stdout, stderr = io.StringIO(), io.StringIO()
    saved = (sys.argv, os.getcwd(), dict(os.environ))
    try:
        sys.argv = ["cpcd", *args]
        os.chdir(cwd)
        os.environ.update(env or {})
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                main()
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    finally:
        sys.argv = saved[0]
        os.chdir(saved[1])
        os.environ.clear()
        os.environ.update(saved[2])
    return subprocess.CompletedProcess(["cpcd", *args], code, stdout.getvalue(), stderr.getvalue())


@pytest.fixture(scope="session")
def exports(tmp_path_factory) -> Path:
    """The shipped data built into a fresh directory once per test session."""
    out = tmp_path_factory.mktemp("build") / "exports"
    build(DESCRIPTOR, out)
    return out

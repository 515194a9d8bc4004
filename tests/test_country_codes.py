"""Country codes are ISO 3166-1 alpha-2, declared once as the shared field's enum: a code
that is two capital letters but no country's (XX) is refused by the build and by
frictionless reading the exports."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pycountry
import pytest
from conftest import SCHEMAS, TABLES, copy_package, schema, text_rows

from cpcd.common.problems import CpcdError
from cpcd.exports.build import build

SHARED = json.loads((SCHEMAS / "fields.json").read_text(encoding="utf-8"))["fields"]
COUNTRIES = sorted(pycountry.countries, key=lambda c: c.alpha_2)


def test_the_country_code_enum_is_iso_3166_1():
    declared = SHARED["country_code"]
    assert declared["constraints"]["enum"] == [c.alpha_2 for c in COUNTRIES]
    assert [(c["value"], c["label"]) for c in declared["categories"]] == [
        (c.alpha_2, c.name) for c in COUNTRIES
    ]
    assert "pattern" not in declared["constraints"]  # the enum is the one rule


def test_every_country_code_column_is_the_shared_field():
    """Each table's country_code has the declared list, and every code the data holds is
    in it."""
    codes = [c.alpha_2 for c in COUNTRIES]
    tables = [t for t in TABLES if "country_code" in {f["name"] for f in schema(t)["fields"]}]
    assert len(tables) == 5  # hand count of the schemas naming country_code
    for table in tables:
        (field,) = [f for f in schema(table)["fields"] if f["name"] == "country_code"]
        assert field["constraints"]["enum"] == codes, table
        used = {r["country_code"] for r in text_rows(table)} - {""}
        assert used and used <= set(codes), table


def _with_unknown_code(folder: Path) -> tuple[Path, int]:
    """A copy of the package whose first project_partners row with PK says XX instead;
    returns the descriptor and the line edited."""
    descriptor = copy_package(folder)
    path = folder / "data" / "project_partners.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, start=1) if ",PK," in text)
    lines[line - 1] = lines[line - 1].replace(",PK,", ",XX,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    return descriptor, line


def test_the_build_refuses_a_code_that_is_no_country(tmp_path):
    descriptor, line = _with_unknown_code(tmp_path)
    with pytest.raises(CpcdError) as err:
        build(descriptor, tmp_path / "out")
    found = [
        (Path(p.path).name, p.line, p.column, p.value, p.rule.split(":")[0])
        for p in err.value.problems
    ]
    assert found == [("project_partners.csv", line, "country_code", "XX", "enum")]
    assert not (tmp_path / "out").exists()


def test_frictionless_refuses_it_in_the_exports(exports, tmp_path, monkeypatch):
    """The exports' descriptor carries each field whole; frictionless reads the edited CSV
    with the project_partners schema found there."""
    _, line = _with_unknown_code(tmp_path)
    descriptor = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in descriptor["resources"] if r["name"] == "project_partners"]
    spec = {k: v for k, v in resource["schema"].items() if k != "foreignKeys"}  # alone
    monkeypatch.chdir(tmp_path / "data")  # frictionless reads only paths below the folder
    report = frictionless.Resource(
        path="project_partners.csv", schema=frictionless.Schema.from_descriptor(spec)
    ).validate()
    errors = [(e.type, e.field_name, e.cell, e.row_number) for e in report.tasks[0].errors]
    assert errors == [("constraint-error", "country_code", "XX", line)]

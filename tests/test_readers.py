"""The files for readers outside Python: the Excel workbook, and the Stata and SPSS files.

Each is read back with a reader that did not write it (openpyxl for the workbook,
pyreadstat and pandas for the Stata and SPSS files) and compared value by value
and label by label with the CSV exports, read by the standard library
(conftest.read_rows). Expected labels and codes come from the schema files.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from conftest import DESCRIPTOR, TABLES, copy_package, python_value, read_rows, schema

from cpcd.exports.build import build

VIEWS = ["timeline", "security_incidents_by_area", "terrorism_annual"]
# The one field name longer than Stata's 32 characters, and the name it gets (a contract).
STATA_RENAMED = {"compiling_organisation_as_printed": "compiling_org_as_printed"}
NEWLINE_TEXT = "First line of the note.\nSecond line, after a line break."
# A quote of thirty words (the schema's limit) longer than Stata's 2045-byte strings.
LONG_QUOTE = " ".join(
    ["巴基斯坦卫星由中国长征火箭发射升空进入预定轨道"] * 29 + ["«Pakistan\u2019s»"]
)
NAME = "Zarai Taraqiati Bank — زرعی ترقیاتی بینک (Université de Liège)"


def _edit(path: Path, column: str, value: str) -> dict:
    """Set ``column`` of the first row of a CSV file to ``value``; return that row."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    rows[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows[0]


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Path:
    """A build of the data with a cell holding a line break, a quote longer than Stata's
    2045-byte strings and a name in three scripts."""
    base = tmp_path_factory.mktemp("readers")
    descriptor = copy_package(base)
    assert len(LONG_QUOTE.encode()) > 2045
    _edit(base / "data" / "bilateral_events.csv", "notes", NEWLINE_TEXT)
    _edit(base / "data" / "satellite_launches.csv", "source_quote", LONG_QUOTE)
    _edit(base / "data" / "project_partners.csv", "organisation_as_printed", NAME)
    out = base / "exports"
    build(descriptor, out)
    return out


@pytest.fixture(scope="module", params=["session", "edited"])
def built(request, exports, edited) -> Path:
    return exports if request.param == "session" else edited


def _types(table: str) -> dict[str, str]:
    return {f["name"]: f["type"] for f in schema(table)["fields"]}


def _sheet_rows(sheet) -> tuple[list[str], list[tuple]]:
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def _excel_value(value, field_type: str):
    """What openpyxl gives back for a CSV value of this type."""
    if value is None:
        return None
    if field_type == "date":
        return datetime(value.year, value.month, value.day)
    if field_type == "datetime":
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


@pytest.fixture(scope="module")
def workbooks(exports, edited) -> dict[str, openpyxl.Workbook]:
    return {
        "session": openpyxl.load_workbook(exports / "cpcd.xlsx"),
        "edited": openpyxl.load_workbook(edited / "cpcd.xlsx"),
    }


@pytest.mark.parametrize("which", ["session", "edited"])
def test_workbook_sheets_hold_every_table_value_typed(workbooks, exports, edited, which):
    folder = exports if which == "session" else edited
    book = workbooks[which]
    assert book.sheetnames == ["About", "Columns", *TABLES, *VIEWS]
    for table in TABLES:
        sheet = book[table]
        types = _types(table)
        header, rows = _sheet_rows(sheet)
        assert header == list(types), table
        expected = read_rows(folder / "csv" / f"{table}.csv", table)
        got = [dict(zip(header, row, strict=True)) for row in rows]
        assert len(got) == len(expected), table
        for want, have in zip(expected, got, strict=True):
            for name, field_type in types.items():
                value = _excel_value(want[name], field_type)
                assert have[name] == value, (table, name, want[name], have[name])
                # Booleans are booleans, numbers are numbers: no text "true" or "12". Excel
                # has one kind of number: a whole one reads back as an int.
                number = field_type == "number" and value is not None
                kinds = (int, float) if number else (type(value),)
                assert type(have[name]) in kinds, (table, name)
        assert sheet.freeze_panes == "A2"
        assert (
            sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(rows) + 1}"
        )


def test_workbook_dates_are_excel_dates_beside_their_edtf_text(workbooks):
    sheet = workbooks["session"]["bilateral_events"]
    header = [c.value for c in sheet[1]]
    date_col, start_col = header.index("date") + 1, header.index("date_start") + 1
    for row in range(2, sheet.max_row + 1):
        assert sheet.cell(row, date_col).data_type == "s"  # EDTF stays text
        start = sheet.cell(row, start_col)
        assert start.is_date and start.number_format == "yyyy-mm-dd"
    launches = workbooks["session"]["satellite_launches"]
    header = [c.value for c in launches[1]]
    column = header.index("launch_datetime_utc") + 1
    moments = [launches.cell(row, column) for row in range(2, launches.max_row + 1)]
    moments = [cell for cell in moments if cell.value is not None]
    assert moments and all(c.number_format == "yyyy-mm-dd hh:mm:ss" for c in moments)


def test_workbook_keeps_a_line_break_a_long_quote_and_a_name_in_three_scripts(workbooks):
    book = workbooks["edited"]
    assert NEWLINE_TEXT in [row[-1] for row in book["bilateral_events"].iter_rows(values_only=True)]
    quotes = [r for r in book["satellite_launches"].iter_rows(values_only=True) if LONG_QUOTE in r]
    assert len(quotes) == 1
    names = [r for r in book["project_partners"].iter_rows(values_only=True) if NAME in r]
    assert len(names) == 1


@pytest.mark.parametrize("view", VIEWS)
def test_workbook_view_sheets_equal_the_view_exports(workbooks, exports, view):
    descriptor = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = [r for r in descriptor["resources"] if r["path"] == f"views/{view}.csv"]
    types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    with (exports / "views" / f"{view}.csv").open(encoding="utf-8", newline="") as fh:
        expected = [
            {k: _excel_value(python_value(v, types[k]), types[k]) for k, v in row.items()}
            for row in csv.DictReader(fh)
        ]
    header, rows = _sheet_rows(workbooks["session"][view])
    assert header == list(types)
    assert [dict(zip(header, row, strict=True)) for row in rows] == expected


def test_columns_sheet_describes_every_column_with_its_allowed_values(workbooks):
    header, rows = _sheet_rows(workbooks["session"]["Columns"])
    described = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows}
    for table in TABLES:
        for f in schema(table)["fields"]:
            row = described[(table, f["name"])]
            assert row["type"] == f["type"]
            assert row["description"] == f["description"]
            assert (row["unit"] or None) == f.get("unit")
            allowed = row["allowed values (code in the Stata and SPSS files): meaning"]
            if "categories" in f:
                lines = [
                    f"{c['value']} ({i}): {c['label']}"
                    for i, c in enumerate(f["categories"], start=1)
                ]
                assert allowed.split("\n") == lines
            elif f["type"] == "boolean":
                assert allowed == "true (1), false (0)"
            else:
                assert allowed is None
            assert row["Stata name"] == STATA_RENAMED.get(f["name"], f["name"])
    assert {table for table, _ in described} == set(TABLES) | set(VIEWS)


def test_about_sheet_and_document_date_come_from_the_descriptor(workbooks, exports):
    book = workbooks["session"]
    descriptor = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["version"] == descriptor["version"] == "0.4.0"
    assert about["released"] == descriptor["created"][:10]
    assert "Creative Commons Attribution 4.0" in about["licence"]
    assert about["how to cite"].startswith(f"CPCD contributors ({descriptor['created'][:4]}).")
    assert "version 0.4.0" in about["how to cite"]
    assert "10.55014/pij.v7i4.661" in about["cite the source too"]
    for name in [*TABLES, *VIEWS]:
        assert name in about, name
    created = datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))
    assert book.properties.created == created.replace(tzinfo=None)


# ---------------------------------------------------------------------- Stata and SPSS


def _stat_value(value, f: dict):
    """What pyreadstat gives back for a CSV value of this field."""
    if "categories" in f:
        values = [c["value"] for c in f["categories"]]
        return None if value is None else values.index(value) + 1
    if f["type"] == "boolean":
        return None if value is None else int(value)
    if f["type"] == "string":
        return value or ""
    if f["type"] == "datetime" and value is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _python(value):
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _label_cut(label: str, full: str, limit: int, size=len) -> None:
    """``label`` is ``full`` (backticks dropped), or cut at a word end with an ellipsis."""
    full = full.replace("`", "")
    assert size(label) <= limit
    if label != full:
        assert label.endswith("…") and full.startswith(label[:-1].rstrip()), (label, full)
        rest = full[len(label[:-1]) :]
        assert rest[:1] in (" ", ",", ";", ":", "."), (label, full)


@pytest.mark.parametrize("kind", ["dta", "sav"])
def test_stat_files_hold_every_value_and_label(built, kind):
    read = pyreadstat.read_dta if kind == "dta" else pyreadstat.read_sav
    folder = "stata" if kind == "dta" else "spss"
    descriptor = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    created = datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))
    for table in TABLES:
        fields = schema(table)["fields"]
        frame, meta = read(built / folder / f"{table}.{kind}")
        names = [
            STATA_RENAMED.get(f["name"], f["name"]) if kind == "dta" else f["name"] for f in fields
        ]
        assert list(frame.columns) == names, table
        assert all(len(name) <= 32 for name in names) or kind == "sav"
        expected = read_rows(built / "csv" / f"{table}.csv", table)
        assert len(frame) == len(expected), table
        for want, (_, have) in zip(expected, frame.iterrows(), strict=True):
            for f, name in zip(fields, names, strict=True):
                got = _python(have[name])
                value = _stat_value(want[f["name"]], f)
                assert got == value, (table, f["name"], value, got)
        labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
        value_labels = meta.variable_value_labels
        for f, name in zip(fields, names, strict=True):
            if kind == "dta":  # Stata counts characters, SPSS bytes
                _label_cut(labels[name], f["description"], 80)
            else:
                _label_cut(labels[name], f["description"], 256, lambda s: len(s.encode()))
            if "categories" in f:
                for code, c in enumerate(f["categories"], start=1):
                    label = value_labels[name][code]
                    if kind == "dta":
                        assert label == c["label"]
                    else:
                        _label_cut(label, c["label"], 120, lambda s: len(s.encode()))
            elif f["type"] == "boolean":
                assert value_labels[name] == {0: "false", 1: "true"}
            else:
                assert name not in value_labels
            if f["type"] == "date":
                assert meta.original_variable_types[name] == ("%td" if kind == "dta" else "DATE11")
        assert meta.creation_time == created.replace(tzinfo=None)  # the release time


def test_long_text_is_a_stata_strl_kept_whole(edited):
    frame, meta = pyreadstat.read_dta(edited / "stata" / "satellite_launches.dta")
    assert LONG_QUOTE in set(frame["source_quote"])
    assert meta.readstat_variable_types["source_quote"] == "string"
    spss, _ = pyreadstat.read_sav(edited / "spss" / "satellite_launches.sav")
    assert LONG_QUOTE in set(spss["source_quote"])
    events, _ = pyreadstat.read_dta(edited / "stata" / "bilateral_events.dta")
    assert NEWLINE_TEXT in set(events["notes"])
    partners, _ = pyreadstat.read_sav(edited / "spss" / "project_partners.sav")
    assert NAME in set(partners["organisation_as_printed"])


def test_pandas_reads_the_stata_labels_as_the_schema_labels(exports):
    """pandas, a second reader, turns the coded values back into the enums' labels."""
    frame = pd.read_stata(exports / "stata" / "security_incidents.dta")
    expected = read_rows(exports / "csv" / "security_incidents.csv", "security_incidents")
    f = next(f for f in schema("security_incidents")["fields"] if f["name"] == "attack_type")
    meaning = {c["value"]: c["label"] for c in f["categories"]}
    assert list(frame["attack_type"].astype(str)) == [
        meaning[row["attack_type"]] for row in expected
    ]
    first = frame["date_start"].iloc[0]
    assert first.date() == expected[0]["date_start"]
    assert isinstance(expected[0]["date_start"], date)


def test_the_descriptor_lists_each_reader_file_valid_against_the_data_package_profile(exports):
    import jsonschema

    folder = Path(__file__).parent / "profiles" / "2.0"  # the official Data Package v2 profiles
    profile = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    jsonschema.validate(descriptor, profile)
    assert all(r.get("type", "table") == "table" for r in descriptor["resources"])
    paths = {r["path"]: r for r in descriptor["resources"]}
    for table in TABLES:
        assert paths[f"stata/{table}.dta"]["mediatype"] == "application/x-stata-dta"
        assert paths[f"spss/{table}.sav"]["mediatype"] == "application/x-spss-sav"
    assert paths["cpcd.xlsx"]["hash"].startswith("sha256:")
    assert json.loads(DESCRIPTOR.read_text())["version"] == descriptor["version"]


def test_values_a_format_cannot_hold_are_written_as_their_csv_text(tmp_path):
    """Valid data the readers' formats cannot hold exactly (a date before Excel's first day,
    an integer past 2**53) keep their CSV text rather than turning into another value."""
    from cpcd.exports.statfiles import _column
    from cpcd.exports.workbook import _Writer
    from cpcd.metadata.model import Field

    big = 2**60 + 1
    assert _column(Field("n", "integer", "d"), [big, None]) == [str(big), ""]
    assert list(_column(Field("n", "integer", "d"), [7, None])) == [7, pd.NA]
    writer = _Writer(tmp_path / "edge.xlsx", datetime(2026, 1, 1))
    sheet = writer.book.add_worksheet("edge")
    writer.cell(sheet, 0, 0, date(1850, 3, 1), "date")
    writer.cell(sheet, 0, 1, date(1950, 3, 1), "date")
    writer.cell(sheet, 0, 2, big, "integer")
    writer.cell(sheet, 0, 3, 1.5e308, "number")
    writer.close({})
    row = next(openpyxl.load_workbook(tmp_path / "edge.xlsx")["edge"].iter_rows(values_only=True))
    assert row == ("1850-03-01", datetime(1950, 3, 1), str(big), "1.5e+308")


def _open_lines() -> dict[str, str]:
    """The README's "Open the data" table: reader -> the line that opens the data."""
    from conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Open the data", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]  # no header
    return dict((cell.strip() for cell in row.strip("|").split(" | ", 1)) for row in rows)


def test_each_readme_line_that_opens_the_data_opens_it(exports):
    """Every file the README's lines open is in a build and reads back: the Stata and SPSS
    files with pyreadstat, the Parquet file and the DuckDB file (R's lines: there is no R
    here) with pyarrow and duckdb, and the `cpcd sql` line runs. Each gives the launches'
    row count of the CSV export."""
    import duckdb
    import pyarrow.parquet as pq
    from conftest import run_cli

    lines = _open_lines()
    assert set(lines) == {
        "Excel, LibreOffice", "Stata", "SPSS", "R, Parquet", "R, DuckDB",
        "SQL on the command line", "Python",
    }  # fmt: skip
    launches = len(read_rows(exports / "csv" / "satellite_launches.csv", "satellite_launches"))
    assert launches > 0

    def path(reader: str) -> Path:
        [found] = re.findall(r"exports/[\w/.]+\.(?:xlsx|dta|sav|parquet|duckdb)", lines[reader])
        return exports / found.removeprefix("exports/")

    workbook = openpyxl.load_workbook(path("Excel, LibreOffice"), read_only=True)
    assert workbook["satellite_launches"].max_row == launches + 1  # and the header
    assert len(pyreadstat.read_dta(str(path("Stata")))[0]) == launches
    assert len(pyreadstat.read_sav(str(path("SPSS")))[0]) == launches
    assert pq.read_table(path("R, Parquet")).num_rows == launches
    con = duckdb.connect(str(path("R, DuckDB")), read_only=True)
    assert con.execute("select count(*) from satellite_launches").fetchone()[0] == launches
    con.close()
    [query] = re.findall(r'`cpcd sql "([^"]+)"`', lines["SQL on the command line"])
    done = run_cli("sql", "--format", "csv", query, env={"CPCD_EXPORTS": str(exports)})
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) > 1

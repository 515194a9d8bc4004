"""A new fact table is three files: its schema, its CSV and its entry in the descriptor
(plus the sources its rows cite). Nothing else is edited, and the table reaches validation,
the DuckDB file, the generated views, the data dictionary, the errata's allowed tables and
the site."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import copy_package

from cpcd.checks.validate import validate
from cpcd.common.problems import CpcdError
from cpcd.docs.dictionary import generate
from cpcd.exports.build import build

TABLE = "trade_fairs"
SCHEMA = {
    "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
    "description": "One row per trade fair the two countries held together.",
    "cpcd:role": "fact",
    "cpcd:titleField": "title",
    "cpcd:leadFields": ["title", "date"],
    "cpcd:dateField": "date",
    "cpcd:timeline": {"kind": "fair", "domainValue": "trade"},
    "primaryKey": ["fair_id"],
    "foreignKeys": [
        {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}
    ],
    "fields": [
        {
            "name": "fair_id",
            "type": "string",
            "description": "Stable identifier of the fair.",
            "constraints": {"required": True, "unique": True},
        },
        {"name": "date", "constraints": {"required": True}},
        {
            "name": "title",
            "type": "string",
            "description": "Name of the fair.",
            "constraints": {"required": True},
        },
        {"name": "in_paper"},
        {"name": "source_id"},
        {"name": "source_quote"},
        {"name": "notes"},
    ],
}
# Two rows: a fair known to the month and one known to the day.
ROWS = [
    [
        "karachi_expo_2016",
        "2016-03",
        "Karachi expo of Chinese goods",
        "false",
        "x_2016",
        "An expo",
        "",
    ],
    ["lahore_fair_2019", "2019-11-05", "Lahore fair <script>", "false", "x_2016", "A fair", ""],
]
SOURCE = {
    "source_id": "x_2016",
    "csl_type": "webpage",
    "title": "A page about fairs",
    "url": "https://example.org/fairs",
    "accessed_edtf": "2026-12-04",
    "language": "en",
    "note": "Outside source: the fairs.",
}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("new_table")
    descriptor = copy_package(root)
    (root / "schemas" / f"{TABLE}.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    names = [f["name"] for f in SCHEMA["fields"]]
    with (root / "data" / f"{TABLE}.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([names, *ROWS])
    spec = json.loads(descriptor.read_text(encoding="utf-8"))
    spec["resources"].append(
        {
            "name": TABLE,
            "title": "Trade fairs",
            "type": "table",
            "path": f"data/{TABLE}.csv",
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": f"schemas/{TABLE}.json",
        }
    )
    descriptor.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    sources = root / "data" / "sources.csv"
    with sources.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows.append({name: SOURCE.get(name, "") for name in rows[0]})
    rows.sort(key=lambda r: r["source_id"])
    with sources.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    try:
        build(descriptor, root / "exports")
    except CpcdError as err:
        raise AssertionError("\n".join(str(p) for p in err.problems)) from None
    return root


def test_the_table_is_validated(package):
    result = validate(package / "datapackage.json")
    assert result.problems == []
    frame = result.data[TABLE].frame.to_pandas(date_as_object=False)
    # Computed from the EDTF text by the calendar: March 2016 runs from the 1st to the 31st.
    row = frame.set_index("fair_id").loc["karachi_expo_2016"]
    assert (row["date_precision"], str(row["date_start"].date()), str(row["date_end"].date())) == (
        "month",
        "2016-03-01",
        "2016-03-31",
    )


def test_a_bad_row_of_the_table_is_reported(package, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("exports"))
    text = (copy / "data" / f"{TABLE}.csv").read_text().replace("2019-11-05", "2019-13-05")
    (copy / "data" / f"{TABLE}.csv").write_text(text)
    problems = validate(copy / "datapackage.json").problems
    assert [(Path(p.path).name, p.line, p.column) for p in problems] == [
        (f"{TABLE}.csv", 3, "date")
    ]


def test_the_table_reaches_duckdb_and_the_generated_views(package):
    con = duckdb.connect(str(package / "exports" / "cpcd.duckdb"), read_only=True)
    try:
        assert con.execute(f"select count(*) from {TABLE}").fetchone()[0] == len(ROWS)
        timeline = con.execute(
            "select row_id, kind, domain, date_precision from timeline where table_name = ?",
            [TABLE],
        ).fetchall()
        assert sorted(timeline) == [
            ("karachi_expo_2016", "fair", "trade", "month"),
            ("lahore_fair_2019", "fair", "trade", "day"),
        ]
        usage = con.execute(
            "select rows from source_usage where table_name = ? and source_id = 'x_2016'", [TABLE]
        ).fetchall()
        assert usage == [(len(ROWS),)]
        coverage = con.execute(
            "select rows, rows_with_citation from citation_coverage where table_name = ?", [TABLE]
        ).fetchall()
        assert coverage == [(len(ROWS), 0)]
    finally:
        con.close()


def test_the_errata_may_name_the_table(package):
    exported = json.loads((package / "exports" / "datapackage.json").read_text())
    [errata] = [r for r in exported["resources"] if r["name"] == "errata"]
    [field] = [f for f in errata["schema"]["fields"] if f["name"] == "table_name"]
    assert TABLE in field["constraints"]["enum"]


def test_the_data_dictionary_documents_the_table(package):
    text = generate(package / "datapackage.json")
    section = text.split(f"## `{TABLE}`", 1)[1]
    for name in ("fair_id", "date", "date_precision", "date_start", "title", "source_quote"):
        assert f"| `{name}` |" in section


def test_the_site_shows_the_table_its_rows_and_their_marks(package, tmp_path):
    from cpcd.site import build_site

    out = tmp_path / "site"
    build_site(package / "exports", out)
    assert (out / "tables" / f"{TABLE}.html").is_file()
    pages = [p for p in out.rglob("*.html") if "lahore_fair_2019" in p.name]
    assert pages, "no row page"
    row_page = pages[0].read_text(encoding="utf-8")
    # The title's markup is text, never a tag.
    assert "Lahore fair &lt;script&gt;" in row_page and "<script>" not in row_page.split("</h1>")[0]
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "karachi_expo_2016" in home and "lahore_fair_2019" in home

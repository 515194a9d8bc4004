"""``cpcd.xlsx``: the tables and the readers' views as one Excel workbook, with a codebook.

An "About" sheet says what the dataset is, its version, date, licence, how to
cite it and where each sheet comes from; a "Columns" sheet lists every column
of every sheet with its type, unit, description and allowed values, all taken
from the descriptor and the Table Schemas. Each data sheet has a frozen,
filterable header. Typed columns stay typed: dates are Excel dates beside the
EDTF text they bound, numbers are numbers, booleans booleans, and a missing
value is an empty cell. The document date is the release date, so a rebuild
writes the same bytes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from cpcd.common.problems import CpcdError
from cpcd.common.text import cell_text
from cpcd.exports.statfiles import codes, stata_name
from cpcd.metadata.model import Package

WORKBOOK_FILE = "cpcd.xlsx"
# The views a reader of a spreadsheet would want beside the tables.
READER_VIEWS = ("timeline", "security_incidents_by_area", "terrorism_annual")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MIN_WIDTH, MAX_WIDTH = 8, 60
EXCEL_FIRST_DAY = date(1900, 1, 1)
EXCEL_LARGEST = 9.99999999999999e307
TYPE_WIDTHS = {"date": 11, "datetime": 20}
COLUMNS_HEADER = (
    "sheet", "column", "type", "unit", "required", "description",
    "allowed values (code in the Stata and SPSS files): meaning", "Stata name",
)  # fmt: skip


def citation(package: Package, created: str) -> str:
    """The dataset as one cites it: authors (year), title, version, licence."""
    d = package.descriptor
    authors = ", ".join(c.get("title", "") for c in d.get("contributors", []))
    licences = ", ".join(item.get("name", "") for item in d.get("licenses", []))
    return f"{authors} ({created[:4]}). {d.get('title', '')}, version {package.version}. " + (
        f"Licensed {licences}." if licences else ""
    )


def _width(header: str, texts: list[str], field_type: str) -> int:
    """A column as wide as its header or its longest line of text, within bounds."""
    if field_type in TYPE_WIDTHS:
        return max(TYPE_WIDTHS[field_type], len(header) + 2)
    longest = max((len(line) for t in texts for line in t.split("\n")), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(longest, len(header)) + 2))


def _fits(value: Any, field_type: str) -> bool:
    """Whether Excel holds the value as its type: dates from 1900, integers exactly (to
    2**53), numbers up to Excel's largest."""
    if field_type == "date":
        return value >= EXCEL_FIRST_DAY
    if field_type == "datetime":
        return value.astimezone(UTC).date() >= EXCEL_FIRST_DAY
    if field_type == "integer":
        return abs(value) <= 2**53
    if field_type == "number":
        return abs(value) <= EXCEL_LARGEST
    return True


class _Writer:
    """One workbook being written: its formats, and a check on every cell."""

    def __init__(self, path: Path, created: datetime) -> None:
        from xlsxwriter import Workbook

        # Text stays text: no formulas, links or numbers made from strings.
        self.book = Workbook(
            str(path),
            {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
             "remove_timezone": True},
        )  # fmt: skip
        self.created = created
        self.header = self.book.add_format({"bold": True, "bottom": 1, "valign": "top"})
        self.date = self.book.add_format({"num_format": DATE_FORMAT, "valign": "top"})
        self.datetime = self.book.add_format({"num_format": DATETIME_FORMAT, "valign": "top"})
        self.plain = self.book.add_format({"valign": "top"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})

    def check(self, result: int, where: str) -> None:
        if result != 0:  # xlsxwriter's codes: -2 a string too long for a cell, and so on
            raise CpcdError(f"{WORKBOOK_FILE}: {where}: the cell cannot be written ({result})")

    def cell(self, sheet: Any, row: int, col: int, value: Any, field_type: str) -> None:
        """One value by its Table Schema type; a missing value leaves the cell empty."""
        if value is None:
            return
        where = f"{sheet.name}!R{row + 1}C{col + 1}"
        if not _fits(value, field_type):  # as the CSV writes it, rather than a wrong number
            result = sheet.write_string(row, col, cell_text(value) or "", self.plain)
        elif field_type == "date":
            result = sheet.write_datetime(row, col, value, self.date)
        elif field_type == "datetime":
            result = sheet.write_datetime(row, col, value.astimezone(UTC), self.datetime)
        elif field_type == "boolean":
            result = sheet.write_boolean(row, col, bool(value), self.plain)
        elif field_type in ("integer", "number"):
            result = sheet.write_number(row, col, value, self.plain)
        else:
            result = sheet.write_string(row, col, str(value), self.plain)
        self.check(result, where)

    def table(self, name: str, fields: list[dict[str, Any]], parquet: Path) -> None:
        """A data sheet: the header frozen and filterable, one row per row of the file."""
        sheet = self.book.add_worksheet(name)
        arrow = pq.read_table(parquet)
        columns = [arrow.column(f["name"]).to_pylist() for f in fields]
        for col, (f, values) in enumerate(zip(fields, columns, strict=True)):
            sheet.write_string(0, col, f["name"], self.header)
            for row, value in enumerate(values, start=1):
                self.cell(sheet, row, col, value, f["type"])
            texts = [str(v) for v in values if v is not None]
            sheet.set_column(col, col, _width(f["name"], texts, f["type"]))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, arrow.num_rows, len(fields) - 1)

    def text_sheet(self, name: str, header: tuple[str, ...], rows: list[tuple], widths: tuple):
        """A sheet of text, wrapped: About and Columns."""
        sheet = self.book.add_worksheet(name)
        for col, (title, width) in enumerate(zip(header, widths, strict=True)):
            sheet.write_string(0, col, title, self.header)
            sheet.set_column(col, col, width)
        for row, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                if value not in (None, ""):
                    self.check(sheet.write_string(row, col, str(value), self.wrap), name)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(rows), len(header) - 1)

    def close(self, properties: dict[str, Any]) -> None:
        self.book.set_properties({**properties, "created": self.created})
        self.book.close()


def about_rows(package: Package, created: str, views: dict[str, dict]) -> list[tuple]:
    """The About sheet: what, which version, when, licence, how to cite, where from."""
    d = package.descriptor
    licences = "; ".join(
        f"{item.get('title', item.get('name', ''))} ({item.get('path', '')})"
        for item in d.get("licenses", [])
    )
    papers = "; ".join(
        f"{s.get('title', '')} {s.get('path', '')}".strip() for s in d.get("sources", [])
    )
    rows = [
        ("title", d.get("title", "")),
        ("description", d.get("description", "")),
        ("version", package.version),
        ("released", created[:10]),
        ("licence", licences),
        ("how to cite", citation(package, created)),
        ("cite the source too", papers),
        ("keywords", ", ".join(d.get("keywords", []))),
        ("sheets", "Columns describes every column of every sheet; each other sheet is a table "
         "or a view, as below."),
    ]  # fmt: skip
    for name, table in package.tables.items():
        rows.append((name, f"{table.title}. {table.description} From data/{name}.csv, "
                     f"described by schemas/{name}.json."))  # fmt: skip
    for name in READER_VIEWS:
        if name in views:
            rows.append((name, f"View: {views[name]['description']} From views/{name}.sql, run "
                         "on the tables by DuckDB."))  # fmt: skip
    return rows


def columns_rows(package: Package, views: dict[str, dict]) -> list[tuple]:
    """The Columns sheet: one row per column of every table and reader's view."""
    rows = []
    for name, table in package.tables.items():
        for f in table.fields:
            allowed = "\n".join(
                f"{value} ({code}): {f.labels.get(value, '')}" for value, code in codes(f).items()
            )
            if f.type == "boolean":
                allowed = "true (1), false (0)"
            required = "yes" if f.required else "no"
            rows.append((name, f.name, f.type, f.unit or "", required, f.description, allowed,
                         stata_name(f.name)))  # fmt: skip
    for name in READER_VIEWS:
        for f in views.get(name, {}).get("fields", []):
            rows.append((name, f["name"], f["type"], "", "", f["description"], "", ""))
    return rows


def write_workbook(package: Package, out: Path, views: dict[str, dict], created: str) -> Path:
    """``out/cpcd.xlsx`` from the Parquet files of the tables and views in ``out``;
    ``views`` are the views' Table Schemas, ``created`` the release time (RFC 3339)."""
    when = datetime.fromisoformat(created.replace("Z", "+00:00")).replace(tzinfo=None)
    path = out / WORKBOOK_FILE
    writer = _Writer(path, when)
    writer.text_sheet("About", ("item", "value"), about_rows(package, created, views), (22, 100))
    writer.text_sheet(
        "Columns", COLUMNS_HEADER, columns_rows(package, views), (22, 26, 9, 8, 9, 60, 60, 26)
    )
    for name, table in package.tables.items():
        fields = [{"name": f.name, "type": f.type} for f in table.fields]
        writer.table(name, fields, out / "parquet" / f"{name}.parquet")
    for name in READER_VIEWS:
        if name in views:
            writer.table(name, views[name]["fields"], out / "views" / f"{name}.parquet")
    d = package.descriptor
    writer.close(
        {
            "title": f"{d.get('title', '')}, version {package.version}",
            "subject": d.get("description", ""),
            "author": ", ".join(c.get("title", "") for c in d.get("contributors", [])),
            "keywords": ", ".join(d.get("keywords", [])),
            "comments": citation(package, created),
        }
    )
    return path

"""Table pages: the lead columns first, dated rows by date, filters a reader can share.

What is table-specific comes from the schema: ``cpcd:leadFields`` order the
columns, ``cpcd:titleField`` names the row, ``cpcd:timeline`` names the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cpcd.metadata.model import Field, Table
from cpcd.site.cells import NUMERIC, Cell, cell, references
from cpcd.site.context import Link, frame
from cpcd.site.model import Row, Site, rel


@dataclass(frozen=True)
class Column:
    field: Field
    lead: bool


@dataclass(frozen=True)
class TableRow:
    href: str | None
    key: str
    year: str
    sort: dict[str, str]  # column -> the value it sorts by, where not its text
    cells: list[Cell]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Filter:
    """A select (enum or yes/no) or a range (numbers, years) over one column."""

    name: str
    kind: str  # "select" or "range"
    choices: list[Choice]
    low: str = ""
    high: str = ""
    lead: bool = True  # shown at once; the others wait behind "More filters"


def date_column(table: Table) -> tuple[str | None, str | None]:
    """The date a table's rows are known by (``cpcd:dateField``) and its first-day column."""
    f = table.date_field
    if f is None:
        return None, None
    return f.name, (f.edtf or {}).get("start", f.name)


def columns(table: Table) -> list[Column]:
    """The title field, then the other lead fields in their order, then the schema's others."""
    lead = [table.title_field, *table.lead_fields]
    lead = [n for i, n in enumerate(lead) if n in table.field_names and n not in lead[:i]]
    by_name = {f.name: f for f in table.fields}
    rest = [f for f in table.fields if f.name not in lead]
    return [Column(by_name[n], True) for n in lead] + [Column(f, False) for f in rest]


def _number(text: str) -> float:
    return float(text)


def filters(table: Table, rows: list[Row], years: list[str]) -> list[Filter]:
    """The filters worth having: values that differ between rows; no keys, nothing derived,
    no number range over an identifier (a catalogue number is no amount)."""
    skip = set(table.primary_key) | set(references(table))
    found = []
    if len(set(years) - {""}) > 1:
        found.append(Filter("years", "range", [], min(y for y in years if y), max(years)))
    for column in columns(table):
        f, lead = column.field, column.lead
        present = {r[f.name] for r in rows} - {""}
        if f.derived or len(present) < 2:  # a derived column repeats the date filter
            continue
        if f.enum is not None:
            choices = [Choice(v, f.labels.get(v) or v) for v in f.enum if v in present]
            found.append(Filter(f.name, "select", choices, lead=lead))
        elif f.type == "boolean":
            yes_no = [Choice("true", "yes"), Choice("false", "no")]
            found.append(Filter(f.name, "select", yes_no))  # small: always in view
        elif f.type in NUMERIC and f.name not in skip and not f.identifier:
            low, high = min(present, key=_number), max(present, key=_number)
            found.append(Filter(f.name, "range", [], low, high, lead=lead))
    return found


def table_page(site: Site, name: str) -> dict[str, Any]:
    """The context of one table's page."""
    here = f"tables/{name}.html"
    table = site.table(name)
    date, start = date_column(table)
    rows = site.sorted_rows(name)
    if start:
        rows.sort(key=lambda r: r[start] or "9999")  # stable: by key within a day
    shown = columns(table)
    exports = site.package.descriptor_path.parent
    views = []
    for row in rows:
        key = site.key(name, row)
        address = site.addresses.get((name, key))
        first_day = row[start] if start else ""
        views.append(
            TableRow(
                href=rel(here, address) if address else None,
                key=key,
                year=first_day[:4],
                sort={date: first_day} if date else {},
                cells=[cell(site, here, table, c.field, row[c.field.name]) for c in shown],
            )
        )
    downloads = [
        Link(r.get("format", "").upper() or r["path"], f"downloads/{r['path']}")
        for r in site.package.descriptor.get("resources", [])
        if r.get("path", "").rsplit("/", 1)[-1].split(".")[0] == name
    ]
    context = frame(site, here, table.title, [Link(table.title)])
    context.update(
        table=table,
        columns=shown,
        fields=[f.name for f in table.fields],
        rows=views,
        sorted_by=date,
        filters=filters(table, rows, [v.year for v in views]),
        downloads=downloads,
        csv_name=table.path.relative_to(exports).name,
    )
    return context

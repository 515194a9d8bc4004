"""Views generated from the schemas: one branch per table, so that a new table is counted
in them without an edit.

``fact_rows`` lists every row of every fact table (``cpcd:role``) with its provenance;
``timeline`` every dated row of the tables that declare ``cpcd:timeline``. The
analytic views in ``views/*.sql`` read these two instead of naming tables.
"""

from __future__ import annotations

from pathlib import Path

from cpcd.common.sql import identifier, literal
from cpcd.metadata.model import Package, Table
from cpcd.views.sql_views import View

PROVENANCE = ("source_id", "supplement_source_id", "citation_number", "in_paper")

FACT_ROWS_COLUMNS = {
    "table_name": "Fact table the row belongs to.",
    "row_id": "Primary key of the row in its table; the values of a key of several columns "
    "joined by '|'.",
    "source_id": "The work the row comes from.",
    "supplement_source_id": "A second work the row takes values from, if any.",
    "citation_number": "The paper's reference number [n] the row rests on, if any.",
    "in_paper": "True when the paper states the row's fact.",
    "source_is_paper": "True when source_id is the paper itself, the source its table's "
    "cpcd:provenance names as paperSource; false for a table that names none.",
    "year": "Calendar year of the row's date (its table's cpcd:dateField), if it has one.",
}

TIMELINE_COLUMNS = {
    "kind": "What kind of row it is, as its table's cpcd:timeline names it (event, "
    "context_event, launch, project, incident, ...).",
    "table_name": "Table the row belongs to.",
    "row_id": "Primary key of the row in its table.",
    "date": "Date as known, in EDTF text at its real precision (YYYY-MM-DD for a day).",
    "date_precision": "Precision of date: the unit of its least significant part.",
    "date_start": "First day the date can denote.",
    "date_end": "Last day the date can denote.",
    "year": "Calendar year of date_start.",
    "domain": "Field the row belongs to: the row's own domain where its table has one, "
    "else the table's (space for launches, agriculture for agricultural projects, "
    "security for incidents).",
    "title": "The row's readable title (its table's cpcd:titleField).",
    "in_paper": "True when the paper states this row's fact, false for rows from the "
    "public record outside the paper.",
    "source_id": "The work this row comes from.",
    "citation_number": "The paper's reference number [n] attached to the row's statement; "
    "empty when the paper cites none or the row is from outside the paper.",
}


def _key(table: Table) -> str:
    """The row's key as text, as errata write it: key columns joined by '|'."""
    parts = [f"cast({identifier(k)} as varchar)" for k in table.primary_key]
    return " || '|' || ".join(parts)


def _column(table: Table, name: str, cast: str) -> str:
    return identifier(name) if name in table.field_names else f"cast(null as {cast})"


def _date_parts(table: Table) -> dict[str, str] | None:
    """SQL for a row's date as EDTF text, precision, bounds and year, from cpcd:dateField."""
    field = table.date_field
    if field is None:
        return None
    column = identifier(field.name)
    if field.edtf:
        rule = field.edtf
        return {
            "date": column,
            "date_precision": identifier(rule["precision"]),
            "date_start": identifier(rule["start"]),
            "date_end": identifier(rule["end"]),
            "year": identifier(rule["year"]),
        }
    return {
        "date": f"strftime({column}, '%Y-%m-%d')",
        "date_precision": "'day'",
        "date_start": column,
        "date_end": column,
        "year": f"year({column})",
    }


def _source_is_paper(table: Table) -> str:
    """SQL for whether a row cites the paper itself, by its table's declared paperSource."""
    provenance = table.provenance
    if provenance is None:
        return "false"
    return f"{identifier(provenance.source)} = {literal(provenance.paper_source)}"


def fact_rows_sql(package: Package) -> str:
    branches = []
    for name in package.by_role("fact"):
        table = package.tables[name]
        dates = _date_parts(table)
        year = dates["year"] if dates else "cast(null as integer)"
        columns = [
            f"{literal(name)} as table_name",
            f"{_key(table)} as row_id",
            f"{_column(table, 'source_id', 'varchar')} as source_id",
            f"{_column(table, 'supplement_source_id', 'varchar')} as supplement_source_id",
            f"{_column(table, 'citation_number', 'integer')} as citation_number",
            f"{_column(table, 'in_paper', 'boolean')} as in_paper",
            f"{_source_is_paper(table)} as source_is_paper",
            f"{year} as year",
        ]
        branches.append(f"select {', '.join(columns)} from {identifier(name)}")
    return "\nunion all\n".join(branches)


def timeline_sql(package: Package) -> str:
    branches = []
    for name, table in package.tables.items():
        spec = table.timeline
        dates = _date_parts(table)
        if spec is None or dates is None:
            continue
        domain = (
            f"cast({identifier(spec['domain'])} as varchar)"
            if "domain" in spec
            else literal(spec["domainValue"])
        )
        columns = [
            f"{literal(spec['kind'])} as kind",
            f"{literal(name)} as table_name",
            f"{_key(table)} as row_id",
            *(f"{sql} as {part}" for part, sql in dates.items()),
            f"{domain} as domain",
            f"cast({identifier(table.title_field)} as varchar) as title",
            f"{_column(table, 'in_paper', 'boolean')} as in_paper",
            f"{_column(table, 'source_id', 'varchar')} as source_id",
            f"{_column(table, 'citation_number', 'integer')} as citation_number",
        ]
        where = [f"{dates['date']} is not null"]
        linker = spec.get("unlessLinkedFrom")
        if linker:
            for fk in package.tables[linker].foreign_keys:
                if fk.resource == name:
                    own = ", ".join(identifier(c) for c in fk.reference_fields)
                    theirs = ", ".join(identifier(c) for c in fk.fields)
                    where.append(
                        f"({own}) not in (select {theirs} from {identifier(linker)} "
                        f"where {' and '.join(identifier(c) + ' is not null' for c in fk.fields)})"
                    )
        branches.append(
            f"select {', '.join(columns)} from {identifier(name)} where {' and '.join(where)}"
        )
    if not branches:
        return ""
    union = "\nunion all\n".join(branches)
    return f"select * from (\n{union}\n)\norder by date_start, date_end, kind, row_id"


def package_views(package: Package) -> list[View]:
    """The generated views, before the views of ``views/`` that read them; none for a
    package whose schemas declare no fact table or timeline (an older version)."""
    where = Path(package.descriptor_path)
    views = [
        View(
            "fact_rows",
            "Every row of every fact table, with its key as text, its provenance and year: "
            "generated from the schemas (cpcd:role), one branch per fact table.",
            fact_rows_sql(package),
            where,
            FACT_ROWS_COLUMNS,
        ),
        View(
            "timeline",
            "Every dated row of the tables that declare cpcd:timeline, in one chronological "
            "list (a row that another table's row records through a foreign key, named by "
            "unlessLinkedFrom, is listed once, as that row): generated from the schemas.",
            timeline_sql(package),
            where,
            TIMELINE_COLUMNS,
        ),
    ]
    return [view for view in views if view.sql]

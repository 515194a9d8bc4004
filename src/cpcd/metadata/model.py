"""The package and its tables as objects: the single source of truth.

Everything else (pandas dtypes, the SQL checks, the Arrow schema, the DuckDB
DDL, the docs) is derived from these objects, which :mod:`cpcd.metadata.load`
builds from the descriptor and its Table Schemas, so a field is defined once.
The custom properties a schema may declare, and what each table property
means, are named here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
# Cross-field rules are declared in the Table Schemas with these custom properties
# (never inferred from a column's name), and checked against the table's fields here.
EDTF_KEY = "cpcd:edtf"  # on a text field holding EDTF: which fields hold its bounds
RANGE_KEY = "cpcd:rangeEnd"  # on a date field: the field it may not come after
ROW_REFERENCE_KEY = "cpcd:rowReference"  # on a table: columns that name a row of another
VIEW_KEY = "cpcd:view"  # on an export's resource: a view's rows, not one of the tables
DAY_OF_KEY = "cpcd:dayOf"  # on a date field: the datetime field whose UTC day it must be
FIELDS_KEY = "cpcd:fields"  # on the descriptor: the file defining the fields tables share
SHARED_AS_KEY = "cpcd:sharedField"  # on a field: the shared field it is, under another name
DERIVED_KEY = "cpcd:derivedFrom"  # on an expanded field: the EDTF field it is computed from
ROLE_KEY = "cpcd:role"  # on a table: fact, bibliography or errata
TITLE_KEY = "cpcd:titleField"  # on a table: the field giving a row's readable title
LEAD_KEY = "cpcd:leadFields"  # on a table: the fields a reader came for, in order
TIMELINE_KEY = "cpcd:timeline"  # on a table: how its rows go on the timeline
DATE_KEY = "cpcd:dateField"  # on a table: the field its rows are dated by
IDENTIFIER_KEY = "cpcd:identifier"  # on a number field: it names a thing, it is no amount
PROVENANCE_KEY = "cpcd:provenance"  # on a fact table: the columns its provenance rules read
# cpcd:provenance names these columns (by key) and, as paperSource, the source id of the paper.
PROVENANCE_FIELDS = {
    "inPaper": "boolean",
    "source": "string",
    "quote": "string",
    "paperQuote": "string",
    "supplement": "string",
    "supplementQuote": "string",
}
PROVENANCE_REQUIRED = ("inPaper", "source", "quote", "paperQuote", "paperSource")
ROLES = ("fact", "bibliography", "errata")
EDTF_ROLES = {
    "precision": "string",
    "start": "date",
    "end": "date",
    "year": "integer",
    "day": "date",
}


@dataclass(frozen=True)
class EdtfRule:
    """An EDTF text field and the fields that must agree with it (any may be absent)."""

    field: str
    precision: str | None = None
    start: str | None = None
    end: str | None = None
    year: str | None = None
    day: str | None = None  # the day the text denotes, empty when it is not a day


@dataclass(frozen=True)
class RowReference:
    """Three columns naming a table, a row key (``|``-joined) and a column of that table;
    the named table must declare one of ``roles``."""

    table: str
    key: str
    field: str
    roles: tuple[str, ...] = ("fact",)


@dataclass(frozen=True)
class Field:
    """One column: its type and constraints, straight from the Table Schema."""

    name: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    example: Any = None
    unit: str | None = None  # a custom property: what a number counts or measures
    edtf: dict[str, str] | None = None  # cpcd:edtf, as written
    range_end: str | None = None  # cpcd:rangeEnd, as written
    day_of: str | None = None  # cpcd:dayOf, as written
    derived_from: str | None = None  # the EDTF field whose rule computes this one
    identifier: bool = False  # cpcd:identifier: a catalogue number, not a quantity

    @property
    def derived(self) -> bool:
        return self.derived_from is not None


@dataclass(frozen=True)
class Provenance:
    """The columns a fact table's provenance rules read (``cpcd:provenance``): whether the
    paper states the row, its source and quotes, and the source id of the paper itself."""

    in_paper: str
    source: str
    quote: str
    paper_quote: str
    paper_source: str
    supplement: str | None = None
    supplement_quote: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One resource: a CSV file described by a Table Schema."""

    name: str
    title: str
    description: str
    path: Path
    schema_path: Path
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    schema: dict[str, Any] = field(default_factory=dict, compare=False)  # complete, expanded

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def source_fields(self) -> tuple[Field, ...]:
        """The fields a person writes in the CSV file; the others are computed by the build."""
        return tuple(f for f in self.fields if not f.derived)

    @property
    def source_field_names(self) -> list[str]:
        return [f.name for f in self.source_fields]

    @property
    def role(self) -> str:
        return str(self.schema.get(ROLE_KEY, ""))

    @property
    def title_field(self) -> str:
        return str(self.schema.get(TITLE_KEY) or self.primary_key[0])

    @property
    def lead_fields(self) -> list[str]:
        return list(self.schema.get(LEAD_KEY) or [self.title_field])

    @property
    def date_field(self) -> Field | None:
        """The field the table's rows are dated by (``cpcd:dateField``), if it declares one."""
        name = self.schema.get(DATE_KEY)
        return next((f for f in self.fields if f.name == name), None)

    @property
    def timeline(self) -> dict[str, Any] | None:
        spec = self.schema.get(TIMELINE_KEY)
        return spec if isinstance(spec, dict) else None

    @property
    def provenance(self) -> Provenance | None:
        spec = self.schema.get(PROVENANCE_KEY)
        if not isinstance(spec, dict):
            return None
        return Provenance(
            in_paper=spec["inPaper"],
            source=spec["source"],
            quote=spec["quote"],
            paper_quote=spec["paperQuote"],
            paper_source=spec["paperSource"],
            supplement=spec.get("supplement"),
            supplement_quote=spec.get("supplementQuote"),
        )

    def edtf_rules(self) -> list[EdtfRule]:
        return [EdtfRule(f.name, **f.edtf) for f in self.fields if f.edtf is not None]

    def days_of(self) -> list[tuple[str, str]]:
        """(date, datetime) fields: the date is the UTC day of the datetime, where it is set."""
        return [(f.name, f.day_of) for f in self.fields if f.day_of is not None]

    def ranges(self) -> list[tuple[str, str]]:
        """(start, end) date fields: the start may not come after the end."""
        return [(f.name, f.range_end) for f in self.fields if f.range_end is not None]

    @property
    def row_reference(self) -> RowReference | None:
        spec = self.schema.get(ROW_REFERENCE_KEY)
        if not isinstance(spec, dict):
            return None
        roles = tuple(spec.get("roles", ("fact",)))
        return RowReference(spec["table"], spec["key"], spec["field"], roles)


@dataclass(frozen=True)
class Package:
    """The whole dataset description: name, version and tables in dependency order."""

    descriptor_path: Path
    descriptor: dict[str, Any]
    tables: dict[str, Table]

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    def by_role(self, role: str) -> list[str]:
        """Names of the tables declaring ``role`` (``cpcd:role``), in descriptor order."""
        return [name for name, table in self.tables.items() if table.role == role]

    def load_order(self) -> list[str]:
        """Table names with every foreign-key target before the tables that refer to it."""
        done: list[str] = []
        pending = dict.fromkeys(self.tables)
        while pending:
            ready = [
                name
                for name in pending
                if all(
                    fk.resource in done or fk.resource == name
                    for fk in self.tables[name].foreign_keys
                )
            ]
            if not ready:  # a cycle: keep declared order for the rest
                ready = list(pending)
            for name in ready:
                done.append(name)
                del pending[name]
        return done

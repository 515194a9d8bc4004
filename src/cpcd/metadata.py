"""Read the package descriptor and its Table Schemas: the single source of truth.

Everything else (pandas dtypes, the SQL checks, the Arrow schema, the DuckDB
DDL, the docs) is derived from the objects built here, so a field is defined
once, in ``schemas/<table>.json``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpcd.problems import CpcdError, Problem

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


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning every failure into a problem report."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CpcdError(
            f"{path}: file not found", [Problem(str(path), None, None, None, "file not found")]
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        problem = Problem(str(path), line, None, None, f"not valid JSON ({exc})")
        raise CpcdError(f"{path}: not valid JSON", [problem]) from None


def _field(spec: dict[str, Any]) -> Field:
    constraints = spec.get("constraints", {})
    enum = constraints.get("enum")
    return Field(
        name=spec["name"],
        type=spec.get("type", "string"),
        description=spec.get("description", ""),
        required=bool(constraints.get("required", False)),
        unique=bool(constraints.get("unique", False)),
        enum=tuple(enum) if enum is not None else None,
        labels={
            c["value"]: c.get("label", "")
            for c in spec.get("categories", [])
            if isinstance(c, dict)
        },
        pattern=constraints.get("pattern"),
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        example=spec.get("example"),
        unit=spec.get("unit"),
        edtf=spec.get(EDTF_KEY),
        range_end=spec.get(RANGE_KEY),
        day_of=spec.get(DAY_OF_KEY),
        derived_from=spec.get(DERIVED_KEY),
    )


def _merge(shared: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    """A shared field with a table's additions, as a JSON Merge Patch (RFC 7386): local keys
    win, constraints merge key by key, and a null removes what the shared field has."""
    merged = {"name": local["name"], **copy.deepcopy(shared)}
    for key, value in local.items():
        if key == "constraints":
            merged["constraints"] = {**merged.get("constraints", {}), **value}
        else:
            merged[key] = value
    merged["constraints"] = {
        k: v for k, v in merged.get("constraints", {}).items() if v is not None
    }
    return {k: v for k, v in merged.items() if v is not None}


def expand_schema(
    schema: dict[str, Any], shared: dict[str, dict[str, Any]], where: str
) -> tuple[dict[str, Any], list[Problem]]:
    """The complete Table Schema: shared fields filled in, computed fields added.

    A field written with its name and no type takes the definition in the shared
    fields file (of the field ``cpcd:sharedField`` names, when its own name differs),
    plus whatever the table adds; the fields an EDTF rule names and
    the CSV does not hold are computed by the build and follow their EDTF field.
    """
    problems: list[Problem] = []
    written = {f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)}
    fields: list[dict[str, Any]] = []
    for spec in schema.get("fields", []):
        if not isinstance(spec, dict) or "name" not in spec:
            problems.append(Problem(where, None, None, None, "malformed field (no name)"))
            continue
        if "type" not in spec:
            base = spec.get(SHARED_AS_KEY, spec["name"])
            if base not in shared:
                rule = "a field without a type must be defined in the shared fields file"
                problems.append(Problem(where, None, spec["name"], None, rule))
                continue
            spec = _merge(shared[base], {k: v for k, v in spec.items() if k != SHARED_AS_KEY})
        fields.append(spec)
        rule = spec.get(EDTF_KEY)
        if not isinstance(rule, dict):
            continue
        required = spec.get("constraints", {}).get("required", False)
        for target in (rule.get(role) for role in EDTF_ROLES):  # in the roles' order
            if not isinstance(target, str) or target in written:
                continue
            if target not in shared:
                problem = "a computed field must be defined in the shared fields file"
                problems.append(Problem(where, None, target, None, problem))
                continue
            derived = _merge(shared[target], {"name": target, DERIVED_KEY: spec["name"]})
            derived["constraints"] = {**derived.get("constraints", {}), "required": required}
            fields.append(derived)
    return {**schema, "fields": fields}, problems


def _with_referable_tables(table: Table, tables: dict[str, Table]) -> Table:
    """A row reference's table column gets, as its enum, the tables of the declared role:
    the list of tables lives in the descriptor alone."""
    ref = table.row_reference
    if ref is None or "roles" not in table.schema.get(ROW_REFERENCE_KEY, {}):
        return table  # a schema that lists the tables itself (older versions) keeps its list
    names = [n for n, t in tables.items() if t.role in ref.roles]
    specs = []
    for spec in table.schema.get("fields", []):
        if spec.get("name") == ref.table:
            spec = {
                **spec,
                "constraints": {**spec.get("constraints", {}), "enum": names},
                "categories": [{"value": n, "label": tables[n].title} for n in names],
            }
        specs.append(spec)
    schema = {**table.schema, "fields": specs}
    return dataclasses.replace(table, schema=schema, fields=tuple(_field(f) for f in specs))


def shared_fields(descriptor: dict[str, Any], base: Path) -> dict[str, dict[str, Any]]:
    """The field definitions that tables share, from the file the descriptor names."""
    ref = descriptor.get(FIELDS_KEY)
    if not ref:
        return {}
    fields = read_json(base / ref).get("fields", {})
    return fields if isinstance(fields, dict) else {}


def load_package(descriptor_path: Path, data_dir: Path | None = None) -> Package:
    """Read ``datapackage.json`` and every schema it names (a path or an inline schema).

    Only CSV resources become tables: an export descriptor also lists a Parquet
    copy of each, the views and other files. ``data_dir`` replaces the directory
    of the CSV files (same file names), so the same schemas can check data the
    package did not ship with.
    Raises :class:`CpcdError` listing every metadata problem.
    """
    descriptor_path = Path(descriptor_path)
    descriptor = read_json(descriptor_path)
    base = descriptor_path.parent
    problems: list[Problem] = []
    try:
        shared = shared_fields(descriptor, base)
    except CpcdError as err:
        raise CpcdError("the package metadata is not valid", err.problems) from None
    tables: dict[str, Table] = {}
    for resource in descriptor.get("resources", []):
        if resource.get("format", "csv") != "csv" or resource.get(VIEW_KEY):
            continue
        name = resource.get("name", "")
        schema_ref = resource.get("schema")
        if isinstance(schema_ref, dict):
            schema, schema_path = schema_ref, descriptor_path
        elif isinstance(schema_ref, str):
            schema_path = base / schema_ref
            try:
                schema = read_json(schema_path)
            except CpcdError as err:
                problems.extend(err.problems)
                continue
        else:
            rule = "resource needs a schema: a path to a Table Schema file"
            problems.append(Problem(str(descriptor_path), None, name, None, rule))
            continue
        csv_path = base / resource.get("path", f"data/{name}.csv")
        if data_dir is not None:
            csv_path = Path(data_dir) / csv_path.name
        schema, expansion = expand_schema(schema, shared, str(schema_path))
        problems.extend(expansion)
        try:
            fields = tuple(_field(f) for f in schema.get("fields", []))
        except (KeyError, TypeError, AttributeError) as exc:
            problems.append(Problem(str(schema_path), None, None, None, f"malformed field ({exc})"))
            continue
        fks = tuple(
            ForeignKey(
                tuple(fk["fields"]), fk["reference"]["resource"], tuple(fk["reference"]["fields"])
            )
            for fk in schema.get("foreignKeys", [])
        )
        tables[name] = Table(
            name=name,
            title=resource.get("title", name),
            description=schema.get("description", resource.get("description", "")),
            path=csv_path,
            schema_path=schema_path,
            fields=fields,
            primary_key=tuple(schema.get("primaryKey", [])),
            foreign_keys=fks,
            schema=schema,
        )
    for name, table in tables.items():
        tables[name] = _with_referable_tables(table, tables)
    package = Package(descriptor_path, descriptor, tables)
    problems.extend(check_consistency(package))
    if problems:
        raise CpcdError("the package metadata is not valid", problems)
    return package


def check_consistency(package: Package) -> list[Problem]:
    """Rules the Table Schema standard leaves to us: naming, enums, keys that resolve."""
    from cpcd.types import TYPES  # pandas and Arrow: only once metadata is checked

    supported = sorted(TYPES)
    problems: list[Problem] = []
    for table in package.tables.values():
        where = str(table.schema_path)
        if not NAME_PATTERN.fullmatch(table.name):
            problems.append(
                Problem(
                    str(package.descriptor_path),
                    None,
                    "name",
                    table.name,
                    "resource names are snake_case",
                )
            )
        if table.path.stem != table.name:
            problems.append(
                Problem(
                    str(package.descriptor_path),
                    None,
                    "path",
                    str(table.path),
                    f"file stem must equal the resource name {table.name!r}",
                )
            )
        names = table.field_names
        for f in table.fields:
            if f.type not in TYPES:
                problems.append(
                    Problem(
                        where,
                        None,
                        f.name,
                        f.type,
                        f"field type must be one of {supported}",
                    )
                )
            if not NAME_PATTERN.fullmatch(f.name):
                problems.append(Problem(where, None, f.name, f.name, "field names are snake_case"))
            if not f.description:
                problems.append(
                    Problem(where, None, f.name, None, "every field needs a description")
                )
            if f.labels and f.enum is not None and list(f.labels) != list(f.enum):
                problems.append(
                    Problem(
                        where,
                        None,
                        f.name,
                        None,
                        "categories must list the enum values in the same order",
                    )
                )
            if f.enum is not None and not f.labels:
                problems.append(
                    Problem(
                        where, None, f.name, None, "every enum value needs a label in categories"
                    )
                )
        problems.extend(_check_declared_rules(table))
        for dup in {n for n in names if names.count(n) > 1}:
            problems.append(Problem(where, None, dup, None, "duplicate field name"))
        for key in table.primary_key:
            if key not in names:
                problems.append(Problem(where, None, key, None, "primaryKey names a missing field"))
        if not table.primary_key:
            problems.append(Problem(where, None, None, None, "every table needs a primaryKey"))
        for fk in table.foreign_keys:
            for name in fk.fields:
                if name not in names:
                    problems.append(
                        Problem(where, None, name, None, "foreign key names a missing field")
                    )
            target = package.tables.get(fk.resource)
            if target is None:
                problems.append(
                    Problem(
                        where,
                        None,
                        ",".join(fk.fields),
                        fk.resource,
                        "foreign key names a missing table",
                    )
                )
            elif fk.reference_fields != target.primary_key:
                problems.append(
                    Problem(
                        where,
                        None,
                        ",".join(fk.fields),
                        ",".join(fk.reference_fields),
                        f"foreign key must reference the primary key of {fk.resource}",
                    )
                )
    return problems


def _check_declared_rules(table: Table) -> list[Problem]:
    """The custom rule properties must name fields of this table, of the right types."""
    where = str(table.schema_path)
    types = {f.name: f.type for f in table.fields}
    problems: list[Problem] = []

    def need(field: str, key: str, target: object, kind: str) -> None:
        if not isinstance(target, str) or types.get(target) != kind:
            rule = f"{key} must name a {kind} field of this table"
            problems.append(Problem(where, None, field, str(target), rule))

    for f in table.fields:
        if f.edtf is not None:
            if f.type != "string" or not isinstance(f.edtf, dict):
                rule = f"{EDTF_KEY} belongs on a string field and maps roles to fields"
                problems.append(Problem(where, None, f.name, None, rule))
                continue
            for role, target in f.edtf.items():
                if role not in EDTF_ROLES:
                    rule = f"{EDTF_KEY} roles are {', '.join(EDTF_ROLES)}"
                    problems.append(Problem(where, None, f.name, role, rule))
                else:
                    need(f.name, f"{EDTF_KEY}.{role}", target, EDTF_ROLES[role])
        # Properties of a date field that name another field: its end, or its datetime.
        for key, target, kind in (
            (RANGE_KEY, f.range_end, "date"),
            (DAY_OF_KEY, f.day_of, "datetime"),
        ):
            if target is None:
                continue
            if f.type != "date":
                problems.append(
                    Problem(where, None, f.name, None, f"{key} belongs on a date field")
                )
            need(f.name, key, target, kind)
    spec = table.schema.get(PROVENANCE_KEY)
    if spec is not None:
        allowed = set(PROVENANCE_FIELDS) | {"paperSource"}
        if (
            not isinstance(spec, dict)
            or set(PROVENANCE_REQUIRED) - set(spec)
            or set(spec) - allowed
        ):
            rule = (
                f"{PROVENANCE_KEY} maps {', '.join(PROVENANCE_REQUIRED)} "
                "(and optionally supplement, supplementQuote)"
            )
            problems.append(Problem(where, None, None, None, rule))
        else:
            for role, target in spec.items():
                if role in PROVENANCE_FIELDS:
                    need(
                        PROVENANCE_KEY, f"{PROVENANCE_KEY}.{role}", target, PROVENANCE_FIELDS[role]
                    )
            if not isinstance(spec["paperSource"], str) or not spec["paperSource"]:
                rule = f"{PROVENANCE_KEY}.paperSource must be the source id of the paper"
                problems.append(Problem(where, None, None, str(spec["paperSource"]), rule))
    named = [table.schema.get(k) for k in (DATE_KEY, TITLE_KEY)] + list(
        table.schema.get(LEAD_KEY) or []
    )
    for name in named:
        if name is not None and name not in types:
            rule = "a table property names a field this table does not have"
            problems.append(Problem(where, None, None, str(name), rule))
    spec = table.schema.get(ROW_REFERENCE_KEY)
    if spec is not None:
        if not isinstance(spec, dict) or set(spec) - {"roles"} != {"table", "key", "field"}:
            rule = f"{ROW_REFERENCE_KEY} maps table, key and field to columns (and roles)"
            problems.append(Problem(where, None, None, None, rule))
        else:
            for role, target in spec.items():
                if role == "roles":
                    continue
                need(ROW_REFERENCE_KEY, f"{ROW_REFERENCE_KEY}.{role}", target, "string")
    return problems

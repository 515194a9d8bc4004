"""The rules of the package metadata that the Table Schema standard leaves to cpcd: names,
enum labels, keys that resolve, and custom properties that name fields of the right type."""

from __future__ import annotations

from cpcd.common.problems import Problem
from cpcd.metadata.model import (
    DATE_KEY,
    DAY_OF_KEY,
    EDTF_KEY,
    EDTF_ROLES,
    LEAD_KEY,
    NAME_PATTERN,
    PROVENANCE_FIELDS,
    PROVENANCE_KEY,
    PROVENANCE_REQUIRED,
    RANGE_KEY,
    ROW_REFERENCE_KEY,
    TITLE_KEY,
    Package,
    Table,
)


def check_consistency(package: Package) -> list[Problem]:
    """Rules the Table Schema standard leaves to us: naming, enums, keys that resolve."""
    from cpcd.metadata.types import TYPES  # pandas and Arrow: only once metadata is checked

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

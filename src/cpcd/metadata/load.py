"""Read the package descriptor and its Table Schemas into :class:`cpcd.metadata.model.Package`,
reporting every metadata problem at once."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from cpcd.common.problems import CpcdError, Problem
from cpcd.metadata.expansion import expand_schema
from cpcd.metadata.model import (
    DAY_OF_KEY,
    DERIVED_KEY,
    EDTF_KEY,
    FIELDS_KEY,
    IDENTIFIER_KEY,
    RANGE_KEY,
    ROW_REFERENCE_KEY,
    VIEW_KEY,
    Field,
    ForeignKey,
    Package,
    Table,
)
from cpcd.metadata.rules import check_consistency


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
        identifier=spec.get(IDENTIFIER_KEY) is True,
        derived_from=spec.get(DERIVED_KEY),
    )


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

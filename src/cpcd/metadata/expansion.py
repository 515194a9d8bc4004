"""A table's schema as written, made complete: shared fields filled in, computed fields added.

A field used by several tables is defined once, in the shared fields file the
descriptor names; a table's schema names it and adds what is its own.
"""

from __future__ import annotations

import copy
from typing import Any

from cpcd.common.problems import Problem
from cpcd.metadata.model import DERIVED_KEY, EDTF_KEY, EDTF_ROLES, SHARED_AS_KEY


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

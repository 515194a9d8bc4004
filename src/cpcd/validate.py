"""Check a package's data against its schemas and report every problem at once.

Order of work: descriptor (frictionless), then per table the structure and
types (:mod:`cpcd.read`), the field constraints and primary keys (pandera,
derived from the schema), the foreign keys across tables, and the cross-field
date rules. Everything is vectorised: the cost is linear in the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pandera

from cpcd.derive import DATE_UNIT, pandera_schema
from cpcd.metadata import Package, Table, load_package
from cpcd.problems import CpcdError, Problem
from cpcd.read import TableData, read_table

RULES = {
    "not_nullable": "required: the cell is empty",
    "field_uniqueness": "unique: the value appears on an earlier row",
    "multiple_fields_uniqueness": "primary key: the key appears on an earlier row",
}


@dataclass
class Result:
    package: Package
    data: dict[str, TableData]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_descriptor(descriptor_path: Path) -> list[Problem]:
    """The descriptor against the Data Package standard, as frictionless reads it."""
    from frictionless import Package as FrictionlessPackage

    report = FrictionlessPackage.validate_descriptor(str(descriptor_path))
    return [
        Problem(str(descriptor_path), None, None, None, f"{error_type}: {message}")
        for error_type, message in report.flatten(["type", "message"])
    ]


def validate(descriptor_path: Path, data_dir: Path | None = None) -> Result:
    """Validate every table; raise :class:`CpcdError` only when the metadata itself is broken."""
    problems = check_descriptor(descriptor_path)
    if problems:
        raise CpcdError("the package descriptor is not valid", problems)
    package = load_package(descriptor_path, data_dir)
    problems.extend(_unexpected_files(package, data_dir))
    data = {name: read_table(table) for name, table in package.tables.items()}
    for item in data.values():
        problems.extend(item.problems)
        if item.frame is not None:
            problems.extend(check_constraints(item))
            problems.extend(check_dates(item))
    problems.extend(check_foreign_keys(package, data))
    return Result(package, data, problems)


def _unexpected_files(package: Package, data_dir: Path | None) -> list[Problem]:
    folders = {t.path.parent for t in package.tables.values()}
    known = {t.path for t in package.tables.values()}
    return [
        Problem(
            str(path),
            None,
            None,
            None,
            "unexpected file: no resource in datapackage.json describes it",
        )
        for folder in sorted(folders)
        for path in sorted(folder.glob("*.csv"))
        if path not in known
    ]


def check_constraints(item: TableData) -> list[Problem]:
    """Required, unique, enum, pattern, minimum, maximum and primary key, via pandera."""
    table, frame = item.table, item.frame
    try:
        pandera_schema(table).validate(frame, lazy=True)
        return []
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    problems = []
    composite = cases[cases["check"] == "multiple_fields_uniqueness"]
    for index, group in composite.groupby("index", sort=True):
        problems.append(
            Problem(
                str(table.path),
                item.line(int(index)),
                ",".join(group["column"]),
                "|".join(str(v) for v in group["failure_case"]),
                RULES["multiple_fields_uniqueness"],
            )
        )
    for case in cases[cases["check"] != "multiple_fields_uniqueness"].itertuples():
        line = item.line(int(case.index)) if pd.notna(case.index) else None
        value = None if pd.isna(case.failure_case) else str(case.failure_case)
        problems.append(
            Problem(
                str(table.path), line, case.column, value, _rule(table, case.column, case.check)
            )
        )
    return problems


def _rule(table: Table, column: str, check: str) -> str:
    if check in RULES:
        rule = RULES[check]
        if check == "field_uniqueness" and table.primary_key == (column,):
            return "primary key: the key appears on an earlier row"
        return rule
    f = table.field(column)
    if check == "enum":
        return "enum: not one of " + ", ".join(f.enum or ())
    if check == "pattern":
        return f"pattern: does not match {f.pattern}"
    if check == "minimum":
        return f"minimum: less than {f.minimum}"
    if check == "maximum":
        return f"maximum: more than {f.maximum}"
    return check


def check_foreign_keys(package: Package, data: dict[str, TableData]) -> list[Problem]:
    problems = []
    for name, item in data.items():
        if item.frame is None:
            continue
        for fk in package.tables[name].foreign_keys:
            target = data.get(fk.resource)
            if target is None or target.frame is None:
                continue
            child = item.frame[list(fk.fields)].dropna()
            parent = pd.MultiIndex.from_frame(
                target.frame[list(fk.reference_fields)].astype(object)
            )
            missing = ~pd.MultiIndex.from_frame(child.astype(object)).isin(parent)
            for index, row in child[missing].iterrows():
                problems.append(
                    Problem(
                        str(item.table.path),
                        item.line(int(index)),
                        ",".join(fk.fields),
                        "|".join(str(v) for v in row),
                        f"foreign key: no {fk.resource} row has this "
                        + ",".join(fk.reference_fields),
                    )
                )
    return problems


@cache
def edtf_bounds(text: str) -> tuple[str, str, str] | None:
    """(precision, first day, last day) of an EDTF date or interval, or None if not EDTF."""
    import time

    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        value = parse_edtf(text)
    except EDTFParseException:
        return None
    lower, upper = value.lower_strict(), value.upper_strict()
    if lower is None or upper is None:
        return None
    precision = getattr(value, "precision", None)
    if precision is None:  # an interval: both ends must share one precision
        ends = {getattr(value.lower, "precision", None), getattr(value.upper, "precision", None)}
        precision = ends.pop() if len(ends) == 1 else None
    if precision not in ("day", "month", "year"):
        return None
    return precision, time.strftime("%Y-%m-%d", lower), time.strftime("%Y-%m-%d", upper)


def check_dates(item: TableData) -> list[Problem]:
    """Cross-field rules: EDTF text, precision, bounds and year agree; ranges run forwards."""
    table, frame = item.table, item.frame
    problems: list[Problem] = []

    def report(mask: pd.Series, column: str, rule: str) -> None:
        mask = mask.fillna(False) & frame.loc[mask.index, column].notna()
        for index in mask[mask].index:
            value = frame.at[index, column]
            problems.append(
                Problem(
                    str(table.path),
                    item.line(int(index)),
                    column,
                    None if pd.isna(value) else str(value),
                    rule,
                )
            )

    for start, end in table.range_pairs():
        report(frame[start] > frame[end], end, f"range: {end} is before {start}")

    if not table.has_date_group:
        return problems
    text = frame["date"]
    known = text.dropna().unique()
    bounds = {t: edtf_bounds(t) for t in known}
    parsed = text.map(bounds, na_action="ignore")
    unparsed = text.notna() & parsed.isna()
    report(unparsed, "date", "edtf: not an EDTF date (YYYY, YYYY-MM, YYYY-MM-DD or START/END)")
    good = parsed[~unparsed & text.notna()]
    if good.empty:
        return problems
    precision = good.map(lambda b: b[0])
    first = pd.to_datetime(good.map(lambda b: b[1])).astype(f"datetime64[{DATE_UNIT}]")
    last = pd.to_datetime(good.map(lambda b: b[2])).astype(f"datetime64[{DATE_UNIT}]")
    rows = frame.loc[good.index]
    report(
        rows["date_precision"].astype(object) != precision,
        "date_precision",
        "date_precision: does not match the precision of date",
    )
    report(rows["date_start"] != first, "date_start", "date_start: is not the first day of date")
    report(rows["date_end"] != last, "date_end", "date_end: is not the last day of date")
    report(rows["year"] != first.dt.year, "year", "year: is not the year of date")
    return problems

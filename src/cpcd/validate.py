"""Check a package's data against its schemas and report every problem at once.

Order of work: the descriptor (frictionless: :mod:`cpcd.descriptor`), then per
table the structure and types (:mod:`cpcd.read`), the field constraints and
primary keys (pandera, derived from the schema), the foreign keys across
tables, the row references, the cross-field date rules and the provenance
rules declared in the schemas. Each rule is applied to whole columns.
"""

from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pandera

from cpcd.derive import pandera_schema
from cpcd.descriptor import check_descriptor
from cpcd.metadata import Package
from cpcd.metadata_load import load_package
from cpcd.problems import CpcdError, Problem
from cpcd.read import TableData, read_table
from cpcd.text import cell_text, key_text
from cpcd.types import TIME_UNIT

PANDERA_RULES = {
    "not_nullable": "required: the cell is empty",
    "field_uniqueness": "unique: the value appears on an earlier row",
}
EDTF_RULE = "edtf: not a valid EDTF date (YYYY, YYYY-MM, YYYY-MM-DD, YYYX or START/END)"
KEY_RULE = "primary-key: the key appears on an earlier row"


@dataclass
class Result:
    package: Package
    data: dict[str, TableData]
    problems: list[Problem]
    notices: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(descriptor_path: Path, data_dir: Path | None = None) -> Result:
    """Validate every table; raise :class:`CpcdError` only when the metadata itself is broken.

    A descriptor that breaks the Data Package standard is reported alone: its
    tables cannot be trusted to say what the data should be.
    """
    package = load_package(descriptor_path, data_dir)
    problems = check_descriptor(descriptor_path)
    if problems:
        raise CpcdError("the package descriptor is not valid", problems)
    data = {name: read_table(table) for name, table in package.tables.items()}
    problems.extend(_unexpected_files(package))
    for item in data.values():
        problems.extend(item.problems)
        if item.frame is not None:
            problems.extend(check_constraints(item))
            problems.extend(check_dates(item))
            problems.extend(check_provenance(item))
    problems.extend(check_foreign_keys(package, data))
    problems.extend(check_row_references(data))
    notices = [notice for item in data.values() for notice in item.notices]
    return Result(package, data, problems, notices)


def _unexpected_files(package: Package) -> list[Problem]:
    """CSV files beside the tables that no resource describes (a misspelt file name)."""
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
    composite = cases["check"] == "multiple_fields_uniqueness"
    for index, group in cases[composite].groupby("index", sort=True):
        value = "|".join(str(v) for v in group["failure_case"])
        line = item.line(int(index))
        problems.append(Problem(str(table.path), line, ",".join(group["column"]), value, KEY_RULE))
    for case in cases[~composite].itertuples():
        index = int(case.index) if pd.notna(case.index) else None
        if (index, case.column) in item.unreadable:
            continue  # already reported as a type or whitespace problem
        rule = PANDERA_RULES.get(case.check, case.check)  # our checks carry their rule
        if case.check == "field_uniqueness" and table.primary_key == (case.column,):
            rule = KEY_RULE
        line = item.line(index) if index is not None else None
        problems.append(
            Problem(str(table.path), line, case.column, cell_text(case.failure_case), rule)
        )
    return problems


def check_provenance(item: TableData) -> list[Problem]:
    """The provenance rules of a fact table (its schema's cpcd:provenance): a row from outside
    the paper has a source quote and does not cite the paper; a row from the paper has a
    quote of the paper; a row with a supplement source has that source's quote."""
    spec, frame = item.table.provenance, item.frame
    if spec is None or frame is None:
        return []
    path = str(item.table.path)

    def filled(column: str | None) -> pd.Series:
        return frame[column].notna() & (frame[column].astype("string").str.strip() != "")

    in_paper = frame[spec.in_paper]
    outside, paper = in_paper.eq(False).fillna(False), in_paper.eq(True).fillna(False)
    rules = [
        (
            outside & ~filled(spec.quote),
            spec.quote,
            "a row from outside the paper needs a quote of its source",
        ),
        (
            outside & frame[spec.source].eq(spec.paper_source).fillna(False),
            spec.source,
            f"a row from outside the paper must not cite the paper ({spec.paper_source})",
        ),
        (
            paper & ~filled(spec.paper_quote),
            spec.paper_quote,
            "a row from the paper needs a quote of the paper",
        ),
    ]
    if spec.supplement and spec.supplement_quote:
        rules.append(
            (
                filled(spec.supplement) & ~filled(spec.supplement_quote),
                spec.supplement_quote,
                f"a row with a supplement source ({spec.supplement}) needs its quote",
            )
        )
    problems = []
    for broken, column, rule in rules:
        for index in frame.index[broken.to_numpy(dtype=bool)]:
            value = cell_text(frame.at[index, column])
            problems.append(
                Problem(path, item.line(int(index)), column, value, f"provenance: {rule}")
            )
    return sorted(problems, key=lambda p: (p.line or 0, p.column or ""))


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
            parent = pd.MultiIndex.from_frame(target.frame[list(fk.reference_fields)])
            missing = ~pd.MultiIndex.from_frame(child).isin(parent)
            for index, row in child[missing].iterrows():
                if any((index, name) in item.unreadable for name in fk.fields):
                    continue
                problems.append(
                    Problem(
                        str(item.table.path),
                        item.line(int(index)),
                        ",".join(fk.fields),
                        "|".join(str(v) for v in row),
                        f"foreign-key: no {fk.resource} row has this "
                        + ",".join(fk.reference_fields),
                    )
                )
    return problems


def check_row_references(data: dict[str, TableData]) -> list[Problem]:
    """Rows that name another row by table, key and column (the schema's cpcd:rowReference,
    as in errata) must name one that exists."""
    problems = []
    for item in data.values():
        ref = item.table.row_reference
        if item.frame is None or ref is None:
            continue
        references = item.frame[[ref.table, ref.key, ref.field]].dropna()
        named = set(references[ref.table])
        keys = {
            name: set(key_text(target.frame, target.table.primary_key))
            for name, target in data.items()
            if target.frame is not None and name in named
        }
        for index, row in references.iterrows():
            target = data.get(row[ref.table])
            if target is None or target.frame is None:
                continue
            line = item.line(int(index))
            if row[ref.key] not in keys[row[ref.table]]:
                rule = f"row-reference: no {row[ref.table]} row has this key"
                problems.append(Problem(str(item.table.path), line, ref.key, row[ref.key], rule))
            if row[ref.field] not in target.table.field_names:
                rule = f"row-reference: {row[ref.table]} has no such column"
                problems.append(
                    Problem(str(item.table.path), line, ref.field, row[ref.field], rule)
                )
    return problems


def _iso(day: time.struct_time) -> str:
    # Not strftime: it does not pad years before 1000 on every platform.
    return f"{day.tm_year:04d}-{day.tm_mon:02d}-{day.tm_mday:02d}"


def edtf_bounds(text: str) -> tuple[str, str, str] | None:
    """(precision, first day, last day) of an EDTF date or interval, or None if not EDTF."""
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
    if precision not in ("day", "month", "year", "decade"):
        return None
    first, last = _iso(lower), _iso(upper)
    try:  # the edtf library accepts days no calendar has, such as 29 February 2023
        date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None
    return precision, first, last


ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def iso_bounds(text: str) -> tuple[str, str, str] | None:
    """:func:`edtf_bounds` for the plain forms YYYY, YYYY-MM and YYYY-MM-DD, and intervals
    of two of them; anything else goes to the edtf library.

    Kept for speed: the edtf library is slow per value, and a large table holds
    many distinct plain dates (see docs/benchmarks.md). A test holds both readers
    to the same answers.
    """
    start, slash, end = text.partition("/")
    if slash:  # an interval of two plain dates of one precision: START/END
        ends = [ISO_DATE.fullmatch(part) for part in (start, end)]
        if not all(ends) or any(m[1] == "0000" for m in ends if m):
            return edtf_bounds(text)
        first, last = iso_bounds(start), iso_bounds(end)
        if first is None or last is None or first[0] != last[0]:
            return None
        return first[0], first[1], last[2]
    match = ISO_DATE.fullmatch(text)
    if match is None or match[1] == "0000":
        return edtf_bounds(text)
    year, month, day = match.groups()
    if month is None:
        return "year", f"{year}-01-01", f"{year}-12-31"
    if not 1 <= int(month) <= 12:
        return None
    last = calendar.monthrange(int(year), int(month))[1]
    if day is None:
        return "month", f"{year}-{month}-01", f"{year}-{month}-{last:02d}"
    if not 1 <= int(day) <= last:
        return None
    return "day", text, text


@dataclass
class Bounds:
    """EDTF bounds of a column's cells, aligned with its index; ``ok`` marks cells that parsed."""

    ok: pd.Series
    precision: pd.Series
    first: pd.Series
    last: pd.Series


def _parse_edtf(text: pd.Series) -> Bounds:
    """EDTF bounds per cell, each distinct value read once."""
    codes, uniques = pd.factorize(text)
    parsed = [iso_bounds(value) for value in uniques]
    known = np.array([b is not None for b in parsed] + [False])  # code -1: an empty cell
    precision = np.array([b[0] if b else None for b in parsed] + [None], dtype=object)
    first, last = (
        np.array([b[part] if b else "NaT" for b in parsed] + ["NaT"], f"datetime64[{TIME_UNIT}]")
        for part in (1, 2)
    )
    return Bounds(
        ok=pd.Series(known[codes], index=text.index),
        precision=pd.Series(precision[codes], index=text.index, dtype=object),
        first=pd.Series(first[codes], index=text.index),
        last=pd.Series(last[codes], index=text.index),
    )


def check_dates(item: TableData) -> list[Problem]:
    """Cross-field rules declared in the schema: EDTF text is valid, and the fields its
    rule names (precision, bounds, year, day) are computed from it (cpcd:edtf); ranges
    run forwards (cpcd:rangeEnd); a date is the UTC day of its datetime (cpcd:dayOf)."""
    table = item.table
    problems: list[Problem] = []
    frame = item.frame
    computed: dict[str, pd.Series] = {}
    for rule in table.edtf_rules():
        text = frame[rule.field]
        bounds = _parse_edtf(text)
        for index in frame.index[text.notna() & ~bounds.ok]:
            if (index, rule.field) not in item.unreadable:
                problems.append(
                    Problem(
                        str(table.path),
                        item.line(int(index)),
                        rule.field,
                        cell_text(text[index]),
                        EDTF_RULE,
                    )
                )
        values = {
            rule.precision: bounds.precision.where(bounds.ok).astype("string"),
            rule.start: bounds.first.where(bounds.ok),
            rule.end: bounds.last.where(bounds.ok),
            rule.year: bounds.first.where(bounds.ok).dt.year.astype("Int64"),
            rule.day: bounds.first.where(bounds.ok & (bounds.precision == "day")),
        }
        computed.update({name: v for name, v in values.items() if name is not None})
    frame = pd.DataFrame(
        {f.name: computed[f.name] if f.derived else frame[f.name] for f in table.fields},
        index=frame.index,
    )
    item.frame = frame

    def report(mask: pd.Series, column: str, rule: str) -> None:
        mask = mask.fillna(False) & frame.loc[mask.index, column].notna()
        for index in mask[mask].index:
            if (index, column) in item.unreadable:
                continue
            value = cell_text(frame.at[index, column])
            problems.append(Problem(str(table.path), item.line(int(index)), column, value, rule))

    for start, end in table.ranges():
        report(frame[start] > frame[end], end, f"range: {end} is before {start}")

    for day, moment in table.days_of():
        utc_day = frame[moment].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
        report(
            frame[moment].notna() & (frame[day] != utc_day),
            day,
            f"day-of: must be the UTC day of {moment}",
        )
    return problems

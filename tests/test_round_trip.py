"""Lossless round trips: rows generated from the schemas themselves go through CSV,
validation, Parquet, DuckDB and ``cpcd.load`` and come out equal, cell by cell, typed.

The text is awkward on purpose: Urdu and Chinese script, combining characters,
quotes, commas, newlines, leading zeros and strings that look like missing
values. Dates reach the edges of what the formats hold; every nullable column
is sometimes empty. Line breaks inside cells are written as LF (CRLF is
normalised, see docs/validation.md).
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
import json
import os
import re
import shutil
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import TABLES, copy_package, python_value, schema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import cpcd
from cpcd.common.problems import CpcdError
from cpcd.exports.build import build

AWKWARD = "اردو زبان中文汉字e\u0301a\u0308\"',;|\\\n\r\t\x0b\u2028 0123 NA null None N/A"  # noqa: RUF001
TEXT = st.one_of(
    st.sampled_from(
        [
            "NA",
            "null",
            "None",
            "N/A",
            "0042",
            " leading space",
            "trailing space ",
            "پاکستان",
            "中巴经济走廊",
            'quote "inside", comma',
            "two\nlines",
            "carriage\rreturn",
            "tab\tand\x0bvertical tab",
            "line\u2028separator",
        ]
    ),
    st.text(
        alphabet=st.sampled_from(AWKWARD) | st.characters(blacklist_categories=("Cs", "Cc")),
        min_size=1,
        max_size=12,
    ).map(lambda text: text.replace("\r\n", "\n")),  # CRLF is read as LF (see above)
)
# Six datasets by default, drawn the same way on every run, so that a run is reproducible;
# CPCD_HYPOTHESIS=explore draws 150 fresh ones. The datasets of one round are built together
# as one package (a row whose key an earlier dataset of the round holds is left out): the
# build is the costly step, and one build checks the rows of several datasets.
PROFILES = {"fixed": (6, 1, True), "explore": (6, 25, False)}  # per round, rounds, fixed
PER_ROUND, ROUNDS, FIXED = PROFILES[os.environ.get("CPCD_HYPOTHESIS", "fixed")]
DRAW = settings(
    max_examples=PER_ROUND,
    derandomize=FIXED,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
FIELDS = {t: {f["name"]: f for f in schema(t)["fields"]} for t in TABLES}
DAY = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
ANY_DAY = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


def edtf(day: date, precision: str) -> tuple[str, date, date]:
    """EDTF text and its first and last day, computed with the calendar module."""
    if precision == "year":
        return f"{day.year:04d}", date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return f"{day.year:04d}-{day.month:02d}", day.replace(day=1), day.replace(day=last)
    return day.isoformat(), day, day


def bounded(pattern: str, most: int = 3) -> str:
    """The pattern with every repeat bounded to at most ``most`` more than its least (``+``
    to ``{1,4}``, ``{4,9}`` to ``{4,7}``): what it matches, the pattern matches, and it draws
    shorter text, quicker. Escapes and character classes are copied as they are."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            j = i + 2
        elif c == "[":
            j = i + 1 + (pattern[i + 1 : i + 2] == "^")
            j += pattern[j : j + 1] == "]"  # a ] first in the class is literal
            while pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            j += 1
        elif c in "*+{":
            if c == "{":
                j = pattern.index("}", i) + 1
                low, comma, high = pattern[i + 1 : j - 1].partition(",")
            else:
                j, low, comma, high = i + 1, "1" if c == "+" else "0", ",", ""
            top = int(low) + most if comma else int(low)
            out.append(f"{{{low},{min(int(high), top) if high else top}}}")
            i = j
            continue
        else:
            j = i + 1
        out.append(pattern[i:j])
        i = j
    return "".join(out)


@functools.cache
def written_later(table: str) -> frozenset[str]:
    """Columns :func:`row_for` sets from others (computed dates, references, the date group),
    so not drawn: a dataset stays small enough for Hypothesis to draw."""
    fields = FIELDS[table]
    later = {n for n, f in fields.items() if "cpcd:derivedFrom" in f}
    later |= {n for fk in schema(table).get("foreignKeys", []) for n in fk["fields"]}
    later |= {n for n in ("date", "issued", "accessed_edtf", "accessed") if n in fields}
    return frozenset(later)


@functools.cache
def value_for(table: str, name: str) -> st.SearchStrategy:
    field = FIELDS[table][name]
    constraints = field.get("constraints", {})
    kind = field["type"]
    is_key = name in schema(table)["primaryKey"]
    if constraints.get("enum"):
        strategy = st.sampled_from(constraints["enum"])
    elif kind == "string" and constraints.get("pattern"):
        pattern = constraints["pattern"]
        strategy = st.from_regex(bounded(pattern), fullmatch=True).filter(
            re.compile(pattern).fullmatch
        )
    elif kind == "string" and is_key:
        strategy = TEXT.filter(lambda text: text == text.strip())  # keys carry no outer spaces
    elif kind == "string":
        strategy = TEXT
    elif kind == "integer":
        strategy = st.integers(
            int(constraints.get("minimum", -(2**62))), int(constraints.get("maximum", 2**62))
        )
    elif kind == "number":
        strategy = st.floats(
            min_value=constraints.get("minimum"),
            max_value=constraints.get("maximum"),
            allow_nan=False,
            allow_infinity=False,
        )
    elif kind == "boolean":
        strategy = st.booleans()
    elif kind == "date":
        strategy = ANY_DAY
    else:
        strategy = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
            lambda d: d.replace(microsecond=0, tzinfo=UTC)
        )
    if constraints.get("required") or is_key:
        return strategy
    return st.none() | strategy


@st.composite
def row_for(draw, table: str, refs: dict[str, list]) -> dict:
    fields = FIELDS[table]
    later = written_later(table)
    row = dict.fromkeys(later)
    row.update({name: draw(value_for(table, name)) for name in fields if name not in later})
    # Cross-field rules: the date group, EDTF/day pairs and ranges agree.
    if "date" in fields:
        required = fields["date"]["constraints"]["required"]
        if required or draw(st.booleans()):
            precision = draw(st.sampled_from(["day", "month", "year"]))
            text, first, last = edtf(draw(DAY), precision)
            row.update(
                date=text,
                date_precision=precision,
                date_start=first,
                date_end=last,
                year=first.year,
            )
    if "issued" in fields:
        precision = st.sampled_from(["day", "month", "year"])
        single = st.builds(lambda d, p: edtf(d, p)[0], ANY_DAY, precision)
        # an interval too, START/END, as the column's pattern allows
        interval = st.builds(
            lambda a, b, p: f"{edtf(min(a, b), p)[0]}/{edtf(max(a, b), p)[0]}",
            ANY_DAY,
            ANY_DAY,
            precision,
        )
        row["issued"] = draw(st.none() | single | interval)
    if "accessed_edtf" in fields:
        day, precision = draw(ANY_DAY), draw(st.sampled_from(["day", "year", None]))
        row["accessed_edtf"] = None if precision is None else edtf(day, precision)[0]
        row["accessed"] = day if precision == "day" else None
    # A range the schema declares (cpcd:rangeEnd) runs forwards.
    for start, f in fields.items():
        end = f.get("cpcd:rangeEnd")
        bounds = (row[start], row[end]) if end and start not in later else (None, None)
        if None not in bounds and bounds[0] > bounds[1]:
            row[start], row[end] = bounds[1], bounds[0]
    # A date declared the UTC day of a datetime (cpcd:dayOf) is that day.
    for name, f in fields.items():
        moment = f.get("cpcd:dayOf")
        if moment and row[moment] is not None:
            row[name] = row[moment].astimezone(UTC).date()
    # Foreign keys point at generated rows.
    for fk in schema(table).get("foreignKeys", []):
        [name] = fk["fields"]
        target = refs.get(fk["reference"]["resource"], [])
        nullable = not fields[name]["constraints"].get("required")
        options = st.sampled_from(target) if target else st.none()
        row[name] = draw(st.none() | options if nullable else options)
    # Provenance (cpcd:provenance): an outside row quotes its source, a paper row the paper,
    # a supplement source its own words.
    rule = schema(table).get("cpcd:provenance")
    if rule:
        if row[rule["inPaper"]]:
            row[rule["paperQuote"]] = row[rule["paperQuote"]] or "words of the paper"
        else:
            row[rule["quote"]] = row[rule["quote"]] or "words of the source"
        if "supplement" in rule and row[rule["supplement"]] is not None:
            row[rule["supplementQuote"]] = row[rule["supplementQuote"]] or "words of the supplement"
    return row


def unique(rows: list[dict], table: str) -> list[dict]:
    key = schema(table)["primaryKey"]
    seen, out = set(), []
    for row in rows:
        k = tuple(row[name] for name in key)
        if k not in seen and all(v is not None for v in k):
            seen.add(k)
            out.append(row)
    return out


@st.composite
def datasets(draw) -> dict[str, list[dict]]:
    data: dict[str, list[dict]] = {}
    refs: dict[str, list] = {}

    def add(table: str, least: int = 0) -> None:
        drawn = draw(st.lists(row_for(table, refs), min_size=least, max_size=3))
        data[table] = unique(drawn, table)
        key = schema(table)["primaryKey"]
        if len(key) == 1:  # what foreign keys may point at
            refs[table] = [r[key[0]] for r in data[table]]

    # Sources and projects first, for the rows that refer to them (one of each at least:
    # fact rows must name a source, partner rows a project).
    add("sources", 1)
    add("citations")
    add("agricultural_projects", 1)
    add("cpec_projects", 1)
    for table in TABLES:
        if table not in data and table != "errata":
            add(table)
    # Errata name an existing row (its key as text, '|' between parts) and one of its columns.
    targets = [
        (t, row) for t in FIELDS["errata"]["table_name"]["constraints"]["enum"] for row in data[t]
    ]
    errata = []
    if targets:
        for erratum in draw(st.lists(row_for("errata", refs), max_size=3)):
            table, row = draw(st.sampled_from(targets))
            key = "|".join(csv_cell(row[k]) for k in schema(table)["primaryKey"])
            erratum.update(
                table_name=table, row_id=key, field=draw(st.sampled_from(list(FIELDS[table])))
            )
            errata.append(erratum)
    data["errata"] = unique(errata, "errata")
    return data


def draw_round() -> dict[str, list[dict]]:
    """The datasets of one round, drawn by Hypothesis, as one: a row whose key an earlier
    dataset holds is left out. What a left-out row's key names exists all the same, so
    every reference stays whole (keys are the only unique columns)."""
    drawn: list[dict[str, list[dict]]] = []

    @DRAW
    @given(datasets())
    def collect(data):
        drawn.append(data)

    collect()
    assert len(drawn) == PER_ROUND
    return {t: unique([row for dataset in drawn for row in dataset[t]], t) for t in TABLES}


def quoted(cell: str) -> str:
    """A cell of an input file, quoted by RFC 4180 when it holds a comma, a quote, a line
    feed or a carriage return. (Python's csv module with "\n" line ends leaves a carriage
    return unquoted, which CSV readers then take for a line break.)"""
    if any(c in cell for c in ',"\n\r'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def load_rows(table: str, exports) -> list[dict]:
    frame = cpcd.load(table, exports=exports)
    out = []
    for record in frame.to_dict("records"):
        row = {}
        for name, value in record.items():
            kind = FIELDS[table][name]["type"]
            if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
                row[name] = None
            elif kind == "date":
                row[name] = value.date()
            elif kind == "datetime":
                row[name] = value.to_pydatetime()
            elif kind == "integer":
                row[name] = int(value)
            elif kind == "number":
                row[name] = float(value)
            elif kind == "boolean":
                row[name] = bool(value)
            else:
                row[name] = str(value)
        out.append(row)
    return out


def same(got: list[dict], expected: list[dict], what: str) -> None:
    """Equal row lists, or a message naming the first differing cell."""
    assert len(got) == len(expected), (what, len(got), len(expected))
    for number, (a, b) in enumerate(zip(got, expected, strict=True)):
        for name in b:
            assert a[name] == b[name], (what, number, name, a[name], b[name])


def key_sorted(rows: list[dict], table: str) -> list[dict]:
    key = schema(table)["primaryKey"]
    return sorted(rows, key=lambda r: tuple(r[k] for k in key))


# Integers at the edges of what the formats hold: 2**53 + 1 (a float64 cannot hold it; it
# was once lost on the way through Arrow and Parquet to pandas) and 2**31 - 1 (above
# 2,147,483,620 a Stata long holds missing-value codes, not numbers).
EDGE_INTEGERS = (2**53 + 1, 2**31 - 1)


def plant_edge_integers(data: dict[str, list[dict]]) -> None:
    """Each edge integer beside an empty cell, in its own nullable integer column, and the
    largest there (a larger value would decide the column's type on its own)."""
    places = [
        (table, name)
        for table in TABLES
        for name, f in FIELDS[table].items()
        if f["type"] == "integer"
        and not f.get("constraints", {}).get("required")
        and name not in schema(table)["primaryKey"]
        and f.get("constraints", {}).get("maximum", 2**62) >= max(EDGE_INTEGERS)
        and name not in written_later(table)
        and len(data[table]) >= 2
    ]
    assert len(places) >= len(EDGE_INTEGERS), places
    for value, (table, name) in zip(EDGE_INTEGERS, places, strict=False):
        for row in data[table][2:]:
            if row[name] is not None and abs(row[name]) > value:
                row[name] = None
        data[table][0][name], data[table][1][name] = value, None


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_round_trip(tmp_path, round_):
    data = draw_round()
    assert [table for table in TABLES if not data[table]] == []
    plant_edge_integers(data)
    root = tmp_path
    copy_package(root)
    shutil.rmtree(root / "data")
    (root / "data").mkdir()
    for table in TABLES:
        # The file holds what a person writes; the build computes the rest from the dates.
        names = [n for n, f in FIELDS[table].items() if "cpcd:derivedFrom" not in f]
        lines = [names] + [[csv_cell(row[n]) for n in names] for row in data[table]]
        text = "".join(",".join(quoted(cell) for cell in line) + "\n" for line in lines)
        (root / "data" / f"{table}.csv").write_text(text, encoding="utf-8", newline="")
    out = root / "exports"
    try:
        build(root / "datapackage.json", out)
    except CpcdError as err:
        raise AssertionError("\n".join(str(p) for p in err.problems)) from None
    con = cpcd.connect(out)
    for table in TABLES:
        expected = key_sorted(data[table], table)
        same(load_rows(table, out), expected, f"{table} via cpcd.load")
        types = {n: f["type"] for n, f in FIELDS[table].items()}
        with (out / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            exported = [
                {k: python_value(v, types[k]) for k, v in r.items()} for r in csv.DictReader(fh)
            ]
        same(exported, expected, f"{table} via CSV")
        same(
            pq.read_table(out / "parquet" / f"{table}.parquet").to_pylist(),
            expected,
            f"{table} via Parquet",
        )
        cursor = con.execute(f"select * from {table}")
        names = [d[0] for d in cursor.description]
        fetched = key_sorted([dict(zip(names, r, strict=True)) for r in cursor.fetchall()], table)
        same(fetched, expected, f"{table} via DuckDB")
    con.close()
    assert json.loads((out / "datapackage.json").read_text())["name"] == "cpcd"


# The CSV writer: hand-written bytes for tricky values, and any values read back by
# Python's csv module.

WRITER_FIELDS = (
    ("text", "string"),
    ("count", "integer"),
    ("amount", "number"),
    ("flag", "boolean"),
    ("day", "date"),
    ("moment", "datetime"),
)


def written(rows: list[tuple]) -> bytes:
    """``rows`` (values in WRITER_FIELDS order, None for missing) as cpcd's CSV writer writes
    them, from the typed Arrow columns the build hands it (times cut to whole seconds)."""
    import pyarrow as pa

    from cpcd.exports.csv_text import csv_bytes
    from cpcd.metadata.derive import arrow_schema
    from cpcd.metadata.model import Field, Table

    fields = tuple(Field(name, kind, "d") for name, kind in WRITER_FIELDS)
    table = Table("t", "t", "", None, None, fields, ("text",), ())
    columns = {}
    for i, arrow_field in enumerate(arrow_schema(table)):
        values = [row[i] for row in rows]
        if pa.types.is_timestamp(arrow_field.type):
            exact = pa.array(values, pa.timestamp("us", tz="UTC"))
            columns[arrow_field.name] = exact.cast(arrow_field.type, safe=False)
        else:
            columns[arrow_field.name] = pa.array(values, arrow_field.type)
    return csv_bytes(pa.table(columns), table)


def test_csv_writer_on_tricky_values():
    rows = [
        ("a,b", 1, 1.0, True, date(1, 1, 1), datetime(1, 1, 1, tzinfo=UTC)),
        ('say "hi"', -7, 0.1, False, date(9999, 12, 31), datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("a\nb", None, 1e16, None, None, None),
        ("a\rb", 2**62, -0.0, None, None, None),
        (" x ", 0, 1.5e-7, None, None, None),
        ("NA", None, 123456789.125, None, None, None),
        ("中文", None, 5e-324, None, None, None),
        ("'", None, 0.1 + 0.2, None, None, None),
        ("y", None, 100.0, None, None, None),
    ]  # fmt: skip
    # Written by hand. Quoting: RFC 4180, section 2 (a cell holding a comma, a double quote
    # or a line break is enclosed in double quotes, a quote inside is doubled), a lone
    # carriage return counting as a line break. Values: the Table Schema's forms (true and
    # false, YYYY-MM-DD, a UTC time with Z, years of four digits), and numbers as Python's
    # repr gives them (the fewest digits that read back the same float) without ".0".
    expected = (
        "text,count,amount,flag,day,moment\n"
        '"a,b",1,1,true,0001-01-01,0001-01-01T00:00:00Z\n'
        '"say ""hi""",-7,0.1,false,9999-12-31,9999-12-31T23:59:59Z\n'
        '"a\nb",,1e+16,,,\n'
        '"a\rb",4611686018427387904,-0,,,\n'
        " x ,0,1.5e-07,,,\n"
        "NA,,123456789.125,,,\n"
        "中文,,5e-324,,,\n"
        "',,0.30000000000000004,,,\n"
        "y,,100,,,\n"
    )
    assert written(rows) == expected.encode("utf-8")


def read_back(cell: str, kind: str):
    """A cell as a Python value, by the Table Schema's forms, strictly (not cpcd's reader)."""
    if cell == "":
        return None
    if kind == "integer":
        return int(cell)
    if kind == "number":
        assert not cell.endswith(".0"), cell
        return float(cell)
    if kind == "boolean":
        return {"true": True, "false": False}[cell]
    if kind == "date":
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", cell), cell
        return date.fromisoformat(cell)
    if kind == "datetime":
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cell), cell
        return datetime.fromisoformat(cell[:-1]).replace(tzinfo=UTC)
    return cell


def significant(text: str) -> str:
    """The significant digits of a number's text: no sign, point, exponent or outer zeros."""
    return text.lower().lstrip("-").split("e")[0].replace(".", "").strip("0")


@given(
    st.lists(
        st.tuples(
            st.none() | st.text(min_size=1),
            st.none() | st.integers(-(2**62), 2**62),
            st.none() | st.floats(allow_nan=False, allow_infinity=False),
            st.none() | st.booleans(),
            st.none() | st.dates(date(1, 1, 1), date(9999, 12, 31)),
            st.none()
            | st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59)).map(
                lambda d: d.replace(microsecond=0, tzinfo=UTC)
            ),
        ),
        max_size=20,
    )
)
@settings(max_examples=50 if FIXED else 1000, derandomize=FIXED, database=None, deadline=None)
def test_what_the_csv_writer_writes_reads_back(rows):
    text = written(rows).decode("utf-8")
    # Python's csv module reads it: an unquoted line break inside a cell would split a row.
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records[0] == [name for name, _ in WRITER_FIELDS]
    assert len(records) == len(rows) + 1
    for record, row in zip(records[1:], rows, strict=True):
        for cell, value, (_, kind) in zip(record, row, WRITER_FIELDS, strict=True):
            assert read_back(cell, kind) == value, (kind, cell, value)
            if kind == "number" and value is not None:
                # the fewest digits: those of numpy's Dragon4, another implementation
                shortest = np.format_float_scientific(value, unique=True, trim="-")
                assert significant(cell) == significant(shortest), (cell, shortest)

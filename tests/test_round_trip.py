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
import json
import os
import shutil
from datetime import UTC, date, datetime

import pandas as pd
import pyarrow.parquet as pq
from conftest import TABLES, copy_package, python_value, schema
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cpcd
from cpcd.build import build
from cpcd.problems import CpcdError

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
    ),
)
# Fixed examples by default, so that a run is reproducible; CPCD_HYPOTHESIS=explore
# draws many fresh ones.
for name, count, fixed in (("fixed", 6, True), ("explore", 150, False)):
    settings.register_profile(
        name,
        max_examples=count,
        derandomize=fixed,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
settings.load_profile(os.environ.get("CPCD_HYPOTHESIS", "fixed"))
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


def value_for(field: dict, is_key: bool) -> st.SearchStrategy:
    constraints = field.get("constraints", {})
    kind = field["type"]
    if constraints.get("enum"):
        strategy = st.sampled_from(constraints["enum"])
    elif kind == "string" and constraints.get("pattern"):
        strategy = st.from_regex(constraints["pattern"], fullmatch=True)
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
    if constraints.get("required") or field["name"] in ("source_id",):
        return strategy
    return st.none() | strategy


@st.composite
def row_for(draw, table: str, refs: dict[str, list]) -> dict:
    fields = FIELDS[table]
    keys = set(schema(table)["primaryKey"])
    row = {name: draw(value_for(f, name in keys)) for name, f in fields.items()}
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
        else:
            row.update(date=None, date_precision=None, date_start=None, date_end=None, year=None)
    if "issued" in fields:
        row["issued"] = draw(
            st.none()
            | st.builds(
                lambda d, p: edtf(d, p)[0], ANY_DAY, st.sampled_from(["day", "month", "year"])
            )
        )
    if "accessed_edtf" in fields:
        day, precision = draw(ANY_DAY), draw(st.sampled_from(["day", "year", None]))
        row["accessed_edtf"] = None if precision is None else edtf(day, precision)[0]
        row["accessed"] = day if precision == "day" else None
    for start in [n for n in fields if n.endswith("start") and fields[n]["type"] == "date"]:
        end = start[: -len("start")] + "end"
        if (
            end in fields
            and row[start] is not None
            and row[end] is not None
            and row[start] > row[end]
        ):
            row[start], row[end] = row[end], row[start]
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
    data["sources"] = unique(
        draw(st.lists(row_for("sources", refs), min_size=1, max_size=3)), "sources"
    )
    refs["sources"] = [r["source_id"] for r in data["sources"]]
    data["citations"] = unique(draw(st.lists(row_for("citations", refs), max_size=3)), "citations")
    refs["citations"] = [r["citation_number"] for r in data["citations"]]
    data["agricultural_projects"] = unique(
        draw(st.lists(row_for("agricultural_projects", refs), min_size=1, max_size=3)),
        "agricultural_projects",
    )
    refs["agricultural_projects"] = [r["project_id"] for r in data["agricultural_projects"]]
    for table in TABLES:
        if table not in data and table != "errata":
            data[table] = unique(draw(st.lists(row_for(table, refs), max_size=3)), table)
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


def quoted(cell: str) -> str:
    """RFC 4180 by hand: a cell holding a comma, a quote, a line feed or a carriage return
    is quoted. (Python's csv module with "\n" line ends leaves a carriage return unquoted,
    which CSV readers then take for a line break.)"""
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


@given(data=datasets())
def test_round_trip(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("round_trip")
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
        con = cpcd.connect(out)
        cursor = con.execute(f"select * from {table}")
        names = [d[0] for d in cursor.description]
        fetched = key_sorted([dict(zip(names, r, strict=True)) for r in cursor.fetchall()], table)
        same(fetched, expected, f"{table} via DuckDB")
        con.close()
    assert json.loads((out / "datapackage.json").read_text())["name"] == "cpcd"


# The CSV writer against Python's csv module, on any text


WRITER_FIELDS = (
    ("text", "string"),
    ("count", "integer"),
    ("amount", "number"),
    ("flag", "boolean"),
    ("day", "date"),
    ("moment", "datetime"),
)


def _reference_cell(value, field_type: str) -> str:
    """The cell as the standard library would write it, formatted independently of cpcd."""
    if value is None:
        return ""
    if field_type == "boolean":
        return "true" if value else "false"
    if field_type == "number":
        text = repr(float(value))
        return text[:-2] if text.endswith(".0") else text
    if field_type == "date":
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if field_type == "datetime":
        return f"{value.year:04d}-{value:%m-%dT%H:%M:%S}Z"
    return str(value)


@given(
    st.lists(
        st.tuples(
            st.none() | st.text(min_size=1),
            st.none() | st.integers(-(2**62), 2**62),
            st.none() | st.floats(allow_nan=False, allow_infinity=False),
            st.none() | st.booleans(),
            st.none() | st.dates(date(1, 1, 1), date(9999, 12, 31)),
            st.none() | st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59)),
        ),
        max_size=20,
    )
)
@example(
    [(text, None, None, None, None, None) for text in ("a,b", 'say "hi"', "a\nb", "a\rb", " x ")]
)
@settings(deadline=None)
def test_csv_writer_matches_the_csv_module(rows):

    import pyarrow as pa

    from cpcd.csv_text import csv_bytes
    from cpcd.derive import arrow_schema
    from cpcd.metadata import Field, Table

    fields = tuple(Field(name, kind, "d") for name, kind in WRITER_FIELDS)
    table = Table("t", "t", "", None, None, fields, ("text",), ())
    rows = [
        (*row[:5], row[5].replace(microsecond=0, tzinfo=UTC) if row[5] else None) for row in rows
    ]
    schema = arrow_schema(table)
    frame = pa.table(
        {f.name: pa.array([row[i] for row in rows], f.type) for i, f in enumerate(schema)},
        schema=schema,
    )
    lines = [",".join(name for name, _ in WRITER_FIELDS)]
    lines += [
        ",".join(
            quoted(_reference_cell(value, kind))
            for value, (_, kind) in zip(row, WRITER_FIELDS, strict=True)
        )
        for row in rows
    ]
    expected = "".join(line + "\n" for line in lines)
    assert csv_bytes(frame, table) == expected.encode("utf-8")

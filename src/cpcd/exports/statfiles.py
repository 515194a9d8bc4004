"""Stata ``.dta`` and SPSS ``.sav`` files, one per table, written with pyreadstat.

Both formats label variables (from the schema's descriptions) and coded values.
Stata labels only integer codes, so every enum is stored as an integer, 1 for
its first value in schema order, 2 for the next, and so on, with the enum's
label as the value label; SPSS files use the same codes, so one codebook (the
workbook's Columns sheet) serves both. Booleans are 0 and 1 labelled false and
true. Dates and UTC times are the formats' own dates and times.

pyreadstat stamps each file with the time of writing and offers no way to set
it; :func:`set_timestamp` rewrites that fixed-width header field with the
release time, so that a rebuild writes the same bytes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from cpcd.common.problems import CpcdError
from cpcd.common.text import number_text
from cpcd.metadata.model import Field, Package, Table

STATA_DIR = "stata"
SPSS_DIR = "spss"
STATA_NAME_LENGTH = 32  # characters in a Stata variable name
STATA_LABEL_LENGTH = 80  # characters in a Stata variable label
SPSS_LABEL_BYTES = 256  # bytes in an SPSS variable label
SPSS_VALUE_LABEL_BYTES = 120  # bytes in an SPSS value label
INT32 = (-(2**31) + 1, 2_147_483_620)  # a Stata long (above: missing-value codes)
EXACT_INTEGER = 2**53  # the largest integer a double holds exactly
LARGEST = 8.988465674311579e307  # the largest number Stata holds (above it: missing values)
BOOLEAN_LABELS = {0: "false", 1: "true"}
# English month abbreviations, as both formats write them whatever the locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def stata_name(name: str) -> str:
    """A field name within Stata's 32 characters: the longest of its words is cut to its
    first three letters until the name fits (``compiling_organisation_as_printed`` becomes
    ``compiling_org_as_printed``), so that the name stays readable."""
    words = name.split("_")
    while len("_".join(words)) > STATA_NAME_LENGTH:
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        if len(words[longest]) <= 3:
            return "_".join(words)[:STATA_NAME_LENGTH]
        words[longest] = words[longest][:3]
    return "_".join(words)


def shorten(text: str, limit: int, encoding: str | None = None) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (or bytes in
    ``encoding``), ending with an ellipsis when cut; Markdown backticks dropped."""
    text = text.replace("`", "")

    def size(s: str) -> int:
        return len(s.encode(encoding)) if encoding else len(s)

    if size(text) <= limit:
        return text
    words = text.split(" ")
    while len(words) > 1 and size(" ".join(words) + "…") > limit:
        words.pop()
    cut = " ".join(words).rstrip(",;:.") + "…"
    return cut if size(cut) <= limit else text[: limit - 1] + "…"


def codes(f: Field) -> dict[str, int]:
    """An enum's integer codes: its values in schema order, from 1."""
    return {value: i for i, value in enumerate(f.enum or (), start=1)}


def value_labels(f: Field) -> dict[int, str] | None:
    """The value labels of a coded field: the enum's labels, or false and true."""
    if f.enum is not None:
        return {code: f.labels.get(value, value) for value, code in codes(f).items()}
    if f.type == "boolean":
        return dict(BOOLEAN_LABELS)
    return None


def _column(f: Field, values: list[Any]) -> pd.Series | list[Any]:
    """One column as pyreadstat writes it: coded enums and booleans, Stata longs where the
    integers fit, plain dates and naive UTC times."""
    if f.enum is not None:
        mapping = codes(f)
        return pd.array([mapping[v] if v is not None else None for v in values], dtype="Int32")
    if f.type == "boolean":
        return pd.array([None if v is None else int(v) for v in values], dtype="Int8")
    present = [v for v in values if v is not None]
    if f.type == "integer" and all(INT32[0] <= v <= INT32[1] for v in present):
        return pd.array(values, dtype="Int32")
    if f.type in ("integer", "number"):
        if all(abs(v) <= (EXACT_INTEGER if f.type == "integer" else LARGEST) for v in present):
            return pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
        # Beyond what both formats hold exactly: the column is written as the CSV's text.
        text = str if f.type == "integer" else number_text
        return ["" if v is None else text(v) for v in values]
    if f.type == "datetime":
        return [None if v is None else v.astimezone(UTC).replace(tzinfo=None) for v in values]
    if f.type == "string":
        # A missing text is the empty string in both formats; pyreadstat also fails on a
        # missing value among strings longer than a Stata str (a strL column).
        return ["" if v is None else v for v in values]
    return list(values)  # dates (None is a missing cell)


def frame(table: Table, parquet: Path) -> pd.DataFrame:
    """The table's rows from its Parquet export, as pyreadstat takes them."""
    arrow = pq.read_table(parquet)
    return pd.DataFrame(
        {f.name: _column(f, arrow.column(f.name).to_pylist()) for f in table.fields}
    )


def write_stata(table: Table, rows: pd.DataFrame, path: Path, created: datetime) -> None:
    """``path``: the table as a Stata 14 file (format 118, which every Stata from 14 on
    opens; pyreadstat's default, 119, needs Stata/MP), labels within Stata's limits."""
    import pyreadstat

    names = {f.name: stata_name(f.name) for f in table.fields}
    if len(set(names.values())) != len(names):
        raise CpcdError(f"{table.name}: two fields share a Stata name: {names}")
    pyreadstat.write_dta(
        rows.rename(columns=names),
        path,
        version=14,
        file_label=shorten(table.title, STATA_LABEL_LENGTH),
        column_labels={
            names[f.name]: shorten(f.description, STATA_LABEL_LENGTH) for f in table.fields
        },
        variable_value_labels={
            names[f.name]: labels for f in table.fields if (labels := value_labels(f))
        },
        variable_format={names[f.name]: "%td" for f in table.fields if f.type == "date"},
    )
    set_timestamp(path, created)


def write_spss(table: Table, rows: pd.DataFrame, path: Path, created: datetime) -> None:
    """``path``: the table as an SPSS file, labels within SPSS's limits, nominal codes."""
    import pyreadstat

    def measure(f: Field) -> str:
        coded = f.enum is not None or f.type in ("boolean", "string")
        as_text = f.type in ("integer", "number") and rows[f.name].dtype == object
        return "nominal" if coded or as_text else "scale"

    pyreadstat.write_sav(
        rows,
        path,
        file_label=shorten(table.title, 64, "utf-8"),
        column_labels={
            f.name: shorten(f.description, SPSS_LABEL_BYTES, "utf-8") for f in table.fields
        },
        variable_value_labels={
            f.name: {c: shorten(t, SPSS_VALUE_LABEL_BYTES, "utf-8") for c, t in labels.items()}
            for f in table.fields
            if (labels := value_labels(f))
        },
        variable_measure={f.name: measure(f) for f in table.fields},
    )
    set_timestamp(path, created)


DTA_STAMP = re.compile(rb"<timestamp>\x11[0-9 ]\d [A-Z][a-z]{2} \d{4} \d{2}:\d{2}</timestamp>")
SAV_DATE, SAV_TIME = slice(92, 101), slice(101, 109)  # in the SPSS file header record


def set_timestamp(path: Path, when: datetime) -> None:
    """Replace the creation time a Stata or SPSS file's header holds with ``when``.

    Both are fixed-width text fields at known places (Stata 117+:
    ``<timestamp>`` "dd Mon yyyy hh:mm"; SPSS: "dd Mon yy" and "hh:mm:ss" at
    bytes 92 and 101 of the header record); anything else is refused.
    """
    data = bytearray(path.read_bytes())
    month = MONTHS[when.month - 1]
    if path.suffix == ".dta":
        match = DTA_STAMP.search(bytes(data[:4096]))
        if match is None:
            raise CpcdError(f"{path}: no Stata timestamp where one was expected")
        text = f"{when.day:02d} {month} {when.year:04d} {when.hour:02d}:{when.minute:02d}"
        start = match.start() + len(b"<timestamp>\x11")
        data[start : start + 17] = text.encode("ascii")
    elif path.suffix == ".sav" and data[:4] == b"$FL2":
        if not re.fullmatch(rb"\d\d [A-Z][a-z]{2} \d\d\d\d:\d\d:\d\d", bytes(data[92:109])):
            raise CpcdError(f"{path}: no SPSS creation time where one was expected")
        data[SAV_DATE] = f"{when.day:02d} {month} {when.year % 100:02d}".encode("ascii")
        data[SAV_TIME] = f"{when.hour:02d}:{when.minute:02d}:{when.second:02d}".encode("ascii")
    else:
        raise CpcdError(f"{path}: not a Stata or SPSS file")
    path.write_bytes(bytes(data))


def write_stat_files(package: Package, out: Path, created: str) -> list[Path]:
    """``out/stata/<table>.dta`` and ``out/spss/<table>.sav`` for every table, from the
    Parquet files in ``out``, stamped with ``created`` (RFC 3339, UTC)."""
    when = datetime.fromisoformat(created.replace("Z", "+00:00")).astimezone(UTC)
    written = []
    for folder in (STATA_DIR, SPSS_DIR):
        (out / folder).mkdir(exist_ok=True)
    for name, table in package.tables.items():
        rows = frame(table, out / "parquet" / f"{name}.parquet")
        stata, spss = out / STATA_DIR / f"{name}.dta", out / SPSS_DIR / f"{name}.sav"
        write_stata(table, rows, stata, when)
        write_spss(table, rows, spss, when)
        written += [stata, spss]
    return written

"""Read a table's CSV file into typed columns, reporting what cannot be read.

Structure (encoding, header, cells per row) and cell types are checked here;
constraints are left to :mod:`cpcd.validate`. Cells are read as text with only
the empty cell as missing, so strings such as ``NA`` or ``null`` stay strings.

Three spreadsheet habits are safe to undo and are only reported as notices: a
UTF-8 byte-order mark, CRLF line endings and blank lines. Everything else that
does not match the schema is a problem.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cpcd.derive import DATE_UNIT, pandas_dtype
from cpcd.metadata import Field, Table
from cpcd.problems import Problem

BOM = b"\xef\xbb\xbf"
NOT_SPACE = re.compile(rb"\S")
HEADER_BYTES = 1 << 20
INTEGER = re.compile(r"[+-]?\d+")
DATE = r"\d{4}-\d{2}-\d{2}"
DATETIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")


@dataclass
class TableData:
    """A table's typed rows plus a way back from a row to its line in the file."""

    table: Table
    frame: pd.DataFrame | None
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    record_lines: list[int] | None = None  # start line of each row when not simply index + 2
    unreadable: set[tuple[int, str]] = field(default_factory=set)  # (row, column) of type errors

    def line(self, index: int) -> int:
        if self.record_lines is not None:
            return self.record_lines[index]
        return index + 2


def _problem(
    table: Table, line: int | None, column: str | None, value: str | None, rule: str
) -> Problem:
    return Problem(str(table.path), line, column, value, rule)


def cell_text(value: object) -> str | None:
    """A typed cell as the text a user wrote: dates without a time part, no NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):  # isoformat, not strftime: it pads years before 1000
        if value.tzinfo is not None:
            return value.tz_convert("UTC").isoformat().replace("+00:00", "Z")
        return value.date().isoformat()
    return str(value)


def key_text(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    """Each row's primary key as text, the values of a composite key joined by '|'."""
    parts = [frame[name].map(cell_text).astype(object).fillna("") for name in key]
    text = parts[0]
    for part in parts[1:]:
        text = text + "|" + part
    return text


def _scan_records(text: str, width: int, table: Table) -> tuple[list[int], list[Problem]]:
    """Start line of every good data record, and a problem for every record of the wrong width.

    The slow path, used only when a cell spans lines or a row has the wrong
    number of cells: the csv module counts physical lines for us.
    """
    lines: list[int] = []
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for number, record in enumerate(reader):
        if number > 0 and record:
            if len(record) == width:
                lines.append(start)
            else:
                rule = f"row has {len(record)} cells, the header has {width}"
                problems.append(_problem(table, start, None, ",".join(record), rule))
        start = reader.line_num + 1
    return lines, problems


def read_table(table: Table) -> TableData:
    """Read ``table.path``; the frame is None when the file cannot be read at all."""
    path = table.path
    if not path.exists():
        return TableData(table, None, [_problem(table, None, None, None, "file not found")])
    raw = path.read_bytes()
    notices = []
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
        notices.append(_problem(table, 1, None, None, "normalised: byte-order mark removed"))
    if b"\r" in raw and b"\r\n" in raw:  # the one-byte search is fast; most files have no CR
        raw = raw.replace(b"\r\n", b"\n")
        notices.append(
            _problem(table, None, None, None, "normalised: CRLF line endings read as LF")
        )
    problem = _encoding_problem(table, raw)
    if problem is not None:
        return TableData(table, None, [problem])
    if NOT_SPACE.search(raw) is None:
        rule = "empty file: the header row is missing"
        return TableData(table, None, [_problem(table, 1, None, None, rule)], notices)
    header = _header(raw)
    expected = table.field_names
    if header != expected:
        notices.extend(_blank_notice(table, raw))
        return TableData(table, None, _header_problems(table, header, expected), notices)

    skipped = 0

    def skip(_row: pacsv.InvalidRow) -> str:
        nonlocal skipped
        skipped += 1
        return "skip"

    names = table.field_names
    arrow = pacsv.read_csv(
        io.BytesIO(raw),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=skip),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    raw_frame = arrow.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
    data = TableData(table, None, notices=notices)
    # Line numbers are index + 2 unless a cell spans lines, a row was skipped or a line is blank.
    if skipped or raw.count(b"\n") - raw.endswith(b"\n") != len(raw_frame):
        notices.extend(_blank_notice(table, raw))
        data.record_lines, structure = _scan_records(raw.decode("utf-8"), len(names), table)
        data.problems.extend(structure)
    repeated = _repeated_headers(raw_frame, names)
    for index in repeated:
        data.problems.append(_problem(table, data.line(index), None, None, "header repeated"))
    data.frame = _typed(raw_frame.drop(index=repeated), data)
    return data


def _repeated_headers(frame: pd.DataFrame, names: list[str]) -> list:
    """Rows that repeat the header (files pasted together): one problem each, not one per
    cell, and left out of the typed rows."""
    same = pd.Series(True, index=frame.index)
    for name in names:
        same &= (frame[name] == name).fillna(False).astype(bool)
    return list(frame.index[same])


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _encoding_problem(table: Table, raw: bytes) -> Problem | None:
    """The line and bytes where the file stops being UTF-8, if it does; UTF-16 (what some
    spreadsheets save as "Unicode text") is named as such, with what to do."""
    if raw.startswith(UTF16_BOMS) or (len(raw) > 1 and b"\x00" in raw[:2]):
        bad = raw[:4].hex(" ")
        return _problem(table, 1, None, bad, "encoding: UTF-16 text: save it as UTF-8")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 4].hex(" ")
        return _problem(table, line, None, bad, "encoding: not UTF-8 text")
    return None


def _blank_notice(table: Table, raw: bytes) -> list[Problem]:
    """A notice counting the empty lines (not the end of the last line), if there are any.

    Called only when the lines and the rows read do not match: the search for
    an empty line is the slowest scan of a large file.
    """
    if b"\n\n" not in raw and not raw.startswith(b"\n"):
        return []
    newline = np.frombuffer(raw, dtype=np.uint8) == ord("\n")
    blank = int(np.count_nonzero(newline[1:] & newline[:-1])) + int(raw.startswith(b"\n"))
    return [_problem(table, None, None, None, f"normalised: {blank} blank line(s) ignored")]


def _header(raw: bytes) -> list[str]:
    """The first record, read from the start of the file only (a header may be quoted)."""
    head = raw[:HEADER_BYTES].decode("utf-8", errors="ignore")
    return next(csv.reader(io.StringIO(head, newline="")))


def _header_problems(table: Table, header: list[str], expected: list[str]) -> list[Problem]:
    problems = []
    for name in sorted({h for h in header if header.count(h) > 1}):
        problems.append(_problem(table, 1, name, name, "duplicate column in the header"))
    for name in expected:
        if name not in header:
            problems.append(_problem(table, 1, name, None, "missing column"))
    for name in header:
        if name not in expected:
            problems.append(_problem(table, 1, name, name, "unexpected column (not in the schema)"))
    if not problems:
        # The same columns in another order: name those not where the schema puts them.
        misplaced = [name for name, place in zip(header, expected, strict=True) if name != place]
        moves = ", ".join(f"{name} is column {expected.index(name) + 1}" for name in misplaced)
        rule = f"columns are not in schema order: {moves}"
        problems.append(_problem(table, 1, None, ",".join(misplaced), rule))
    return problems


def _typed(frame: pd.DataFrame, data: TableData) -> pd.DataFrame:
    """Convert text columns to their schema types; a cell that does not convert is a problem.

    Keys and coded values (fields with an enum or a pattern, key columns) must not
    carry leading or trailing spaces; free text keeps them.
    """
    table = data.table
    keys = set(table.primary_key) | {name for fk in table.foreign_keys for name in fk.fields}
    out = {}
    for f in table.fields:
        text = frame[f.name]
        typed, bad = _convert(text, f)
        rule = f"type: not a valid {_TYPE_WORDS[f.type]}"
        if f.type == "string" and (f.enum is not None or f.pattern is not None or f.name in keys):
            array = pa.array(text.array)
            spaced = pc.not_equal(pc.utf8_trim_whitespace(array), array)
            bad = pd.Series(pc.fill_null(spaced, False).to_numpy(zero_copy_only=False), text.index)
            rule = "whitespace: leading or trailing spaces in a key or coded value"
        for index in bad[bad].index:
            data.unreadable.add((index, f.name))
            data.problems.append(_problem(table, data.line(index), f.name, str(text[index]), rule))
        out[f.name] = typed
    return pd.DataFrame(out, index=frame.index)


_TYPE_WORDS = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean (true or false)",
    "date": "date (YYYY-MM-DD)",
    "datetime": "UTC date-time (YYYY-MM-DDTHH:MM:SSZ)",
}


# Arrow's casts accept exactly these forms for these types (no sign '+', no spaces,
# real calendar days), so a column that matches and casts whole needs no cell-by-cell pass.
ARROW_CASTS = {
    "integer": ("-?[0-9]+", pa.int64()),
    "date": ("[0-9]{4}-[0-9]{2}-[0-9]{2}", pa.date32()),
}


def _arrow_convert(text: pd.Series, f: Field) -> pd.Series | None:
    """The whole column cast by Arrow when every cell is well formed; None otherwise."""
    if f.type not in ARROW_CASTS:
        return None
    pattern, arrow_type = ARROW_CASTS[f.type]
    array = pa.array(text.array)
    if (
        array.null_count < len(array)
        and not pc.all(pc.match_substring_regex(array, f"^{pattern}$")).as_py()
    ):
        return None
    try:
        typed = pc.cast(array, arrow_type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if f.type == "date":
        typed = pc.cast(typed, pa.timestamp(DATE_UNIT))
    # Nullable integers straight from Arrow: through float64 they would lose digits past 2**53.
    frame = typed.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return pd.Series(frame, index=text.index).astype(pandas_dtype(f))


def _convert(text: pd.Series, f: Field) -> tuple[pd.Series, pd.Series]:
    """Typed column and a mask of non-empty cells that failed to convert (vectorised).

    Integers and dates are cast by Arrow when the whole column is well formed;
    otherwise, and for other types, pandas converts and marks each bad cell.
    """
    present = text.notna()
    if f.type == "string":
        return text, present & False
    fast = _arrow_convert(text, f)
    if fast is not None:
        return fast, present & False
    if f.type == "integer":
        ok = text.str.fullmatch(INTEGER.pattern).fillna(False).astype(bool)
        typed = pd.to_numeric(text.where(ok), errors="coerce").astype("Int64")
    elif f.type == "number":
        typed = pd.to_numeric(text, errors="coerce").astype("Float64")
        ok = typed.notna() & ~typed.isin([float("inf"), float("-inf")])
        typed = typed.where(ok)
    elif f.type == "boolean":
        mapping = dict.fromkeys(TRUE_VALUES, True) | dict.fromkeys(FALSE_VALUES, False)
        typed = text.map(mapping, na_action="ignore").astype("boolean")
        ok = typed.notna()
    elif f.type == "date":
        typed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype(
            f"datetime64[{DATE_UNIT}]"
        )
        ok = typed.notna() & text.str.fullmatch(DATE).fillna(False).astype(bool)
    else:  # datetime
        typed = pd.to_datetime(text, format="%Y-%m-%dT%H:%M:%SZ", utc=True, errors="coerce")
        typed = typed.astype(pandas_dtype(f))
        ok = typed.notna() & text.str.fullmatch(DATETIME).fillna(False).astype(bool)
    bad = present & ~ok
    return typed.where(~bad), bad

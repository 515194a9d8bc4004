"""Read a table's CSV file into Arrow text columns, reporting what cannot be read.

Structure (encoding, header, cells per row) is checked here; types and
constraints are left to the SQL of :mod:`cpcd.checks.sql_checks`. Cells are read as text
with only the empty cell as missing, so strings such as ``NA`` or ``null`` stay
strings. Each record carries its physical line (quoted line breaks counted) in
the column ``LINE``, so every later problem can name it.

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
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cpcd.common.problems import Problem
from cpcd.metadata.model import Table

BOM = b"\xef\xbb\xbf"
NOT_SPACE = re.compile(rb"\S")
BLANK_LINE = re.compile(rb"(?:^|(?<=\n))\n")
HEADER_BYTES = 1 << 20
LINE = "__line"  # the column holding each record's first physical line


@dataclass
class TableData:
    """A table's cells as text, and its typed rows once validated."""

    table: Table
    text: pa.Table | None  # every source column as text, and LINE; None if unreadable
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    frame: pa.Table | None = None  # typed rows in primary-key order (cpcd.checks.validate)


def _problem(
    table: Table, line: int | None, column: str | None, value: str | None, rule: str
) -> Problem:
    return Problem(str(table.path), line, column, value, rule)


UNBALANCED_RULE = (
    "quote: a quoted cell opens on this line and is not closed where its row ends "
    "(an unbalanced quote); the rest of the file is not read"
)
STRAY_QUOTE_RULE = (
    'quote: a quote inside a cell that is not quoted: quote the cell and double the quote ("")'
)


def _scan_records(text: str, width: int, table: Table) -> tuple[list[int], list[Problem], bool]:
    """Start line of every good data record, a problem for every record of the wrong width,
    and whether a quote is unbalanced (the records after it cannot be trusted).

    The slow path, used only when a cell spans lines or a row has the wrong
    number of cells: the csv module counts physical lines for us. A record of the
    wrong width whose first line holds an odd number of quotes has a quoted cell
    that never closed: it is named as such, and nothing after it is reported.
    """
    lines: list[int] = []
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    physical = _physical_lines(text)
    start = 1
    for number, record in enumerate(reader):
        if number > 0 and record:
            if len(record) == width:
                lines.append(start)
            elif physical[start - 1].count('"') % 2:
                problems.append(
                    _problem(
                        table, start, None, physical[start - 1].rstrip("\r\n"), UNBALANCED_RULE
                    )
                )
                return lines, problems, True
            else:
                rule = f"row has {len(record)} cells, the header has {width}"
                problems.append(_problem(table, start, None, ",".join(record), rule))
        start = reader.line_num + 1
    return lines, problems, False


def _physical_lines(text: str) -> list[str]:
    """The file's lines as the csv module counts them (a carriage return inside a quoted
    cell ends a line too), each with its line end."""
    return io.StringIO(text, newline="").readlines()


def _unquoted_fields(record: str) -> list[int]:
    """Indexes of the fields of one record's text that hold a quote without being quoted."""
    found, index, i = [], 0, 0
    while True:
        quoted = record.startswith('"', i)
        if quoted:  # skip to the quote that closes it (a doubled quote is a quote)
            i += 1
            while i < len(record):
                if record.startswith('""', i):
                    i += 2
                    continue
                i += 1
                if record[i - 1] == '"':
                    break
        end = record.find(",", i)
        if not quoted and '"' in record[i : end if end >= 0 else len(record)]:
            found.append(index)
        if end < 0:
            return found
        i, index = end + 1, index + 1


def _stray_quotes(table: Table, arrow: pa.Table, raw: bytes) -> list[Problem]:
    """A quote inside a cell that is not quoted (CSV readers keep it, but it is usually a
    cell that was meant to be quoted). Only the few rows whose cells hold a quote are
    re-read from their lines."""
    names = table.source_field_names
    holds = None
    for name in names:
        found = pc.fill_null(pc.match_substring(arrow[name], '"'), False)
        holds = found if holds is None else pc.or_(holds, found)
    if holds is None or not pc.any(holds).as_py():
        return []
    starts = arrow[LINE].to_pylist()
    text = _physical_lines(raw.decode("utf-8"))
    problems = []
    for position in pc.indices_nonzero(holds).to_pylist():
        first = starts[position]
        last = starts[position + 1] - 1 if position + 1 < len(starts) else len(text)
        record = "".join(text[first - 1 : last]).removesuffix("\n").removesuffix("\r")
        cells = [arrow[name][position].as_py() or "" for name in names]
        if next(csv.reader(io.StringIO(record, newline="")), None) != cells:
            continue  # not the record's own text (lines shared with another): say nothing
        for index in _unquoted_fields(record):
            if index < len(names):
                value = arrow[names[index]][position].as_py()
                problems.append(_problem(table, first, names[index], value, STRAY_QUOTE_RULE))
    return problems


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
    expected = table.source_field_names
    if header != expected:
        notices.extend(_blank_notice(table, raw))
        return TableData(table, None, _header_problems(table, header, expected), notices)

    skipped = 0

    def skip(_row: pacsv.InvalidRow) -> str:
        nonlocal skipped
        skipped += 1
        return "skip"

    names = table.source_field_names
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
    data = TableData(table, None, notices=notices)
    # Line numbers are index + 2 unless a cell spans lines, a row was skipped or a line is blank.
    if skipped or raw.count(b"\n") - raw.endswith(b"\n") != arrow.num_rows:
        notices.extend(_blank_notice(table, raw))
        record_lines, structure, unbalanced = _scan_records(raw.decode("utf-8"), len(names), table)
        data.problems.extend(structure)
        if unbalanced:
            return data
        lines = pa.array(record_lines, pa.int64())
    else:
        lines = pa.array(np.arange(2, arrow.num_rows + 2, dtype=np.int64))
    arrow = arrow.append_column(LINE, lines)
    repeated = _repeated_header(arrow, names)
    for line in arrow.filter(repeated)[LINE].to_pylist():
        data.problems.append(_problem(table, line, None, None, "header repeated"))
    data.text = arrow.filter(pc.invert(repeated)) if pc.any(repeated).as_py() else arrow
    data.problems.extend(_stray_quotes(table, data.text, raw))
    return data


def _repeated_header(arrow: pa.Table, names: list[str]) -> pa.ChunkedArray:
    """Rows that repeat the header (files pasted together): one problem each, not one per
    cell, and left out of the rows checked."""
    same = pa.chunked_array([pa.array(np.ones(arrow.num_rows, dtype=bool))])
    for name in names:
        same = pc.and_(same, pc.fill_null(pc.equal(arrow[name], name), False))
    return same


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
    """A notice counting the empty lines (not the end of the last line), if there are any."""
    blank = len(BLANK_LINE.findall(raw))
    if not blank:
        return []
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
    computed = {f.name: f.derived_from for f in table.fields if f.derived}
    for name in header:
        if name in computed:
            rule = f"computed: the build computes {name} from {computed[name]}; remove the column"
            problems.append(_problem(table, 1, name, name, rule))
        elif name not in expected:
            problems.append(_problem(table, 1, name, name, "unexpected column (not in the schema)"))
    if not problems:
        # The same columns in another order: name those not where the schema puts them.
        misplaced = [name for name, place in zip(header, expected, strict=True) if name != place]
        moves = ", ".join(f"{name} is column {expected.index(name) + 1}" for name in misplaced)
        rule = f"columns are not in schema order: {moves}"
        problems.append(_problem(table, 1, None, ",".join(misplaced), rule))
    return problems

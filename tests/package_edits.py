"""Edits of a copied package, as a person with a spreadsheet or an editor makes them, and
where a shipped row sits (found by text search, without cpcd).

Each edit knows the file it changes and whether it changes one row in place (``row``, the
row's key), appends lines (``row == APPENDED``) or rewrites the whole file (``row is
None``): what decides which edits can share one copy of the package.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import DATA, SCHEMAS

APPENDED = "+"


@dataclass(frozen=True)
class Edit:
    change: Callable[[Path], None]  # applied to the copy's root
    touches: str  # the file changed, relative to the root: "data/errata.csv"
    row: str | None = None

    def __call__(self, root: Path) -> None:
        self.change(root)


def csv_path(table: str) -> str:
    return f"data/{table}.csv"


def row_line(table: str, key: str) -> int:
    """Physical line of the shipped row whose first cell is ``key`` (the header is line 1)."""
    lines = (DATA / f"{table}.csv").read_text(encoding="utf-8").split("\n")
    [number] = [n for n, line in enumerate(lines, start=1) if line.startswith(key + ",")]
    return number


def line_text(table: str, number: int) -> str:
    """The shipped file's line ``number`` (the header is line 1)."""
    return (DATA / f"{table}.csv").read_text(encoding="utf-8").split("\n")[number - 1]


def shipped_line(table: str, key: str) -> str:
    return line_text(table, row_line(table, key))


def last_line(table: str) -> int:
    """Number of the shipped file's last line (the file ends with a line feed)."""
    return (DATA / f"{table}.csv").read_text(encoding="utf-8").count("\n")


def first_row_key(table: str) -> str:
    """The first shipped row's primary key, its parts joined by '|' (csv module, schema)."""
    key = json.loads((SCHEMAS / f"{table}.json").read_text(encoding="utf-8"))["primaryKey"]
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        row = next(csv.DictReader(fh))
    return "|".join(row[name] for name in key)


def set_cell(table: str, key: str, column: str, value: str) -> Edit:
    """Set one cell of the row whose first cell is ``key``; only that row's lines change."""

    def change(root: Path) -> None:
        path = root / csv_path(table)
        text = path.read_text(encoding="utf-8")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader)
        start = reader.line_num
        for record in reader:
            if record and record[0] == key:
                break
            start = reader.line_num
        else:
            raise AssertionError(f"no row {key!r} in {table}")
        assert record[header.index(column)] != value, (column, value)
        record[header.index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(record)
        lines = text.split("\n")
        lines[start : reader.line_num] = out.getvalue().removesuffix("\n").split("\n")
        path.write_text("\n".join(lines), encoding="utf-8")

    return Edit(change, csv_path(table), key)


def replace_in_row(table: str, key: str, old: str, new: str) -> Edit:
    """Replace text in the line of the row whose first cell is ``key``: a slip that may break
    the row's structure, which :func:`set_cell` could not write."""

    def change(root: Path) -> None:
        path = root / csv_path(table)
        lines = path.read_text(encoding="utf-8").split("\n")
        [i] = [i for i, line in enumerate(lines) if line.startswith(key + ",")]
        assert old in lines[i], (old, lines[i])
        lines[i] = lines[i].replace(old, new, 1)
        path.write_text("\n".join(lines), encoding="utf-8")

    return Edit(change, csv_path(table), key)


def edit_text(table: str, change: Callable[[str], str], row: str | None = None) -> Edit:
    def apply(root: Path) -> None:
        path = root / csv_path(table)
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")

    return Edit(apply, csv_path(table), row)


def append_line(table: str, line: str) -> Edit:
    return edit_text(table, lambda text: text + line + "\n", APPENDED)


def edit_bytes(table: str, change: Callable[[bytes], bytes]) -> Edit:
    def apply(root: Path) -> None:
        path = root / csv_path(table)
        path.write_bytes(change(path.read_bytes()))

    return Edit(apply, csv_path(table))


def edit_lines(table: str, change: Callable[[list[bytes]], None]) -> Edit:
    """Change the file's lines (bytes, without their line feeds) in place."""

    def on_bytes(raw: bytes) -> bytes:
        lines = raw.split(b"\n")
        change(lines)
        return b"\n".join(lines)

    return edit_bytes(table, on_bytes)


def bytes_in_row(table: str, key: str, old: bytes, new: bytes) -> Edit:
    """Replace bytes in the row whose first cell is ``key`` (the whole file may become
    unreadable, so the edit counts as one of the whole file)."""

    def change(lines: list[bytes]) -> None:
        [i] = [i for i, line in enumerate(lines) if line.startswith(key.encode() + b",")]
        assert old in lines[i], (old, lines[i])
        lines[i] = lines[i].replace(old, new, 1)

    return edit_lines(table, change)


def bytes_in_header(table: str, old: bytes, new: bytes) -> Edit:
    def change(lines: list[bytes]) -> None:
        assert old in lines[0], (old, lines[0])
        lines[0] = lines[0].replace(old, new, 1)

    return edit_lines(table, change)


def edit_header(table: str, change: Callable[[list[str]], list[str]]) -> Edit:
    def on_text(text: str) -> str:
        head, rest = text.split("\n", 1)
        return ",".join(change(head.split(","))) + "\n" + rest

    return edit_text(table, on_text)


def rename(old: str, new: str) -> Callable[[list[str]], list[str]]:
    return lambda names: [new if name == old else name for name in names]


def insert_after(after: str, new: str) -> Callable[[list[str]], list[str]]:
    def change(names: list[str]) -> list[str]:
        i = names.index(after) + 1
        return [*names[:i], new, *names[i:]]

    return change


def swap_columns(table: str, a: str, b: str) -> Edit:
    """Swap two columns in the header and every row, as a spreadsheet's drag and drop does."""

    def on_text(text: str) -> str:
        rows = list(csv.reader(io.StringIO(text, newline="")))
        i, j = rows[0].index(a), rows[0].index(b)
        for row in rows:
            row[i], row[j] = row[j], row[i]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()

    return edit_text(table, on_text)


def drop_rows_starting(table: str, prefix: str) -> Edit:
    return edit_text(
        table, lambda t: "\n".join(line for line in t.split("\n") if not line.startswith(prefix))
    )


def to_utf16(table: str) -> Edit:
    return edit_bytes(table, lambda raw: raw.decode("utf-8").encode("utf-16"))


def edit_schema(table: str, change: Callable[[dict], None]) -> Edit:
    def apply(root: Path) -> None:
        path = root / "schemas" / f"{table}.json"
        spec = json.loads(path.read_text(encoding="utf-8"))
        change(spec)
        path.write_text(json.dumps(spec, indent=2), encoding="utf-8")

    return Edit(apply, f"schemas/{table}.json")


def edit_descriptor(change: Callable[[dict], None]) -> Edit:
    def apply(root: Path) -> None:
        path = root / "datapackage.json"
        spec = json.loads(path.read_text(encoding="utf-8"))
        change(spec)
        path.write_text(json.dumps(spec, indent=2), encoding="utf-8")

    return Edit(apply, "datapackage.json")


def write_file(relative: str, text: str) -> Edit:
    return Edit(lambda root: (root / relative).write_text(text, encoding="utf-8"), relative)


def delete_file(relative: str) -> Edit:
    return Edit(lambda root: (root / relative).unlink(), relative)

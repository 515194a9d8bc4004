"""Bad input: every way a spreadsheet or an editor breaks the CSVs and descriptors.

For each case the outcome is decided (docs/validation.md lists them): a clear
failure that names the file, line, column, value and rule, or a safe
normalisation reported as a notice. A failed build leaves the previous
exports byte-identical and no temporary directory behind.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, copy_package, run_cli

from cpcd.build import build
from cpcd.csv_text import csv_bytes
from cpcd.export import canonical
from cpcd.problems import CpcdError
from cpcd.validate import validate


def edit_line(table: str, key: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace text in the row whose first cell is ``key``."""

    def mutate(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        [i] = [i for i, line in enumerate(lines) if line.startswith(key + ",")]
        assert old in lines[i], (old, lines[i])
        lines[i] = lines[i].replace(old, new, 1)
        path.write_text("\n".join(lines), encoding="utf-8")

    return mutate


def edit_file(table: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")

    return mutate


def edit_bytes(table: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        path.write_bytes(change(path.read_bytes()))

    return mutate


def edit_header(table: str, change: Callable[[list[str]], list[str]]) -> Callable[[str], str]:
    def on_text(text: str) -> str:
        head, rest = text.split("\n", 1)
        return ",".join(change(head.split(","))) + "\n" + rest

    return edit_file(table, on_text)


def edit_schema(table: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / "schemas" / f"{table}.json"
        spec = json.loads(path.read_text())
        change(spec)
        path.write_text(json.dumps(spec, indent=2))

    return mutate


def swap_columns(names: list[str]) -> list[str]:
    names[1], names[2] = names[2], names[1]
    return names


def move_column_everywhere(text: str) -> str:
    """Swap the 2nd and 3rd column in every line (header and rows) of a simple CSV."""
    out = []
    for line in text.split("\n"):
        cells = line.split(",")
        if len(cells) > 2:
            cells[1], cells[2] = cells[2], cells[1]
        out.append(",".join(cells))
    return "\n".join(out)


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Path], None]
    file: str  # the file the report names
    rule: str  # start of the rule, or of the notice
    column: str | None = None
    failure: bool = True


def set_cell(table: str, key: str, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell of the row whose first cell is ``key``, writing the file as it is kept."""

    def mutate(root: Path) -> None:
        path = root / "data" / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            header, rows = reader.fieldnames, list(reader)
        [row] = [r for r in rows if r[header[0]] == key]
        assert row[column] != value, (column, value)
        row[column] = value
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8", newline="")

    return mutate


def _point_to_missing_table(spec: dict) -> None:
    spec["foreignKeys"][0]["reference"]["resource"] = "nowhere"


def _drop_citation_seven(root: Path) -> None:
    path = root / "data" / "citations.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text(
        "\n".join(line for line in lines if not line.startswith("7,")), encoding="utf-8"
    )


def _dangling_project(root: Path) -> None:
    edit_line(
        "project_partners",
        "wheat_molecular_breeding_laboratory",
        "wheat_molecular",
        "wheat_molecule",
    )(root)


CASES = [
    # cells
    Case(
        "wrong_type",
        edit_line("satellite_launches", "paksat_1r", ",37779,", ",3777x,"),
        "satellite_launches.csv",
        "type:",
        "norad_id",
    ),
    Case(
        "empty_required_cell",
        edit_line(
            "bilateral_events",
            "cultural_centres_memorandum",
            ",agreement_signed,culture,",
            ",agreement_signed,,",
        ),
        "bilateral_events.csv",
        "required:",
        "domain",
    ),
    Case(
        "duplicate_primary_key",
        edit_line("satellite_launches", "prsc_eo3", "prsc_eo3,", "prsc_eo2,"),
        "satellite_launches.csv",
        "primary-key:",
        "satellite_id",
    ),
    Case(
        "unknown_enum_value",
        edit_line("satellite_launches", "paksat_1r", ",Xichang,", ",Xichang Centre,"),
        "satellite_launches.csv",
        "enum:",
        "launch_site",
    ),
    Case(
        "pattern_violation",
        edit_line("satellite_launches", "paksat_1r", "2011-042A", "2011/042A"),
        "satellite_launches.csv",
        "pattern:",
        "cospar_id",
    ),
    Case(
        "number_out_of_range",
        edit_line("citations", "50", "50,", "51,"),
        "citations.csv",
        "maximum:",
        "citation_number",
    ),
    Case(
        "negative_count",
        edit_line("security_incidents", "karachi_university_attack", ",4,exact,", ",-4,exact,"),
        "security_incidents.csv",
        "minimum:",
        "killed",
    ),
    Case(
        "impossible_date",
        edit_line("satellite_launches", "paksat_1r", "2011-08-11,", "2023-02-30,"),
        "satellite_launches.csv",
        "type:",
        "launch_date",
    ),
    Case(
        "end_before_start",
        edit_line("terrorism_statistics", "attacks_2023_jan_nov", "2023-11-30", "2022-11-30"),
        "terrorism_statistics.csv",
        "range:",
        "period_end",
    ),
    Case(
        "computed_column_typed_in",
        edit_line("context_events", "event_id", "event_id,date,", "event_id,date,year,"),
        "context_events.csv",
        "computed:",
        "year",
    ),
    Case(
        "dangling_citation",
        _drop_citation_seven,
        "bilateral_events.csv",
        "foreign-key:",
        "citation_number",
    ),
    Case(
        "dangling_source",
        edit_line("citations", "50", "xinhua_2024_joint_statement", "xinhua_2024_joint_statements"),
        "citations.csv",
        "foreign-key:",
        "source_id",
    ),
    Case(
        "dangling_project", _dangling_project, "project_partners.csv", "foreign-key:", "project_id"
    ),
    Case(
        "space_around_key",
        edit_line("satellite_launches", "paksat_1r", "paksat_1r,", "paksat_1r ,"),
        "satellite_launches.csv",
        "whitespace:",
        "satellite_id",
    ),
    Case(
        "space_around_enum_value",
        edit_line("satellite_launches", "paksat_1r", ",Xichang,", ", Xichang,"),
        "satellite_launches.csv",
        "whitespace:",
        "launch_site",
    ),
    # structure
    Case(
        "missing_column",
        edit_header("errata", lambda h: h[:-1]),
        "errata.csv",
        "missing column",
        "paper_section",
    ),
    Case(
        "extra_column",
        edit_header("errata", lambda h: [*h, "comment"]),
        "errata.csv",
        "unexpected column",
        "comment",
    ),
    Case(
        "renamed_header",
        edit_header("errata", lambda h: [("note" if n == "explanation" else n) for n in h]),
        "errata.csv",
        "missing column",
        "explanation",
    ),
    Case(
        "duplicated_header",
        edit_header("errata", lambda h: [("status" if n == "explanation" else n) for n in h]),
        "errata.csv",
        "duplicate column",
        "status",
    ),
    Case(
        "columns_in_another_order",
        edit_file("context_events", move_column_everywhere),
        "context_events.csv",
        "columns are not in schema order",
    ),
    Case(
        "too_many_cells",
        edit_line("satellite_launches", "paksat_1r", "paksat_1r,", "paksat_1r,extra,"),
        "satellite_launches.csv",
        "row has",
    ),
    Case(
        "too_few_cells",
        edit_file("errata", lambda t: t.rstrip("\n") + "\nshort_row,errata\n"),
        "errata.csv",
        "row has",
    ),
    Case("empty_file", edit_file("errata", lambda t: ""), "errata.csv", "empty file"),
    Case(
        "missing_file",
        lambda root: (root / "data" / "errata.csv").unlink(),
        "errata.csv",
        "file not found",
    ),
    Case(
        "unexpected_extra_file",
        lambda root: (root / "data" / "notes.csv").write_text("a,b\n1,2\n"),
        "notes.csv",
        "unexpected file",
    ),
    # encoding
    Case(
        "not_utf8",
        edit_bytes("errata", lambda b: b.replace(b"Beijing", b"Beij\xffing", 1)),
        "errata.csv",
        "encoding:",
    ),
    Case(
        "latin1_text",
        edit_bytes("context_events", lambda b: b.replace(b"Imran", "Imrán".encode("latin-1"), 1)),
        "context_events.csv",
        "encoding:",
    ),
    Case(
        "byte_order_mark",
        edit_bytes("errata", lambda b: b"\xef\xbb\xbf" + b),
        "errata.csv",
        "normalised: byte-order mark removed",
        failure=False,
    ),
    Case(
        "crlf_line_endings",
        edit_bytes("errata", lambda b: b.replace(b"\n", b"\r\n")),
        "errata.csv",
        "normalised: CRLF",
        failure=False,
    ),
    Case(
        "trailing_blank_lines",
        edit_bytes("errata", lambda b: b + b"\n\n"),
        "errata.csv",
        "normalised: 2 blank line(s)",
        failure=False,
    ),
    # metadata
    Case(
        "schema_not_json",
        lambda root: (root / "schemas" / "errata.json").write_text('{"fields": [}'),
        "errata.json",
        "not valid JSON",
    ),
    Case(
        "descriptor_points_at_missing_schema",
        lambda root: (root / "schemas" / "errata.json").unlink(),
        "errata.json",
        "file not found",
    ),
    # provenance rules (the schemas' cpcd:provenance)
    Case(
        "outside_row_without_source_quote",
        set_cell("satellite_launches", "prsc_eo3", "source_quote", ""),
        "satellite_launches.csv",
        "provenance: a row from outside the paper needs a quote of its source",
        "source_quote",
    ),
    Case(
        "outside_row_cites_the_paper",
        set_cell(
            "security_incidents",
            "hub_chinese_engineers_shooting_2006",
            "source_id",
            "gong_zhou_ma_2024",
        ),
        "security_incidents.csv",
        "provenance: a row from outside the paper must not cite the paper",
        "source_id",
    ),
    Case(
        "paper_row_without_paper_quote",
        set_cell("context_events", "imran_khan_arrested", "paper_quote", ""),
        "context_events.csv",
        "provenance: a row from the paper needs a quote of the paper",
        "paper_quote",
    ),
    Case(
        "supplement_without_quote",
        set_cell("bilateral_events", "jcc_05", "supplement_quote", ""),
        "bilateral_events.csv",
        "provenance: a row with a supplement source",
        "supplement_quote",
    ),
    Case(
        "foreign_key_to_missing_table",
        edit_schema("citations", _point_to_missing_table),
        "citations.json",
        "foreign key names a missing table",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, tmp_path):
    """Each case validated on its own copy of the package (that a failed build leaves the
    previous exports untouched is tested once, in test_build)."""
    descriptor = copy_package(tmp_path)
    case.mutate(tmp_path)
    try:
        result = validate(descriptor)
    except CpcdError as err:
        problems, notices = err.problems, err.notices
    else:
        problems, notices = result.problems, result.notices
    if case.failure:
        matching = [
            p for p in problems if p.path.endswith(case.file) and p.rule.startswith(case.rule)
        ]
        assert matching, [str(p) for p in problems]
        if case.column is not None:
            assert any(p.column == case.column for p in matching), [str(p) for p in matching]
    else:
        assert problems == [], [str(p) for p in problems]
        assert any(n.path.endswith(case.file) and n.rule.startswith(case.rule) for n in notices), (
            notices
        )
        # The normalised file is exported in canonical form: the committed bytes.
        item = result.data[case.file.removesuffix(".csv")]
        exported = csv_bytes(canonical(item.frame, item.table), item.table)
        assert exported == (ROOT / "data" / case.file).read_bytes()


def test_every_case_is_documented():
    documented = (ROOT / "docs" / "validation.md").read_text()
    missing = [c.id for c in CASES if f"`{c.id}`" not in documented]
    assert missing == []


def _append_to_header(lines: list[bytes]) -> None:
    lines[0] += b"\xff"


def _in_a_quoted_cell(lines: list[bytes]) -> None:
    lines[3] = lines[3].replace(b'"', b'"\xe9', 1)


def _in_a_short_row(lines: list[bytes]) -> None:
    lines.insert(8, b"only one cell \xff")


@pytest.mark.parametrize(
    ("line", "edit"),
    [(1, _append_to_header), (4, _in_a_quoted_cell), (9, _in_a_short_row)],
    ids=["header", "cell", "short_row"],
)
def test_bytes_that_are_not_utf8_are_found_on_their_line(tmp_path, line, edit):
    # The header, a cell, and a row of the wrong width (which the CSV reader skips)
    # are each checked; the one problem names the line and the bytes.
    descriptor = copy_package(tmp_path)
    path = tmp_path / "data" / "citations.csv"
    lines = path.read_bytes().split(b"\n")
    edit(lines)
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(CpcdError) as err:
        build(descriptor, tmp_path / "out")
    [problem] = [p for p in err.value.problems if p.path.endswith("citations.csv")]
    assert (problem.line, problem.rule) == (line, "encoding: not UTF-8 text")
    assert problem.value.split()[0] in ("ff", "e9")


# The CLI as a user meets it: one line per problem, a summary, exit 1, no traceback.
LINE = re.compile(r"^.+\.(csv|json):(\d+:)? [^:]+: .+: [a-z-]+[: ].*$")


@pytest.mark.parametrize(
    "case_id", ["unknown_enum_value", "too_many_cells", "schema_not_json", "not_utf8"]
)
def test_cli_reports_without_traceback(case_id, tmp_path):
    case = next(c for c in CASES if c.id == case_id)
    descriptor = copy_package(tmp_path)
    case.mutate(tmp_path)
    for command in (["validate"], ["build", "--out", str(tmp_path / "out")]):
        done = run_cli(*command, "--package", str(descriptor), "--data", str(tmp_path / "data"))
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr + done.stdout
        lines = done.stderr.splitlines()
        assert lines[0].startswith("error: ")
        assert re.fullmatch(r"\d+ problem\(s\) in \d+ file\(s\)", lines[-1])
        assert all(LINE.match(line) for line in lines[1:-1]), lines
        assert not (tmp_path / "out").exists()


def test_utf16_text_is_named_with_what_to_do(tmp_path):
    """A spreadsheet's "Unicode text" export is UTF-16: say so, not only "not UTF-8"."""
    descriptor = copy_package(tmp_path)
    path = tmp_path / "data" / "errata.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    problems = validate(descriptor).problems
    assert [(p.path.endswith("errata.csv"), p.line, p.rule) for p in problems] == [
        (True, 1, "encoding: UTF-16 text: save it as UTF-8")
    ]


def test_columns_out_of_order_are_named(tmp_path):
    """Two columns swapped: the problem names those two, not a cut of the whole header."""
    descriptor = copy_package(tmp_path)
    path = tmp_path / "data" / "context_events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    a, b = rows[0].index("title"), rows[0].index("description")
    for row in rows:
        row[a], row[b] = row[b], row[a]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    [problem] = validate(descriptor).problems
    assert problem.value == "description,title"
    assert problem.rule == (
        f"columns are not in schema order: description is column {b + 1}, title is column {a + 1}"
    )


def test_a_header_repeated_inside_a_file_is_one_problem(tmp_path):
    """Files pasted together repeat the header: one problem on its line, not one per cell."""
    descriptor = copy_package(tmp_path)
    path = tmp_path / "data" / "errata.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(5, lines[0])
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = validate(descriptor).problems
    assert [(p.line, p.column, p.rule) for p in problems] == [(6, None, "header repeated")]


def test_the_text_report_lists_files_in_the_order_they_were_checked():
    from cpcd.problems import Problem, render

    found = [
        Problem("data/satellite_launches.csv", 4, "launch_date", "x", "type: a"),
        Problem("data/citations.csv", 2, "source_id", "y", "foreign-key: b"),
        Problem("data/satellite_launches.csv", 2, "satellite_id", "z", "type: c"),
    ]
    lines = render(found)
    assert [line.split(":")[0] + ":" + line.split(":")[1] for line in lines[:3]] == [
        "data/satellite_launches.csv:2",
        "data/satellite_launches.csv:4",
        "data/citations.csv:2",
    ]

"""Every way a spreadsheet or an editor breaks the package, in one table.

Each case is an edit of a copy of the package (:mod:`package_edits`) and every problem
(or the notice) validation must report for it: file, line, column, value and rule, the
rule in full. A case's expected message lives here only: a reworded message is one edit.

A line is a number, or the key of a shipped row: the physical line where that row starts
(:func:`package_edits.row_line`, by text search).

Cases that change different files, or different rows of one file in place, can share one
copy of the package and one validation (see test_bad_input): each problem names its file
and line, so the findings stay apart. ``needs`` names the other files a finding depends
on, such as the table a foreign key refers to.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from conftest import DATA, FACT_TABLES, source_field_names
from package_edits import (
    Edit,
    append_line,
    bytes_in_header,
    bytes_in_row,
    delete_file,
    drop_rows_starting,
    edit_bytes,
    edit_descriptor,
    edit_header,
    edit_lines,
    edit_schema,
    edit_text,
    first_row_key,
    insert_after,
    last_line,
    line_text,
    rename,
    replace_in_row,
    row_line,
    set_cell,
    shipped_line,
    swap_columns,
    to_utf16,
    write_file,
)


@dataclass(frozen=True)
class Expect:
    """One problem (or notice) the report must hold."""

    file: str  # the path's last part: "errata.csv", "errata.json"
    line: int | str | None  # a number, the key of a shipped row, or None
    column: str | None
    value: str | None
    rule: str

    @property
    def line_number(self) -> int | None:
        if isinstance(self.line, str):
            return row_line(self.file.removesuffix(".csv"), self.line)
        return self.line


@dataclass(frozen=True)
class Case:
    id: str
    edit: Edit
    expect: tuple[Expect, ...]  # every problem the edit causes, none left out
    notice: Expect | None = None  # a safe normalisation: no problem, this notice
    metadata: bool = False  # a broken schema: validation raises before reading data
    cli: bool = False  # also run through the command line
    needs: tuple[str, ...] = ()  # other files the finding depends on (a referenced table)


def cell(id: str, table: str, key: str, column: str, value: str, rule: str, **kw) -> Case:
    """A case that sets one cell, reported at that cell (an empty cell's value is None)."""
    expect = Expect(f"{table}.csv", key, column, value or None, rule)
    return Case(id, set_cell(table, key, column, value), (expect,), **kw)


def case(id: str, edit: Edit, *expect: Expect, **kw) -> Case:
    return Case(id, edit, expect, **kw)


def width(table: str) -> int:
    return len(source_field_names(table))


def column_number(table: str, name: str) -> int:
    return source_field_names(table).index(name) + 1


def citing(number: int) -> tuple[Expect, ...]:
    """A foreign-key problem on every shipped row that cites [number], at the line where the
    row starts (found with the csv module)."""
    rule = "foreign-key: no citations row has this citation_number"
    found = []
    for table in FACT_TABLES:
        with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            start = 2
            for row in reader:
                if row["citation_number"] == str(number):
                    found.append(
                        Expect(f"{table}.csv", start, "citation_number", str(number), rule)
                    )
                start = reader.line_num + 1
    return tuple(found)


def _missing_table(spec: dict) -> None:
    spec["foreignKeys"][0]["reference"]["resource"] = "nowhere"


def _undefined_computed_field(spec: dict) -> None:
    for f in spec["fields"]:
        if f["name"] == "date":
            f["cpcd:edtf"] = {**f.get("cpcd:edtf", {}), "start": "first_day"}


def _key_to_a_name(spec: dict) -> None:
    spec["foreignKeys"][0]["reference"]["fields"] = ["name"]


def _category_dropped(spec: dict) -> None:
    spec["fields"][1]["categories"] = spec["fields"][1]["categories"][:-1]


def _date_field_missing(spec: dict) -> None:
    spec["cpcd:dateField"] = "no_such_date"


def _license_without_path(spec: dict) -> None:
    spec["licenses"] = [{"title": "No name and no path"}]


def _quoted_newline(text: str) -> str:
    # Line 2 gets a line break inside its quoted cell; the row below it, now on physical
    # line 4, names a source that does not exist.
    lines = text.split("\n")
    lines[1] = lines[1].replace("Guangming.com, ", "Guangming.com,\n", 1)
    lines[2] = lines[2].replace("govcn_2015", "govcn_2016", 1)
    return "\n".join(lines)


SAT, EVENTS, INCIDENTS = "satellite_launches", "bilateral_events", "security_incidents"
STATS, PARTNERS, CPEC_PARTNERS = "terrorism_statistics", "project_partners", "cpec_project_partners"
MEMO = "cultural_centres_memorandum"  # a 2010 memorandum, from the paper
WHITESPACE = "whitespace: leading or trailing spaces in a key or coded value"
EDTF = "edtf: not a valid EDTF date (YYYY, YYYY-MM, YYYY-MM-DD, YYYX or START/END)"
SITES = "one of Jiuquan, Taiyuan, Wenchang, Xichang, Yangjiang sea launch"
NOT_UTF8 = "encoding: not UTF-8 text"
UNEXPECTED = "unexpected column (not in the schema)"
AGRI, MILESTONES = "agricultural_projects", "cpec_project_milestones"
GWADAR = "gwadar_rocket_attack_2010"
EXTRA_CELL = (f"{GWADAR},", f"{GWADAR},extra,")
# An edited key must not be a row an erratum names: the keys below are named by none.

# fmt: off
CASES: list[Case] = [
    # cells
    cell("wrong_type", SAT, "hs_1", "norad_id", "3777x", "type: not a valid integer", cli=True),
    cell(
        "fraction_in_an_integer_column", SAT, "icube_q", "norad_id", "37779.5",
        "type: not a valid integer",
    ),
    cell(
        "not_a_boolean", SAT, "badr_1", "in_paper", "yes",
        "type: not a valid boolean (true or false)",
    ),
    cell(
        "impossible_date", SAT, "paksat_mm1", "launch_date", "2024-02-30",
        "type: not a valid date (YYYY-MM-DD)",
    ),
    cell("empty_required_cell", EVENTS, MEMO, "domain", "", "required: the cell is empty"),
    # prsc_eo3 sorts after prsc_eo2, so the repeated key is reported on its own line.
    cell(
        "duplicate_primary_key", SAT, "prsc_eo3", "satellite_id", "prsc_eo2",
        f"primary-key: the key appears on an earlier row (line {row_line(SAT, 'prsc_eo2')})",
    ),
    # A near miss is given the nearest allowed value.
    cell(
        "unknown_enum_value", SAT, "prsc_eo1", "launch_site", "Jiuquan Centre",
        f"enum: did you mean Jiuquan? ({SITES})", cli=True,
    ),
    cell(
        "pattern_violation", SAT, "prss_1", "cospar_id", "2018/056B",
        "pattern: not in the form this column's values take",
    ),
    cell(
        "number_out_of_range", "citations", "50", "citation_number", "51",
        "maximum: must be at most 50",
    ),
    cell(
        "negative_count", INCIDENTS, "karachi_university_attack", "killed", "-4",
        "minimum: must be at least 0",
    ),
    cell("space_around_key", SAT, "paktes_1a", "satellite_id", "paktes_1a ", WHITESPACE),
    cell("space_around_enum_value", SAT, "ks_1", "launch_site", " Xichang", WHITESPACE),
    # rules across fields
    cell("not_edtf", EVENTS, "jcc_06", "date", "2016-13", EDTF),
    # The rule is the schema's, not the column name's: sources calls its EDTF date "issued".
    cell(
        "not_edtf_in_a_column_not_called_date", "sources", "aljazeera_2024_march_of_terror",
        "issued", "2024-13", EDTF,
    ),
    # PakSat-1R rose at 00:15 on 12 August, Beijing time: 16:15 on 11 August, UTC. The
    # Beijing date beside the UTC time is refused.
    cell(
        "launch_date_not_the_utc_day", SAT, "paksat_1r", "launch_date", "2011-08-12",
        "day-of: must be the UTC day of launch_datetime_utc",
    ),
    cell(
        "end_before_start", STATS, "attacks_2023_jan_nov", "period_end", "2022-11-30",
        "range: period_end is before period_start",
    ),
    cell(
        "outside_row_without_source_quote", SAT, "prsc_eo2", "source_quote", "",
        "provenance: a row from outside the paper needs a quote of its source",
    ),
    cell(
        "outside_row_cites_the_paper", INCIDENTS, "hub_chinese_engineers_shooting_2006",
        "source_id", "gong_zhou_ma_2024",
        "provenance: a row from outside the paper must not cite the paper (gong_zhou_ma_2024)",
    ),
    cell(
        "paper_row_without_paper_quote", "context_events", "imran_khan_arrested", "paper_quote",
        "", "provenance: a row from the paper needs a quote of the paper",
    ),
    cell(
        "supplement_without_quote", EVENTS, "jcc_05", "supplement_quote", "",
        "provenance: a row with a supplement source (supplement_source_id) needs its quote",
    ),
    # rules across tables
    case("dangling_citation", drop_rows_starting("citations", "7,"), *citing(7)),
    cell(
        "dangling_source", "citations", "49", "source_id", "nobody_2024",
        "foreign-key: no sources row has this source_id", needs=("sources.csv",),
    ),
    cell(
        "dangling_project", PARTNERS, "wheat_molecular_breeding_laboratory", "project_id",
        "no_such_project", "foreign-key: no agricultural_projects row has this project_id",
        needs=("agricultural_projects.csv",),
    ),
    cell(
        "erratum_names_a_missing_row", "errata", "karachi_university_attack_date", "row_id",
        "karachi_attack", "row-reference: no security_incidents row has this key",
        needs=("security_incidents.csv",),
    ),
    cell(
        "erratum_names_a_missing_column", "errata", "dasu_2021_killed", "field", "kills",
        "row-reference: security_incidents has no such column", needs=("security_incidents.csv",),
    ),
    case(
        "composite_key_duplicate",
        append_line(CPEC_PARTNERS, line_text(CPEC_PARTNERS, 2)),  # the first row again
        Expect(f"{CPEC_PARTNERS}.csv", last_line(CPEC_PARTNERS) + 1, "project_id,organisation,role",
               first_row_key(CPEC_PARTNERS), "primary-key: the key appears on an earlier row (line 2)"),
    ),
    # structure
    case(
        "computed_column_typed_in", edit_header(AGRI, insert_after("date", "year")),
        Expect(f"{AGRI}.csv", 1, "year", "year",
               "computed: the build computes year from date; remove the column"),
    ),
    case(
        "missing_column", edit_header("context_statistics", lambda names: names[:-1]),
        Expect("context_statistics.csv", 1, "notes", None, "missing column"),
    ),
    case(
        "extra_column", edit_header(MILESTONES, lambda names: [*names, "comment"]),
        Expect(f"{MILESTONES}.csv", 1, "comment", "comment", UNEXPECTED),
    ),
    case(
        "renamed_header", edit_header(CPEC_PARTNERS, rename("notes", "remarks")),
        Expect(f"{CPEC_PARTNERS}.csv", 1, "notes", None, "missing column"),
        Expect(f"{CPEC_PARTNERS}.csv", 1, "remarks", "remarks", UNEXPECTED),
    ),
    case(
        "duplicated_header", edit_header(MILESTONES, rename("notes", "title")),
        Expect(f"{MILESTONES}.csv", 1, "notes", None, "missing column"),
        Expect(f"{MILESTONES}.csv", 1, "title", "title", "duplicate column in the header"),
    ),
    case(
        "columns_in_another_order", swap_columns(AGRI, "name", "description"),
        # each misplaced column with its place in the schema
        Expect(f"{AGRI}.csv", 1, None, "description,name",
               "columns are not in schema order: description is column "
               f"{column_number(AGRI, 'description')}, "
               f"name is column {column_number(AGRI, 'name')}"),
    ),
    case(
        "header_repeated", edit_lines(STATS, lambda lines: lines.insert(5, lines[0])),
        Expect(f"{STATS}.csv", 6, None, None, "header repeated"),
    ),
    case(
        "too_many_cells", replace_in_row(INCIDENTS, GWADAR, *EXTRA_CELL),
        # the value: the row's cells as read, joined by commas
        Expect(f"{INCIDENTS}.csv", GWADAR, None,
               ",".join(next(csv.reader([shipped_line(INCIDENTS, GWADAR).replace(*EXTRA_CELL)]))),
               f"row has {width(INCIDENTS) + 1} cells, the header has {width(INCIDENTS)}"),
        cli=True,
    ),
    case(
        "too_few_cells", append_line(PARTNERS, "short_row,x"),
        Expect(f"{PARTNERS}.csv", last_line(PARTNERS) + 1, None, "short_row,x",
               f"row has 2 cells, the header has {width(PARTNERS)}"),
    ),
    case(
        "quoted_newline_in_a_cell", edit_text("citations", _quoted_newline),
        Expect("citations.csv", 4, "source_id", "govcn_2016_xi_sharif_talks",
               "foreign-key: no sources row has this source_id"),
    ),
    case(
        "empty_file", edit_text("errata", lambda text: ""),
        Expect("errata.csv", 1, None, None, "empty file: the header row is missing"),
    ),
    case(
        "missing_file", delete_file("data/context_events.csv"),
        Expect("context_events.csv", None, None, None, "file not found"),
    ),
    case(
        "unexpected_extra_file", write_file("data/notes.csv", "a,b\n1,2\n"),
        Expect("notes.csv", None, None, None,
               "unexpected file: no resource in datapackage.json describes it"),
    ),
    # encoding: the line of the first bad byte, and four bytes from there in hexadecimal
    case(
        "not_utf8",
        bytes_in_row("errata", "icube_q_photograph_time", b'"captured', b'"capt\xffured'),
        Expect("errata.csv", "icube_q_photograph_time", None, "ff 75 72 65", NOT_UTF8),
    ),
    case(
        "latin1_text",
        bytes_in_row("context_events", "imran_khan_arrested", b"Imran", "Imrán".encode("latin-1")),
        # á in Latin-1, then "n K"
        Expect("context_events.csv", "imran_khan_arrested", None, "e1 6e 20 4b", NOT_UTF8),
    ),
    case(
        "not_utf8_in_the_header", bytes_in_header("sources", b",csl_type", b",\xffcsl_type"),
        Expect("sources.csv", 1, None, "ff 63 73 6c", NOT_UTF8),  # then "csl"
    ),
    # A row of the wrong width is skipped by the CSV reader; its bytes are checked all the same.
    case(
        "not_utf8_in_a_short_row",
        edit_lines(STATS, lambda lines: lines.insert(8, b"only one cell \xffok")),
        Expect(f"{STATS}.csv", 9, None, "ff 6f 6b 0a", NOT_UTF8),  # then "ok", a line feed
    ),
    # A spreadsheet's "Unicode text" export: say what to do, not only "not UTF-8".
    case(
        "utf16_text", to_utf16("context_statistics"),
        # the UTF-16 byte-order mark, then "s" of the header
        Expect("context_statistics.csv", 1, None, "ff fe 73 00",
               "encoding: UTF-16 text: save it as UTF-8"),
    ),
    # normalisations: no problem, a notice, and the export is the committed file (these
    # tables have no computed columns)
    Case(
        "byte_order_mark",
        edit_bytes("cpec_projects", lambda raw: b"\xef\xbb\xbf" + raw), (),
        Expect("cpec_projects.csv", 1, None, None, "normalised: byte-order mark removed"),
    ),
    Case(
        "crlf_line_endings", edit_bytes(PARTNERS, lambda raw: raw.replace(b"\n", b"\r\n")), (),
        Expect(f"{PARTNERS}.csv", None, None, None, "normalised: CRLF line endings read as LF"),
    ),
    Case(
        "trailing_blank_lines", edit_bytes("cpec_projects", lambda raw: raw + b"\n\n"), (),
        Expect("cpec_projects.csv", None, None, None, "normalised: 2 blank line(s) ignored"),
    ),
    # metadata: validation stops before the data and names every broken schema
    case(
        "schema_not_json", write_file(f"schemas/{CPEC_PARTNERS}.json", '{"fields": [}'),
        Expect(f"{CPEC_PARTNERS}.json", 1, None, None,
               "not valid JSON (Expecting value: line 1 column 13 (char 12))"),
        metadata=True, cli=True,
    ),
    case(
        "descriptor_points_at_missing_schema", delete_file("schemas/errata.json"),
        Expect("errata.json", None, None, None, "file not found"),
        metadata=True,
    ),
    case(
        "foreign_key_to_missing_table", edit_schema("citations", _missing_table),
        Expect("citations.json", None, "source_id", "nowhere", "foreign key names a missing table"),
        metadata=True,
    ),
    case(
        "rule_names_an_undefined_computed_field", edit_schema(EVENTS, _undefined_computed_field),
        Expect(f"{EVENTS}.json", None, "first_day", None,
               "a computed field must be defined in the shared fields file"),
        Expect(f"{EVENTS}.json", None, "date", "first_day",
               "cpcd:edtf.start must name a date field of this table"),
        metadata=True,
    ),
    case(
        "foreign_key_not_to_a_primary_key", edit_schema(PARTNERS, _key_to_a_name),
        Expect(f"{PARTNERS}.json", None, "project_id", "name",
               "foreign key must reference the primary key of agricultural_projects"),
        metadata=True,
    ),
    case(
        "categories_disagree_with_the_enum", edit_schema("sources", _category_dropped),
        Expect("sources.json", None, "csl_type", None,
               "categories must list the enum values in the same order"),
        metadata=True,
    ),
    case(
        "table_property_names_a_missing_field",
        edit_schema("context_events", _date_field_missing),
        Expect("context_events.json", None, None, "no_such_date",
               "a table property names a field this table does not have"),
        metadata=True,
    ),
    # What cpcd can read but the Data Package standard rejects; reported alone, before the
    # schemas are read.
    case(
        "descriptor_breaks_the_standard", edit_descriptor(_license_without_path),
        Expect("datapackage.json", None, None, None,
               "package-error: The data package has an error: license requires "
               "\"path\" or \"name\": {'title': 'No name and no path'}"),
        metadata=True,
    ),
]
# fmt: on

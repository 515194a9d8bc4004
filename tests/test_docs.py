"""The cookbook, the README's code blocks, the data dictionary and the figures cannot go stale."""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import (
    DATA,
    DESCRIPTOR,
    ROOT,
    TABLES,
    copy_package,
    run_cli,
    schema,
    text_rows,
)

import cpcd
from cpcd.docs.cookbook import parse, stale

COOKBOOK = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_cookbook_has_at_least_twelve_questions():
    queries = parse(COOKBOOK)
    assert len(queries) >= 12
    # Every question in the file was parsed: none lost to a malformed block.
    assert len(queries) == len(re.findall(r"^## ", COOKBOOK, re.MULTILINE))


def test_cookbook_results_are_what_the_queries_return(exports):
    assert stale(COOKBOOK, cpcd.connect(exports)) == []


def test_a_changed_result_is_detected(exports):
    tampered = COOKBOOK.replace("| Long March 3B | 2 | 2 |", "| Long March 3B | 3 | 2 |")
    assert tampered != COOKBOOK
    assert stale(tampered, cpcd.connect(exports)) == [
        "How many satellites and launches per vehicle?"
    ]


BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```$", README, re.DOTALL | re.MULTILINE)
PYTHON_BLOCKS = [code for language, code in BLOCKS if language == "python"]
SHELL_BLOCKS = [code for language, code in BLOCKS if language == "sh"]
CONSOLE_BLOCKS = [code for language, code in BLOCKS if language == "console"]
TEXT_BLOCKS = [code for language, code in BLOCKS if language == "text"]
BIN = Path(sys.executable).parent
RELEASE_0_2_0 = "c83e7e0"


def test_every_readme_block_is_one_the_tests_run():
    """python blocks are executed, sh blocks run line by line, console blocks replayed,
    the text block (the diff from 0.1.0) recomputed."""
    assert {language for language, _ in BLOCKS} <= {"python", "sh", "console", "text"}
    assert len(BLOCKS) == len(re.findall(r"^```\w", README, re.MULTILINE))


def _run_alone(code: str, name: str) -> tuple[dict, str]:
    """A README block run as a reader runs it: in a fresh namespace, its output captured."""
    namespace: dict = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()) as output:
        exec(compile(code, name, "exec"), namespace)
    return namespace, output.getvalue()


def test_each_readme_python_block_runs_alone_and_prints(exports, monkeypatch):
    monkeypatch.setenv("CPCD_EXPORTS", str(exports))
    for number, code in enumerate(PYTHON_BLOCKS):
        namespace, printed = _run_alone(code, f"README.md python block {number}")
        assert printed.strip(), f"python block {number} prints nothing"
        answer = namespace.get("answer")
        if isinstance(answer, pd.DataFrame):  # printed whole: every row, no cut columns
            assert len(printed.strip().splitlines()) == len(answer) + 1, number
            assert " ... " not in printed and "\\\n" not in printed, number


QUESTION_BLOCKS = {
    code.splitlines()[0].removeprefix("# "): code for code in PYTHON_BLOCKS if code.startswith("# ")
}


def test_readme_answers_every_cookbook_question_in_pandas():
    assert sorted(QUESTION_BLOCKS) == sorted(q.question for q in parse(COOKBOOK))


def _comparable(value):
    """A cell from pandas or from DuckDB as one plain value: dates as ISO text, numbers as
    floats, missing values (None, NA, NaN, NaT) as None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | datetime.datetime):
        return value.isoformat().removesuffix("T00:00:00")
    if isinstance(value, datetime.date):
        return value.isoformat()
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _table(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns)] + [
        [_comparable(v) for v in row] for row in frame.itertuples(index=False)
    ]


@pytest.mark.parametrize("query", parse(COOKBOOK), ids=lambda q: q.question[:40])
def test_readme_pandas_answer_equals_the_sql_answer(exports, monkeypatch, query):
    """Same columns, same rows, same order: the block's ``answer`` against the cookbook's
    query, both run on the same exports."""
    monkeypatch.setenv("CPCD_EXPORTS", str(exports))
    namespace, _ = _run_alone(QUESTION_BLOCKS[query.question], query.question)
    sql = cpcd.connect(exports).sql(query.sql).df()
    assert _table(namespace["answer"]) == _table(sql)


def _shell_commands() -> list[str]:
    """Each command of the README's sh blocks, comments removed, ``&&`` chains split."""
    commands = []
    for block in SHELL_BLOCKS:
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            commands += [part.strip() for part in line.split("&&") if part.strip()]
    return commands


# README commands that another test runs as the README writes them, with what it checks.
RUN_ELSEWHERE = {
    "frictionless validate datapackage.json": (
        "test_metadata.py",
        "test_frictionless_validates_the_root_descriptor_offline",
    ),
    "frictionless validate exports/datapackage.json": (
        "test_build.py",
        "test_frictionless_validates_the_exports_descriptor",
    ),
}


def test_readme_shell_commands_run(exports, tmp_path):
    """Every shell command in the README runs and succeeds.

    `make build` and `make test` run for real in CI (.ci/run); here `make -n`
    proves the targets exist. Commands that write files are pointed at
    temporary copies, so the tests never rewrite the repository.
    """
    built = tmp_path / "built"
    shutil.copytree(exports, built)
    cookbook = tmp_path / "queries.md"
    shutil.copy(ROOT / "docs" / "queries.md", cookbook)
    dictionary = tmp_path / "data-dictionary.md"
    shutil.copy(ROOT / "docs" / "data-dictionary.md", dictionary)
    redirect = {
        "docs": ["--path", str(dictionary)],
        "figures": ["--out", str(tmp_path / "figures")],
        "cookbook": ["--path", str(cookbook)],
    }
    exports_env = {"CPCD_EXPORTS": str(built)}
    env = {**os.environ, **exports_env}
    commands = _shell_commands()
    assert {c.split()[0] for c in commands} == {"make", "cpcd", "duckdb", "frictionless"}
    for command, (module, test) in RUN_ELSEWHERE.items():
        assert command in commands, command  # the README still shows it
        assert f"def {test}(" in (ROOT / "tests" / module).read_text(encoding="utf-8"), test
    for command in dict.fromkeys(commands):  # each command once, in the README's order
        if command in RUN_ELSEWHERE:
            continue
        words = shlex.split(command)
        if words[0] == "make":
            argv = ["make", "-n", *words[1:]]
        elif words[0] == "duckdb" and shutil.which("duckdb") is None:
            # No duckdb client here: the same read-only query through the Python package.
            assert words[1:3] == ["-readonly", "exports/cpcd.duckdb"]
            con = duckdb.connect(str(built / "cpcd.duckdb"), read_only=True)
            assert con.sql(words[3]).fetchall(), command
            continue
        elif words[0] == "duckdb":
            argv = [*words[:2], str(built / "cpcd.duckdb"), *words[3:]]
        elif words[0] == "frictionless":
            argv = [
                str(BIN / "frictionless"),
                *(w.replace("exports/", f"{built}/") for w in words[1:]),
            ]
        else:
            words = [str(built) if word == "exports" else word for word in words]  # a folder
            done = run_cli(*words[1:], *redirect.get(words[1], []), env=exports_env)
            assert done.returncode == 0, (command, done.stdout, done.stderr)
            continue
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert (tmp_path / "figures" / "security.png").exists()  # the redirected commands wrote


def _set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Put ``value`` in ``column`` of the record that starts on ``line`` of a CSV file."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        records, starts, start = [], [], 1
        for record in reader:
            records.append(record)
            starts.append(start)
            start = reader.line_num + 1
    index = starts.index(line)
    records[index][records[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)


def test_readme_diff_from_0_2_0_is_what_cpcd_prints():
    """The README's summary of the changes since 0.2.0 is the first line per table of
    `cpcd diff` between that release's commit and the current one."""
    if subprocess.run(["git", "cat-file", "-e", RELEASE_0_2_0], cwd=ROOT).returncode:
        pytest.skip(f"commit {RELEASE_0_2_0} (release 0.2.0) is not in this clone's history")
    (summary,) = TEXT_BLOCKS
    done = run_cli("diff", RELEASE_0_2_0, "HEAD")
    assert done.returncode == 0, done.stderr
    printed = [line for line in done.stdout.splitlines() if line and not line.startswith(" ")]
    assert printed == summary.splitlines()


def test_readme_validation_report_is_what_cpcd_prints(tmp_path):
    """The README's report, replayed: its problems are planted into a copy and checked for."""
    (transcript,) = CONSOLE_BLOCKS
    command, *expected = transcript.splitlines()
    copy_package(tmp_path)
    for line in expected:
        if "byte-order mark" in line:
            path = tmp_path / line.split()[1].split(":")[0]
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        elif match := re.match(r"(data/\w+\.csv):(\d+): (\w+): '([^']*)': ", line):
            file, number, column, value = match.groups()
            _set_cell(tmp_path / file, int(number), column, value)
    argv = shlex.split(command.removeprefix("$ "))
    assert argv[0] == "cpcd"
    done = run_cli(*argv[1:], cwd=tmp_path)
    assert done.returncode == 1
    assert (done.stdout + done.stderr).splitlines() == expected


# The data dictionary


DICTIONARY = ROOT / "docs" / "data-dictionary.md"


def test_data_dictionary_is_current():
    from cpcd.docs.dictionary import generate

    assert DICTIONARY.read_text(encoding="utf-8") == generate(DESCRIPTOR), "run `cpcd docs`"


def test_a_stale_data_dictionary_is_reported(tmp_path):
    stale_copy = tmp_path / "data-dictionary.md"
    text = DICTIONARY.read_text()
    assert "- Rows: " in text
    stale_copy.write_text(text.replace("- Rows: ", "- Rows: 1", 1), encoding="utf-8")
    done = run_cli("docs", "--check", "--path", str(stale_copy))
    assert done.returncode == 1
    assert "stale" in done.stderr


def _section(table: str) -> str:
    text = DICTIONARY.read_text(encoding="utf-8")
    return text.split(f"## `{table}`\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("table", TABLES)
def test_data_dictionary_documents_every_field_and_value(table):
    """Read against the schema files and the CSVs directly, not through cpcd."""
    spec = schema(table)
    rows = text_rows(table)
    section = _section(table)
    assert f"- Rows: {len(rows)}\n" in section
    assert "- Primary key: " + ", ".join(f"`{k}`" for k in spec["primaryKey"]) in section
    for fk in spec.get("foreignKeys", []):
        target = fk["reference"]["resource"]
        assert f"`{fk['fields'][0]}` → `{target}.{fk['reference']['fields'][0]}`" in section
    field_table = section.split("| field |", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(field_table) == 2 + len(spec["fields"])  # header rest, rule, one line per field
    for field in spec["fields"]:
        (line,) = [ln for ln in field_table if ln.startswith(f"| `{field['name']}` |")]
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        assert cells[4] == field["description"].replace("|", "\\|")
        # The unit, else "identifier" for a catalogue number, else a dash.
        unit = "identifier" if field.get("cpcd:identifier") else "—"
        assert cells[2] == field.get("unit", unit)
        example = cells[5].strip("`").replace("\\|", "|")
        values = {row[field["name"]] for row in rows} | {str(field.get("example"))}
        if example == "—":  # no value in the table (a shared field's example is not shown)
            assert {row[field["name"]] for row in rows} <= {""}
        elif not example.endswith("…"):
            assert example in values or float(example) in {float(v) for v in values if v}
        for category in field.get("categories", []):
            assert f"| `{category['value']}` | {category['label']} |" in section


# Figures


FIGURES = ROOT / "docs" / "figures"


@pytest.fixture(scope="module")
def drawn(exports, tmp_path_factory) -> list[Path]:
    """The figures drawn once from a fresh build of the shipped data."""
    from cpcd.docs.figures import draw

    return draw(tmp_path_factory.mktemp("figures"), exports)


def test_figures_are_written_deterministic_and_shown(drawn, exports, tmp_path):
    from cpcd.docs.figures import draw

    first = drawn
    second = draw(tmp_path / "b", exports)
    names = sorted(p.name for p in first)
    assert names == sorted(p.name for p in FIGURES.glob("*.png"))  # the committed set
    for a, b in zip(first, second, strict=True):
        content = a.read_bytes()
        assert content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) > 10_000
        assert content == b.read_bytes(), a.name
    for name in names:
        assert f"(docs/figures/{name})" in README, name


RAW_ID = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+){2,}")  # a row id, such as killed_..._2024_03


@pytest.mark.parametrize("name", ["bilateral_events_timeline", "satellite_launches",
                                  "agricultural_projects", "security"])  # fmt: skip
def test_figure_labels_are_words_and_fit(exports, name):
    """No label is a raw id, and none is cut at the edge of the picture."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from cpcd.docs.figures import FIGURES

    figure = FIGURES[name](exports)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    box = figure.bbox
    renderer = canvas.get_renderer()
    # Tick labels beyond an axis's limits exist but are not drawn.
    hidden = set()
    for ax in figure.axes:
        for ticks, labels, (low, high) in (
            (ax.get_xticks(), ax.get_xticklabels(), sorted(ax.get_xlim())),
            (ax.get_yticks(), ax.get_yticklabels(), sorted(ax.get_ylim())),
        ):
            hidden |= {id(t) for v, t in zip(ticks, labels, strict=True) if not low <= v <= high}
    for text in figure.findobj(Text):
        words = text.get_text()
        if not words.strip() or not text.get_visible() or id(text) in hidden:
            continue
        assert not any(RAW_ID.fullmatch(w) for w in words.split()), words
        extent = text.get_window_extent(renderer)
        assert extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1, (words, extent, box)
        assert extent.y0 >= box.y0 - 1 and extent.y1 <= box.y1 + 1, (words, extent, box)


def test_security_figure_has_a_year_tick_under_every_bar(exports):
    from cpcd.docs.figures import security

    by_area, by_toll, trend = security(exports).axes
    for axis in (by_area, by_toll):
        bars = {round(p.get_x() + p.get_width() / 2) for p in axis.patches if p.get_height() > 0}
        labels = {int(t.get_text()) for t in axis.get_xticklabels()}
        assert bars and bars <= labels, sorted(bars - labels)
        assert {round(t) for t in axis.get_xticks()} == labels  # each label at its own year
    # Bars stay below the top of their panel, where the legend sits.
    tallest = max(p.get_y() + p.get_height() for p in by_area.patches)
    assert tallest < by_area.get_ylim()[1]
    points = {round(x) for line in trend.get_lines() for x in line.get_xdata()}
    assert points <= {int(t.get_text()) for t in trend.get_xticklabels()}


def test_security_trend_breaks_where_a_compiler_gives_no_figure(exports):
    """Each compiler's line holds its national yearly counts from data/ and is broken (NaN)
    in every year between its first and last in which it gives none."""
    from cpcd.docs.figures import security

    trend = security(exports).axes[2]
    lines = [line for line in trend.get_lines() if not line.get_label().startswith("_")]
    counts = [
        r
        for r in text_rows("terrorism_statistics")
        if r["in_paper"] == "false"
        and r["indicator"] == "terrorist_attacks"
        and r["area_code"] == "PK"
        and r["period_start"].endswith("-01-01")
        and r["period_end"] == r["period_start"][:4] + "-12-31"
    ]
    gaps = 0
    for line in lines:
        given = {
            int(r["period_start"][:4]): float(r["value"])
            for r in counts
            if r["compiling_organisation"] == line.get_label()
        }
        drawn = dict(zip(line.get_xdata(), line.get_ydata(), strict=True))
        assert {x: y for x, y in drawn.items() if not math.isnan(y)} == given
        missing = set(range(min(given), max(given) + 1)) - set(given)
        broken = {x for x, y in drawn.items() if math.isnan(y) and min(given) <= x <= max(given)}
        assert broken == missing
        gaps += len(missing)
    assert len(lines) == 3
    # Hand count from data/: PIPS gives no figure for 2012.
    assert gaps >= 1


def test_figures_follow_the_data(drawn, tmp_path):
    """One launch fewer gives another launch figure and the same others."""
    from cpcd.docs.figures import draw
    from cpcd.exports.build import build

    descriptor = copy_package(tmp_path)
    launches = tmp_path / "data" / "satellite_launches.csv"
    lines = launches.read_text(encoding="utf-8").splitlines(keepends=True)
    launches.write_text("".join(line for line in lines if not line.startswith("prsc_eo3,")))
    assert len(launches.read_text().splitlines()) == len(lines) - 1
    build(descriptor, tmp_path / "out")
    changed = {p.name: p.read_bytes() for p in draw(tmp_path / "f1", tmp_path / "out")}
    original = {p.name: p.read_bytes() for p in drawn}
    assert changed["satellite_launches.png"] != original["satellite_launches.png"]
    assert changed["security.png"] == original["security.png"]


# The datasheet


def test_datasheet_answers_each_question_and_its_figures_match_the_data():
    text = (ROOT / "docs" / "datasheet.md").read_text(encoding="utf-8")
    for section in (
        "Motivation",
        "Composition",
        "Collection process",
        "Preprocessing, cleaning and labelling",
        "Uses",
        "Distribution",
        "Maintenance",
    ):
        assert f"\n## {section}\n" in text, section

    def rows(table: str) -> list[dict]:
        with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    errata = rows("errata")
    confirmed = sum(r["status"] == "confirmed" for r in errata)
    disputed = sum(r["status"] == "disputed" for r in errata)
    assert f"({len(errata)} rows, {confirmed} confirmed and {disputed} disputed)" in text
    conflicts = [r for r in errata if r["erratum_type"] == "source_conflict"]
    registry = sum(r["table_name"].startswith("cpec_") for r in conflicts)
    assert f"{len(conflicts)} of the disputed ones are conflicts between outside\nsources " in text
    assert f"({registry} of them in the CPEC registry)" in text
    derived = sum(r["is_derived"] == "true" for r in rows("terrorism_statistics"))
    assert (
        f"{['No', 'One', 'Two', 'Three'][derived]} `terrorism_statistics` rows are derived" in text
    )
    undated = sum(r["date"] == "" for r in rows("agricultural_projects"))
    assert (
        f"{['No', 'One', 'Two', 'Three', 'Four'][undated]}\nagricultural projects have no date"
        in text
    )
    assert f"version {json.loads(DESCRIPTOR.read_text())['version']}" in text


def test_data_dictionary_examples_come_from_their_own_table():
    """Every example in the dictionary is a value of the column it illustrates."""
    sections = re.split(r"^## `(\w+)`", DICTIONARY.read_text(encoding="utf-8"), flags=re.M)
    checked = 0
    for table, text in zip(sections[1::2], sections[2::2], strict=True):
        with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for line in text.splitlines():
            match = re.match(r"\| `(\w+)` \|.*\| `([^`]*)` \|$", line)
            if not match or match[1] not in rows[0]:
                continue
            field, shown = match[1], match[2].replace("\\|", "|")
            values = [r[field] for r in rows if r[field]]
            assert any(
                v == shown or (shown.endswith("…") and v.startswith(shown[:-1])) for v in values
            ), (table, field, shown)
            checked += 1
    assert checked > 100


def test_the_paper_is_a_source_not_the_datasets_home():
    """The paper's DOI names the source, never the dataset's own address; the README says
    where and how to report a data error."""
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    for key in ("homepage", "path", "url"):
        assert "10.55014" not in str(descriptor.get(key, "")), key
    dataset_part = (ROOT / "CITATION.cff").read_text(encoding="utf-8").split("references:")[0]
    assert "10.55014" not in dataset_part
    section = README.split("## Report a data error", 1)[1].split("\n## ", 1)[0]
    for needed in ("table", "row's", "column", "source"):
        assert needed in section, needed


def test_readme_names_the_timestamp_type_really_written(exports):
    import pyarrow.parquet as pq

    written = pq.read_schema(exports / "parquet" / "satellite_launches.parquet")
    kind = str(written.field("launch_datetime_utc").type)  # as a reader's Arrow reports it
    assert f"launch times are `{kind}`" in " ".join(README.split())


def test_readme_table_of_tables_lists_every_table_with_its_rows():
    """The README's table of tables names the descriptor's tables in its order, each with
    the number of records its CSV file holds (counted here by the csv module)."""
    section = README.split("| table | rows | one row is |", 1)[1].split("\n\n", 1)[0]
    rows = [line.strip("|").split("|") for line in section.strip().splitlines()[1:]]
    listed = [(cells[0].strip().strip("`"), int(cells[1])) for cells in rows]
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    expected = []
    for resource in descriptor["resources"]:
        with (ROOT / resource["path"]).open(encoding="utf-8", newline="") as fh:
            expected.append((resource["name"], sum(1 for _ in csv.reader(fh)) - 1))
    assert listed == expected

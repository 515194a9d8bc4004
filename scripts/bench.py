"""Benchmark: cpcd's validation and build against references, at growing sizes.

Generates synthetic ``bilateral_events`` rows that follow the real schema (valid
keys, enums, EDTF dates and their bounds, foreign keys into the real sources and
citations) and keeps the other tables real. Each command runs in a fresh
process; the commands of one size run interleaved, round after round, so that
a busy machine slows all of them alike. Compared:

- ``cpcd validate`` against ``frictionless validate`` (the same package) and a
  DuckDB-only reference: typed ``read_csv`` of every table, then the same rules
  (required, unique, enum, pattern, bounds, keys, foreign keys, date bounds) as
  SQL counting violations;
- ``cpcd build`` against a DuckDB-only export: the same typed reads into a
  ``.duckdb`` file with the same tables and constraints, then COPY of every
  table to Parquet and CSV.

The targets are ratios (see ``TARGETS``), reported in ``docs/benchmarks.md``:

    python scripts/bench.py                       # 100,000 and 1,000,000 rows
    python scripts/bench.py --sizes 1000 --runs 1 --out -   # a quick smoke run
"""

from __future__ import annotations

import argparse
import calendar
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cpcd.common.sql import identifier, literal
from cpcd.metadata.derive import duckdb_ddl
from cpcd.metadata.load import load_package
from cpcd.metadata.model import DERIVED_KEY
from cpcd.metadata.types import TYPES

ROOT = Path(__file__).resolve().parents[1]
TABLE = "bilateral_events"
PEAK = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
    "stderr=subprocess.DEVNULL).returncode; "
    "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def generate(rows: int, target: Path, seed: int = 7) -> None:
    """A package directory whose bilateral_events.csv has ``rows`` valid synthetic rows."""
    for name in ("datapackage.json", "CHANGELOG.md"):
        shutil.copy(ROOT / name, target / name)
    for name in ("schemas", "data", "views"):
        shutil.copytree(ROOT / name, target / name)
    table = load_package(ROOT / "datapackage.json").tables[TABLE]
    fields = table.source_field_names  # the build computes the date's precision and bounds
    enum = {f.name: list(f.enum) for f in table.fields if f.enum is not None}
    with (ROOT / "data" / "citations.csv").open(newline="") as fh:
        citations = [(r["citation_number"], r["source_id"]) for r in csv.DictReader(fh)]
    rng = random.Random(seed)
    real = (ROOT / "data" / f"{TABLE}.csv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    with (target / "data" / f"{TABLE}.csv").open("w", newline="", encoding="utf-8") as fh:
        fh.write("\n".join(real) + "\n")  # the real rows stay: errata name some of them
        writer = csv.writer(fh, lineterminator="\n")
        for i in range(max(rows - (len(real) - 1), 0)):
            year = rng.randint(1951, 2024)
            month = rng.randint(1, 12)
            precision = rng.choice(("day", "month", "year"))
            last = calendar.monthrange(year, month)[1]
            if precision == "year":
                text = f"{year}"
            elif precision == "month":
                text = f"{year}-{month:02d}"
            else:
                text = f"{year}-{month:02d}-{rng.randint(1, last):02d}"
            number, source = rng.choice(citations)
            row = {
                "event_id": f"synthetic_event_{i:07d}",
                "date": text,
                "event_type": rng.choice(enum["event_type"]),
                "domain": rng.choice(enum["domain"]),
                "title": f"Synthetic event {i}",
                "description": "Generated for the benchmark, with a comma.",
                "location": "Islamabad" if i % 3 else "",
                "country_code": "PK" if i % 3 else "",
                "in_paper": "true",
                "supplement_source_id": "",
                "source_id": source,
                "citation_number": number,
                "paper_section": "2.1",
                "paper_quote": "Generated words standing for a quote",
                "notes": "",
            }
            writer.writerow([row.get(name, "") for name in fields])


def seed_errors(package: Path) -> None:
    """The same three mistakes for both tools: bad enum, impossible date, duplicate key."""
    path = package / "data" / f"{TABLE}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[1][header.index("domain")] = "spcae"
    rows[2][header.index("date")] = "2023-02-30"
    rows[3][0] = rows[4][0]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _schemas(package: Path) -> dict[str, dict]:
    """Each table's complete Table Schema (shared fields expanded), as the exports list it."""
    return {name: t.schema for name, t in load_package(package / "datapackage.json").tables.items()}


def _read_csv(package: Path, name: str, schema: dict) -> str:
    """A typed read of the columns a person writes (the computed ones are not in the file)."""
    columns = ", ".join(
        f"{literal(f['name'])}: {literal(TYPES[f['type']].duckdb)}"
        for f in schema["fields"]
        if DERIVED_KEY not in f
    )
    path = literal(package / "data" / f"{name}.csv")
    return (
        f"read_csv({path}, header = true, columns = {{{columns}}}, quote = '\"', "
        "escape = '\"', nullstr = '', auto_detect = false)"
    )


# EDTF's plain forms (YYYY, YYYY-MM, YYYY-MM-DD, a decade YYYX, START/END of these) in SQL:
# the DuckDB-only reference computes what the build computes with the edtf library.
EDTF_MACROS = """
CREATE TEMP MACRO edtf_first(t) AS CASE
    WHEN t LIKE '___X' THEN make_date(CAST(left(t, 3) AS INTEGER) * 10, 1, 1)
    WHEN length(t) = 4 THEN make_date(CAST(t AS INTEGER), 1, 1)
    WHEN length(t) = 7 THEN TRY_CAST(t || '-01' AS DATE)
    ELSE TRY_CAST(t AS DATE) END;
CREATE TEMP MACRO edtf_last(t) AS CASE
    WHEN t LIKE '___X' THEN make_date(CAST(left(t, 3) AS INTEGER) * 10 + 9, 12, 31)
    WHEN length(t) = 4 THEN make_date(CAST(t AS INTEGER), 12, 31)
    WHEN length(t) = 7 THEN last_day(TRY_CAST(t || '-01' AS DATE))
    ELSE TRY_CAST(t AS DATE) END;
CREATE TEMP MACRO edtf_precision(t) AS CASE
    WHEN t LIKE '___X' THEN 'decade' WHEN length(t) = 4 THEN 'year'
    WHEN length(t) = 7 THEN 'month' ELSE 'day' END;
CREATE TEMP MACRO edtf_start(t) AS edtf_first(split_part(t, '/', 1));
CREATE TEMP MACRO edtf_end(t) AS edtf_last(coalesce(nullif(split_part(t, '/', 2), ''), t));
"""


def _computed(schema: dict) -> str:
    """SQL for every computed column of a table, named, from its EDTF text."""
    parts = []
    for f in schema["fields"]:
        rule = f.get("cpcd:edtf") or {}
        text = identifier(f["name"])
        sql = {
            "precision": f"edtf_precision(split_part({text}, '/', 1))",
            "start": f"edtf_start({text})",
            "end": f"edtf_end({text})",
            "year": f"year(edtf_start({text}))",
            "day": f"CASE WHEN length({text}) = 10 THEN TRY_CAST({text} AS DATE) END",
        }
        parts += [f"{sql[role]} AS {identifier(target)}" for role, target in rule.items()]
    return "".join(", " + p for p in parts)


def validation_sql(package: Path) -> str:
    """The DuckDB-only validation: each table read typed, then one count of violations per
    rule, summed. Written from the Table Schema files alone."""
    schemas = _schemas(package)
    statements = [EDTF_MACROS] + [
        f"CREATE TEMP TABLE {identifier(name)} AS "
        f"SELECT *{_computed(schema)} FROM {_read_csv(package, name, schema)}"
        for name, schema in schemas.items()
    ]
    counts = []
    for name, schema in schemas.items():
        table = identifier(name)
        for f in schema["fields"]:
            column, rules = identifier(f["name"]), f.get("constraints", {})
            tests = []
            if rules.get("required"):
                tests.append(f"{column} IS NULL")
            if "enum" in rules:
                tests.append(f"{column} NOT IN ({', '.join(map(literal, rules['enum']))})")
            if "pattern" in rules:
                tests.append(f"NOT regexp_full_match({column}, {literal(rules['pattern'])})")
            if "minimum" in rules:
                tests.append(f"{column} < {rules['minimum']}")
            if "maximum" in rules:
                tests.append(f"{column} > {rules['maximum']}")
            if rules.get("unique") and schema["primaryKey"] != [f["name"]]:
                counts.append(f"SELECT count(*) - count(DISTINCT {column}) FROM {table}")
            edtf = f.get("cpcd:edtf") or {}
            if "start" in edtf:  # the text is a date: its first day exists
                tests.append(f"{column} IS NOT NULL AND {identifier(edtf['start'])} IS NULL")
            if DERIVED_KEY in f:
                tests = []  # computed: right by construction, or its text is counted above
            counts += [f"SELECT count(*) FROM {table} WHERE {test}" for test in tests]
        key = ", ".join(identifier(k) for k in schema["primaryKey"])
        counts.append(f"SELECT count(*) - count(DISTINCT ({key})) FROM {table}")
        for fk in schema.get("foreignKeys", []):
            parent = identifier(fk["reference"]["resource"])
            pairs = zip(fk["fields"], fk["reference"]["fields"], strict=True)
            join = " AND ".join(f"c.{identifier(a)} = p.{identifier(b)}" for a, b in pairs)
            present = " AND ".join(f"c.{identifier(a)} IS NOT NULL" for a in fk["fields"])
            counts.append(
                f"SELECT count(*) FROM {table} c WHERE {present} "
                f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {join})"
            )
    total = " + ".join(f"({c})" for c in counts)
    statements.append(f"SELECT {total}")
    return ";\n".join(statements) + ";\n"


def export_sql(package: Path, out: Path) -> str:
    """The DuckDB-only export: the same tables with the same constraints (cpcd's DDL) in a
    ``.duckdb`` file, filled by typed reads, then COPY of each to Parquet and CSV."""
    loaded = load_package(package / "datapackage.json")
    schemas = _schemas(package)
    statements = [EDTF_MACROS]
    for name in loaded.load_order():
        statements += duckdb_ddl(loaded.tables[name])
        source = _read_csv(package, name, schemas[name])
        computed = _computed(schemas[name])
        statements.append(
            f"INSERT INTO {identifier(name)} BY NAME SELECT *{computed} FROM {source}"
        )
    for name in schemas:
        for kind in ("parquet", "csv"):
            target = literal(out / f"{name}.{kind}")
            statements.append(f"COPY {identifier(name)} TO {target} (FORMAT {kind})")
    return ";\n".join(statements) + ";\n"


# A script of SQL run by DuckDB alone; a validation exits 1 when it counts violations.
RUN_SQL = (
    "import duckdb, sys; con = duckdb.connect(sys.argv[2]); con.execute(open(sys.argv[1]).read())"
)
RUN_VALIDATION = RUN_SQL + "; sys.exit(1 if con.fetchone()[0] else 0)"


def run(command: list[str], cwd: Path) -> tuple[int, float, int]:
    """Exit status, wall seconds and peak resident memory (KiB) of one fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *command], cwd=cwd, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    code, peak = done.stdout.split()
    return int(code), seconds, int(peak)


def commands(package: Path, out: Path) -> dict[str, list[str]]:
    """The commands compared at one size; the references' SQL is written beside ``out``."""
    cpcd = [sys.executable, "-m", "cpcd"]
    frictionless = str(Path(sys.executable).parent / "frictionless")
    descriptor = str(package / "datapackage.json")
    data = str(package / "data")
    out.mkdir(parents=True, exist_ok=True)
    validation, export = out / "validate.sql", out / "export.sql"
    validation.write_text(validation_sql(package), encoding="utf-8")
    reference_out = out / "reference"
    reference_out.mkdir(exist_ok=True)
    export.write_text(export_sql(package, reference_out), encoding="utf-8")
    database = out / "reference.duckdb"
    return {
        "cpcd validate": [*cpcd, "validate", "--quiet", "--package", descriptor, "--data", data],
        "frictionless validate": [frictionless, "validate", "datapackage.json"],
        "DuckDB validate": [sys.executable, "-c", RUN_VALIDATION, str(validation), ":memory:"],
        "cpcd build": [
            *cpcd, "build", "--quiet", "--package", descriptor, "--data", data,
            "--out", str(out / "exports"),
        ],
        "DuckDB export": [
            sys.executable, "-c", f"import os; os.path.exists({str(database)!r}) and "
            f"os.remove({str(database)!r}); " + RUN_SQL, str(export), str(database),
        ],
    }  # fmt: skip


# (rows, command, reference, kind, bound): the most times slower than the reference it may
# be ("at most"), or the fewest times faster it must be ("at least"); the peak memory of a
# build at TARGET_ROWS.
TARGET_ROWS = 1_000_000
TARGETS = [
    (TARGET_ROWS, "cpcd validate", "frictionless validate", "at least", 15.0),
    (TARGET_ROWS, "cpcd validate", "DuckDB validate", "at most", 1.5),
    (TARGET_ROWS, "cpcd build", "DuckDB export", "at most", 2.0),
    ("shipped", "cpcd validate", "DuckDB validate", "at most", 2.0),
    ("shipped", "cpcd build", "DuckDB export", "at most", 2.0),
]
PEAK_TARGET_MIB = 1024
NOTES = "\n## Engine choice\n"  # docs/benchmarks.md: the hand-written part, kept on a re-run
ENGINES = {
    "engine: pandera + Ibis (DuckDB)": "ibis",
    "engine: pandera + polars": "polars",
    "engine: SQL from the schemas (cpcd.checks.sql_checks)": "sql",
}


def engine_commands(package: Path) -> dict[str, list[str]]:
    """The engine comparison (scripts/engines.py), if the bench extra is installed."""
    try:
        import pandera.ibis
        import pandera.polars  # noqa: F401
    except ImportError:
        print("engine comparison skipped: install the bench extra", file=sys.stderr)
        return {}
    script = str(ROOT / "scripts" / "engines.py")
    return {name: [sys.executable, script, key, str(package)] for name, key in ENGINES.items()}


def _summary(rows: int | str, name: str, timings: list[tuple[int, float, int]]) -> dict:
    median = statistics.median(seconds for _, seconds, _ in timings)
    return {
        "rows": rows,
        "command": name,
        "ok": {code for code, _, _ in timings} == {0},
        "median_s": median,
        "rows_per_s": rows / median if isinstance(rows, int) else None,
        "peak_mib": max(p for _, _, p in timings) / 1024,
    }


def interleaved(rows: int | str, named: dict[str, list[str]], cwd: Path, runs: int) -> list[dict]:
    """Every command once per round, in turn, for ``runs`` rounds; a summary per command."""
    timings: dict[str, list] = {name: [] for name in named}
    for _ in range(runs):
        for name, command in named.items():
            timings[name].append(run(command, cwd))
    return [_summary(rows, name, found) for name, found in timings.items()]


def measure(sizes: list[int], runs: int) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="cpcd-bench-") as tmp:
        shipped = commands(ROOT, Path(tmp) / "shipped")
        shipped["import cpcd"] = [sys.executable, "-c", "import cpcd"]
        results += interleaved("shipped", shipped, ROOT, runs)
        for rows in sizes:
            package = Path(tmp) / f"n{rows}"
            package.mkdir()
            generate(rows, package)
            size = (package / "data" / f"{TABLE}.csv").stat().st_size
            named = commands(package, Path(tmp) / f"out{rows}") | engine_commands(package)
            results += [{**r, "bytes": size} for r in interleaved(rows, named, package, runs)]
            broken = Path(tmp) / f"broken{rows}"
            shutil.copytree(package, broken)
            seed_errors(broken)
            named = commands(broken, Path(tmp) / f"unused{rows}") | engine_commands(broken)
            checked = ["cpcd validate", "frictionless validate", "DuckDB validate", *ENGINES]
            for name in (n for n in checked if n in named):
                code, _, _ = run(named[name], broken)
                results.append(
                    {
                        "rows": rows,
                        "command": f"{name} (seeded errors)",
                        "ok": code != 0,
                        "median_s": None,
                        "rows_per_s": None,
                        "peak_mib": None,
                    }
                )
    return results


def ratios(results: list[dict]) -> list[tuple[int | str, str, str, str, float, bool]]:
    """(rows, command, reference, target, measured ratio, met) for every target measured; the
    targets held at TARGET_ROWS are also shown at the other sizes, for the trend."""
    timed = {(r["rows"], r["command"]): r["median_s"] for r in results if r["median_s"]}
    sizes = [r for r in dict.fromkeys(r["rows"] for r in results)]
    found = []
    for rows in sizes:
        for held, command, reference, kind, bound in TARGETS:
            if held != rows and (held == "shipped" or rows == "shipped"):
                continue
            if (rows, command) not in timed or (rows, reference) not in timed:
                continue
            if kind == "at least":  # how many times faster than the reference
                ratio = timed[(rows, reference)] / timed[(rows, command)]
                met = ratio >= bound
                target = f"≥ {bound:g}x faster than {reference}"
            else:  # how many times the reference's time
                ratio = timed[(rows, command)] / timed[(rows, reference)]
                met = ratio <= bound
                target = f"≤ {bound:g}x the time of {reference}"
            found.append((rows, command, reference, target, ratio, met))
    return found


def report(results: list[dict], runs: int, argv: list[str]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}.",
        f"Command: `{' '.join(['python scripts/bench.py', *argv])}`"
        + f" (median of {runs} interleaved rounds, each command in a fresh process; peak "
        "memory is the largest resident set).",
        "",
        "| rows | command | median s | rows/s | peak MiB | ok |",
        "|---:|---|---:|---:|---:|---|",
    ]

    def fmt(value: float | None, pattern: str) -> str:
        return pattern.format(value) if value is not None else ""

    for r in results:
        rows = f"{r['rows']:,}" if isinstance(r["rows"], int) else r["rows"]
        lines.append(
            f"| {rows} | {r['command']} | {fmt(r['median_s'], '{:.2f}')} | "
            f"{fmt(r['rows_per_s'], '{:,.0f}')} | {fmt(r['peak_mib'], '{:.0f}')} | "
            f"{'yes' if r['ok'] else 'NO'} |"
        )
    lines.append("")
    columns = len(json.loads((ROOT / "schemas" / f"{TABLE}.json").read_text())["fields"])
    for rows, size in sorted({(r["rows"], r["bytes"]) for r in results if "bytes" in r}):
        lines.append(f"- {rows:,} rows: `{TABLE}.csv`, {columns} columns, {size / 1e6:.1f} MB.")
    lines.append(
        "- A seeded-errors row is ok when the command rejects a copy with a bad enum value, "
        "an impossible date and a duplicate key."
    )
    lines += [
        "",
        "## Targets",
        "",
        f"Held at {TARGET_ROWS:,} rows and on the shipped data; other sizes are shown for "
        "the trend. The targets are a report, not a gate.",
        "",
        "| rows | command | target | measured | |",
        "|---:|---|---|---:|---|",
    ]
    held = {(rows, command, reference) for rows, command, reference, *_ in TARGETS}
    for rows, command, reference, target, ratio, met in ratios(results):
        verdict = ("met" if met else "NOT met") if (rows, command, reference) in held else ""
        shown = f"{rows:,}" if isinstance(rows, int) else rows
        lines.append(f"| {shown} | {command} | {target} | {ratio:.2f}x | {verdict} |")
    peak = next(
        (
            r["peak_mib"]
            for r in results
            if (r["rows"], r["command"]) == (TARGET_ROWS, "cpcd build")
        ),
        None,
    )
    if peak is not None:
        verdict = "met" if peak <= PEAK_TARGET_MIB else "NOT met"
        lines.append(
            f"| {TARGET_ROWS:,} | cpcd build | peak memory ≤ {PEAK_TARGET_MIB:,} MiB | "
            f"{peak:,.0f} MiB | {verdict} |"
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, TARGET_ROWS])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--out", default=str(ROOT / "docs" / "benchmarks.md"), help="'-' prints the report"
    )
    args = parser.parse_args(argv)
    results = measure(args.sizes, args.runs)
    text = report(results, args.runs, argv)
    if args.out != "-":
        out = Path(args.out)
        # The written comparison and choice below the run are kept as they are.
        kept = out.read_text(encoding="utf-8").partition(NOTES)[2] if out.exists() else ""
        out.write_text(text + (NOTES + kept if kept else ""), encoding="utf-8")
    print(text)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Benchmark: validation and export at growing sizes, against frictionless.

Generates synthetic ``bilateral_events`` rows that follow the real schema (valid
keys, enums, EDTF dates and their bounds, foreign keys into the real sources and
citations), keeps the other tables real, and times in fresh processes, median
of several runs:

- ``cpcd validate --data DIR``
- ``cpcd build --data DIR --out DIR2``
- ``frictionless validate datapackage.json`` on the same package: the same CSV
  with the same schema, and the small real tables its foreign keys need (the baseline)

It also seeds the same errors into a copy and checks that both tools reject it,
and times the shipped dataset: ``cpcd build`` and ``python -c "import cpcd"``.
Results, with the targets they are held to, go to ``docs/benchmarks.md``:

    python scripts/bench.py                       # 10,000, 100,000 and 1,000,000 rows
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
    spec = json.loads((ROOT / "schemas" / f"{TABLE}.json").read_text())
    fields = {f["name"]: f for f in spec["fields"]}
    enum = {
        n: f["constraints"]["enum"] for n, f in fields.items() if "enum" in f.get("constraints", {})
    }
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
                text, start, end = f"{year}", f"{year}-01-01", f"{year}-12-31"
            elif precision == "month":
                text, start, end = (
                    f"{year}-{month:02d}",
                    f"{year}-{month:02d}-01",
                    f"{year}-{month:02d}-{last}",
                )
            else:
                day = rng.randint(1, last)
                text = start = end = f"{year}-{month:02d}-{day:02d}"
            number, source = rng.choice(citations)
            row = {
                "event_id": f"synthetic_event_{i:07d}",
                "date": text,
                "date_precision": precision,
                "date_start": start,
                "date_end": end,
                "year": year,
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
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = (
        lines[1]
        .replace(",day,", ",dya,", 1)
        .replace(",month,", ",mnth,", 1)
        .replace(",year,", ",yaer,", 1)
    )
    cells = lines[2].split(",")
    cells[3] = "2023-02-30"
    lines[2] = ",".join(cells)
    lines[3] = lines[4].split(",", 1)[0] + "," + lines[3].split(",", 1)[1]
    path.write_text("\n".join(lines), encoding="utf-8")


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
    cpcd = [sys.executable, "-m", "cpcd"]
    frictionless = str(Path(sys.executable).parent / "frictionless")
    return {
        "cpcd validate": [
            *cpcd,
            "validate",
            "--quiet",
            "--package",
            str(package / "datapackage.json"),
            "--data",
            str(package / "data"),
        ],
        "cpcd build": [
            *cpcd,
            "build",
            "--quiet",
            "--package",
            str(package / "datapackage.json"),
            "--data",
            str(package / "data"),
            "--out",
            str(out),
        ],
        "frictionless validate": [  # the whole package, as cpcd validates it (foreign keys need it)
            frictionless,
            "validate",
            "datapackage.json",
        ],
    }


# (rows, command): (most seconds, most MiB, at least times faster than frictionless)
TARGETS = {
    (1_000_000, "cpcd validate"): (3.0, None, 10.0),
    (1_000_000, "cpcd build"): (10.0, 2048, None),
    ("shipped", "cpcd build"): (2.0, None, None),
    ("shipped", "import cpcd"): (0.3, None, None),
}
GROWTH_TARGET = 12.0


def _timed(rows: int | str, name: str, command: list[str], cwd: Path, runs: int) -> dict:
    timings = [run(command, cwd) for _ in range(runs)]
    median = statistics.median(seconds for _, seconds, _ in timings)
    return {
        "rows": rows,
        "command": name,
        "ok": {code for code, _, _ in timings} == {0},
        "median_s": median,
        "rows_per_s": rows / median if isinstance(rows, int) else None,
        "peak_mib": max(p for _, _, p in timings) / 1024,
    }


def measure_shipped(runs: int, tmp: Path) -> list[dict]:
    """The dataset as shipped: a full build, and the cost of importing the package."""
    build = [sys.executable, "-m", "cpcd", "build", "--quiet", "--out", str(tmp / "shipped")]
    imports = [sys.executable, "-c", "import cpcd"]
    return [
        _timed("shipped", "cpcd build", build, ROOT, runs),
        _timed("shipped", "import cpcd", imports, ROOT, runs),
    ]


def measure(sizes: list[int], runs: int) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="cpcd-bench-") as tmp:
        results += measure_shipped(runs, Path(tmp))
        for rows in sizes:
            package = Path(tmp) / f"n{rows}"
            package.mkdir()
            generate(rows, package)
            size = (package / "data" / f"{TABLE}.csv").stat().st_size
            for name, command in commands(package, Path(tmp) / f"out{rows}").items():
                results.append({**_timed(rows, name, command, package, runs), "bytes": size})
            broken = Path(tmp) / f"broken{rows}"
            shutil.copytree(package, broken)
            seed_errors(broken)
            for name in ("cpcd validate", "frictionless validate"):
                code, _, _ = run(commands(broken, Path(tmp) / "unused")[name], broken)
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


def report(results: list[dict], runs: int, argv: list[str]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}.",
        f"Command: `{' '.join(['python scripts/bench.py', *argv])}`"
        + f" (median of {runs} runs in fresh processes; peak memory is the largest resident set).",
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
    timed = {(r["rows"], r["command"]): r["median_s"] for r in results if r["median_s"]}
    peaks = {(r["rows"], r["command"]): r["peak_mib"] for r in results if r["peak_mib"]}
    sizes = sorted({r["rows"] for r in results if isinstance(r["rows"], int)})
    lines.append("")
    columns = len(json.loads((ROOT / "schemas" / f"{TABLE}.json").read_text())["fields"])
    for rows, size in sorted({(r["rows"], r["bytes"]) for r in results if "bytes" in r}):
        lines.append(f"- {rows:,} rows: `{TABLE}.csv`, {columns} columns, {size / 1e6:.1f} MB.")
    for rows in sizes:
        ours, theirs = (
            timed.get((rows, "cpcd validate")),
            timed.get((rows, "frictionless validate")),
        )
        if ours and theirs:
            lines.append(
                f"- {rows:,} rows: `cpcd validate` is {theirs / ours:.1f} times faster than "
                "`frictionless validate`."
            )
    if 100_000 in sizes and 1_000_000 in sizes:
        for command in ("cpcd validate", "cpcd build"):
            growth = timed[(1_000_000, command)] / timed[(100_000, command)]
            verdict = "met" if growth <= GROWTH_TARGET else "NOT met"
            lines.append(
                f"- Growth from 100,000 to 1,000,000 rows, `{command}`: {growth:.1f} times "
                f"(target at most {GROWTH_TARGET:g}: {verdict})."
            )
    lines += [
        "",
        "## Targets",
        "",
        "| rows | command | target | measured | |",
        "|---|---|---|---|---|",
    ]
    for (rows, command), (seconds, mib, ratio) in TARGETS.items():
        if (rows, command) not in timed:
            continue
        label = f"{rows:,}" if isinstance(rows, int) else rows
        checks = [
            (
                f"≤ {seconds:g} s",
                f"{timed[(rows, command)]:.2f} s",
                timed[(rows, command)] <= seconds,
            )
        ]
        if mib is not None:
            peak = peaks[(rows, command)]
            checks.append((f"≤ {mib:,} MiB", f"{peak:,.0f} MiB", peak <= mib))
        if ratio is not None and (rows, "frictionless validate") in timed:
            times = timed[(rows, "frictionless validate")] / timed[(rows, command)]
            checks.append((f"≥ {ratio:g}x frictionless", f"{times:.1f}x", times >= ratio))
        for target, measured, met in checks:
            lines.append(
                f"| {label} | {command} | {target} | {measured} | {'met' if met else 'NOT met'} |"
            )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--out", default=str(ROOT / "docs" / "benchmarks.md"), help="'-' prints the report"
    )
    args = parser.parse_args(argv)
    results = measure(args.sizes, args.runs)
    text = report(results, args.runs, argv)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(text)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

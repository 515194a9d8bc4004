"""Command line: ``cpcd validate``, ``cpcd build``, ``cpcd info``.

Problems are printed one per line as ``file:line: column: value: rule``, never
as a Python traceback; the exit status is 1 when anything is wrong.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from cpcd.paths import COOKBOOK, DESCRIPTOR, ROOT, exports_dir
from cpcd.problems import DEFAULT_CAP, CpcdError, render

app = typer.Typer(
    help="China-Pakistan Cooperation Dataset: validate the CSVs and build the exports.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Directory of CSV files to use instead of data/ (same file names).",
        file_okay=False,
    ),
]
PackageOption = Annotated[
    Path,
    typer.Option(
        "--package", help="Package descriptor naming the tables and their schemas.", dir_okay=False
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")]
CapOption = Annotated[
    int, typer.Option("--max-problems", help="Print at most this many problems.", min=1)
]


def _fail(err: CpcdError, cap: int = DEFAULT_CAP) -> None:
    _notices(err.notices, quiet=False)
    typer.echo(f"error: {err}", err=True)
    if err.problems:
        for line in render(err.problems, cap):
            typer.echo(line, err=True)
    raise typer.Exit(1)


def _notices(notices: list, quiet: bool) -> None:
    """Safe normalisations applied to the input, one line each."""
    if not quiet:
        for notice in notices:
            typer.echo(f"note: {notice}", err=True)


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        typer.echo(message)


@app.command()
def validate(
    data: DataOption = None,
    package: PackageOption = DESCRIPTOR,
    quiet: QuietOption = False,
    max_problems: CapOption = DEFAULT_CAP,
) -> None:
    """Check the descriptor, every table's rows, keys and cross-table references."""
    from cpcd.validate import validate as run

    try:
        result = run(package, data)
    except CpcdError as err:
        _fail(err, max_problems)
    _notices(result.notices, quiet)
    if not result.ok:
        _fail(CpcdError("validation failed", result.problems), max_problems)
    rows = sum(len(item.frame) for item in result.data.values())
    _say(quiet, f"valid: {len(result.data)} tables, {rows} rows")


@app.command()
def build(
    data: DataOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output directory (default: exports/).", file_okay=False),
    ] = None,
    package: PackageOption = DESCRIPTOR,
    quiet: QuietOption = False,
    max_problems: CapOption = DEFAULT_CAP,
) -> None:
    """Validate, then write CSV, Parquet, DuckDB, datapackage.json and SHA256SUMS."""
    from cpcd.build import build as run

    out = out or exports_dir()

    def step(name: str, seconds: float) -> None:
        _say(quiet, f"  {name:<26}{seconds:7.2f} s")

    _say(quiet, f"building {out}")
    start = time.perf_counter()
    try:
        result = run(package, data, out, step)
    except CpcdError as err:
        _fail(err, max_problems)
    _notices(result.notices, quiet)
    rows = sum(len(item.frame) for item in result.data.values())
    seconds = time.perf_counter() - start
    _say(quiet, f"built {len(result.data)} tables, {rows} rows in {seconds:.2f} s")


@app.command()
def info(
    out: Annotated[Path | None, typer.Option("--out", help="Exports directory.")] = None,
) -> None:
    """Version, tables and row counts of the built exports."""
    import pyarrow.parquet as pq

    from cpcd.api import BUILD_HINT
    from cpcd.metadata import read_json

    out = out or exports_dir()
    descriptor_path = out / "datapackage.json"
    if not descriptor_path.exists():
        _fail(CpcdError(f"no exports found in {out}: {BUILD_HINT}"))
    descriptor = read_json(descriptor_path)
    typer.echo(f"{descriptor.get('title')}  version {descriptor.get('version')}  ({out})")
    for resource in descriptor["resources"]:
        if resource["format"] != "csv":
            continue
        name = resource["name"]
        rows = pq.ParquetFile(out / "parquet" / f"{name}.parquet").metadata.num_rows
        typer.echo(f"  {name:<24}{rows:>6} rows")


@app.command()
def verify(
    folder: Annotated[
        Path | None, typer.Argument(help="Export directory (default: exports/).")
    ] = None,
) -> None:
    """Recompute every checksum, hash and the DuckDB content digest of an export."""
    from cpcd.integrity import verify as run

    folder = folder or exports_dir()
    problems = run(folder)
    if problems:
        _fail(CpcdError(f"{folder} is not intact", problems))
    typer.echo(f"{folder}: every checksum, hash and digest matches")


@app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="Export directory or git revision.")],
    new: Annotated[str, typer.Argument(help="Export directory or git revision.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    repo: Annotated[Path, typer.Option("--repo", help="Repository for git revisions.")] = ROOT,
) -> None:
    """Rows added, removed and changed per table between two versions."""
    import json
    import tempfile

    from cpcd.diff import diff, render, resolve

    with tempfile.TemporaryDirectory(prefix="cpcd-diff-") as workdir:
        try:
            result = diff(resolve(old, repo, Path(workdir)), resolve(new, repo, Path(workdir)))
        except CpcdError as err:
            _fail(err)
    if as_json:
        typer.echo(
            json.dumps({"old": old, "new": new, "tables": result}, indent=2, ensure_ascii=False)
        )
    else:
        for line in render(result):
            typer.echo(line)


@app.command("release")
def release_command(
    out: Annotated[Path, typer.Option("--out", help="Directory for the archive.")] = ROOT
    / "release",
    exports: Annotated[Path | None, typer.Option("--exports", help="Exports to pack.")] = None,
) -> None:
    """Write release/cpcd-<version>.tar.gz (byte-identical across rebuilds) and its checksum."""
    from cpcd.release import release

    try:
        archive = release(exports or exports_dir(), ROOT, out)
    except CpcdError as err:
        _fail(err)
    typer.echo(f"wrote {archive}")


@app.command()
def cookbook(
    check: Annotated[
        bool, typer.Option("--check", help="Only report stale results; change nothing.")
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Exports directory.")] = None,
    path: Annotated[Path, typer.Option("--path", help="The cookbook file.")] = COOKBOOK,
) -> None:
    """Rerun the queries in docs/queries.md and rewrite their printed results."""
    from cpcd.api import connect
    from cpcd.cookbook import refresh, stale

    try:
        con = connect(out)
    except CpcdError as err:
        _fail(err)
    text = path.read_text(encoding="utf-8")
    if check:
        questions = stale(text, con)
        if questions:
            _fail(CpcdError(f"{path}: stale results for: " + "; ".join(questions)))
        typer.echo(f"{path}: every printed result is current")
        return
    path.write_text(refresh(text, con), encoding="utf-8")
    typer.echo(f"rewrote the results in {path}")


def main() -> None:
    """Entry point: hide tracebacks unless CPCD_DEBUG is set."""
    try:
        app()
    except CpcdError as err:  # pragma: no cover - commands catch their own
        _fail(err)
    except Exception as exc:
        if os.environ.get("CPCD_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc} (set CPCD_DEBUG=1 for details)", err=True
        )
        sys.exit(70)

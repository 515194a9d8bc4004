"""The commands about the data: validate, build, info, verify, sql, diff and release."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from cpcd.cli.options import (
    CapOption,
    DataOption,
    ExportsOption,
    JsonOption,
    PackageOption,
    QuietOption,
)
from cpcd.cli.output import fail, print_json, print_notices, progress, say
from cpcd.common.paths import DESCRIPTOR, ROOT, is_checkout_exports, needs_checkout
from cpcd.common.problems import DEFAULT_CAP, CpcdError
from cpcd.exports.cache import exports_dir


def validate(
    data: DataOption = None,
    package: PackageOption = DESCRIPTOR,
    quiet: QuietOption = False,
    max_problems: CapOption = DEFAULT_CAP,
    as_json: JsonOption = False,
) -> None:
    """Check the data against the schemas; list every problem.

    Checks the descriptor, every table's cells, keys and cross-table references.
    """
    from cpcd.checks.validate import validate as run

    try:
        with progress(quiet or as_json, "validating"):
            result = run(package, data)
    except CpcdError as err:
        fail(err, max_problems, as_json)
    if not result.ok:
        fail(CpcdError("validation failed", result.problems, result.notices), max_problems, as_json)
    rows = {name: len(item.frame) for name, item in result.data.items()}
    if as_json:
        notices = [n.as_dict() for n in result.notices]
        print_json({"ok": True, "rows": rows, "problems": [], "notices": notices})
        return
    print_notices(result.notices, quiet)
    say(quiet, f"valid: {len(rows)} tables, {sum(rows.values())} rows")


def build(
    data: DataOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output directory (default: exports/).", file_okay=False),
    ] = None,
    package: PackageOption = DESCRIPTOR,
    quiet: QuietOption = False,
    max_problems: CapOption = DEFAULT_CAP,
    as_json: JsonOption = False,
) -> None:
    """Validate, then write CSV, Parquet, DuckDB and checksums.

    Writes into a temporary directory and swaps it in only when complete: a
    failed build leaves the previous exports as they were.
    """
    from cpcd.exports.build import build as run

    out = out or exports_dir()
    quiet = quiet or as_json
    start = time.perf_counter()
    try:
        epoch = _source_date_epoch()
        with progress(quiet, f"building {out}"):
            result = run(package, out, data, source_date_epoch=epoch)
    except CpcdError as err:
        fail(err, max_problems, as_json)
    rows = {name: len(item.frame) for name, item in result.data.items()}
    seconds = time.perf_counter() - start
    if as_json:
        notices = [n.as_dict() for n in result.notices]
        print_json({"ok": True, "out": str(out), "rows": rows, "notices": notices})
        return
    print_notices(result.notices, quiet)
    say(quiet, f"built {len(rows)} tables, {sum(rows.values())} rows in {seconds:.2f} s")


def _source_date_epoch() -> int | None:
    """``$SOURCE_DATE_EPOCH``, the reproducible-builds setting: the exports' ``created`` time
    in seconds since 1970, instead of the release date in the changelog."""
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if not text:
        return None
    if not text.isdigit():
        raise CpcdError(f"SOURCE_DATE_EPOCH: {text!r} is not a whole number of seconds")
    return int(text)


def info(exports: ExportsOption = None, as_json: JsonOption = False) -> None:
    """Version, digest, tables and row counts of the exports."""
    from cpcd.cli.info import describe
    from cpcd.exports.cache import ensure_built

    try:
        summary = describe(exports or ensure_built(exports_dir()))
    except CpcdError as err:
        fail(err, as_json=as_json)
    if as_json:
        print_json(summary)
        return
    from rich.console import Console
    from rich.table import Table

    typer.echo(f"{summary['title']}, version {summary['version']}, created {summary['created']}")
    typer.echo(f"exports: {summary['exports']}")
    typer.echo(f"DuckDB content digest: {summary['duckdb_content_digest']}")
    table = Table()
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("columns", justify="right")
    table.add_column("csv sha256")
    for item in summary["tables"]:
        table.add_row(item["name"], str(item["rows"]), str(item["columns"]), item["sha256"][:16])
    table.add_section()
    total = sum(item["rows"] for item in summary["tables"])
    table.add_row("all tables", str(total), "", "")
    Console(soft_wrap=True).print(table)


def verify(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="Exports directory or unpacked release to check (the same as --exports).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    exports: ExportsOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Recompute the checksums, hashes and DuckDB digest of exports.

    Also takes the root of an unpacked release archive. In a checkout, the
    exports must also be as new as data/, schemas/ and views/.
    """
    from cpcd.exports.cache import ensure_built
    from cpcd.releases.verify import verify as run

    if folder is not None and exports is not None and folder != exports:
        fail(CpcdError(f"two folders to verify: {folder} and --exports {exports}"), as_json=as_json)
    try:
        folder = folder or exports or ensure_built(exports_dir())
    except CpcdError as err:
        fail(err, as_json=as_json)
    problems = run(folder, DESCRIPTOR if is_checkout_exports(folder) else None)
    if problems:
        fail(CpcdError(f"{folder} is not intact", problems), as_json=as_json)
    if as_json:
        print_json({"ok": True, "exports": str(folder), "problems": []})
        return
    say(quiet, f"{folder}: every checksum, hash and digest matches")


def sql_command(
    query: Annotated[str, typer.Argument(help='One SQL query, such as "select * from errata".')],
    exports: ExportsOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="table (the default, for reading), csv, json or markdown."
        ),
    ] = "table",
) -> None:
    """Run one SQL query on the DuckDB file and print its rows.

    The database is opened read-only; its tables and views are those of
    `cpcd.connect()`.
    """
    from cpcd.cli.query import FORMATS, run, show

    try:
        if fmt not in FORMATS:
            raise CpcdError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
        columns, rows = run(query, exports)
    except CpcdError as err:
        fail(err)
    show(columns, rows, fmt)


def diff_command(
    old: Annotated[str, typer.Argument(help="Export directory or git revision.")],
    new: Annotated[
        str | None,
        typer.Argument(help="Export directory or git revision (default: the --exports)."),
    ] = None,
    exports: ExportsOption = None,
    repo: Annotated[Path, typer.Option("--repo", help="Repository for git revisions.")] = ROOT,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Print one line per table, no rows.", metavar=""),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Rows added, removed and changed between two versions."""
    import tempfile

    from cpcd.releases.diff import diff, render, resolve

    new = new or str(exports or exports_dir())
    with tempfile.TemporaryDirectory(prefix="cpcd-diff-") as workdir:
        try:
            result = diff(resolve(old, repo, Path(workdir)), resolve(new, repo, Path(workdir)))
        except CpcdError as err:
            fail(err, as_json=as_json)
    if as_json:
        print_json({"old": old, "new": new, "tables": result})
        return
    for line in render(result):
        if not (quiet and line.startswith(" ")):
            typer.echo(line)


def release_command(
    exports: ExportsOption = None,
    out: Annotated[
        Path, typer.Option("--out", help="Directory for the archive.", file_okay=False)
    ] = ROOT / "release",
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Record the version's inputs digest in releases.json instead of packing.",
            metavar="",
        ),
    ] = False,
    releases: Annotated[
        Path, typer.Option("--releases", help="The record of released versions.", dir_okay=False)
    ] = ROOT / "releases.json",
    package: PackageOption = DESCRIPTOR,
    quiet: QuietOption = False,
) -> None:
    """Pack the exports and docs as a byte-reproducible archive.

    Writes release/cpcd-<version>.tar.gz and its checksum. With --record, writes the
    version's inputs digest into releases.json instead. Needs a checkout.
    """
    if record:
        _record_release(package, releases, quiet)
        return
    from cpcd.releases.archive import release

    try:
        needs_checkout("release", "README.md, LICENSE and docs/")
        archive = release(exports or exports_dir(), ROOT, out)
    except CpcdError as err:
        fail(err)
    say(quiet, f"wrote {archive}")


def _record_release(package: Path, releases: Path, quiet: bool) -> None:
    from cpcd.releases.record import record_version

    try:
        needs_checkout("release --record", "CHANGELOG.md")
        version, digest, previous = record_version(package, releases)
    except CpcdError as err:
        fail(err)
    replaced = f" (was {previous})" if previous and previous != digest else ""
    say(quiet, f"recorded {version}: {digest} in {releases}{replaced}")


COMMANDS = {
    "validate": validate,
    "build": build,
    "info": info,
    "verify": verify,
    "sql": sql_command,
    "diff": diff_command,
    "release": release_command,
}

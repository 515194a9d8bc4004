"""Command line: validate, build, inspect, document and release the dataset.

Problems are printed one per line as ``file:line: column: value: rule``, never
as a Python traceback; the exit status is 1 when anything is wrong. ``--json``
prints one JSON document on standard output for programs; ``--quiet`` prints
only problems.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from cpcd.files import replace_file
from cpcd.paths import (
    COOKBOOK,
    DESCRIPTOR,
    DICTIONARY,
    FIGURES,
    ROOT,
    exports_dir,
    is_checkout_exports,
    needs_checkout,
)
from cpcd.problems import DEFAULT_CAP, CpcdError, render


class _FlagHelp:
    """--help takes no value: show none (typer would print `--help <bool>`)."""

    def get_help_option(self, ctx: typer.Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = ""
        return option


class _Group(_FlagHelp, TyperGroup):
    pass


class _Command(_FlagHelp, TyperCommand):
    pass


app = typer.Typer(
    cls=_Group,
    help="China-Pakistan Cooperation Dataset: validate the CSVs and build the exports.",
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from cpcd import __version__

        typer.echo(f"cpcd {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
            metavar="",
        ),
    ] = False,
) -> None:
    """China-Pakistan Cooperation Dataset: validate the CSVs and build the exports."""
    if ctx.invoked_subcommand is None:  # bare `cpcd`: the help, as a successful answer
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


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
# A flag takes no value; metavar="" keeps typer from showing one (`--quiet <bool>`).
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print only problems.", metavar="")
]
CapOption = Annotated[
    int, typer.Option("--max-problems", help="Print at most this many problems.", min=1)
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json", help="Print one JSON document for programs instead of text.", metavar=""
    ),
]
CheckOption = Annotated[
    bool,
    typer.Option(
        "--check", help="Only report whether the file is current; change nothing.", metavar=""
    ),
]
ExportsOption = Annotated[
    Path | None,
    typer.Option(
        "--exports",
        help="Exports directory to read (default: exports/, or the user cache when installed).",
        file_okay=False,
    ),
]


def _print_json(document: dict) -> None:
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _fail(err: CpcdError, cap: int = DEFAULT_CAP, as_json: bool = False) -> None:
    if as_json:
        _print_json(
            {
                "ok": False,
                "error": str(err),
                "problems": [p.as_dict() for p in err.problems],
                "notices": [n.as_dict() for n in err.notices],
            }
        )
        raise typer.Exit(1)
    _notices(err.notices, quiet=False)
    typer.echo(f"error: {err}", err=True)
    if err.problems:
        for line in render(err.problems, cap):
            typer.echo(line, err=True)
    raise typer.Exit(1)


def _progress(quiet: bool, message: str) -> AbstractContextManager:
    """A spinner on a terminal while a long step runs; nothing when output is piped."""
    if quiet or not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


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
    as_json: JsonOption = False,
) -> None:
    """Check the data against the schemas; list every problem.

    Checks the descriptor, every table's cells, keys and cross-table references.
    """
    from cpcd.validate import validate as run

    try:
        with _progress(quiet or as_json, "validating"):
            result = run(package, data)
    except CpcdError as err:
        _fail(err, max_problems, as_json)
    if not result.ok:
        _fail(
            CpcdError("validation failed", result.problems, result.notices), max_problems, as_json
        )
    rows = {name: len(item.frame) for name, item in result.data.items()}
    if as_json:
        notices = [n.as_dict() for n in result.notices]
        _print_json({"ok": True, "rows": rows, "problems": [], "notices": notices})
        return
    _notices(result.notices, quiet)
    _say(quiet, f"valid: {len(rows)} tables, {sum(rows.values())} rows")


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
    as_json: JsonOption = False,
) -> None:
    """Validate, then write CSV, Parquet, DuckDB and checksums.

    Writes into a temporary directory and swaps it in only when complete: a
    failed build leaves the previous exports as they were.
    """
    from cpcd.build import build as run

    out = out or exports_dir()
    quiet = quiet or as_json
    start = time.perf_counter()
    try:
        with _progress(quiet, f"building {out}"):
            result = run(package, out, data)
    except CpcdError as err:
        _fail(err, max_problems, as_json)
    rows = {name: len(item.frame) for name, item in result.data.items()}
    seconds = time.perf_counter() - start
    if as_json:
        notices = [n.as_dict() for n in result.notices]
        _print_json({"ok": True, "out": str(out), "rows": rows, "notices": notices})
        return
    _notices(result.notices, quiet)
    _say(quiet, f"built {len(rows)} tables, {sum(rows.values())} rows in {seconds:.2f} s")


@app.command()
def info(exports: ExportsOption = None, as_json: JsonOption = False) -> None:
    """Version, digest, tables and row counts of the exports."""
    from cpcd.cache import ensure_built
    from cpcd.info import describe

    try:
        summary = describe(exports or ensure_built(exports_dir()))
    except CpcdError as err:
        _fail(err, as_json=as_json)
    if as_json:
        _print_json(summary)
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


@app.command()
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
    from cpcd.cache import ensure_built
    from cpcd.integrity import verify as run

    if folder is not None and exports is not None and folder != exports:
        _fail(
            CpcdError(f"two folders to verify: {folder} and --exports {exports}"), as_json=as_json
        )
    try:
        folder = folder or exports or ensure_built(exports_dir())
    except CpcdError as err:
        _fail(err, as_json=as_json)
    problems = run(folder, DESCRIPTOR if is_checkout_exports(folder) else None)
    if problems:
        _fail(CpcdError(f"{folder} is not intact", problems), as_json=as_json)
    if as_json:
        _print_json({"ok": True, "exports": str(folder), "problems": []})
        return
    _say(quiet, f"{folder}: every checksum, hash and digest matches")


@app.command("sql")
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
    from cpcd.query import FORMATS, run, show

    try:
        if fmt not in FORMATS:
            raise CpcdError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
        columns, rows = run(query, exports)
    except CpcdError as err:
        _fail(err)
    show(columns, rows, fmt)


@app.command("diff")
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

    from cpcd.diff import diff, render, resolve

    new = new or str(exports or exports_dir())
    with tempfile.TemporaryDirectory(prefix="cpcd-diff-") as workdir:
        try:
            result = diff(resolve(old, repo, Path(workdir)), resolve(new, repo, Path(workdir)))
        except CpcdError as err:
            _fail(err, as_json=as_json)
    if as_json:
        _print_json({"old": old, "new": new, "tables": result})
        return
    for line in render(result):
        if not (quiet and line.startswith(" ")):
            typer.echo(line)


@app.command("release")
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
    from cpcd.release import release

    try:
        needs_checkout("release", "README.md, LICENSE and docs/")
        archive = release(exports or exports_dir(), ROOT, out)
    except CpcdError as err:
        _fail(err)
    _say(quiet, f"wrote {archive}")


def _record_release(package: Path, releases: Path, quiet: bool) -> None:
    from cpcd.releases import record_version

    try:
        needs_checkout("release --record", "CHANGELOG.md")
        version, digest, previous = record_version(package, releases)
    except CpcdError as err:
        _fail(err)
    replaced = f" (was {previous})" if previous and previous != digest else ""
    _say(quiet, f"recorded {version}: {digest} in {releases}{replaced}")


@app.command()
def cookbook(
    check: CheckOption = False,
    exports: ExportsOption = None,
    path: Annotated[Path, typer.Option("--path", help="The cookbook file.")] = COOKBOOK,
    quiet: QuietOption = False,
) -> None:
    """Rerun docs/queries.md and rewrite its printed results.

    Needs a checkout.
    """
    from cpcd.api import connect
    from cpcd.cookbook import refresh, stale

    try:
        if not path.exists():
            needs_checkout("cookbook", "docs/queries.md")
            raise CpcdError(f"{path}: file not found")
        con = connect(exports)
    except CpcdError as err:
        _fail(err)
    text = path.read_text(encoding="utf-8")
    if check:
        questions = stale(text, con)
        if questions:
            _fail(CpcdError(f"{path}: stale results for: " + "; ".join(questions)))
        _say(quiet, f"{path}: every printed result is current")
        return
    replace_file(path, refresh(text, con).encode("utf-8"))
    _say(quiet, f"rewrote the results in {path}")


@app.command()
def docs(
    check: CheckOption = False,
    path: Annotated[Path, typer.Option("--path", help="The data dictionary file.")] = DICTIONARY,
    package: PackageOption = DESCRIPTOR,
    quiet: QuietOption = False,
) -> None:
    """Write docs/data-dictionary.md from the schemas and data.

    Needs a checkout.
    """
    from cpcd.dictionary import generate

    try:
        needs_checkout("docs", "docs/")
        text = generate(package)
    except CpcdError as err:
        _fail(err)
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            _fail(CpcdError(f"{path} is stale: run `cpcd docs`"))
        _say(quiet, f"{path} is current")
        return
    replace_file(path, text.encode("utf-8"))
    _say(quiet, f"wrote {path}")


@app.command()
def figures(
    exports: ExportsOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Directory for the PNG files (default: docs/figures/).", file_okay=False
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Draw the figures of docs/figures/ from the built data."""
    from cpcd.figures import draw

    try:
        if out is None:
            needs_checkout("figures", "docs/figures/ (name a folder with --out)")
            out = FIGURES
        with _progress(quiet, "drawing"):
            written = draw(out, exports, lambda path: _say(quiet, f"  wrote {path}"))
    except CpcdError as err:
        _fail(err)
    _say(quiet, f"drew {len(written)} figures in {out}")


@app.command("site")
def site_command(
    exports: ExportsOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for the site (default: site/).", file_okay=False),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Write a static website of the exports, a page per row, into site/.

    Every table, fact row, source and erratum gets an address; the folder
    opens from file:// or from any static host.
    """
    from cpcd.site import build_site

    start = time.perf_counter()
    try:
        if out is None:
            needs_checkout("site", "site/ (name a folder with --out)")
            out = ROOT / "site"
        summary = build_site(exports or exports_dir(), out, ROOT / "CHANGELOG.md", FIGURES)
    except CpcdError as err:
        _fail(err)
    seconds = time.perf_counter() - start
    _say(quiet, f"wrote {summary.pages} pages ({summary.files} files) to {out} in {seconds:.2f} s")


for _info in app.registered_commands:  # every command shows --help as a flag
    _info.cls = _Command


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

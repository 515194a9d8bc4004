"""Command line: validate, build, inspect, document and release the dataset.

Problems are printed one per line as ``file:line: column: value: rule``, never
as a Python traceback; the exit status is 1 when anything is wrong. ``--json``
prints one JSON document on standard output for programs; ``--quiet`` prints
only problems.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from cpcd.cli.data_commands import COMMANDS as DATA_COMMANDS
from cpcd.cli.docs_commands import COMMANDS as DOCS_COMMANDS
from cpcd.cli.output import fail
from cpcd.common.problems import CpcdError


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


# In help order: the data commands, then those that write documentation. Every command
# shows --help as a flag.
for _name, _command in {**DATA_COMMANDS, **DOCS_COMMANDS}.items():
    app.command(_name, cls=_Command)(_command)


def main() -> None:
    """Entry point: hide tracebacks unless CPCD_DEBUG is set."""
    try:
        app()
    except CpcdError as err:  # pragma: no cover - commands catch their own
        fail(err)
    except Exception as exc:
        if os.environ.get("CPCD_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc} (set CPCD_DEBUG=1 for details)", err=True
        )
        sys.exit(70)

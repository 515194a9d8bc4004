"""What every command prints: JSON for programs, problems one per line, a spinner on a
terminal; an error ends the command with exit status 1."""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager, nullcontext

import typer

from cpcd.common.problems import DEFAULT_CAP, CpcdError, render


def print_json(document: dict) -> None:
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


def fail(err: CpcdError, cap: int = DEFAULT_CAP, as_json: bool = False) -> None:
    if as_json:
        print_json(
            {
                "ok": False,
                "error": str(err),
                "problems": [p.as_dict() for p in err.problems],
                "notices": [n.as_dict() for n in err.notices],
            }
        )
        raise typer.Exit(1)
    print_notices(err.notices, quiet=False)
    typer.echo(f"error: {err}", err=True)
    if err.problems:
        for line in render(err.problems, cap):
            typer.echo(line, err=True)
    raise typer.Exit(1)


def progress(quiet: bool, message: str) -> AbstractContextManager:
    """A spinner on a terminal while a long step runs; nothing when output is piped."""
    if quiet or not sys.stderr.isatty():
        return nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def print_notices(items: list, quiet: bool) -> None:
    """Safe normalisations applied to the input, one line each."""
    if not quiet:
        for notice in items:
            typer.echo(f"note: {notice}", err=True)


def say(quiet: bool, message: str) -> None:
    if not quiet:
        typer.echo(message)

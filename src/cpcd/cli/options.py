"""The options that several commands share, declared once so that each reads the same."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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

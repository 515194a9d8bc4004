"""The commands that write documentation: cookbook, docs, figures and site."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cpcd.cli.options import CheckOption, ExportsOption, PackageOption, QuietOption
from cpcd.cli.output import fail, progress, say
from cpcd.common.files import replace_file
from cpcd.common.paths import COOKBOOK, DESCRIPTOR, DICTIONARY, FIGURES, ROOT, needs_checkout
from cpcd.common.problems import CpcdError
from cpcd.exports.cache import exports_dir


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
    from cpcd.docs.cookbook import refresh, stale

    try:
        if not path.exists():
            needs_checkout("cookbook", "docs/queries.md")
            raise CpcdError(f"{path}: file not found")
        con = connect(exports)
    except CpcdError as err:
        fail(err)
    text = path.read_text(encoding="utf-8")
    if check:
        questions = stale(text, con)
        if questions:
            fail(CpcdError(f"{path}: stale results for: " + "; ".join(questions)))
        say(quiet, f"{path}: every printed result is current")
        return
    replace_file(path, refresh(text, con).encode("utf-8"))
    say(quiet, f"rewrote the results in {path}")


def docs(
    check: CheckOption = False,
    path: Annotated[Path, typer.Option("--path", help="The data dictionary file.")] = DICTIONARY,
    package: PackageOption = DESCRIPTOR,
    quiet: QuietOption = False,
) -> None:
    """Write docs/data-dictionary.md from the schemas and data.

    Needs a checkout.
    """
    from cpcd.docs.dictionary import generate

    try:
        needs_checkout("docs", "docs/")
        text = generate(package)
    except CpcdError as err:
        fail(err)
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            fail(CpcdError(f"{path} is stale: run `cpcd docs`"))
        say(quiet, f"{path} is current")
        return
    replace_file(path, text.encode("utf-8"))
    say(quiet, f"wrote {path}")


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
    from cpcd.docs.figures import draw

    try:
        if out is None:
            needs_checkout("figures", "docs/figures/ (name a folder with --out)")
            out = FIGURES
        with progress(quiet, "drawing"):
            written = draw(out, exports, lambda path: say(quiet, f"  wrote {path}"))
    except CpcdError as err:
        fail(err)
    say(quiet, f"drew {len(written)} figures in {out}")


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
        fail(err)
    seconds = time.perf_counter() - start
    say(quiet, f"wrote {summary.pages} pages ({summary.files} files) to {out} in {seconds:.2f} s")


COMMANDS = {"cookbook": cookbook, "docs": docs, "figures": figures, "site": site_command}

"""``cpcd site``: a static website of the exports, every number one click from its evidence.

The site is plain files (HTML from Jinja templates, one stylesheet, one script,
copies of the exports and figures) that work from ``file://`` and any static
host. Nothing depends on the clock or on a directory listing's order, so the
same exports give the same bytes. This module only decides which pages exist.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

from cpcd.common.problems import CpcdError
from cpcd.common.swap import replaced_directory
from cpcd.site import pages, records
from cpcd.site.model import ERRATA_PAGE, SOURCES_INDEX, read_exports
from cpcd.site.render import GENERATOR, render
from cpcd.site.tables import table_page

__all__ = ["SiteSummary", "build_site"]


@dataclass(frozen=True)
class SiteSummary:
    out: Path
    pages: int
    files: int


def build_site(
    exports: Path,
    out: Path,
    changelog: Path | None = None,
    figures: Path | None = None,
) -> SiteSummary:
    """Write the site of ``exports`` into ``out``, replacing a previous site there whole.

    A directory that holds something other than a site is never replaced.
    """
    exports, out = Path(exports), Path(out)
    _check_out(out)
    site = read_exports(exports)
    files: dict[str, bytes] = {}
    assets = resources.files("cpcd") / "assets"
    for name in ("site.css", "site.js"):
        files[f"assets/{name}"] = (assets / name).read_bytes()
    downloads = pages.copy_downloads(exports, files)
    figures_shown = pages.copy_figures(figures, files)
    html = {
        "index.html": render("home.html", **pages.home(site, figures_shown)),
        "downloads.html": render("downloads.html", **pages.downloads(site, downloads)),
        "changes.html": render("changes.html", **pages.changes(site, changelog)),
        SOURCES_INDEX: render("sources.html", **records.sources_page(site)),
        ERRATA_PAGE: render("errata.html", **records.errata_page(site)),
    }
    for name in site.package.tables:
        html[f"tables/{name}.html"] = render("table.html", **table_page(site, name))
    for name in site.tables("fact"):
        for row in site.rows[name]:
            context = records.row_page(site, name, row)
            html[context["here"]] = render("row.html", **context)
    for row in site.rows.get(site.works or "", []):
        context = records.source_page(site, row)
        html[context["here"]] = render("source.html", **context)
    files.update(html)
    _write(files, out)
    return SiteSummary(out, len(html), len(files))


def _check_out(out: Path) -> None:
    """Refuse, before any work, a folder that is not a site's."""
    if out.exists():
        if not out.is_dir():
            raise CpcdError(f"{out} is a file, not a directory for the site")
        if any(out.iterdir()) and not _is_site(out):
            raise CpcdError(
                f"{out} is not empty and holds no site built by cpcd: "
                "choose an empty or new directory"
            )


def _write(files: dict[str, bytes], out: Path) -> None:
    """Write every file into a fresh directory swapped in at ``out`` (:mod:`cpcd.common.swap`)."""
    _check_out(out)  # again: the folder may have changed during the build
    with replaced_directory(out) as staging:
        for path, data in sorted(files.items()):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, 0o644)
        os.chmod(staging, 0o755)  # a static host serves the folder to everyone


class _Generator(HTMLParser):
    """The ``generator`` a page's meta element names."""

    def __init__(self) -> None:
        super().__init__()
        self.name = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        about = dict(attrs)
        if tag == "meta" and about.get("name") == "generator":
            self.name = about.get("content") or ""


def _is_site(folder: Path) -> bool:
    """A folder whose home page says cpcd made it."""
    parser = _Generator()
    try:
        parser.feed((folder / "index.html").read_text("utf-8"))
    except (OSError, UnicodeDecodeError):
        return False
    return parser.name == GENERATOR

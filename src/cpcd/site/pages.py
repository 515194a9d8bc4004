"""Contexts of the pages about the whole dataset: home, downloads and changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpcd.common import changelog
from cpcd.common.hashing import file_sha256
from cpcd.common.paths import DUCKDB_FILE
from cpcd.site.context import Link, frame
from cpcd.site.model import Site, slug
from cpcd.site.timeline import timeline


@dataclass(frozen=True)
class Download:
    path: str  # site path
    name: str  # path inside the exports
    size: int
    sha256: str


def copy_downloads(exports: Path, files: dict[str, bytes]) -> list[Download]:
    """Copy every export except the DuckDB file, which DuckDB never writes twice the same."""
    found: list[Download] = []
    for path in sorted(p for p in exports.rglob("*") if p.is_file()):
        name = path.relative_to(exports).as_posix()
        if name == DUCKDB_FILE or name.startswith("."):
            continue
        data = path.read_bytes()
        files[f"downloads/{name}"] = data
        found.append(Download(f"downloads/{name}", name, len(data), file_sha256(path)))
    return found


def copy_figures(folder: Path | None, files: dict[str, bytes]) -> list[Link]:
    """The figures' PNG files, by name; the home template says what each shows."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.png")):
        files[f"figures/{path.name}"] = path.read_bytes()
        found.append(Link(path.stem, f"figures/{path.name}"))
    return found


def home(site: Site, figures: list[Link]) -> dict[str, Any]:
    here = "index.html"
    d = site.package.descriptor
    authors = ", ".join(c.get("title", "") for c in d.get("contributors", []))
    context = frame(site, here, "China-Pakistan Cooperation Dataset")
    context.update(
        description=d.get("description", ""),
        tables=[
            (Link(t.title, f"tables/{name}.html"), len(site.rows[name]), t.description)
            for name, t in site.package.tables.items()
        ],
        total=sum(len(r) for r in site.rows.values()),
        timeline=timeline(site, here),
        figures=figures,
        citation=f"{authors} ({site.released[:4]}). {d.get('title', 'CPCD')}, "
        f"version {site.version}.",
    )
    return context


def downloads(site: Site, files: list[Download]) -> dict[str, Any]:
    context = frame(site, "downloads.html", "Downloads", [Link("Downloads")])
    context.update(
        files=files,
        duckdb_digest=site.package.descriptor.get("duckdb_content_digest", ""),
    )
    return context


def changes(site: Site, path: Path | None) -> dict[str, Any]:
    """Each release's text and the row counts it states, beside this build's."""
    log = changelog.read(path) if path else changelog.parse("")
    names = list(site.package.tables)
    releases = [
        {
            "release": r,
            "id": "v-" + slug(r.version).replace("_", "-"),
            "counts": r.counts(names),
        }
        for r in log.releases
    ]
    context = frame(site, "changes.html", "Changes", [Link("Changes")])
    context.update(
        intro=log.intro,
        releases=releases,
        tables=[(Link(name, f"tables/{name}.html"), len(site.rows[name])) for name in names],
    )
    return context

"""What the site is made from: the exported rows, the tables' roles, and every row's address.

Which table is which comes from the schemas' ``cpcd:role`` and foreign keys, never
from a table's name: a fact row gets a page, a work of the bibliography gets a
page, the entries that print a work and the errata are places on a shared page.
"""

from __future__ import annotations

import csv
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cpcd.common.problems import CpcdError
from cpcd.metadata.load import load_package
from cpcd.metadata.model import VIEW_KEY, Package, Table

TIMELINE_VIEW = "timeline"
SOURCES_INDEX = "sources/index.html"
ERRATA_PAGE = "errata.html"
Row = dict[str, str]


def read_csv(path: Path) -> list[Row]:
    """A CSV file's rows as text, exactly as exported."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Site:
    """The package, its rows as text, the timeline view's rows, and where each row lives."""

    package: Package
    rows: dict[str, list[Row]]
    timeline: list[Row]
    addresses: dict[tuple[str, str], str] = field(default_factory=dict)  # -> site path

    @property
    def version(self) -> str:
        return self.package.version

    @property
    def released(self) -> str:
        return str(self.package.descriptor.get("created", ""))[:10]

    def table(self, name: str) -> Table:
        return self.package.tables[name]

    def tables(self, role: str) -> list[str]:
        """Tables of one ``cpcd:role``, in the descriptor's order."""
        return self.package.by_role(role)

    @cached_property
    def works(self) -> str | None:
        """The bibliography table the other bibliography tables point at: one page per work."""
        bibliography = self.tables("bibliography")
        targets = {fk.resource for name in bibliography for fk in self.table(name).foreign_keys}
        return next((name for name in bibliography if name in targets), None)

    def key(self, table: str, row: Row) -> str:
        """The row's primary key as errata name it: values joined with ``|``."""
        return "|".join(row[k] for k in self.table(table).primary_key)

    @cached_property
    def _by_key(self) -> dict[str, dict[str, Row]]:
        return {t: {self.key(t, r): r for r in rows} for t, rows in self.rows.items()}

    def row(self, table: str, key: str) -> Row | None:
        return self._by_key.get(table, {}).get(key)

    def title(self, table: str, row: Row) -> str:
        """A row's readable title: its ``cpcd:titleField``, else its key."""
        name = self.table(table).title_field
        return (row.get(name) if name else "") or self.key(table, row)

    def sorted_rows(self, table: str) -> list[Row]:
        return sorted(self.rows[table], key=lambda r: self.key(table, r))


def read_exports(exports: Path) -> Site:
    """The descriptor, every table's CSV rows and the timeline view's rows."""
    descriptor = exports / "datapackage.json"
    if not descriptor.is_file():
        raise CpcdError(f"no exports found in {exports}: run `make build` (or `cpcd build`) first")
    package = load_package(descriptor)
    rows: dict[str, list[Row]] = {}
    for name, table in package.tables.items():
        if not table.path.is_file():
            raise CpcdError(f"{table.path} is missing: run `cpcd build` again")
        rows[name] = read_csv(table.path)
    view = next(
        (
            r
            for r in package.descriptor.get("resources", [])
            if r.get(VIEW_KEY) and r.get("name") == TIMELINE_VIEW
        ),
        None,
    )
    timeline = read_csv(exports / view["path"]) if view else []
    site = Site(package, rows, timeline)
    assign_addresses(site)
    return site


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-") or "row"


def assign_addresses(site: Site) -> None:
    """Give every row an address named by its key: a file for fact rows and works, else a place.

    Keys that make the same name get a number; no work is called like the folder's index.
    """
    for name in site.package.tables:
        role = site.table(name).role
        taken = {"index"}
        for row in site.sorted_rows(name):
            key = site.key(name, row)
            stem = "--".join(slug(part) for part in key.split("|"))
            candidate, n = stem, 1
            while candidate in taken:
                n += 1
                candidate = f"{stem}-{n}"
            taken.add(candidate)
            if role == "fact":
                site.addresses[(name, key)] = f"rows/{name}/{candidate}.html"
            elif name == site.works:
                site.addresses[(name, key)] = f"sources/{candidate}.html"
            elif role == "bibliography":
                site.addresses[(name, key)] = f"{SOURCES_INDEX}#{name}-{candidate}"
            elif role == "errata":
                site.addresses[(name, key)] = f"{ERRATA_PAGE}#{name}-{candidate}"


def rel(here: str, target: str) -> str:
    """``target`` (a site path, maybe with ``#fragment``) as seen from the page ``here``."""
    path, _, fragment = target.partition("#")
    link = "" if path == here else posixpath.relpath(path, posixpath.dirname(here) or ".")
    return f"{link}#{fragment}" if fragment else link

"""What every page shares: the frame's context, and a row as a template meets it.

A row is its cells, its address, its readable title and the rows its foreign
keys name (a fact row's source and printed citation), so that templates never
look anything up themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cpcd.site.cells import Cell, cells, is_web_address, references
from cpcd.site.model import Row, Site, rel

NAV = (
    ("index.html", "Home"),
    ("index.html#tables", "Tables"),
    ("sources/index.html", "Sources"),
    ("errata.html", "Errata"),
    ("changes.html", "Changes"),
    ("downloads.html", "Downloads"),
)


@dataclass(frozen=True)
class Link:
    """A title and where it leads: a page of the site, a web address, or nowhere."""

    text: str
    href: str | None = None
    external: bool = False


@dataclass(frozen=True)
class Record:
    """A row of any table, ready for a template."""

    table: str
    key: str
    title: str
    href: str | None
    cells: dict[str, Cell]
    linked: dict[str, Record]  # column -> the row that column's key names


def link(text: str, target: str | None) -> Link:
    """A link to a web address, or plain text for anything else (a ``javascript:`` address)."""
    return Link(text, target, True) if is_web_address(target) else Link(text)


def frame(site: Site, here: str, title: str, crumbs: list[Link] | None = None) -> dict[str, Any]:
    """The context of the page frame: version, navigation, licence and the paper."""
    d = site.package.descriptor
    return {
        "here": here,
        "title": title,
        "crumbs": crumbs,
        "version": site.version,
        "released": site.released,
        "nav": [Link(text, target) for target, text in NAV],
        "licences": [
            link(item.get("title") or item.get("name", ""), item.get("path"))
            for item in d.get("licenses", [])
        ],
        "origins": [link(item.get("title", ""), item.get("path")) for item in d.get("sources", [])],
    }


def record(site: Site, here: str, table: str, row: Row, depth: int = 1) -> Record:
    """A row with its cells and, ``depth`` levels deep, the rows its keys name."""
    key = site.key(table, row)
    address = site.addresses.get((table, key))
    linked: dict[str, Record] = {}
    if depth:
        for column, target in references(site.table(table)).items():
            other = site.row(target, row.get(column, ""))
            if other is not None:
                linked[column] = record(site, here, target, other, depth - 1)
    return Record(
        table=table,
        key=key,
        title=site.title(table, row),
        href=rel(here, address) if address else None,
        cells=cells(site, here, table, row),
        linked=linked,
    )


@dataclass(frozen=True)
class Erratum:
    """An erratum, the row it is about and the value that row holds now."""

    record: Record
    link: Link | None  # the row it concerns
    value: str | None  # that row's value of the concerned column, as the data holds it


def erratum(site: Site, here: str, table: str, row: Row) -> Erratum:
    """An erratum and its target, by the errata table's ``cpcd:rowReference``."""
    rec = record(site, here, table, row)
    ref = site.table(table).row_reference
    if ref is None:
        return Erratum(rec, None, None)
    target, key = row[ref.table], row[ref.key]
    concerned = site.row(target, key)
    text = site.title(target, concerned) if concerned else key
    value = concerned.get(row[ref.field]) if concerned else None
    return Erratum(rec, Link(text, site.addresses.get((target, key))), value)


def errata_about(site: Site, here: str, table: str, key: str) -> list[Erratum]:
    """Every erratum that names this row."""
    found = []
    for name in site.tables("errata"):
        ref = site.table(name).row_reference
        if ref is None:
            continue
        for row in site.sorted_rows(name):
            if row[ref.table] == table and row[ref.key] == key:
                found.append(erratum(site, here, name, row))
    return found

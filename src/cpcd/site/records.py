"""Contexts of the pages about single rows: a fact row, the sources, a work, the errata.

Which rows rest on a work is read off the foreign keys into the works table
(:attr:`Site.works`); which row an erratum concerns, off ``cpcd:rowReference``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cpcd.metadata.model import Field
from cpcd.site.cells import Cell, references
from cpcd.site.context import Link, Record, errata_about, erratum, frame, record
from cpcd.site.model import SOURCES_INDEX, Row, Site


def _work_columns(site: Site, table: str) -> list[str]:
    """The columns of ``table`` that name a work; the first names the one a row rests on."""
    return [c for c, t in references(site.table(table)).items() if t == site.works]


def _naming(site: Site, role: str, work: str) -> Iterator[tuple[str, Row, bool]]:
    """Rows of the tables of ``role`` that name ``work``: (table, row, by its first column)."""
    for name in site.tables(role):
        if name == site.works:
            continue
        columns = _work_columns(site, name)
        for row in site.sorted_rows(name):
            for column in columns:
                if row.get(column) == work:
                    yield name, row, column == columns[0]


def _primary_work(site: Site, table: str, row: Row) -> str | None:
    """The work a fact row rests on: the value of its first key into the works table."""
    columns = _work_columns(site, table)
    return row.get(columns[0]) if columns else None


def _fields(site: Site, rec: Record) -> list[tuple[Field, Cell]]:
    """Every column of a row beside its description, in the schema's order."""
    return [(f, rec.cells[f.name]) for f in site.table(rec.table).fields]


def row_page(site: Site, table: str, row: Row) -> dict[str, Any]:
    """A fact row: its lead values, its evidence, its errata and its neighbours by source."""
    key = site.key(table, row)
    here = site.addresses[(table, key)]
    rec = record(site, here, table, row)
    spec = site.table(table)
    work = _primary_work(site, table, row)
    others = [
        record(site, here, t, r, depth=0)
        for t, r, primary in (_naming(site, "fact", work) if work else ())
        if primary and not (t == table and site.key(t, r) == key)
    ]
    context = frame(site, here, rec.title, [Link(spec.title, f"tables/{table}.html"), Link(key)])
    context.update(
        table=spec,
        record=rec,
        lead=[n for n in spec.lead_fields if n in rec.cells and n != spec.title_field],
        fields=_fields(site, rec),
        errata=errata_about(site, here, table, key),
        others=others,
    )
    return context


def sources_page(site: Site) -> dict[str, Any]:
    """The printed references as printed, each with its work, and every work."""
    here = SOURCES_INDEX
    printed = [
        (site.table(name), [record(site, here, name, r) for r in site.sorted_rows(name)])
        for name in site.tables("bibliography")
        if name != site.works
    ]
    for _, entries in printed:
        entries.sort(key=lambda r: [int(p) if p.isdigit() else p for p in r.key.split("|")])
    used: dict[str, int] = {}
    works = []
    if site.works:
        for row in site.sorted_rows(site.works):
            work = site.key(site.works, row)
            used[work] = sum(1 for _ in _naming(site, "fact", work))
            works.append(record(site, here, site.works, row))
    context = frame(site, here, "Sources", [Link("Sources")])
    context.update(
        printed=printed,
        works=works,
        works_table=site.table(site.works) if site.works else None,
        used=used,
    )
    return context


def source_page(site: Site, row: Row) -> dict[str, Any]:
    """One work: where the paper prints it, the rows and errata resting on it."""
    assert site.works is not None
    work = site.key(site.works, row)
    here = site.addresses[(site.works, work)]
    rec = record(site, here, site.works, row)
    printed = [record(site, here, t, r) for t, r, _ in _naming(site, "bibliography", work)]
    resting = [
        (record(site, here, t, r, depth=0), first) for t, r, first in _naming(site, "fact", work)
    ]
    evidence = [erratum(site, here, t, r) for t, r, _ in _naming(site, "errata", work)]
    context = frame(site, here, rec.title, [Link("Sources", SOURCES_INDEX), Link(work)])
    context.update(
        record=rec,
        fields=_fields(site, rec),
        printed=printed,
        resting=resting,
        evidence=evidence,
        about=errata_about(site, here, site.works, work),
    )
    return context


def errata_page(site: Site) -> dict[str, Any]:
    """Every erratum with the row it concerns and the value that row holds now."""
    here = "errata.html"
    names = site.tables("errata")
    context = frame(site, here, "Errata and source conflicts", [Link("Errata")])
    context.update(
        errata=[erratum(site, here, name, r) for name in names for r in site.sorted_rows(name)],
        fields={f.name: f for name in names for f in site.table(name).fields},
        tables=[Link(site.table(name).title, f"tables/{name}.html") for name in names],
    )
    return context

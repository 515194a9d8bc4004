"""A value as a reader meets it: text, label, unit and where it leads, for a template to show.

Only a key of another table (its row's address) or an ``http(s)`` address
becomes a link; anything else, a ``javascript:`` address included, stays text.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from cpcd.metadata.model import Field, Table
from cpcd.site.model import Site, rel

NUMERIC = ("integer", "number")


@dataclass(frozen=True)
class Cell:
    """One value of one row, with everything the templates need to show it."""

    name: str
    value: str  # as exported
    label: str  # the enum value's label
    unit: str
    href: str | None  # relative to the page, or a web address
    external: bool
    numeric: bool

    @property
    def empty(self) -> bool:
        return self.value == ""


def is_web_address(value: str | None) -> bool:
    """True for an absolute http or https address: the only kind the site links out to."""
    if not value:
        return False
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def references(table: Table) -> dict[str, str]:
    """Single-column foreign keys: column -> the table it names a row of."""
    return {fk.fields[0]: fk.resource for fk in table.foreign_keys if len(fk.fields) == 1}


def cell(site: Site, here: str, table: Table, f: Field, value: str) -> Cell:
    """The value of field ``f`` in a row of ``table``, seen from the page ``here``."""
    href, external = None, False
    target = references(table).get(f.name)
    if value and target and (target, value) in site.addresses:
        href = rel(here, site.addresses[(target, value)])
    elif is_web_address(value):
        href, external = value, True
    return Cell(
        name=f.name,
        value=value,
        label=f.labels.get(value, "") if f.enum is not None else "",
        unit=f.unit or "",
        href=href,
        external=external,
        numeric=f.type in NUMERIC,
    )


def cells(site: Site, here: str, table: str, row: dict[str, str]) -> dict[str, Cell]:
    """Every value of a row, by column, in the schema's order."""
    spec = site.table(table)
    return {f.name: cell(site, here, spec, f, row.get(f.name, "")) for f in spec.fields}

"""``cpcd site``: a static website of the exports, every number one click from its evidence.

The site is plain files (HTML, one stylesheet, one small script, copies of the
exports and figures) that work from ``file://`` and from any static host. Pages
are built from the exported CSVs and the descriptor's inlined schemas with
plain string building; nothing depends on the clock or on the order of a
directory listing, so the same exports give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from importlib import resources
from pathlib import Path

from cpcd.metadata import Field, Package, Table, load_package
from cpcd.paths import DUCKDB_FILE
from cpcd.problems import CpcdError
from cpcd.swap import replaced_directory

GENERATOR = "cpcd site"
CODE_URL = "https://doi.org/10.55014/pij.v7i4.661"
# Tables whose rows are facts with their own evidence; each row gets a page.
EVIDENCE_FIELDS = ("source_id", "in_paper")
LONG_TEXT = 80  # characters: a column with a longer value is clipped in table views
SHORT_TEXT = 40  # characters: a column with no longer value is kept on one line
# What the bibliography says of an address, by the source's url_status.
ADDRESS_NOTES = {
    "repaired": ' <span class="note">(address repaired from the printed one)</span>',
    "unrecoverable": ' <span class="note">(the printed address cannot be repaired)</span>',
}
FIGURE_ALT = {
    "bilateral_events_timeline": (
        "Bilateral events by domain over time, one mark per event, from 1951 to today."
    ),
    "satellite_launches": (
        "Satellites China launched for Pakistan, by launch date and launch vehicle."
    ),
    "agricultural_projects": "Agricultural projects by recorded date, coloured by status.",
    "security": (
        "Attacks on Chinese targets in Pakistan by year and province, the people killed in "
        "them, and each compiler's annual count of terrorist attacks."
    ),
}


@dataclass
class Site:
    """What the pages are made from: the package, its rows, and where each row lives."""

    package: Package
    rows: dict[str, list[dict[str, str]]]
    pages: dict[tuple[str, str], str] = field(default_factory=dict)  # (table, key) -> path
    files: dict[str, bytes] = field(default_factory=dict)  # site path -> content
    by_key: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict, repr=False)

    @property
    def version(self) -> str:
        return self.package.version

    @property
    def released(self) -> str:
        return str(self.package.descriptor.get("created", ""))[:10]

    def fact_tables(self) -> list[str]:
        return [
            name
            for name, table in self.package.tables.items()
            if all(f in table.field_names for f in EVIDENCE_FIELDS)
        ]

    def key(self, table: str, row: dict[str, str]) -> str:
        """The row's primary key as errata name it: values joined with ``|``."""
        return "|".join(row[k] for k in self.package.tables[table].primary_key)

    def row(self, table: str, key: str) -> dict[str, str] | None:
        if not self.by_key:  # built on first use: the pages look rows up by key often
            self.by_key.update(
                {t: {self.key(t, r): r for r in rows} for t, rows in self.rows.items()}
            )
        return self.by_key[table].get(key)

    def add(self, path: str, text: str) -> None:
        if path in self.files:
            raise CpcdError(f"two pages of the site would be written to {path}")
        self.files[path] = text.encode("utf-8")


@dataclass(frozen=True)
class SiteSummary:
    out: Path
    pages: int
    files: int


# ---------------------------------------------------------------------------- building


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
    site = read_exports(exports)
    _assign_pages(site)
    _assets(site)
    downloads = _downloads(site, exports)
    figure_names = _figures(site, figures)
    _home(site, downloads, figure_names)
    for name in site.package.tables:
        _table_page(site, name)
    for name in site.fact_tables():
        for row in site.rows[name]:
            _row_page(site, name, row)
    _sources(site)
    _errata(site)
    _changes(site, changelog)
    _write(site.files, out)
    pages = sum(1 for p in site.files if p.endswith(".html"))
    return SiteSummary(out, pages, len(site.files))


def read_exports(exports: Path) -> Site:
    """The descriptor and every table's CSV rows as text, exactly as exported."""
    descriptor = exports / "datapackage.json"
    if not descriptor.is_file():
        raise CpcdError(f"no exports found in {exports}: run `make build` (or `cpcd build`) first")
    package = load_package(descriptor)
    rows: dict[str, list[dict[str, str]]] = {}
    for name, table in package.tables.items():
        if not table.path.is_file():
            raise CpcdError(f"{table.path} is missing: run `cpcd build` again")
        with table.path.open(encoding="utf-8", newline="") as fh:
            rows[name] = list(csv.DictReader(fh))
    return Site(package, rows)


def _write(files: dict[str, bytes], out: Path) -> None:
    """Write every file into a fresh directory swapped in at ``out`` (:mod:`cpcd.swap`)."""
    if out.exists():
        if not out.is_dir():
            raise CpcdError(f"{out} is a file, not a directory for the site")
        if any(out.iterdir()) and not _is_site(out):
            raise CpcdError(
                f"{out} is not empty and holds no site built by cpcd: "
                "choose an empty or new directory"
            )
    with replaced_directory(out) as staging:
        for path, data in sorted(files.items()):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, 0o644)
        os.chmod(staging, 0o755)  # a static host serves the folder to everyone


def _is_site(folder: Path) -> bool:
    index = folder / "index.html"
    try:
        return f'<meta name="generator" content="{GENERATOR}">' in index.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False


# ---------------------------------------------------------------------------- addresses


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-") or "row"


def _assign_pages(site: Site) -> None:
    """Give every fact row a file name from its key; composite keys become slugs."""
    for name in site.fact_tables():
        taken: set[str] = set()
        for row in sorted(site.rows[name], key=lambda r: site.key(name, r)):
            key = site.key(name, row)
            stem = "--".join(_slug(part) for part in key.split("|"))
            candidate, n = stem, 1
            while candidate in taken:
                n += 1
                candidate = f"{stem}-{n}"
            taken.add(candidate)
            site.pages[(name, key)] = f"rows/{name}/{candidate}.html"


def _rel(here: str, target: str) -> str:
    """``target`` (a site path, maybe with ``#fragment``) as seen from the page ``here``."""
    path, _, fragment = target.partition("#")
    link = "" if path == here else posixpath.relpath(path, posixpath.dirname(here) or ".")
    return f"{link}#{fragment}" if fragment else link


def _source_page(source_id: str) -> str:
    return f"sources/{source_id}.html"


def _citation_anchor(number: str) -> str:
    return f"sources/index.html#citation-{number}"


def _erratum_anchor(erratum_id: str) -> str:
    return f"errata.html#{erratum_id}"


def _row_link(site: Site, table: str, key: str) -> str | None:
    """Where a row of any table is shown: its page, or its place on a shared page."""
    if (table, key) in site.pages:
        return site.pages[(table, key)]
    if table == "sources":
        return _source_page(key)
    if table == "citations":
        return _citation_anchor(key)
    if table == "errata":
        return _erratum_anchor(key)
    return None


# ---------------------------------------------------------------------------- HTML helpers


def e(text: object) -> str:
    return escape(str(text), quote=True)


def _a(here: str, target: str, text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<a href="{e(_rel(here, target))}"{attr}>{e(text)}</a>'


def _ext(url: str, text: str | None = None) -> str:
    return f'<a href="{e(url)}" rel="external noopener">{e(text or url)}</a>'


NAV = (
    ("index.html", "Home"),
    ("index.html#tables", "Tables"),
    ("sources/index.html", "Sources"),
    ("errata.html", "Errata"),
    ("changes.html", "Changes"),
    ("index.html#downloads", "Downloads"),
)


def _page(
    site: Site, path: str, title: str, body: str, script: bool = False, lead: str = ""
) -> None:
    root = _rel(path, "index.html")
    nav = "".join(f"<li>{_a(path, target, text)}</li>" for target, text in NAV)
    css = _rel(path, "assets/site.css")
    js = f'<script src="{e(_rel(path, "assets/site.js"))}" defer></script>\n' if script else ""
    licence = _licence(site)
    site.add(
        path,
        f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{GENERATOR}">
<title>{e(title)} · CPCD {e(site.version)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{e(css)}">
{js}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="{e(root)}">CPCD <span>{e(site.version)}</span></a>
<nav aria-label="Site"><ul>{nav}</ul></nav>
</header>
<main id="main">
{lead}<h1>{e(title)}</h1>
{body}
</main>
<footer>
<p>China-Pakistan Cooperation Dataset, version {e(site.version)} of {e(site.released)}.
Data under {licence}. Source paper: {_ext(CODE_URL, "doi:10.55014/pij.v7i4.661")}.</p>
</footer>
</body>
</html>
""",
    )


def _licence(site: Site) -> str:
    items = site.package.descriptor.get("licenses", [])
    return ", ".join(
        _ext(item["path"], item.get("title") or item.get("name", ""))
        if item.get("path")
        else e(item.get("title") or item.get("name", ""))
        for item in items
    )


def _crumbs(path: str, trail: Iterable[tuple[str | None, str]]) -> str:
    parts = [_a(path, "index.html", "CPCD")]
    for target, text in trail:
        parts.append(
            _a(path, target, text) if target else f'<span aria-current="page">{e(text)}</span>'
        )
    return f'<nav class="crumbs" aria-label="Breadcrumb">{" &rsaquo; ".join(parts)}</nav>\n'


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 1024 / 1024:.1f} MiB"


def _enum_label(f: Field, value: str) -> str:
    return f.labels.get(value, "")


def _row_title(site: Site, table: str, row: dict[str, str]) -> str:
    """A short human name for a row: its title or name, else what it measures."""
    for name in ("title", "name", "satellite_name", "target"):
        if row.get(name):
            return row[name]
    if table == "project_partners":
        project = site.row("agricultural_projects", row["project_id"])
        where = project["name"] if project else row["project_id"]
        return f"{row['organisation']} in {where}"
    if "indicator" in row:
        period = "/".join(p for p in (row.get("period_start"), row.get("period_end")) if p)
        area = row.get("area_code") or ""
        text = f"{row['indicator'].replace('_', ' ')}: {row['value']} {row['unit']}"
        return " ".join(part for part in (text, area, period and f"({period})") if part)
    return site.key(table, row)


def _value_html(site: Site, here: str, table: Table, f: Field, value: str) -> str:
    """A cell as HTML: links for keys of other tables, labels for enums, units."""
    if value == "":
        return '<span class="empty">empty</span>'
    for fk in table.foreign_keys:
        if fk.fields == (f.name,):
            target = _row_link(site, fk.resource, value)
            if target:
                shown = f"[{value}]" if fk.resource == "citations" else value
                return _a(here, target, shown)
    if f.type in ("string",) and f.name in ("url", "url_as_printed") and value.startswith("http"):
        return _ext(value)
    if f.name == "doi":
        return _ext(f"https://doi.org/{value}", value)
    html = e(value)
    if f.enum is not None and _enum_label(f, value):
        html += f' <span class="label">{e(_enum_label(f, value))}</span>'
    if f.unit and f.type in ("integer", "number"):
        html += f' <span class="unit">{e(f.unit)}</span>'
    return html


def _marker(citation: dict[str, str]) -> str:
    return f"[{citation['citation_number']}]"


def _fields_section(rows: str) -> str:
    return (
        '<section><h2>Fields</h2><div class="scroll"><table class="fields">'
        f"<tbody>{rows}</tbody></table></div></section>"
    )


def _quote(text: str, cite: str = "") -> str:
    footer = f"<footer>{cite}</footer>" if cite else ""
    return f'<blockquote class="quote"><p>{e(text)}</p>{footer}</blockquote>'


# ---------------------------------------------------------------------------- assets


def _assets(site: Site) -> None:
    folder = resources.files("cpcd") / "assets"
    for name in ("site.css", "site.js"):
        site.files[f"assets/{name}"] = (folder / name).read_bytes()


@dataclass(frozen=True)
class Download:
    path: str  # site path
    name: str  # path inside the exports
    size: int
    sha256: str


def _downloads(site: Site, exports: Path) -> list[Download]:
    """Copy every export except the DuckDB file, which DuckDB never writes twice the same."""
    found: list[Download] = []
    for path in sorted(p for p in exports.rglob("*") if p.is_file()):
        name = path.relative_to(exports).as_posix()
        if name == DUCKDB_FILE or name.startswith("."):
            continue
        data = path.read_bytes()
        site.files[f"downloads/{name}"] = data
        found.append(
            Download(f"downloads/{name}", name, len(data), hashlib.sha256(data).hexdigest())
        )
    return found


def _figures(site: Site, folder: Path | None) -> list[str]:
    if folder is None or not folder.is_dir():
        return []
    names = []
    for path in sorted(folder.glob("*.png")):
        site.files[f"figures/{path.name}"] = path.read_bytes()
        names.append(path.stem)
    return names


# ---------------------------------------------------------------------------- timeline


@dataclass(frozen=True)
class Mark:
    day: date
    lane: str
    in_paper: bool
    table: str
    key: str
    label: str


def timeline_marks(site: Site) -> list[Mark]:
    """Every dated fact row, placed by its first day, in the lane of its domain."""
    marks: list[Mark] = []
    for name in site.fact_tables():
        fields = site.package.tables[name].field_names
        start = next(
            (f for f in ("date_start", "launch_date", "period_start") if f in fields), None
        )
        if start is None:
            continue
        for row in site.rows[name]:
            if not row[start]:
                continue
            marks.append(
                Mark(
                    day=date.fromisoformat(row[start]),
                    lane=_lane(name, row),
                    in_paper=row["in_paper"] == "true",
                    table=name,
                    key=site.key(name, row),
                    label=_row_title(site, name, row),
                )
            )
    return sorted(marks, key=lambda m: (m.day, m.table, m.key))


def _lane(table: str, row: dict[str, str]) -> str:
    if row.get("domain"):
        return row["domain"]
    return {
        "satellite_launches": "space",
        "agricultural_projects": "agriculture",
        "security_incidents": "security",
        "terrorism_statistics": "security",
        "context_statistics": "context figures",
    }.get(table, table)


def _lanes(site: Site, marks: list[Mark]) -> list[str]:
    """Lanes in the order the schemas list the domains, then any others by name."""
    order: list[str] = []
    for name in site.fact_tables():
        for f in site.package.tables[name].fields:
            if f.name == "domain" and f.enum:
                order.extend(v for v in f.enum if v not in order)
    used = {m.lane for m in marks}
    return [lane for lane in order if lane in used] + sorted(used - set(order))


def _timeline_svg(site: Site, here: str) -> str:
    marks = timeline_marks(site)
    if not marks:
        return "<p>No dated rows.</p>"
    lanes = _lanes(site, marks)
    first, last = marks[0].day.year, max(m.day.year for m in marks)
    first -= first % 10
    last = last - last % 10 + 10
    left, right, step, radius, pad = 132, 24, 5.0, 2.6, 7
    width = 1000
    span = (width - left - right) / (last - first)
    stacks: dict[tuple[str, int], int] = defaultdict(int)
    placed: list[tuple[Mark, float, int]] = []
    for m in marks:
        x = left + (m.day.year - first + (m.day.timetuple().tm_yday - 0.5) / 366) * span
        column = int((x - left) // (2 * radius + 0.6))
        level = stacks[(m.lane, column)]
        stacks[(m.lane, column)] += 1
        placed.append((m, x, level))
    heights = {
        lane: max(v for (ln, _), v in stacks.items() if ln == lane) * step + 2 * pad
        for lane in lanes
    }
    tops: dict[str, float] = {}
    y = 8.0
    for lane in lanes:
        tops[lane] = y
        y += heights[lane]
    axis = y + 4
    height = axis + 22
    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-labelledby="timeline-title">'
        f'<title id="timeline-title">Every dated row, {len(marks)} marks, by domain, '
        f"{first} to {last}: filled marks are stated in the paper, open marks come "
        "from the public record</title>"
    ]
    for i, lane in enumerate(lanes):
        top = tops[lane]
        shade = "lane-a" if i % 2 == 0 else "lane-b"
        parts.append(
            f'<rect class="{shade}" x="0" y="{top:.1f}" width="{width}" '
            f'height="{heights[lane]:.1f}"/>'
            f'<text class="lane" x="6" y="{top + heights[lane] / 2 + 4:.1f}">'
            f"{e(lane.replace('_', ' '))}</text>"
        )
    for year in range(first, last + 1, 10):
        x = left + (year - first) * span
        parts.append(
            f'<line class="tick" x1="{x:.1f}" y1="8" x2="{x:.1f}" y2="{axis:.1f}"/>'
            f'<text class="year" x="{x:.1f}" y="{axis + 16:.1f}">{year}</text>'
        )
    for m, x, level in placed:
        cy = tops[m.lane] + heights[m.lane] - pad - level * step
        cls = "paper" if m.in_paper else "record"
        target = site.pages[(m.table, m.key)]
        origin = "paper" if m.in_paper else "public record"
        parts.append(
            f'<a href="{e(_rel(here, target))}"><title>{e(m.day.isoformat())}: '
            f"{e(m.label)} ({origin})</title>"
            f'<circle class="mark {cls}" cx="{x:.1f}" cy="{cy:.1f}" r="{radius}"/></a>'
        )
    parts.append("</svg>")
    legend = (
        '<p class="legend"><svg width="12" height="12" aria-hidden="true">'
        '<circle class="mark paper" cx="6" cy="6" r="4"/></svg> stated in the paper '
        '<svg width="12" height="12" aria-hidden="true">'
        '<circle class="mark record" cx="6" cy="6" r="4"/></svg> from the public record'
        f" · {len(marks)} dated rows; each mark links to its row.</p>"
    )
    return f'<div class="scroll">{"".join(parts)}</div>\n{legend}'


# ---------------------------------------------------------------------------- home


def _citation_text(site: Site) -> str:
    d = site.package.descriptor
    authors = ", ".join(c.get("title", "") for c in d.get("contributors", []))
    year = site.released[:4]
    return f"{authors} ({year}). {d.get('title', 'CPCD')}, version {site.version}."


def _home(site: Site, downloads: list[Download], figures: list[str]) -> None:
    here = "index.html"
    d = site.package.descriptor
    counts = "".join(
        f"<tr><td>{_a(here, f'tables/{name}.html', table.title)}</td>"
        f'<td class="num">{len(site.rows[name])}</td><td>{e(table.description)}</td></tr>'
        for name, table in site.package.tables.items()
    )
    total = sum(len(r) for r in site.rows.values())
    alts = {name: FIGURE_ALT.get(name) or _figure_alt(name) for name in figures}
    figs = "".join(
        f'<figure><img src="figures/{e(name)}.png" alt="{e(alt)}">'
        f"<figcaption>{e(alt)}</figcaption></figure>"
        for name, alt in alts.items()
    )
    figure_section = (
        f'<section id="figures"><h2>Figures</h2><div class="figures">{figs}</div></section>'
        if figs
        else ""
    )
    sources = "".join(
        f"<li>{_ext(s['path'], s.get('title')) if s.get('path') else e(s.get('title', ''))}</li>"
        for s in d.get("sources", [])
    )
    files = "".join(
        f'<tr><td>{_a(here, item.path, item.name)}</td><td class="num">{e(_size(item.size))}</td>'
        f'<td class="num">{item.size}</td><td><code class="hash">{item.sha256}</code></td></tr>'
        for item in downloads
    )
    digest = d.get("duckdb_content_digest", "")
    duckdb_note = (
        f"<p>The DuckDB file is not copied here: DuckDB does not write the same bytes twice, "
        f"so <code>cpcd build</code> recreates it from these files. Its content digest is "
        f'<code class="hash">{e(digest)}</code>.</p>'
        if digest
        else ""
    )
    body = f"""<p class="lead">{e(d.get("description", ""))}</p>
<p>Every row says where it comes from: the paper's section, numbered reference and
words, or an outside source and its words. The paper's mistakes are kept as
{_a(here, "errata.html", "errata")}, never silently edited.</p>
<p class="version">Version <strong>{e(site.version)}</strong> of
<time datetime="{e(site.released)}">{e(site.released)}</time> ·
{total} rows in {len(site.package.tables)} tables ·
{_a(here, "changes.html", "what changed")}</p>
<section id="timeline"><h2>Timeline</h2>
<p>Every dated row of the fact tables by domain, placed at the first day its date can
denote. Hover or focus a mark for its date and title; select it for its evidence.</p>
{_timeline_svg(site, here)}</section>
<section id="tables"><h2>Tables</h2>
<div class="scroll"><table class="counts overview"><thead><tr><th scope="col">table</th>
<th scope="col" class="num">rows</th><th scope="col">one row is</th></tr></thead>
<tbody>{counts}</tbody></table></div></section>
{figure_section}
<section id="cite"><h2>How to cite</h2>
<p>Cite the dataset and the paper it is built from:</p>
<blockquote class="cite"><p>{e(_citation_text(site))}</p></blockquote>
<ul>{sources}</ul>
<p>The repository's <code>CITATION.cff</code> holds the same in machine-readable form.</p>
</section>
<section id="licence"><h2>Licence</h2>
<p>The data are under {_licence(site)}: share and adapt them, with credit.</p></section>
<section id="downloads"><h2>Downloads</h2>
<p>The exported files of this version, with their sizes and SHA-256 digests
(<code>SHA256SUMS</code> lists the same digests for checking with
<code>sha256sum -c</code>).</p>
<div class="scroll"><table class="downloads"><thead><tr><th scope="col">file</th>
<th scope="col" class="num">size</th><th scope="col" class="num">bytes</th>
<th scope="col">sha256</th></tr></thead><tbody>{files}</tbody></table></div>
{duckdb_note}</section>"""
    _page(site, here, "China-Pakistan Cooperation Dataset", body)


def _figure_alt(name: str) -> str:
    return f"Figure: {name.replace('_', ' ')}."


# ---------------------------------------------------------------------------- table pages


def _is_long(rows: list[dict[str, str]], name: str) -> bool:
    return any(len(r[name]) > LONG_TEXT for r in rows)


def _field_doc(f: Field) -> str:
    bits = [f'<dt id="col-{e(f.name)}"><code>{e(f.name)}</code> <span class="type">{e(f.type)}']
    if f.unit:
        bits.append(f", unit: {e(f.unit)}")
    bits.append("</span></dt>")
    bits.append(f"<dd><p>{e(f.description)}</p>")
    if f.enum:
        items = "".join(f"<li><code>{e(v)}</code>: {e(f.labels.get(v, ''))}</li>" for v in f.enum)
        bits.append(f'<ul class="enum">{items}</ul>')
    bits.append("</dd>")
    return "".join(bits)


def _table_page(site: Site, name: str) -> None:
    here = f"tables/{name}.html"
    table = site.package.tables[name]
    rows = sorted(site.rows[name], key=lambda r: site.key(name, r))
    fields = table.fields
    index = {f.name: i for i, f in enumerate(fields)}
    heads = []
    for f in fields:
        tip = f.description + (f" Unit: {f.unit}." if f.unit else "")
        kind = "num" if f.type in ("integer", "number") else "text"
        unit = f'<span class="unit">{e(f.unit)}</span>' if f.unit else ""
        heads.append(
            f'<th scope="col" data-type="{kind}" title="{e(tip)}">'
            f'<button type="button">{e(f.name)}</button>{unit}'
            f'<a class="about" href="#col-{e(f.name)}" aria-label="About {e(f.name)}">?</a></th>'
        )
    long = {f.name for f in fields if _is_long(rows, f.name)}
    short = {f.name for f in fields if all(len(r[f.name]) <= SHORT_TEXT for r in rows)}
    body_rows = []
    for row in rows:
        key = site.key(name, row)
        link = _row_link(site, name, key)
        cells = []
        for i, f in enumerate(fields):
            value = row[f.name]
            if i == 0 and link:
                html = _a(here, link, value)
            elif value and any(fk.fields == (f.name,) for fk in table.foreign_keys):
                html = _value_html(site, here, table, f, value)
            else:
                html = e(value)
            classes = ["num"] if f.type in ("integer", "number") else []
            if f.name in short:
                classes.append("nowrap")
            cls = f' class="{" ".join(classes)}"' if classes else ""
            if f.name in long:
                html = f'<div class="clip">{html}</div>'
            cells.append(f"<td{cls}>{html}</td>")
        body_rows.append(f"<tr>{''.join(cells)}</tr>")
    filters = [
        '<label>Search <input type="search" id="filter-text" autocomplete="off" '
        'placeholder="any text"></label>'
    ]
    for f in sorted(fields, key=lambda f: f.name != "in_paper"):  # the paper toggle first
        if f.type == "boolean" and f.name == "in_paper":
            filters.append(
                f'<label>Stated in the paper <select data-column="{index[f.name]}" '
                f'id="filter-{f.name}"><option value="">all rows</option>'
                '<option value="true">yes (paper)</option>'
                '<option value="false">no (public record)</option></select></label>'
            )
        elif f.enum:
            present = [v for v in f.enum if any(r[f.name] == v for r in rows)]
            if len(present) < 2:
                continue
            options = "".join(f'<option value="{e(v)}">{e(v)}</option>' for v in present)
            filters.append(
                f'<label>{e(f.name)} <select data-column="{index[f.name]}" '
                f'id="filter-{f.name}"><option value="">all</option>{options}</select></label>'
            )
    downloads = (
        f"Download: {_a(here, f'downloads/csv/{name}.csv', 'CSV')} · "
        f"{_a(here, f'downloads/parquet/{name}.parquet', 'Parquet')}"
    )
    docs = "".join(_field_doc(f) for f in fields)
    body = f"""<p class="lead">{e(table.description)}</p>
<p>{len(rows)} rows · primary key <code>{e(", ".join(table.primary_key))}</code> · {downloads}</p>
<details class="columns"><summary>Columns: descriptions, units and values</summary>
<dl>{docs}</dl></details>
<form class="filters" id="filters" role="search" aria-label="Filter rows" hidden>
{"".join(filters)}
<p class="count" id="row-count" aria-live="polite">{len(rows)} of {len(rows)} rows</p>
</form>
<p class="hint">Select a column name to sort by it; select a row's first cell for its page.</p>
<div class="scroll"><table class="data" id="rows">
<caption class="visually-hidden">{e(table.title)}: every row</caption>
<thead><tr>{"".join(heads)}</tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody></table></div>"""
    lead = _crumbs(here, [(None, table.title)])
    _page(site, here, table.title, body, script=True, lead=lead)


# ---------------------------------------------------------------------------- row pages


def _errata_about(site: Site, table: str, key: str) -> list[dict[str, str]]:
    return sorted(
        (r for r in site.rows.get("errata", []) if r["table_name"] == table and r["row_id"] == key),
        key=lambda r: r["erratum_id"],
    )


def _rows_citing(site: Site, source_id: str) -> list[tuple[str, dict[str, str], str]]:
    """Every fact row resting on a source, as (table, row, role)."""
    found = []
    for name in site.fact_tables():
        for row in sorted(site.rows[name], key=lambda r: site.key(name, r)):
            if row.get("source_id") == source_id:
                found.append((name, row, "source"))
            elif row.get("supplement_source_id") == source_id:
                found.append((name, row, "supplement"))
    return found


def _source_summary(site: Site, here: str, source_id: str) -> str:
    source = site.row("sources", source_id)
    if source is None:
        return e(source_id)
    bits = [_a(here, _source_page(source_id), source["title"] or source_id)]
    extra = ", ".join(e(x) for x in (source["publisher"], source["issued"]) if x)
    if extra:
        bits.append(f" ({extra})")
    if source["url"]:
        bits.append(f'<br><span class="address">{_ext(source["url"])}</span>')
    return "".join(bits)


def _erratum_item(site: Site, here: str, r: dict[str, str]) -> str:
    kind = r["erratum_type"].replace("_", " ")
    return (
        f"<li>{_a(here, _erratum_anchor(r['erratum_id']), r['erratum_id'])}: "
        f"<code>{e(r['field'])}</code>, paper {e(r['paper_value'] or 'empty')}, "
        f"other value {e(r['corrected_value'] or 'empty')} ({e(r['status'])} {e(kind)})"
        f"<br>{e(r['explanation'])}</li>"
    )


def _row_page(site: Site, name: str, row: dict[str, str]) -> None:
    table = site.package.tables[name]
    key = site.key(name, row)
    here = site.pages[(name, key)]
    title = _row_title(site, name, row)
    in_paper = row["in_paper"] == "true"
    evidence = [f"<dt>Source</dt><dd>{_source_summary(site, here, row['source_id'])}</dd>"]
    if in_paper:
        number = row.get("citation_number", "")
        citation = site.row("citations", number) if number else None
        if citation:
            marker = _a(here, _citation_anchor(number), f"[{number}]")
            evidence.append(
                f"<dt>Citation as printed</dt><dd>{marker} "
                f'<span class="printed">{e(citation["text_as_printed"])}</span></dd>'
            )
        else:
            evidence.append("<dt>Citation</dt><dd>The paper gives no numbered reference here.</dd>")
        if row.get("paper_section"):
            evidence.append(f"<dt>Paper section</dt><dd>{e(row['paper_section'])}</dd>")
        if row.get("paper_quote"):
            evidence.append(f"<dt>Paper quote</dt><dd>{_quote(row['paper_quote'])}</dd>")
    if row.get("source_quote"):
        evidence.append(f"<dt>Source quote</dt><dd>{_quote(row['source_quote'])}</dd>")
    if row.get("supplement_source_id"):
        evidence.append(
            f"<dt>Supplement source</dt>"
            f"<dd>{_source_summary(site, here, row['supplement_source_id'])}</dd>"
        )
    fields = "".join(
        f'<tr><th scope="row"><code>{e(f.name)}</code>'
        f'<span class="desc">{e(f.description)}</span></th>'
        f"<td>{_value_html(site, here, table, f, row[f.name])}</td></tr>"
        for f in table.fields
    )
    errata = _errata_about(site, name, key)
    errata_html = (
        f'<ul class="errata">{"".join(_erratum_item(site, here, r) for r in errata)}</ul>'
        if errata
        else "<p>None recorded.</p>"
    )
    others = [
        (t, r)
        for t, r, _ in _rows_citing(site, row["source_id"])
        if not (t == name and site.key(t, r) == key)
    ]
    others_html = (
        '<ul class="rows">'
        + "".join(
            f"<li>{_a(here, site.pages[(t, site.key(t, r))], _row_title(site, t, r))} "
            f'<span class="table-name">{e(t)}</span></li>'
            for t, r in others
        )
        + "</ul>"
        if others
        else "<p>None.</p>"
    )
    origin = "Stated in the paper" if in_paper else "From the public record (not in the paper)"
    body = f"""<p class="origin {"paper" if in_paper else "record"}">{e(origin)} ·
<code>{e(name)}</code> · key <code>{e(key)}</code></p>
<section><h2>Evidence</h2><dl class="evidence">{"".join(evidence)}</dl></section>
<section><h2>Errata and source conflicts</h2>{errata_html}</section>
{_fields_section(fields)}
<section><h2>Other rows from the same source</h2>{others_html}</section>"""
    lead = _crumbs(here, [(f"tables/{name}.html", table.title), (None, key)])
    _page(site, here, title, body, lead=lead)


# ---------------------------------------------------------------------------- sources


def _sources(site: Site) -> None:
    here = "sources/index.html"
    sources = sorted(site.rows["sources"], key=lambda r: r["source_id"])
    citations = sorted(site.rows.get("citations", []), key=lambda r: int(r["citation_number"]))
    used: dict[str, int] = defaultdict(int)
    for name in site.fact_tables():
        for row in site.rows[name]:
            used[row["source_id"]] += 1
            if row.get("supplement_source_id"):
                used[row["supplement_source_id"]] += 1
    status = {s["source_id"]: s.get("url_status", "") for s in sources}
    items = "".join(
        f'<li id="citation-{c["citation_number"]}" value="{c["citation_number"]}">'
        f'<span class="printed">{e(c["text_as_printed"])}</span><br>'
        f"→ {_source_summary(site, here, c['source_id'])}"
        f"{ADDRESS_NOTES.get(status.get(c['source_id'], ''), '')}</li>"
        for c in citations
    )
    rows = "".join(
        f"<tr><td>{_a(here, _source_page(s['source_id']), s['source_id'])}</td>"
        f"<td>{e(s['title'])}</td><td>{e(s['publisher'])}</td><td>{e(s['issued'])}</td>"
        f'<td class="num">{used.get(s["source_id"], 0)}</td></tr>'
        for s in sources
    )
    body = f"""<p class="lead">The paper's {len(citations)} numbered references as printed,
each with the work it names (repaired address where the printed one was broken), and all
{len(sources)} sources: the paper, the works it cites and the outside sources of the
public-record rows and the errata.</p>
<section id="bibliography"><h2>The paper's references, as printed</h2>
<ol class="bibliography">{items}</ol></section>
<section id="all-sources"><h2>All sources</h2>
<div class="scroll"><table class="data"><thead><tr><th scope="col">source</th>
<th scope="col">title</th><th scope="col">publisher</th><th scope="col">issued</th>
<th scope="col" class="num">rows</th></tr></thead><tbody>{rows}</tbody></table></div></section>"""
    _page(site, here, "Sources", body, lead=_crumbs(here, [(None, "Sources")]))
    table = site.package.tables["sources"]
    for s in sources:
        _source_detail(site, table, s, citations)


def _source_detail(
    site: Site, table: Table, s: dict[str, str], citations: list[dict[str, str]]
) -> None:
    source_id = s["source_id"]
    here = _source_page(source_id)
    fields = "".join(
        f'<tr><th scope="row"><code>{e(f.name)}</code>'
        f'<span class="desc">{e(f.description)}</span></th>'
        f"<td>{_value_html(site, here, table, f, s[f.name])}</td></tr>"
        for f in table.fields
    )
    cited = [c for c in citations if c["source_id"] == source_id]
    cited_html = (
        "<ul>"
        + "".join(
            f"<li>{_a(here, _citation_anchor(c['citation_number']), _marker(c))} "
            f'<span class="printed">{e(c["text_as_printed"])}</span></li>'
            for c in cited
        )
        + "</ul>"
        if cited
        else "<p>Not a numbered reference of the paper.</p>"
    )
    rows = _rows_citing(site, source_id)
    rows_html = (
        '<ul class="rows">'
        + "".join(
            f"<li>{_a(here, site.pages[(t, site.key(t, r))], _row_title(site, t, r))} "
            f'<span class="table-name">{e(t)}{", supplement" if role == "supplement" else ""}'
            "</span></li>"
            for t, r, role in rows
        )
        + "</ul>"
        if rows
        else "<p>No fact row rests on it.</p>"
    )
    evidence = sorted(
        (r for r in site.rows.get("errata", []) if r["evidence_source_id"] == source_id),
        key=lambda r: r["erratum_id"],
    )
    errata_html = (
        f'<ul class="errata">{"".join(_erratum_item(site, here, r) for r in evidence)}</ul>'
        if evidence
        else "<p>None.</p>"
    )
    about = _errata_about(site, "sources", source_id)
    about_html = (
        f'<section><h2>Errata about this source</h2><ul class="errata">'
        f"{''.join(_erratum_item(site, here, r) for r in about)}</ul></section>"
        if about
        else ""
    )
    address = f'<p class="address">{_ext(s["url"])}</p>' if s["url"] else "<p>No address.</p>"
    body = f"""{address}
<section><h2>In the paper's references</h2>{cited_html}</section>
<section><h2>Rows resting on it</h2>{rows_html}</section>
<section><h2>Errata it is evidence for</h2>{errata_html}</section>
{about_html}
{_fields_section(fields)}"""
    lead = _crumbs(here, [("sources/index.html", "Sources"), (None, source_id)])
    _page(site, here, s["title"] or source_id, body, lead=lead)


# ---------------------------------------------------------------------------- errata


def _errata(site: Site) -> None:
    here = "errata.html"
    table = site.package.tables["errata"]
    by_name = {f.name: f for f in table.fields}
    rows = sorted(site.rows.get("errata", []), key=lambda r: r["erratum_id"])
    sections = []
    for kind in by_name["erratum_type"].enum or ():
        group = [r for r in rows if r["erratum_type"] == kind]
        if not group:
            continue
        articles = []
        for r in group:
            target = _row_link(site, r["table_name"], r["row_id"])
            concerned = _a(here, target, r["row_id"]) if target else e(r["row_id"])
            status = by_name["status"].labels.get(r["status"], "")
            articles.append(
                f'<article class="erratum" id="{e(r["erratum_id"])}">'
                f'<h3><a class="self" href="#{e(r["erratum_id"])}">{e(r["erratum_id"])}</a></h3>'
                f"<dl><dt>Row</dt><dd><code>{e(r['table_name'])}</code> {concerned}, "
                f"field <code>{e(r['field'])}</code></dd>"
                f"<dt>The paper</dt><dd>{e(r['paper_value'] or 'empty')}</dd>"
                f"<dt>Corrected or other value</dt><dd>{e(r['corrected_value'] or 'empty')}</dd>"
                f"<dt>Status</dt><dd>{e(r['status'])}: {e(status)}</dd>"
                f"<dt>Explanation</dt><dd>{e(r['explanation'])}</dd>"
                f"<dt>Evidence</dt><dd>{_source_summary(site, here, r['evidence_source_id'])}</dd>"
                + (
                    f"<dt>Paper section</dt><dd>{e(r['paper_section'])}</dd>"
                    if r["paper_section"]
                    else ""
                )
                + "</dl></article>"
            )
        label = by_name["erratum_type"].labels.get(kind, "")
        sections.append(
            f'<section id="type-{e(kind)}"><h2>{e(kind.replace("_", " "))} ({len(group)})</h2>'
            f"<p>{e(label)}</p>{''.join(articles)}</section>"
        )
    toc = "".join(
        f'<li><a href="#type-{e(k)}">{e(k.replace("_", " "))}</a>: '
        f"{sum(1 for r in rows if r['erratum_type'] == k)}</li>"
        for k in by_name["erratum_type"].enum or ()
    )
    body = f"""<p class="lead">{e(table.description)}</p>
<p>{len(rows)} errata. Each has its own address (this page, <code>#</code> and its id).
The {_a(here, "tables/errata.html", "errata table")} can be sorted and filtered.</p>
<ul>{toc}</ul>
{"".join(sections)}"""
    _page(site, here, "Errata and conflicts", body, lead=_crumbs(here, [(None, "Errata")]))


# ---------------------------------------------------------------------------- changes


def _inline(text: str) -> str:
    """Markdown spans the changelog uses: code, links, strong and emphasis."""
    out = []
    for part in re.split(r"(`[^`]+`)", text):
        if len(part) > 1 and part.startswith("`") and part.endswith("`"):
            out.append(f"<code>{escape(part[1:-1], quote=False)}</code>")
            continue
        html = escape(part, quote=False)

        def link(m: re.Match[str]) -> str:
            label, url = m.group(1), m.group(2)
            if re.match(r"https?://", url):
                return f'<a href="{escape(url)}" rel="external noopener">{label}</a>'
            return label  # a repository path: no address on the site

        html = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", link, html)
        html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
        html = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", r"<em>\1</em>", html)
        out.append(html)
    return "".join(out)


def markdown(text: str, shift: int = 1) -> str:
    """Headings, paragraphs and one level of lists: all the changelog needs.

    Headings are moved down ``shift`` levels so the page keeps a single ``h1``.
    """
    blocks: list[str] = []
    para: list[str] = []
    anchors: set[str] = set()
    items: list[list[str]] = []

    def flush() -> None:
        if para:
            blocks.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()
        if items:
            lis = "".join(f"<li>{_inline(' '.join(item))}</li>" for item in items)
            blocks.append(f"<ul>{lis}</ul>")
            items.clear()

    for line in text.splitlines():
        stripped = line.strip()
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        if heading:
            flush()
            level = min(len(heading.group(1)) + shift, 6)
            title = heading.group(2).strip()
            anchor = base = _slug(re.sub(r"[\[\]]", "", title)).replace("_", "-")
            n = 1
            while anchor in anchors:  # a heading repeated under each version
                n += 1
                anchor = f"{base}-{n}"
            anchors.add(anchor)
            blocks.append(f'<h{level} id="{e(anchor)}">{_inline(title)}</h{level}>')
        elif not stripped:
            flush()
        elif re.match(r"[-*]\s+", stripped) and not line.startswith("  "):
            if para:
                flush()
            items.append([re.sub(r"^[-*]\s+", "", stripped)])
        elif items and line.startswith(" "):
            items[-1].append(stripped)
        else:
            if items:
                flush()
            para.append(stripped)
    flush()
    return "\n".join(blocks)


def changelog_counts(text: str, tables: Iterable[str]) -> dict[str, dict[str, int]]:
    """Row counts each version's entry states, as ``76 `bilateral_events```."""
    names = set(tables)
    counts: dict[str, dict[str, int]] = {}
    version = None
    for line in text.splitlines():
        heading = re.match(r"##\s+\[([^\]]+)\]", line)
        if heading:
            version = heading.group(1)
            counts[version] = {}
            continue
        if version is None:
            continue
        for number, name in re.findall(r"(\d+)\s+`([a-z_]+)`", line):
            if name in names and name not in counts[version]:
                counts[version][name] = int(number)
    return counts


def _versions(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^##\s+\[([^\]]+)\](?:\s+-\s+(\S+))?", text, flags=re.MULTILINE)


def _changes(site: Site, changelog: Path | None) -> None:
    here = "changes.html"
    text = changelog.read_text(encoding="utf-8") if changelog and changelog.is_file() else ""
    names = list(site.package.tables)
    stated = changelog_counts(text, names)
    versions = [v for v, _ in _versions(text)]
    heads = "".join(f'<th scope="col" class="num">{e(v)}</th>' for v in versions)
    lines = "".join(
        f'<tr><th scope="row">{_a(here, f"tables/{n}.html", n)}</th>'
        f'<td class="num"><strong>{len(site.rows[n])}</strong></td>'
        + "".join(f'<td class="num">{stated.get(v, {}).get(n, "")}</td>' for v in versions)
        + "</tr>"
        for n in names
    )
    dates = "".join(
        f'<li><a href="#{e(_slug(v + (" - " + d if d else "")).replace("_", "-"))}">'
        f"{e(v)}</a>{' of ' + e(d) if d else ''}</li>"
        for v, d in _versions(text)
    )
    body = f"""<p class="lead">What changed in each version, from the changelog, and the
rows each table holds in this build ({e(site.version)}).</p>
<section id="counts"><h2>Rows per table</h2>
<p>This build's counts, and the counts each version's changelog entry states
(blank where an entry states none).</p>
<div class="scroll"><table class="counts"><thead><tr><th scope="col">table</th>
<th scope="col" class="num">this build</th>{heads}</tr></thead><tbody>{lines}</tbody></table></div>
</section>
<section id="versions"><h2>Versions</h2><ul>{dates}</ul></section>
<section id="log">
{markdown(text, shift=1) if text else "<p>No changelog was found.</p>"}</section>"""
    _page(site, here, "Changes", body, lead=_crumbs(here, [(None, "Changes")]))

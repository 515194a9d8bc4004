"""The static site: every row has an address, every link resolves, and it works in a browser.

Expected counts come from the exported CSVs read here with the csv module, not
from the site code. The browser tests drive the system Chromium through
Playwright and skip, saying why, only when it is not installed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import FACT_TABLES, ROOT, TABLES

from cpcd.site import build_site, changelog_counts, markdown

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Columns holding the first day a fact row's date can denote, where the table has one.
DATE_COLUMNS = ("date_start", "launch_date", "period_start")


def csv_rows(exports: Path, table: str) -> list[dict[str, str]]:
    with (exports / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def primary_key(exports: Path, table: str) -> list[str]:
    descriptor = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    return resource["schema"]["primaryKey"]


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def site(exports, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    start = time.perf_counter()
    build_site(exports, out, ROOT / "CHANGELOG.md", ROOT / "docs" / "figures")
    seconds = time.perf_counter() - start
    assert seconds < 10, f"the site took {seconds:.1f} s to build"
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


# ---------------------------------------------------------------------------- files


def test_two_builds_are_byte_identical(site, exports, tmp_path):
    again = tmp_path / "again"
    build_site(exports, again, ROOT / "CHANGELOG.md", ROOT / "docs" / "figures")
    first, second = tree_hashes(site), tree_hashes(again)
    assert first == second
    assert len(first) > 500  # hundreds of row and source pages, not an empty folder


def test_every_fact_row_source_and_erratum_has_an_address(site, pages, exports):
    for table in FACT_TABLES:
        rows = csv_rows(exports, table)
        key = primary_key(exports, table)
        expected = {"|".join(r[k] for k in key) for r in rows}
        folder = site / "rows" / table
        files = sorted(folder.glob("*.html"))
        assert len(files) == len(rows), table
        # Each row page states its key once; together they are every key, once each.
        shown = [
            unescape(re.search(r"key <code>(.*?)</code>", f.read_text("utf-8")).group(1))
            for f in files
        ]
        assert sorted(shown) == sorted(expected), table
    for source in csv_rows(exports, "sources"):
        assert f"sources/{source['source_id']}.html" in pages, source["source_id"]
    errata = csv_rows(exports, "errata")
    ids = re.findall(r'<article class="erratum" id="([^"]+)"', pages["errata.html"])
    assert sorted(ids) == sorted(r["erratum_id"] for r in errata)
    bibliography = pages["sources/index.html"]
    for citation in csv_rows(exports, "citations"):
        assert f'id="citation-{citation["citation_number"]}"' in bibliography


def test_downloads_are_the_exports_with_their_hashes(site, pages, exports):
    home = pages["index.html"]
    for path in sorted(p for p in exports.rglob("*") if p.is_file()):
        name = path.relative_to(exports).as_posix()
        if name == "cpcd.duckdb":  # DuckDB never writes the same bytes twice: left out
            assert not (site / "downloads" / name).exists()
            continue
        copy = site / "downloads" / name
        assert copy.read_bytes() == path.read_bytes(), name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in home, name
        assert f">{path.stat().st_size}<" in home, name


class Links(HTMLParser):
    """Every address a page uses, the ids it defines, and what accessibility needs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.repeated_ids: list[str] = []
        self.lang = ""
        self.title = ""
        self.h1 = 0
        self.unlabelled: list[str] = []
        self.no_alt: list[str] = []
        self._in_title = False
        self._labels = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.ids:
                self.repeated_ids.append(a["id"])
            self.ids.add(a["id"])
        for name in ("href", "src"):
            if a.get(name) is not None:
                self.urls.append((tag, a[name]))
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self._labels += 1
        elif tag in ("input", "select", "textarea"):
            if not self._labels and not a.get("aria-label"):
                self.unlabelled.append(a.get("id", tag))
        elif tag == "img" and not (a.get("alt") or "").strip():
            self.no_alt.append(a.get("src", ""))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "label":
            self._labels -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def parsed(pages) -> dict[str, Links]:
    found = {}
    for path, text in pages.items():
        parser = Links()
        parser.feed(text)
        found[path] = parser
    return found


def test_every_relative_link_and_asset_resolves(site, parsed):
    checked = 0
    for path, page in parsed.items():
        for tag, url in page.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https"):
                # Only links may leave the site: no script, style or image from another host.
                assert tag == "a", (path, tag, url)
                continue
            if parts.scheme == "data":
                continue
            assert not parts.scheme and not parts.netloc, (path, url)
            target = (site / path).parent / unquote(parts.path) if parts.path else site / path
            target = target.resolve()
            assert target.is_file(), (path, url)
            assert site.resolve() in target.parents, (path, url)
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target.relative_to(site.resolve()).as_posix()].ids
                assert parts.fragment in ids, (path, url)
            checked += 1
    assert checked > 5000  # every page links home, its table, its sources: thousands


def test_pages_have_language_title_heading_labels_alt_text_and_unique_ids(parsed):
    for path, page in parsed.items():
        assert page.lang == "en", path
        assert page.title.strip(), path
        assert page.h1 == 1, path
        assert page.unlabelled == [], path
        assert page.no_alt == [], path
        assert page.repeated_ids == [], path
    figures = [url for tag, url in parsed["index.html"].urls if tag == "img"]
    assert len(figures) == len(list((ROOT / "docs" / "figures").glob("*.png")))


def test_changelog_is_rendered_with_each_versions_counts(pages):
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[([^\]]+)\]", text, flags=re.MULTILINE)
    page = pages["changes.html"]
    for version in versions:
        assert f">{version}</th>" in page
    counts = changelog_counts(text, ["bilateral_events", "security_incidents", "errata"])
    # Read off CHANGELOG.md: "35 `bilateral_events`", "8 `security_incidents`" and
    # "20 `errata`" under 0.1.0; "40 `security_incidents`" under 0.2.0.
    assert counts["0.1.0"] == {"bilateral_events": 35, "security_incidents": 8, "errata": 20}
    assert counts["0.2.0"]["security_incidents"] == 40
    assert "<li>" in page and "<h2" in page and "<code>cpcd verify</code>" in page


def test_markdown_covers_what_the_changelog_uses():
    html = markdown(
        "# Title\n\n## [1.0] - 2026\n### Data\n- one `a_b` item\n  continued, **strong**\n"
        "- [a link](https://example.org) and [a path](docs/x.md)\n\nA paragraph *here*.\n"
        "### Data\n"
    )
    assert '<h2 id="title">Title</h2>' in html
    assert '<h3 id="1-0-2026">[1.0] - 2026</h3>' in html
    assert "<li>one <code>a_b</code> item continued, <strong>strong</strong></li>" in html
    assert '<a href="https://example.org" rel="external noopener">a link</a> and a path' in html
    assert "<p>A paragraph <em>here</em>.</p>" in html
    assert 'id="data"' in html and 'id="data-2"' in html  # repeated headings stay unique


# ---------------------------------------------------------------------------- command line


def cpcd_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cpcd", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )


def test_missing_exports_and_a_foreign_folder_are_clear_errors(tmp_path, exports):
    done = cpcd_cli("site", "--exports", str(tmp_path / "nowhere"), "--out", str(tmp_path / "s"))
    assert done.returncode == 1
    assert "no exports found" in done.stderr and "Traceback" not in done.stderr
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    done = cpcd_cli("site", "--exports", str(exports), "--out", str(foreign))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "holds no site" in done.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_rebuild_replaces_the_previous_site(tmp_path, exports):
    out = tmp_path / "site"
    assert cpcd_cli("site", "--exports", str(exports), "--out", str(out)).returncode == 0
    stale = out / "rows" / "stale.html"
    stale.write_text("old", encoding="utf-8")
    done = cpcd_cli("site", "--exports", str(exports), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert not stale.exists() and (out / "index.html").exists()


# ---------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed: the browser tests need Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda err: problems.append(str(err)))
    opened.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    opened.problems = problems
    yield opened
    context.close()


def url(site: Path, path: str) -> str:
    return (site / path).as_uri()


def test_pages_load_without_console_errors(page, site, exports):
    # Every page that is not a row or source page, one row page per fact table and
    # the page of the first source.
    sample = [*sorted(site.glob("*.html")), *sorted(site.glob("tables/*.html"))]
    sample += [site / "sources" / "index.html"]
    sample += [sorted((site / "rows" / t).glob("*.html"))[0] for t in FACT_TABLES]
    sample += [site / "sources" / f"{csv_rows(exports, 'sources')[0]['source_id']}.html"]
    # Home, errata and changes; a page per table; the bibliography; rows; one source.
    assert len(sample) == 3 + len(TABLES) + 1 + len(FACT_TABLES) + 1
    for path in sample:
        page.goto(path.as_uri())
        assert page.title(), path
        assert page.problems == [], (path, page.problems)


def visible_rows(page) -> int:
    return page.locator("#rows tbody tr:visible").count()


def test_filters_narrow_the_rows_and_sorting_orders_them(page, site, exports):
    rows = csv_rows(exports, "security_incidents")
    page.goto(url(site, "tables/security_incidents.html"))
    assert visible_rows(page) == len(rows)

    term = "dasu"
    expected = sum(any(term in v.lower() for v in r.values()) for r in rows)
    assert 0 < expected < len(rows)
    page.get_by_label("Search").fill(term)
    assert visible_rows(page) == expected
    assert page.locator("#row-count").inner_text() == f"{expected} of {len(rows)} rows"
    page.get_by_label("Search").fill("")

    attack = sum(r["attack_type"] == "suicide_bombing" for r in rows)
    page.locator("#filter-attack_type").select_option("suicide_bombing")
    assert visible_rows(page) == attack < len(rows)
    both = sum(r["attack_type"] == "suicide_bombing" and r["in_paper"] == "true" for r in rows)
    page.get_by_label("Stated in the paper").select_option("true")
    assert visible_rows(page) == both < attack
    page.locator("#filter-attack_type").select_option("")
    assert visible_rows(page) == sum(r["in_paper"] == "true" for r in rows)
    page.get_by_label("Stated in the paper").select_option("")

    header = page.locator('#rows th:has(button:text-is("killed"))')
    header.get_by_role("button").click()
    column = list(rows[0]).index("killed")
    first = page.locator("#rows tbody tr").first.locator("td").nth(column).inner_text()
    assert int(first) == min(int(r["killed"]) for r in rows if r["killed"])
    header.get_by_role("button").click()
    first = page.locator("#rows tbody tr").first.locator("td").nth(column).inner_text()
    assert int(first) == max(int(r["killed"]) for r in rows if r["killed"])


def test_a_row_page_shows_its_source_link_and_quote(page, site, exports):
    sources = {s["source_id"]: s for s in csv_rows(exports, "sources")}
    outside = next(r for r in csv_rows(exports, "security_incidents") if r["in_paper"] == "false")
    page.goto(url(site, f"rows/security_incidents/{outside['incident_id']}.html"))
    evidence = page.locator("dl.evidence")
    source = sources[outside["source_id"]]
    assert evidence.get_by_role("link", name=source["title"]).first.is_visible()
    assert evidence.locator(f'a[href="{source["url"]}"]').first.is_visible()
    assert outside["source_quote"] in evidence.locator("blockquote").first.inner_text()
    page.get_by_role("link", name=source["title"]).first.click()
    assert page.url.endswith(f"sources/{outside['source_id']}.html")

    paper = next(r for r in csv_rows(exports, "bilateral_events") if r["in_paper"] == "true")
    printed = {c["citation_number"]: c for c in csv_rows(exports, "citations")}
    page.goto(url(site, f"rows/bilateral_events/{paper['event_id']}.html"))
    text = page.locator("dl.evidence").inner_text()
    assert paper["paper_quote"] in text
    assert f"[{paper['citation_number']}]" in text
    assert printed[paper["citation_number"]]["text_as_printed"] in text
    assert paper["paper_section"] in text


def test_the_timeline_has_a_mark_for_every_dated_row(page, site, exports):
    dated = paper = 0
    for table in FACT_TABLES:
        rows = csv_rows(exports, table)
        column = next((c for c in DATE_COLUMNS if c in rows[0]), None)
        for row in rows:
            if column and row[column]:
                dated += 1
                paper += row["in_paper"] == "true"
    page.goto(url(site, "index.html"))
    marks = page.locator("svg.timeline circle.mark")
    assert marks.count() == dated
    assert page.locator("svg.timeline circle.mark.paper").count() == paper
    box = marks.first.bounding_box()
    assert box is not None and box["width"] > 0
    page.locator("svg.timeline a").first.click()
    assert "/rows/" in page.url


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_and_no_page_wider_than_the_screen(browser, site, width):
    """Saved for a person to look at; on a phone only the tables scroll sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for name, path in (("home", "index.html"), ("table", "tables/security_incidents.html")):
        page.goto(url(site, path))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))
    # Pages with long addresses and quotes wrap them instead of widening the page.
    source = sorted((site / "sources").glob("*.html"))[0]
    for path in (source, *sorted((site / "rows" / "security_incidents").glob("*.html"))[:3]):
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    for path in ("errata.html", "changes.html", "sources/index.html"):
        page.goto(url(site, path))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    context.close()

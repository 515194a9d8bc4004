"""The static site: every row has an address, every link resolves, and it works in a browser.

Expected counts come from the exported CSVs read here with the csv module, not
from the site code. The browser tests drive the system Chromium through
Playwright and skip, saying why, only when it is not installed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import tomllib
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import DESCRIPTOR, FACT_TABLES, ROOT, TABLES, run_cli, text_rows

from cpcd.common import changelog
from cpcd.site import build_site
from cpcd.site.render import markdown

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Values planted in a copy of the exports: they must reach the pages as text, never as markup.
SCRIPT = '<script>window.planted = "script"</script><img src="x" onerror="window.planted = 1">'
JAVASCRIPT_URL = "javascript:window.planted='link'"


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


def plant(path: Path, column: str, value: str, where=lambda row: True) -> dict[str, str]:
    """Put ``value`` into ``column`` of the first row of a CSV file ``where`` holds; return it."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    row = next(r for r in rows if where(r))
    row[column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)
    return row


@pytest.fixture(scope="module")
def planted(exports, tmp_path_factory) -> dict[str, dict[str, str]]:
    """A copy of the exports where an event's title is markup and a source's address a script."""
    copy = tmp_path_factory.mktemp("planted") / "exports"
    shutil.copytree(exports, copy)
    event = plant(copy / "csv" / "bilateral_events.csv", "title", SCRIPT)
    plant(
        copy / "views" / "timeline.csv", "title", SCRIPT, lambda r: r["row_id"] == event["event_id"]
    )
    used = {r["source_id"] for r in csv_rows(exports, "bilateral_events")}
    source = plant(
        copy / "csv" / "sources.csv", "url", JAVASCRIPT_URL, lambda r: r["source_id"] in used
    )
    return {"exports": copy, "event": event, "source": source}


@pytest.fixture(scope="module")
def data(planted) -> Path:
    """The exports the site is built from."""
    return planted["exports"]


@pytest.fixture(scope="module")
def site(data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(data, out, ROOT / "CHANGELOG.md", ROOT / "docs" / "figures")
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


# ---------------------------------------------------------------------------- files


def test_every_fact_row_source_and_erratum_has_an_address(site, pages, data):
    for table in FACT_TABLES:
        rows = csv_rows(data, table)
        key = primary_key(data, table)
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
    for source in csv_rows(data, "sources"):
        assert f"sources/{source['source_id']}.html" in pages, source["source_id"]
    errata = csv_rows(data, "errata")
    ids = re.findall(r'<article class="erratum \w+" id="errata-([^"]+)"', pages["errata.html"])
    assert sorted(ids) == sorted(r["erratum_id"] for r in errata)
    bibliography = pages["sources/index.html"]
    for citation in csv_rows(data, "citations"):
        assert f'id="citations-{citation["citation_number"]}"' in bibliography


def test_errata_tell_paper_errors_from_source_conflicts(pages, data):
    page = pages["errata.html"]
    errata = csv_rows(data, "errata")
    conflicts = [r for r in errata if r["erratum_type"] == "source_conflict"]
    assert conflicts and len(conflicts) < len(errata)
    papers = re.findall(r'<article class="erratum paper".*?</article>', page, flags=re.S)
    others = re.findall(r'<article class="erratum conflict".*?</article>', page, flags=re.S)
    assert len(others) == len(conflicts) and len(papers) == len(errata) - len(conflicts)
    for article in others:
        assert "The paper" not in article
        assert "the paper's value" not in article
    for article in papers:
        assert "The paper prints" in article
    intro = page[
        page.index('<p class="lead">') : page.index("</p>", page.index('<p class="lead">'))
    ]
    assert "mistake in the paper" not in intro and "the paper is not at fault" in intro


def test_downloads_are_the_exports_with_their_hashes(site, pages, data):
    home = pages["downloads.html"]
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        name = path.relative_to(data).as_posix()
        if name == "cpcd.duckdb":  # DuckDB never writes the same bytes twice: left out
            assert not (site / "downloads" / name).exists()
            continue
        copy = site / "downloads" / name
        assert copy.read_bytes() == path.read_bytes(), name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in home, name
        assert f">{path.stat().st_size}<" in home, name


def test_templates_and_assets_ship_in_the_wheel():
    """Every template and asset matches a package-data pattern, so an installed cpcd has them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["cpcd"]
    package = ROOT / "src" / "cpcd"
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    needed = {p for folder in ("templates", "assets") for p in (package / folder).iterdir()}
    assert needed and needed <= shipped


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
    log = changelog.parse(text)
    assert [r.version for r in log.releases] == versions
    names = ["bilateral_events", "security_incidents", "errata"]
    # Read off CHANGELOG.md: "35 `bilateral_events`", "8 `security_incidents`" and
    # "20 `errata`" under 0.1.0; "40 `security_incidents`" under 0.2.0.
    assert log.release("0.1.0").counts(names) == {
        "bilateral_events": 35,
        "security_incidents": 8,
        "errata": 20,
    }
    assert log.release("0.2.0").counts(names)["security_incidents"] == 40
    assert log.release("0.1.0").date == "2026-11-28" and log.release("0.3.0").date == "2026-12-04"
    assert "<li>" in page and "<h2" in page and "<code>cpcd verify</code>" in page


def test_markdown_keeps_text_and_web_links_and_nothing_else():
    html = markdown(
        "## [1.0] - 2026\n### Data\n- one `a_b` item\n  continued, **strong**\n"
        "- [a link](https://example.org) and [a path](docs/x.md) and [bad](javascript:alert(1))\n"
        "\nA paragraph *here* <script>alert(1)</script>.\n### Data\n",
        prefix="v1-",
    )
    assert '<h2 id="v1-1-0-2026">[1.0] - 2026</h2>' in html
    assert "<li>one <code>a_b</code> item\ncontinued, <strong>strong</strong></li>" in html
    assert '<a href="https://example.org" rel="external noopener">a link</a> and a path' in html
    assert 'href="javascript' not in html and 'href="docs' not in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'id="v1-data"' in html and 'id="v1-data-2"' in html  # repeated headings stay unique


# ---------------------------------------------------------------------------- command line


def test_missing_exports_and_a_foreign_folder_are_clear_errors(tmp_path, exports):
    done = run_cli("site", "--exports", str(tmp_path / "nowhere"), "--out", str(tmp_path / "s"))
    assert done.returncode == 1
    assert "no exports found" in done.stderr and "Traceback" not in done.stderr
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    done = run_cli("site", "--exports", str(exports), "--out", str(foreign))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "holds no site" in done.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_rebuild_replaces_the_previous_site_with_the_same_bytes(tmp_path, data, site):
    out = tmp_path / "site"
    shutil.copytree(site, out)  # a site built before, as the command would have
    stale = out / "rows" / "stale.html"
    stale.write_text("old", encoding="utf-8")
    done = run_cli("site", "--exports", str(data), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert not stale.exists()
    # The same exports give the same bytes: the command's build equals the session's.
    first, second = tree_hashes(site), tree_hashes(out)
    assert first == second
    assert len(first) > 500  # hundreds of row and source pages, not an empty folder


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


def open_page(browser, width: int):
    """One tab at a width, reused by the tests; it collects console errors and failed loads."""
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda err: problems.append(str(err)))
    opened.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    opened.problems = problems
    return context, opened


@pytest.fixture(scope="module")
def desktop_tab(browser):
    context, opened = open_page(browser, 1280)
    yield opened
    context.close()


@pytest.fixture(scope="module")
def phone_tab(browser):
    context, opened = open_page(browser, 390)
    yield opened
    context.close()


@pytest.fixture
def page(desktop_tab):
    desktop_tab.problems.clear()
    return desktop_tab


@pytest.fixture
def phone(phone_tab):
    phone_tab.problems.clear()
    return phone_tab


def url(site: Path, path: str) -> str:
    return (site / path).as_uri()


def test_pages_load_without_console_errors(page, site, data):
    # Every page that is not a row or source page, one row page per fact table and
    # the page of the first source.
    sample = [*sorted(site.glob("*.html")), *sorted(site.glob("tables/*.html"))]
    sample += [site / "sources" / "index.html"]
    sample += [sorted((site / "rows" / t).glob("*.html"))[0] for t in FACT_TABLES]
    sample += [site / "sources" / f"{csv_rows(data, 'sources')[0]['source_id']}.html"]
    # Home, downloads, errata and changes; a page per table; the bibliography; rows; a source.
    assert len(sample) == 4 + len(TABLES) + 1 + len(FACT_TABLES) + 1
    for path in sample:
        page.goto(path.as_uri())
        assert page.title(), path
        assert page.problems == [], (path, page.problems)


def visible_rows(page) -> int:
    return page.locator("#rows tbody tr:visible").count()


def shown_keys(page) -> list[str]:
    return page.locator("#rows tbody tr:visible").evaluate_all(
        "rows => rows.map(r => r.dataset.key)"
    )


def test_filters_narrow_the_rows_and_sorting_orders_them(page, site, data):
    rows = csv_rows(data, "security_incidents")
    page.goto(url(site, "tables/security_incidents.html"))
    assert visible_rows(page) == len(rows)

    term = "dasu"
    expected = sum(any(term in v.lower() for v in r.values()) for r in rows)
    assert 0 < expected < len(rows)
    page.get_by_label("Search").fill(term)
    assert visible_rows(page) == expected
    assert page.locator("#row-count").inner_text() == f"{expected} of {len(rows)} rows"
    page.get_by_label("Search").fill("")

    # Enum filters offer the labels of the values, not the codes.
    attack = page.locator("#filter-attack_type")
    options = attack.locator("option").all_inner_texts()
    assert "suicide_bombing" not in options and len(options) > 2
    attack.select_option("suicide_bombing")
    count = sum(r["attack_type"] == "suicide_bombing" for r in rows)
    assert visible_rows(page) == count < len(rows)
    both = sum(r["attack_type"] == "suicide_bombing" and r["in_paper"] == "true" for r in rows)
    page.locator("#filter-in_paper").select_option("true")
    assert visible_rows(page) == both < count
    attack.select_option("")
    assert visible_rows(page) == sum(r["in_paper"] == "true" for r in rows)
    page.locator("#filter-in_paper").select_option("")

    header = page.locator('#rows th[data-field="killed"]')
    killed = page.locator('#rows tbody tr td[data-field="killed"]')
    header.get_by_role("button").click()
    assert int(killed.first.inner_text()) == min(int(r["killed"]) for r in rows if r["killed"])
    header.get_by_role("button").click()
    assert int(killed.first.inner_text()) == max(int(r["killed"]) for r in rows if r["killed"])


def test_a_dated_table_is_sorted_by_date_and_leads_with_its_title(page, site, data):
    rows = csv_rows(data, "security_incidents")
    page.goto(url(site, "tables/security_incidents.html"))
    starts = page.locator('#rows tbody td[data-field="date"]').evaluate_all(
        "cells => cells.map(c => c.dataset.sort)"
    )
    assert starts == sorted(r["date_start"] for r in rows)
    first = page.locator("#rows thead th").first
    assert first.get_attribute("data-field") == "target"  # the schema's titleField
    assert page.locator('#rows th[data-field="date"]').get_attribute("aria-sort") == "ascending"


def expected_rows(rows, year_from, attack, killed_from):
    return [
        r
        for r in rows
        if r["date_start"][:4] >= year_from
        and r["attack_type"] == attack
        and r["killed"]
        and int(r["killed"]) >= killed_from
    ]


def filter_incidents(page, site):
    page.goto(url(site, "tables/security_incidents.html"))
    page.locator("#filter-years input[data-bound=min]").fill("2010")
    page.locator("#filter-attack_type").select_option("suicide_bombing")
    page.locator("#filter-killed input[data-bound=min]").fill("2")


def test_a_shared_address_restores_the_filters(page, browser, site, data):
    rows = expected_rows(csv_rows(data, "security_incidents"), "2010", "suicide_bombing", 2)
    assert len(rows) > 0
    filter_incidents(page, site)
    shown = shown_keys(page)
    assert sorted(shown) == sorted(r["incident_id"] for r in rows)
    shared = page.url
    assert "#" in shared and "attack_type=suicide_bombing" in shared
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = context.new_page()
    other.goto(shared)
    assert shown_keys(other) == shown
    assert other.locator("#filter-attack_type").input_value() == "suicide_bombing"
    assert other.locator("#filter-years input[data-bound=min]").input_value() == "2010"
    context.close()


def test_the_downloaded_rows_are_the_rows_shown(page, site, data):
    all_rows = csv_rows(data, "security_incidents")
    rows = expected_rows(all_rows, "2010", "suicide_bombing", 2)
    filter_incidents(page, site)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download these rows (CSV)").click()
    with open(info.value.path(), encoding="utf-8", newline="") as fh:
        downloaded = list(csv.DictReader(fh))
    assert list(downloaded[0]) == list(all_rows[0])  # the export's columns, in its order
    key = lambda r: r["incident_id"]  # noqa: E731
    assert sorted(downloaded, key=key) == sorted(rows, key=key)


def test_the_identifying_column_stays_in_view_when_scrolling_sideways(page, site):
    page.goto(url(site, "tables/security_incidents.html"))
    scroller = page.locator(".scroll:has(#rows)")
    first = page.locator("#rows tbody tr").first.locator("td").first
    second = page.locator("#rows tbody tr").first.locator("td").nth(1)
    before, other = first.bounding_box(), second.bounding_box()
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")  # it does scroll
    scroller.evaluate("e => { e.scrollLeft = 600; }")
    after = first.bounding_box()
    assert abs(after["x"] - before["x"]) < 1
    assert second.bounding_box()["x"] < other["x"] - 100


def test_rows_are_cards_on_a_phone(phone, site):
    phone.goto(url(site, "tables/security_incidents.html"))
    assert phone.locator("#rows thead").bounding_box()["height"] <= 1  # names move into cards
    row = phone.locator("#rows tbody tr").first
    box = row.bounding_box()
    assert box["width"] <= 390
    assert row.locator("td").first.evaluate("c => getComputedStyle(c).display") == "block"
    label = row.locator('td[data-field="location"]').evaluate(
        "c => getComputedStyle(c, '::before').content"
    )
    assert "location" in label
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_planted_markup_and_script_addresses_stay_text(page, site, planted):
    event, source = planted["event"], planted["source"]
    citing = next(
        r["event_id"]
        for r in csv_rows(planted["exports"], "bilateral_events")
        if r["source_id"] == source["source_id"]
    )
    pages = [
        f"rows/bilateral_events/{event['event_id']}.html",
        "tables/bilateral_events.html",
        "index.html",
        f"sources/{source['source_id']}.html",
        "sources/index.html",
        "tables/sources.html",
        f"rows/bilateral_events/{citing}.html",
    ]
    for path in pages:
        page.goto(url(site, path))
        assert page.evaluate("typeof window.planted") == "undefined", path
        assert page.locator('[href^="javascript:" i]').count() == 0, path
        assert page.locator("main script, main img[onerror]").count() == 0, path
        assert page.problems == [], (path, page.problems)
    page.goto(url(site, f"rows/bilateral_events/{event['event_id']}.html"))
    assert page.locator("h1").inner_text() == SCRIPT
    page.goto(url(site, f"sources/{source['source_id']}.html"))
    assert JAVASCRIPT_URL in page.locator("main").inner_text()


def test_a_row_page_shows_its_source_link_and_quote(page, site, data):
    sources = {s["source_id"]: s for s in csv_rows(data, "sources")}
    outside = next(r for r in csv_rows(data, "security_incidents") if r["in_paper"] == "false")
    page.goto(url(site, f"rows/security_incidents/{outside['incident_id']}.html"))
    evidence = page.locator("dl.evidence")
    source = sources[outside["source_id"]]
    assert evidence.get_by_role("link", name=source["title"]).first.is_visible()
    assert evidence.locator(f'a[href="{source["url"]}"]').first.is_visible()
    assert outside["source_quote"] in evidence.locator("blockquote").first.inner_text()
    evidence.get_by_role("link", name=source["title"]).first.click()
    assert page.url.endswith(f"sources/{outside['source_id']}.html")

    paper = next(r for r in csv_rows(data, "bilateral_events") if r["in_paper"] == "true")
    printed = {c["citation_number"]: c for c in csv_rows(data, "citations")}
    page.goto(url(site, f"rows/bilateral_events/{paper['event_id']}.html"))
    text = page.locator("dl.evidence").inner_text()
    assert paper["paper_quote"] in text
    assert f"[{paper['citation_number']}]" in text
    assert printed[paper["citation_number"]]["text_as_printed"] in text
    assert paper["paper_section"] in text


def test_the_timeline_draws_the_rows_of_the_timeline_view(page, site, data):
    with (data / "views" / "timeline.csv").open(encoding="utf-8", newline="") as fh:
        view = list(csv.DictReader(fh))
    page.goto(url(site, "index.html"))
    marks = page.locator("svg.timeline a[data-row]")
    drawn = marks.evaluate_all("m => m.map(a => [a.dataset.table, a.dataset.row])")
    assert len(drawn) == len(view)
    assert sorted(map(tuple, drawn)) == sorted((r["table_name"], r["row_id"]) for r in view)
    paper = sum(r["in_paper"] == "true" for r in view)
    assert page.locator("svg.timeline circle.mark.paper").count() == paper
    lanes = page.locator("svg.timeline text.lane").evaluate_all("t => t.map(e => e.textContent)")
    assert sorted(lanes) == sorted({r["domain"].replace("_", " ") for r in view})
    box = page.locator("svg.timeline circle.mark").first.bounding_box()
    assert box is not None and box["width"] > 0
    marks.first.click()
    assert "/rows/" in page.url


def test_nothing_is_loaded_from_another_host(page, site):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    for path in ("index.html", "tables/security_incidents.html", "errata.html", "changes.html"):
        page.goto(url(site, path))
    assert requested and all(u.startswith(("file://", "data:", "blob:")) for u in requested)


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_and_no_page_wider_than_the_screen(desktop_tab, phone_tab, site, width):
    """Saved for a person to look at; on a phone only the tables scroll sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = desktop_tab if width == 1280 else phone_tab
    for name, path in (("home", "index.html"), ("table", "tables/security_incidents.html")):
        page.goto(url(site, path))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))
    # Pages with long addresses and quotes wrap them instead of widening the page.
    source = sorted((site / "sources").glob("*.html"))[0]
    for path in (source, *sorted((site / "rows" / "security_incidents").glob("*.html"))[:3]):
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    for path in ("errata.html", "changes.html", "sources/index.html", "downloads.html"):
        page.goto(url(site, path))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path


def test_no_number_range_over_an_identifier():
    """A catalogue number (``cpcd:identifier``) gets no range filter; an amount does."""
    from cpcd.metadata.load import load_package
    from cpcd.site.tables import filters

    package = load_package(DESCRIPTOR)
    launches = text_rows("satellite_launches")
    # Two launches with different NORAD numbers: a range would be offered but for the rule.
    assert len({row["norad_id"] for row in launches} - {""}) > 1
    names = {f.name for f in filters(package.tables["satellite_launches"], launches, [])}
    assert "norad_id" not in names
    incidents = text_rows("security_incidents")
    names = {f.name for f in filters(package.tables["security_incidents"], incidents, [])}
    assert "killed" in names

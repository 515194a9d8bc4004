"""The CPEC project registry (cpec_projects, cpec_project_milestones, cpec_project_partners)
held to its universe and to its quotes, by checks written out here without cpcd."""

from __future__ import annotations

import re

import pandas as pd
from conftest import DATA, read_rows

import cpcd

CPEC = re.compile(r"CPEC|Economic(al)? Corridor|\bcorridor\b", re.IGNORECASE)
NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(billion|bn|million|mln|mn)?", re.IGNORECASE)
POWER_FUELS = {
    "coal_power": {"imported_coal", "thar_lignite"},
    "hydropower": {"hydro"},
    "wind_power": {"wind"},
    "solar_power": {"solar"},
    "gas_power": {"rlng"},
}
SUB_SECTORS = {
    "energy": {*POWER_FUELS, "transmission_line", "coal_mine"},
    "transport": {"road", "rail", "urban_rail"},
    "gwadar": {
        "port",
        "airport",
        "road",
        "port_city_infrastructure",
        "special_economic_zone",
        "water",
        "health",
        "education",
    },
    "industrial": {"special_economic_zone"},
    "social": {"health", "education", "water"},
    "other": {"fibre_optic", "other"},
}


def rows(table: str) -> list[dict]:
    return read_rows(DATA / f"{table}.csv", table)


PROJECTS = rows("cpec_projects")
MILESTONES = rows("cpec_project_milestones")
PARTNERS = rows("cpec_project_partners")
SOURCES = {s["source_id"]: s for s in rows("sources")}


def quotes(row: dict) -> str:
    return " ".join(q for q in (row["source_quote"], row.get("supplement_quote")) if q)


def numbers_in(text: str) -> set[float]:
    """Every number printed in the text, thousands separators removed; a number followed
    by 'billion' or 'bn' also counts in millions (x 1000)."""
    found = set()
    for match in NUMBER.finditer(text):
        digits = match.group(1).rstrip(",").replace(",", "")
        value = float(digits)
        found.add(round(value, 6))
        if (match.group(2) or "").lower() in ("billion", "bn"):
            found.add(round(value * 1000, 6))
    return found


def test_at_least_forty_projects():
    assert len(PROJECTS) >= 40


def test_every_project_is_said_to_be_under_cpec():
    """The universe: a page says the project is under CPEC (or on its list), in the row's
    source or supplement quote, or in words of the page its notes quote."""
    for row in PROJECTS:
        said = CPEC.search(quotes(row)) or CPEC.search(row["notes"] or "")
        assert said, row["project_id"]


def test_every_number_is_in_a_quote():
    for row in PROJECTS:
        printed = numbers_in(quotes(row))
        for column in ("capacity_mw", "length_km", "cost_million"):
            if row[column] is not None:
                assert round(row[column], 6) in printed, (row["project_id"], column)


def test_the_numbers_check_reads_numbers_as_printed():
    assert {1320.0, 1800.0, 1.8} <= numbers_in("the 1,320MW plant, $1.8 billion")
    assert 294300.0 in numbers_in("a total cost of 294.3 billion Pakistani Rupees")
    assert 1320.0 not in numbers_in("1.32 GW")


def test_every_milestone_year_is_in_a_quote_or_read_from_the_page_date():
    """The year is printed in a quote; or the page says 'on Monday' / 'today' and the date was
    read from the page's own date, whose year is the publication year of the source or
    supplement page, and the notes say so, naming that year."""
    for row in MILESTONES:
        year = row["date"][:4]
        if year in quotes(row):
            continue
        issued = {
            (SOURCES[s]["issued"] or "")[:4]
            for s in (row["source_id"], row["supplement_source_id"])
            if s
        }
        assert year in issued, (row["project_id"], row["milestone"], row["date"])
        assert row["notes"] and year in row["notes"], (row["project_id"], row["milestone"])


def test_sectors_sub_sectors_and_fuels_agree():
    for row in PROJECTS:
        key = row["project_id"]
        assert row["sub_sector"] in SUB_SECTORS[row["sector"]], key
        fuels = POWER_FUELS.get(row["sub_sector"])
        if fuels is None:
            assert row["fuel"] is None, key
        elif row["fuel"] is None:
            # A power plant whose fuel no quote states says so in its notes.
            assert "fuel" in (row["notes"] or "").lower(), key
        else:
            assert row["fuel"] in fuels, key
        if row["capacity_mw"] is not None:
            assert row["sector"] == "energy", key
        if row["length_km"] is not None:
            assert row["sub_sector"] in {
                "road",
                "rail",
                "urban_rail",
                "transmission_line",
                "fibre_optic",
            }, key


def test_cost_columns_go_together():
    for row in PROJECTS:
        if row["cost_million"] is None:
            assert row["cost_currency"] is None and row["cost_qualifier"] is None, row
        else:
            assert row["cost_currency"] and row["cost_qualifier"], row


def test_supplement_quote_goes_with_its_source_and_the_corroboration():
    for table in (PROJECTS, MILESTONES):
        for row in table:
            assert (row["supplement_source_id"] is None) == (row["supplement_quote"] is None), row
            assert row["in_paper"] is False
            if row["corroboration"] == "corroborated":
                assert row["supplement_source_id"], row


def test_a_conflict_is_in_the_errata_and_only_then():
    errata = rows("errata")
    disputed = {
        (e["table_name"], e["row_id"])
        for e in errata
        if e["erratum_type"] == "source_conflict" and e["table_name"].startswith("cpec_")
    }
    for table, key_of, table_rows in (
        ("cpec_projects", lambda r: r["project_id"], PROJECTS),
        (
            "cpec_project_milestones",
            lambda r: f"{r['project_id']}|{r['milestone']}|{r['date']}",
            MILESTONES,
        ),
    ):
        for row in table_rows:
            in_errata = (table, key_of(row)) in disputed
            assert in_errata == (row["corroboration"] == "conflict"), (table, key_of(row))


def test_linked_events_are_the_same_day():
    events = {e["event_id"]: e for e in rows("bilateral_events")}
    for row in MILESTONES:
        if row["event_id"]:
            assert events[row["event_id"]]["date"] == row["date"], row["event_id"]
            assert events[row["event_id"]]["domain"] == "infrastructure"


def test_partners_name_their_organisation_in_the_quote():
    """The organisation or a word of its name (an abbreviation such as CGGC) is in the quote."""
    for row in PARTNERS:
        words = re.findall(r"[A-Za-z][A-Za-z&-]{2,}", row["organisation"])
        assert any(w.lower() in row["source_quote"].lower() for w in words), row


def test_sector_province_view(exports):
    got = (
        cpcd.connect(exports)
        .sql("select * from cpec_projects_by_sector_province order by sector, area_code nulls last")
        .df()
    )
    frame = pd.DataFrame(PROJECTS)
    expected = []
    for (sector, area), group in frame.groupby(
        [frame["sector"], frame["area_code"].fillna("\uffff")], sort=True
    ):
        usd = group[group["cost_currency"] == "USD"]["cost_million"].dropna()
        other = group[group["cost_currency"].notna() & (group["cost_currency"] != "USD")]
        capacity = group["capacity_mw"].dropna()
        expected.append(
            (
                sector,
                None if area == "\uffff" else area,
                len(group),
                float(capacity.sum()) if len(capacity) else None,
                len(capacity),
                float(usd.sum()) if len(usd) else None,
                len(usd),
                len(other),
            )
        )
    actual = [
        tuple(None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in r)
        for r in got.itertuples(index=False)
    ]
    assert [(a[:3], a[4], a[6], a[7]) for a in actual] == [
        (e[:3], e[4], e[6], e[7]) for e in expected
    ]
    for a, e in zip(actual, expected, strict=True):
        for i in (3, 5):
            assert (a[i] is None and e[i] is None) or abs(a[i] - e[i]) < 1e-3, (a, e)

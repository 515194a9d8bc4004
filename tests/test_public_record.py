"""Each table is complete for a stated universe, and its rows from outside the paper keep
to that universe's rule (README, "Universes")."""

from __future__ import annotations

import re
from collections import Counter

from conftest import DATA, read_rows, schema

TABLES = ["bilateral_events", "satellite_launches", "security_incidents", "terrorism_statistics"]


def rows(table: str) -> list[dict]:
    return read_rows(DATA / f"{table}.csv", table)


def outside(table: str) -> list[dict]:
    return [r for r in rows(table) if not r["in_paper"]]


def test_rows_from_outside_the_paper_per_table():
    # Hand counts of the rows added from the public record, listed in CHANGELOG 0.2.0:
    # 80 bilateral events (1963 boundary agreement to the 14th JCC of 2025, with the visits,
    # swaps and corridor openings added in 0.3.0); 6 launches
    # (Badr-1 and the five after the paper); 32 incidents (Gwadar 2004 to Karachi 2024);
    # PIPS, PICSS and CRSS annual figures, 124: PIPS 51 (attacks 14 years, killed 13,
    # injured 12, suicide attacks 12), PICSS 42 (attacks 11, killed 10, injured 9, suicide
    # attacks 12), CRSS 31 (attacks 7, killed 13, injured 6, suicide attacks 5),
    # counted from the years each compiler's stored pages give.
    counts = {t: len(outside(t)) for t in TABLES}
    assert counts == {
        "bilateral_events": 80,
        "satellite_launches": 6,
        "security_incidents": 32,
        "terrorism_statistics": 124,
    }
    compilers = Counter(r["compiling_organisation"] for r in outside("terrorism_statistics"))
    assert compilers == {
        "Pak Institute for Peace Studies (PIPS)": 51,
        "Pakistan Institute for Conflict and Security Studies (PICSS)": 42,
        "Center for Research and Security Studies (CRSS)": 31,
    }


def test_one_page_can_hold_a_series():
    # The News's report of PIPS figures prints "63 suicide attacks in 2008, 87 in 2009,
    # 68 in 2010, 45 in 2011, 33 in 2012, 46 in 2013 and 26 in 2014": six of those years
    # rest on it (2014 rests on PIPS's own page, preferred).
    on_page = [
        r for r in rows("terrorism_statistics") if r["source_id"] == "the_news_undated_pips_report"
    ]
    assert sorted(r["period_start"].year for r in on_page) == [2008, 2009, 2010, 2011, 2012, 2013]
    assert [r["value"] for r in sorted(on_page, key=lambda r: r["period_start"])] == [
        63,
        87,
        68,
        45,
        33,
        46,
    ]


def test_every_outside_incident_has_a_chinese_target():
    """Universe of security_incidents: attacks on Chinese nationals, projects or premises."""
    for row in outside("security_incidents"):
        assert row["chinese_target"] != "none", row["incident_id"]
        assert row["date"] >= "2004", row["incident_id"]


def test_every_launch_is_on_a_chinese_rocket_from_badr_1_on():
    """Universe of satellite_launches: Pakistan's satellites that China launched."""
    chinese = re.compile(r"(Long March \d[A-Z]?|Kuaizhou-1A|Jielong-3)")
    for row in rows("satellite_launches"):
        assert row["launch_vehicle"] is None or chinese.fullmatch(row["launch_vehicle"])
        assert row["launch_site"] in {
            "Jiuquan",
            "Taiyuan",
            "Wenchang",
            "Xichang",
            "Yangjiang sea launch",
        }
    first = min(rows("satellite_launches"), key=lambda r: r["launch_date"])
    # Badr-1, Pakistan's first satellite: 16 July 1990 on a Long March 2E from Xichang.
    assert (first["satellite_id"], str(first["launch_date"]), first["launch_vehicle"]) == (
        "badr_1",
        "1990-07-16",
        "Long March 2E",
    )


def test_no_incident_is_recorded_twice():
    """Two rows on one local day in one district must say in their notes why they differ."""
    seen: dict[tuple, str] = {}
    for row in rows("security_incidents"):
        key = (row["date"], row["district"] or row["location"])
        if key in seen:
            assert "differ" in (row["notes"] or ""), (row["incident_id"], seen[key])
        seen[key] = row["incident_id"]


def test_the_paper_attacks_of_march_2024_are_not_repeated():
    """Gwadar, Turbat and Besham are the paper's rows, enriched, not added again."""
    march = [r for r in rows("security_incidents") if str(r["date_start"]).startswith("2024-03")]
    # Section 3.2: Gwadar port (20 March), the Turbat naval air station (25-26 March) and the
    # convoy at Besham (26 March), each once and from the paper.
    assert sorted((r["incident_id"], r["in_paper"]) for r in march) == [
        ("besham_dasu_convoy_bombing", True),
        ("gwadar_port_authority_attack", True),
        ("turbat_naval_air_station_attack", True),
    ]


def test_killed_leaves_out_the_attackers():
    by_id = {r["incident_id"]: r for r in rows("security_incidents")}
    # Gwadar Port Authority, 20 March 2024: two soldiers and eight attackers died.
    assert (
        by_id["gwadar_port_authority_attack"]["killed"],
        by_id["gwadar_port_authority_attack"]["attackers_killed"],
    ) == (2, 8)
    # Chinese consulate, Karachi, 2018: two police and two visa applicants; three attackers.
    consulate = by_id["karachi_chinese_consulate_attack_2018"]
    assert (consulate["killed"], consulate["attackers_killed"]) == (4, 3)


def test_a_suicide_bombing_without_an_attacker_count_says_why():
    unexplained = [
        r["incident_id"]
        for r in rows("security_incidents")
        if r["attack_type"] == "suicide_bombing" and r["attackers_killed"] is None
    ]
    # Hand count: Hub 2007, Dasu 2021, the Quetta Serena hotel 2021 and Karachi airport 2024
    # are the suicide bombings whose pages give no count of the bombers who died.
    assert len(unexplained) == 4
    for incident_id in unexplained:
        notes = {r["incident_id"]: r for r in rows("security_incidents")}[incident_id]["notes"]
        assert "bomber" in notes, incident_id


def test_claims_and_absent_targets_follow_the_pages():
    by_id = {r["incident_id"]: r for r in rows("security_incidents")}
    # Business Today, 20 March 2024: "Majeed Brigade of the proscribed Balochistan Liberation
    # Army (BLA) has claimed responsibility for the attack".
    gwadar = by_id["gwadar_port_authority_attack"]
    assert (gwadar["claim_status"], gwadar["claimed_by"]) == (
        "claimed",
        "Balochistan Liberation Army (Majeed Brigade)",
    )
    assert "businesstoday.in" in gwadar["notes"]
    # Quetta Serena hotel, 2021: the Chinese ambassador, the suspected target, was out.
    assert by_id["quetta_serena_hotel_bombing_2021"]["chinese_target"] == "chinese_target_absent"


def test_incidents_are_dated_by_the_local_day():
    by_id = {r["incident_id"]: r for r in rows("security_incidents")}
    # The Karachi airport bomb went off around 23:00 on Sunday 6 October 2024, local time;
    # reports and later accounts date it 7 October.
    assert str(by_id["karachi_airport_chinese_convoy_bombing_2024"]["date_start"]) == "2024-10-06"


def test_each_compiler_has_one_figure_per_indicator_and_year():
    keys = Counter(
        (r["compiling_organisation"], r["indicator"], r["period_start"], r["period_end"])
        for r in outside("terrorism_statistics")
    )
    assert max(keys.values()) == 1


WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def test_each_annual_figure_is_in_its_quote():
    for row in outside("terrorism_statistics"):
        value = int(row["value"])
        quote = row["source_quote"].lower()
        forms = {str(value), f"{value:,}"} | ({WORDS[value]} if value < len(WORDS) else set())
        assert any(re.search(rf"(?<![\d,]){re.escape(f)}(?![\d,])", quote) for f in forms), row[
            "statistic_id"
        ]


def test_a_source_conflict_names_another_source():
    """Where stored pages disagree, both stay visible: the row's source and the erratum's."""
    tables = {
        t: {tuple(str(r[k]) for k in schema(t)["primaryKey"]): r for r in rows(t)} for t in TABLES
    }
    conflicts = [e for e in rows("errata") if e["erratum_type"] == "source_conflict"]
    assert len(conflicts) >= 20
    for erratum in conflicts:
        if erratum["table_name"] not in tables:
            continue
        row = tables[erratum["table_name"]][tuple(erratum["row_id"].split("|"))]
        assert erratum["evidence_source_id"] not in (row["source_id"], None), erratum["erratum_id"]

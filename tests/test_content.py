"""The paper's facts as data: row counts, hand checks against the paper, provenance,
derived values and errata.

Values are read from the committed CSV text with the csv module, so these tests do
not depend on cpcd's own reader. Each hand check names the paper's section.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta, timezone

import pytest
from conftest import DATA, ROOT, TABLES, schema

import cpcd

PAPER = "gong_zhou_ma_2024"
BEIJING = timezone(timedelta(hours=8))


def rows(table: str) -> list[dict[str, str]]:
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def by_key(table: str) -> dict[str, dict[str, str]]:
    key = schema(table)["primaryKey"]
    return {"|".join(row[k] for k in key): row for row in rows(table)}


def fact_tables() -> list[str]:
    return [
        t
        for t in TABLES
        if "source_id" in {f["name"] for f in schema(t)["fields"]}
        and t not in ("sources", "citations")
    ]


def expected_counts() -> dict[str, int]:
    with (ROOT / "tests" / "expected_row_counts.csv").open(newline="") as fh:
        return {row["table"]: int(row["rows"]) for row in csv.DictReader(fh)}


def test_row_counts_are_the_expected_ones():
    assert {t: len(rows(t)) for t in TABLES} == expected_counts()


def test_built_row_counts_are_the_expected_ones(exports):
    assert {t: len(cpcd.load(t, exports=exports)) for t in TABLES} == expected_counts()


def test_row_count_changes_are_in_the_changelog():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    for table, count in expected_counts().items():
        assert f"{count} `{table}`" in changelog, table


@pytest.mark.parametrize("table", fact_tables())
def test_every_fact_row_is_traceable(table):
    citations = by_key("citations")
    for row in rows(table):
        assert row["source_id"], row
        if row["citation_number"]:
            # A cited statement: its section, and the work that number cites.
            assert row["paper_section"], row
            assert citations[row["citation_number"]]["source_id"] == row["source_id"], row
        elif row["source_id"] == PAPER:
            assert row["paper_section"], row
        else:
            # From outside the paper: no section, and an outside source.
            assert not row["paper_section"], row
            assert row["source_id"] not in {c["source_id"] for c in citations.values()}, row


def test_events_cover_every_domain_of_the_paper():
    # Security is not among them: the paper's one security event (China's response to the
    # attacks of March 2024) has no date in the paper or a named source, so it is not a row.
    domains = {row["domain"] for row in rows("bilateral_events")}
    assert domains >= {
        "diplomacy",
        "trade",
        "culture",
        "science_technology",
        "education",
        "agriculture",
        "space",
        "media",
    }
    assert len(rows("bilateral_events")) > 25


def test_precision_is_raised_only_with_an_outside_source():
    """A day-precision date the paper does not print needs a supplement source and a note."""
    # Days the paper itself prints (sections 2.5, 3.2, 3.3): Chang'e-6 separation,
    # Dawn piece, the reprinted study, the Balochistan bombings, the election.
    printed_days = {
        "icube_q_lunar_orbit_separation",
        "dawn_dumping_article",
        "internet_censorship_study_reprint",
    }
    for row in rows("bilateral_events"):
        if row["in_paper"] != "true":
            continue  # rows from outside the paper take their dates from their own source
        if len(row["date"]) == 10 and row["event_id"] not in printed_days:  # YYYY-MM-DD
            assert row["supplement_source_id"] and row["notes"], row["event_id"]


# Hand checks: (table, key, column, value as the paper or its corrections give it).
HAND_CHECKS = [
    # Section 5 "in 1951"; day 21 May 1951 from the outside source.
    ("bilateral_events", "diplomatic_relations_established", "date", "1951-05-21"),
    # Section 2.1 "the 2010 memorandum of agreement on the mutual building of cultural centers".
    ("bilateral_events", "cultural_centres_memorandum", "date", "2010"),
    # Section 2.2 "third meeting ... took place in May of the same year" (2024).
    ("bilateral_events", "cpec_science_technology_working_group_third_meeting", "date", "2024-05"),
    # Section 2.4 "second joint working group meeting ... in April 2020".
    ("bilateral_events", "agriculture_joint_working_group_second_meeting", "date", "2020-04"),
    # Section 3.3 "February 18, 2023" and "September 29, 2023".
    ("bilateral_events", "dawn_dumping_article", "date", "2023-02-18"),
    ("bilateral_events", "internet_censorship_study_reprint", "date", "2023-09-29"),
    # Section 2.4 "since the establishment of the Weifang ... Center in March 2023".
    ("agricultural_projects", "weifang_agricultural_cooperation_center", "date", "2023-03"),
    ("agricultural_projects", "sesame_trial_planting", "date", "2022"),
    # Section 2.5 "Long March 2C carrier rocket" for PRSS-1 and PakTES-1A.
    ("satellite_launches", "paktes_1a", "launch_vehicle", "Long March 2C"),
    ("satellite_launches", "paksat_mm1", "launch_site", "Xichang"),
    # Section 3.2 "664 terrorist attacks ... up 67% ... roughly 93%".
    ("terrorism_statistics", "attacks_2023_jan_nov", "value", "664"),
    ("terrorism_statistics", "attacks_change_2023_jan_nov", "value", "67"),
    ("terrorism_statistics", "attacks_share_kp_ba_2023_jan_nov", "area_code", "PK-KP+PK-BA"),
    # Section 3.2 "at least eighteen people were killed in five separate incidents".
    ("terrorism_statistics", "killed_2024_03_16_26", "value", "18"),
    ("terrorism_statistics", "killed_2024_03_16_26", "value_qualifier", "at_least"),
    ("terrorism_statistics", "attacks_kp_2024_03_16_26", "value", "3"),
    # Section 3.2 "At least thirty people were killed ... February 7, 2024" (disputed).
    ("security_incidents", "balochistan_election_office_bombings", "killed", "30"),
    ("security_incidents", "balochistan_election_office_bombings", "date", "2024-02-07"),
    # Section 3.3, corrected from 23 to 26 April 2022.
    ("security_incidents", "karachi_university_attack", "date", "2022-04-26"),
    ("security_incidents", "karachi_university_attack", "area_code", "PK-SD"),
    # Section 1 "up to 12 meetings or state visits ... the President ... six".
    ("context_statistics", "prime_minister_visits_to_china_since_2013", "value", "12"),
    ("context_statistics", "president_visits_to_china_since_2013", "value", "6"),
    # Section 1 and 2.2: eighteen meetings of the joint commission.
    ("context_statistics", "science_technology_commission_meetings_since_1976", "value", "18"),
    # Section 3.4 "more than $800 million".
    ("context_statistics", "us_security_aid_withheld_2018", "value", "800000000"),
    # Section 3.1 "The 2024 elections ... were conducted on February 8".
    ("context_events", "general_election_2024", "date", "2024-02-08"),
    # Section 2.4: IMWIC in the paper, CIMMYT in the data.
    (
        "project_partners",
        "agriculture_livestock_research_collaboration|International Maize and Wheat Improvement Center (CIMMYT)",
        "organisation_as_printed",
        "International Maize and Wheat Improvement Center (IMWIC)",
    ),
]


@pytest.mark.parametrize(("table", "key", "column", "value"), HAND_CHECKS)
def test_hand_checks_against_the_paper(table, key, column, value):
    assert by_key(table)[key][column] == value


def test_launches_the_paper_names_and_those_after_it():
    launches = rows("satellite_launches")
    in_paper = [r for r in launches if r["in_paper"] == "true"]
    # Section 2.5 names five satellites on four launches (PRSS-1 and PakTES-1A shared one).
    assert len(in_paper) == 5
    assert len({(r["launch_date"], r["launch_vehicle"], r["launch_site"]) for r in in_paper}) == 4
    # Outside the paper: Badr-1 (1990) and the five launches after the paper (2025-2026).
    after = [r for r in launches if r["in_paper"] == "false"]
    assert len(after) == 6
    assert len({r["source_id"] for r in after}) == 6
    cited = {c["source_id"] for c in rows("citations")}
    assert all(r["source_id"] not in cited and not r["citation_number"] for r in after)


@pytest.mark.parametrize(
    ("satellite", "beijing"),
    [
        # PakSat-1R: 00:15:04 Beijing time on 12 August 2011.
        ("paksat_1r", datetime(2011, 8, 12, 0, 15, 4, tzinfo=BEIJING)),
        # PakSat-MM1: 20:12 Beijing time on 30 May 2024 (the paper's "12:12 a.m." is UTC).
        ("paksat_mm1", datetime(2024, 5, 30, 20, 12, tzinfo=BEIJING)),
    ],
)
def test_launch_times_are_utc(satellite, beijing):
    row = by_key("satellite_launches")[satellite]
    utc = beijing.astimezone(UTC)
    assert row["launch_datetime_utc"] == utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert row["launch_date"] == utc.date().isoformat()


def test_identifiers_only_where_not_weak():
    launches = by_key("satellite_launches")
    assert launches["paktes_1a"]["cospar_id"] == "" and launches["paktes_1a"]["norad_id"] == ""
    # Only encyclopedia mirrors give Badr-1's identifiers; tracker code gives the later ones.
    for key in ("badr_1", "icube_q", "paksat_mm1", "prsc_eo1", "hs_1", "prsc_eo2", "prsc_eo3"):
        assert launches[key]["norad_id"] == "", key


def _value(statistic_id: str) -> float:
    return float(by_key("terrorism_statistics")[statistic_id]["value"])


def test_derived_values_recompute():
    stats = by_key("terrorism_statistics")
    derived = {k for k, r in stats.items() if r["is_derived"] == "true"}
    assert derived == {"attacks_2022_jan_nov_derived", "attacks_kp_ba_2023_jan_nov_derived"}
    # 664 attacks were 67% more than in January-November 2022.
    assert _value("attacks_2022_jan_nov_derived") == round(
        _value("attacks_2023_jan_nov") / (1 + _value("attacks_change_2023_jan_nov") / 100), 1
    )
    # Roughly 93% of the 664 attacks were in Khyber Pakhtunkhwa and Balochistan.
    assert _value("attacks_kp_ba_2023_jan_nov_derived") == round(
        _value("attacks_2023_jan_nov") * _value("attacks_share_kp_ba_2023_jan_nov") / 100, 1
    )
    for key in derived:
        assert stats[key]["derivation"] and stats[key]["value_qualifier"] == "approximately"


def test_split_figures_add_up():
    # Section 3.2: 12 military, 5 Chinese and 1 Pakistani national = at least 18 killed;
    # three attacks in Khyber Pakhtunkhwa and two in Balochistan = five.
    groups = [
        "killed_military_2024_03_16_26",
        "killed_chinese_2024_03_16_26",
        "killed_pakistani_2024_03_16_26",
    ]
    assert sum(_value(k) for k in groups) == _value("killed_2024_03_16_26")
    assert _value("attacks_kp_2024_03_16_26") + _value("attacks_ba_2024_03_16_26") == _value(
        "attacks_2024_03_16_26"
    )


def test_every_erratum_points_at_an_existing_row_and_field():
    for erratum in rows("errata"):
        table = erratum["table_name"]
        assert erratum["row_id"] in by_key(table), erratum["erratum_id"]
        assert erratum["field"] in {f["name"] for f in schema(table)["fields"]}, erratum[
            "erratum_id"
        ]


FREE_TEXT = {"description", "notes", "title"}


def test_errata_follow_the_policy():
    """Confirmed: the data holds the correction. Disputed: the data keeps the paper's value.
    Inconsistent: the data follows one of the paper's statements, not the erratum's.
    Source conflict: the data keeps its own source's value, the erratum the other one."""
    for erratum in rows("errata"):
        name = erratum["erratum_id"]
        row = by_key(erratum["table_name"])[erratum["row_id"]]
        held = row[erratum["field"]]
        kind, status = erratum["erratum_type"], erratum["status"]
        if kind == "source_conflict":
            assert status == "disputed" and erratum["paper_value"] == "", name
            assert held != erratum["corrected_value"], name
            continue
        assert erratum["paper_value"], name
        if kind == "paper_inconsistency":
            assert status == "inconsistent" and held != erratum["corrected_value"], name
            assert erratum["evidence_source_id"] == PAPER, name
        elif erratum["field"] in FREE_TEXT:
            # Own words: a confirmed correction drops the printed words, a disputed one
            # says in the row's notes that it is disputed.
            if status == "confirmed":
                assert erratum["paper_value"] not in held, name
            else:
                assert "errata" in row["notes"], name
        elif status == "disputed":
            assert held == erratum["paper_value"], name
        else:
            assert held == erratum["corrected_value"], name


def test_errata_cover_the_known_mistakes():
    errata = {(e["table_name"], e["row_id"], e["field"]): e["status"] for e in rows("errata")}
    assert errata[("security_incidents", "karachi_university_attack", "date")] == "confirmed"
    assert errata[("terrorism_statistics", "attacks_2023_jan_nov", "value")] == "disputed"
    assert (
        errata[("security_incidents", "balochistan_election_office_bombings", "killed")]
        == "disputed"
    )
    assert errata[("context_statistics", "flood_affected_people_2022", "indicator")] == "confirmed"
    assert errata[("context_statistics", "imf_loan_tranche", "organisation")] == "confirmed"
    assert (
        errata[("agricultural_projects", "peanut_seed_promotion_programme", "name")] == "confirmed"
    )
    assert errata[("satellite_launches", "paksat_mm1", "launch_datetime_utc")] == "confirmed"
    assert len(rows("errata")) >= 15

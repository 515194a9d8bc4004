"""Every analytic view against an independent computation in pandas from data/*.csv."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, copy_package, schema, text_rows

import cpcd
from cpcd.build import build
from cpcd.problems import CpcdError

# The views generated from the schemas (cpcd.catalogue), then those written in views/.
VIEWS = sorted(["fact_rows", "timeline", *(p.stem for p in (ROOT / "views").glob("*.sql"))])
PAPER = "gong_zhou_ma_2024"


def csv(table: str) -> pd.DataFrame:
    """A table as text, with the fields the build computes from EDTF dates added."""
    return pd.DataFrame(
        text_rows(table), columns=[f["name"] for f in schema(table)["fields"]]
    ).replace("", None)


def view(exports, name: str) -> pd.DataFrame:
    return cpcd.connect(exports).sql(f"select * from {name}").df()


def records(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples of plain Python values (NaN, NA and NaT as None)."""
    out = []
    for row in frame.itertuples(index=False):
        out.append(
            tuple(None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row)
        )
    return out


def test_every_view_is_in_the_database_with_a_comment_and_exported(exports):
    con = cpcd.connect(exports)
    found = dict(
        con.execute("select view_name, comment from duckdb_views() where not internal").fetchall()
    )
    assert sorted(found) == VIEWS
    assert all(found.values())
    assert set(VIEWS) >= {
        "timeline",
        "events_by_year_domain",
        "cooperation_by_domain",
        "launch_summary",
        "agricultural_partners",
        "terrorism_trend",
        "security_incidents_by_area",
        "source_usage",
        "citation_coverage",
        "errata_summary",
    }
    for name in VIEWS:
        exported = pd.read_parquet(exports / "views" / f"{name}.parquet")
        assert len(exported) == len(view(exports, name)), name
        assert (exports / "views" / f"{name}.csv").read_text().splitlines()[0].split(",") == list(
            exported.columns
        )


def test_events_by_year_domain(exports):
    events = csv("bilateral_events")
    expected = events.groupby(["year", "domain"]).size().reset_index(name="events")
    expected["year"] = expected["year"].astype(int)
    assert records(view(exports, "events_by_year_domain")) == records(
        expected.sort_values(["year", "domain"])
    )


def test_cooperation_by_domain(exports):
    events = csv("bilateral_events")
    events["year"] = events["year"].astype(int)
    expected = (
        events.groupby("domain")
        .agg(
            events=("event_id", "size"),
            first_year=("year", "min"),
            last_year=("year", "max"),
            sources=("source_id", "nunique"),
        )
        .reset_index()
    )
    assert records(view(exports, "cooperation_by_domain")) == records(
        expected.sort_values("domain")
    )


def test_launch_summary(exports):
    launches = csv("satellite_launches")
    got = view(exports, "launch_summary")
    groups = launches.groupby(["launch_date", "launch_vehicle", "launch_site"], dropna=False)
    assert len(got) == groups.ngroups
    # Section 2.5: PRSS-1 and PakTES-1A shared one launch.
    shared = got[got["satellite_count"] == 2]
    assert list(shared["satellites"]) == ["PRSS-1, PakTES-1A"]
    for (launch_date, vehicle, site), group in groups:
        row = got[
            (got["launch_date"].astype(str) == launch_date)
            & (
                got["launch_vehicle"].astype("string").fillna("")
                == ("" if pd.isna(vehicle) else vehicle)
            )
            & (got["launch_site"] == site)
        ]
        assert len(row) == 1
        assert row.iloc[0]["satellites"] == ", ".join(sorted(group["satellite_name"]))
        assert bool(row.iloc[0]["in_paper"]) == (group["in_paper"] == "true").any()


def test_agricultural_partners(exports):
    partners = csv("project_partners")
    expected = (
        partners.groupby("organisation")
        .agg(
            projects=("project_id", "nunique"),
            roles=("role", lambda s: ", ".join(sorted(set(s)))),
            countries=("country_code", lambda s: ", ".join(sorted(set(s.dropna()))) or None),
        )
        .reset_index()
    )
    assert records(view(exports, "agricultural_partners")) == records(
        expected.sort_values("organisation")
    )


def test_terrorism_trend(exports):
    stats = csv("terrorism_statistics")
    stats["value"] = stats["value"].astype(float)
    got = view(exports, "terrorism_trend").set_index("statistic_id")
    assert sorted(got.index) == sorted(stats["statistic_id"])
    changes = stats[stats["indicator"] == "terrorist_attacks_change"]
    resolved = 0
    for change in changes.itertuples():
        observed = stats[
            (stats["indicator"] == "terrorist_attacks")
            & (stats["area_code"] == change.area_code)
            & (stats["period_start"] == change.period_start)
            & (stats["period_end"] == change.period_end)
        ]
        before = stats[
            (stats["indicator"] == "terrorist_attacks")
            & (stats["area_code"] == change.area_code)
            & (stats["period_start"] == change.comparison_period_start)
            & (stats["period_end"] == change.comparison_period_end)
        ]
        for row in observed.itertuples():
            out = got.loc[row.statistic_id]
            assert out["comparison_value"] == pytest.approx(before["value"].iloc[0])
            assert out["absolute_change"] == pytest.approx(row.value - before["value"].iloc[0])
            assert out["percent_change"] == pytest.approx(change.value)
            assert bool(out["percent_change_is_reported"])
            assert (
                out["comparison_period"]
                == f"{change.comparison_period_start}/{change.comparison_period_end}"
            )
            resolved += 1
    # Section 3.2: 664 attacks against the derived January-November 2022 figure.
    assert resolved == 1
    assert got["comparison_value"].notna().sum() == resolved


def test_security_incidents_by_area(exports):
    incidents = csv("security_incidents")
    for column in ("killed", "chinese_killed", "attackers_killed"):
        incidents[column] = pd.to_numeric(incidents[column])
    incidents["year"] = incidents["year"].astype(int)
    incidents["on_chinese_target"] = incidents["chinese_target"] != "none"
    incidents["in_paper"] = incidents["in_paper"] == "true"

    def total(s: pd.Series):
        return s.sum() if s.notna().any() else None

    expected = (
        incidents.groupby(["area_code", "year"])
        .agg(
            incidents=("incident_id", "size"),
            incidents_on_chinese_targets=("on_chinese_target", "sum"),
            killed=("killed", total),
            incidents_with_toll=("killed", "count"),
            chinese_killed=("chinese_killed", total),
            attackers_killed=("attackers_killed", total),
            incidents_in_paper=("in_paper", "sum"),
        )
        .reset_index()
    )
    got = view(exports, "security_incidents_by_area")
    assert records(got) == records(expected.sort_values(["area_code", "year"]))


def _uses() -> pd.DataFrame:
    parts = []
    years = {
        "bilateral_events": "year",
        "context_events": "year",
        "agricultural_projects": "year",
        "security_incidents": "year",
        "satellite_launches": "launch_date",
        "terrorism_statistics": "period_start",
        "context_statistics": "period_start",
        "cpec_project_milestones": "year",
        "cpec_projects": None,  # undated: no cpcd:dateField
    }
    for table, year in years.items():
        frame = csv(table)
        y = frame[year].str[:4] if year else None
        for column in ("source_id", "supplement_source_id"):
            parts.append(pd.DataFrame({"table_name": table, "source_id": frame[column], "year": y}))
    for table in ("project_partners", "cpec_project_partners"):
        parts.append(
            pd.DataFrame({"table_name": table, "source_id": csv(table)["source_id"], "year": None})
        )
    parts.append(
        pd.DataFrame(
            {"table_name": "errata", "source_id": csv("errata")["evidence_source_id"], "year": None}
        )
    )
    uses = pd.concat(parts).dropna(subset=["source_id"])
    uses["year"] = pd.to_numeric(uses["year"])
    return uses


def test_source_usage(exports):
    uses = _uses()
    expected = (
        uses.groupby(["source_id", "table_name"])
        .agg(rows=("year", "size"), first_year=("year", "min"), last_year=("year", "max"))
        .reset_index()
    )
    citations = csv("citations")
    numbers = citations.groupby("source_id")["citation_number"].apply(
        lambda s: ", ".join(str(n) for n in sorted(s.astype(int)))
    )
    expected["citation_numbers"] = expected["source_id"].map(numbers)
    got = view(exports, "source_usage")
    columns = ["source_id", "table_name", "rows", "citation_numbers", "first_year", "last_year"]
    assert records(got[columns]) == records(
        expected[columns].sort_values(["source_id", "table_name"])
    )


def test_citation_coverage(exports):
    keys = {
        "bilateral_events": ["event_id"],
        "context_events": ["event_id"],
        "satellite_launches": ["satellite_id"],
        "agricultural_projects": ["project_id"],
        "project_partners": ["project_id", "organisation"],
        "cpec_projects": ["project_id"],
        "cpec_project_milestones": ["project_id", "milestone", "date"],
        "cpec_project_partners": ["project_id", "organisation", "role"],
        "terrorism_statistics": ["statistic_id"],
        "context_statistics": ["statistic_id"],
        "security_incidents": ["incident_id"],
    }
    cited = set(csv("citations")["source_id"])
    errata = csv("errata")
    expected = []
    for table, key in sorted(keys.items()):
        frame = csv(table)
        ids = frame[key].agg("|".join, axis=1)
        with_erratum = ids.isin(errata.loc[errata["table_name"] == table, "row_id"]).sum()
        outside = (~frame["source_id"].isin(cited | {PAPER})).sum()
        expected.append(
            (
                table,
                len(frame),
                int(frame["citation_number"].notna().sum()),
                int(outside),
                int(with_erratum),
            )
        )
    assert records(view(exports, "citation_coverage")) == expected


def test_errata_summary(exports):
    expected = csv("errata").groupby(["table_name", "status"]).size().reset_index(name="errata")
    assert records(view(exports, "errata_summary")) == records(
        expected.sort_values(["table_name", "status"])
    )


def test_timeline(exports):
    got = view(exports, "timeline")
    expected = []
    for table, kind, key in (
        ("bilateral_events", "event", "event_id"),
        ("context_events", "context_event", "event_id"),
        ("agricultural_projects", "project", "project_id"),
        ("security_incidents", "incident", "incident_id"),
        ("cpec_project_milestones", "project_milestone", None),
    ):
        frame = csv(table).dropna(subset=["date"])
        if table == "agricultural_projects":
            linked = set(csv("bilateral_events")["project_id"].dropna())
            frame = frame[~frame["project_id"].isin(linked)]
        expected += [
            (
                kind,
                r[key] if key else f"{r['project_id']}|{r['milestone']}|{r['date']}",
                r["date"],
                r["date_start"],
                r["date_end"],
            )
            for r in frame.to_dict("records")
        ]
    for r in csv("satellite_launches").to_dict("records"):
        expected.append(
            ("launch", r["satellite_id"], r["launch_date"], r["launch_date"], r["launch_date"])
        )
    # Statistics are observations over a period, not events: they are not on the timeline.
    actual = [
        (r.kind, r.row_id, r.date, str(r.date_start.date()), str(r.date_end.date()))
        for r in got.itertuples()
    ]
    assert sorted(actual) == sorted(expected)
    # Chronological: the first row is the oldest (diplomatic relations, 1951, section 5).
    assert list(got["date_start"]) == sorted(got["date_start"])
    assert got.iloc[0]["row_id"] == "diplomatic_relations_established"
    assert (got["year"] == got["date_start"].dt.year).all()


def test_a_view_column_without_a_description_is_reported(tmp_path):
    """Each column a view returns is described in its file; a missing or a stray description
    names the file and the column."""
    descriptor = copy_package(tmp_path)
    path = tmp_path / "views" / "launches_by_decade.sql"
    lines = path.read_text(encoding="utf-8").splitlines()
    described = [line for line in lines if line.startswith("-- column satellites:")]
    assert len(described) == 1
    lines.remove(described[0])
    lines.insert(1, "-- column rockets: Not a column of this view.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CpcdError) as err:
        build(descriptor, tmp_path / "out")
    found = {(Path(p.path).name, p.column, p.rule.split(":")[0]) for p in err.value.problems}
    assert found == {
        ("launches_by_decade.sql", "satellites", "view"),
        ("launches_by_decade.sql", "rockets", "view"),
    }

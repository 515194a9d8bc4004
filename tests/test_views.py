"""Every analytic view against an independent computation in pandas from data/*.csv."""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import FACT_TABLES, ROOT, copy_package, schema, text_rows

import cpcd
from cpcd.common.problems import CpcdError
from cpcd.exports.build import build

# The views generated from the schemas (cpcd.views.catalogue), then those written in views/.
VIEWS = sorted(["fact_rows", "timeline", *(p.stem for p in (ROOT / "views").glob("*.sql"))])
# The paper's source id as each fact table's schema declares it (cpcd:provenance).
PAPER_SOURCE = {
    table: schema(table)["cpcd:provenance"]["paperSource"]
    for table in FACT_TABLES
    if "cpcd:provenance" in schema(table)
}


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
        same = (
            (stats["area_code"] == change.area_code)
            & (stats["compiling_organisation"] == change.compiling_organisation)
            & (stats["indicator"] == "terrorist_attacks")
        )
        observed = stats[
            same
            & (stats["period_start"] == change.period_start)
            & (stats["period_end"] == change.period_end)
        ]
        before = stats[
            same
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
    # A percent change is only ever the one a change row reports, never computed.
    assert got["percent_change"].notna().sum() == resolved
    assert got["percent_change_is_reported"].sum() == resolved


def _run_view(exports: Path, name: str, edit: str) -> pd.DataFrame:
    """A view's SQL run on an in-memory copy of the built tables after ``edit`` (SQL), so a
    case the data does not hold can be tried without a build."""
    con = duckdb.connect()
    con.execute(f"attach '{exports / 'cpcd.duckdb'}' as built (read_only)")
    for table in ("terrorism_statistics", "errata"):
        con.execute(f"create table {table} as select * from built.{table}")
    con.execute(edit)
    return con.sql((ROOT / "views" / f"{name}.sql").read_text(encoding="utf-8")).df()


def test_terrorism_trend_takes_the_change_of_the_same_compiler(exports):
    """A change another compiler reports for the same area and period is not this row's."""
    other = "Center for Research and Security Studies (CRSS)"
    got = _run_view(
        exports,
        "terrorism_trend",
        f"update terrorism_statistics set compiling_organisation = '{other}' "
        "where statistic_id = 'attacks_change_2023_jan_nov'",
    ).set_index("statistic_id")
    assert got.loc["attacks_2023_jan_nov", "comparison_period"] is None
    assert pd.isna(got.loc["attacks_2023_jan_nov", "percent_change"])
    assert got["percent_change"].notna().sum() == 0


def _annual_figures() -> pd.DataFrame:
    """Each compiler's national calendar-year figures (everyone counted for tolls), one row
    per compiler, year and indicator, with the other figures errata give for it."""
    stats = csv("terrorism_statistics")
    year = stats["period_start"].str[:4]
    annual = stats[
        (stats["in_paper"] == "false")
        & (stats["area_code"] == "PK")
        & stats["compiling_organisation"].notna()
        & (stats["period_start"] == year + "-01-01")
        & (stats["period_end"] == year + "-12-31")
        & stats["victim_group"].isin([None, "all"])
    ].assign(year=year.astype(int))
    errata = csv("errata")
    conflicts = errata[
        (errata["table_name"] == "terrorism_statistics")
        & (errata["field"] == "value")
        & (errata["erratum_type"] == "source_conflict")
    ].sort_values("erratum_id")
    others = conflicts.groupby("row_id")["corrected_value"].agg("; ".join)
    return annual.assign(
        value=annual["value"].astype(float), other_figures=annual["statistic_id"].map(others)
    )


def test_terrorism_annual(exports):
    annual = _annual_figures()
    # pivot, unlike an aggregate, refuses two figures for one compiler, year and indicator.
    wide = annual.pivot(
        index=["compiling_organisation", "year"],
        columns="indicator",
        values=["value", "value_qualifier", "other_figures"],
    )
    expected = pd.DataFrame(index=wide.index)
    for indicator in ("terrorist_attacks", "people_killed", "people_injured", "suicide_attacks"):
        expected[indicator] = wide[("value", indicator)]
        expected[f"{indicator}_qualifier"] = wide[("value_qualifier", indicator)]
        expected[f"{indicator}_other_figures"] = wide[("other_figures", indicator)]
    expected = expected.reset_index().sort_values(["compiling_organisation", "year"])
    got = view(exports, "terrorism_annual")
    assert list(got.columns) == list(expected.columns)
    assert records(got) == records(expected)


def test_terrorism_annual_keeps_qualifiers_and_other_figures(exports):
    """Hand-checked against data/: PICSS's 2024 count is "more than 800"
    (picss_terrorist_attacks_2024), and errata keep another report's 908."""
    got = view(exports, "terrorism_annual").set_index(["compiling_organisation", "year"])
    row = got.loc[("Pakistan Institute for Conflict and Security Studies (PICSS)", 2024)]
    assert (row["terrorist_attacks"], row["terrorist_attacks_qualifier"]) == (800, "more_than")
    assert row["terrorist_attacks_other_figures"] == "908"


def test_terrorism_annual_counts_everyone_killed(exports):
    """A toll of one victim group (military) for a compiler-year is not the year's toll."""
    crss = "Center for Research and Security Studies (CRSS)"
    got = _run_view(
        exports,
        "terrorism_annual",
        "insert into terrorism_statistics (statistic_id, indicator, victim_group, value, unit,"
        " value_qualifier, area_code, period_start, period_end, compiling_organisation,"
        " in_paper, is_derived, source_id) select 'test_military', 'people_killed', 'military',"
        " 99999, unit, value_qualifier, area_code, period_start, period_end,"
        " compiling_organisation, in_paper, is_derived, source_id from terrorism_statistics"
        " where statistic_id = 'crss_people_killed_2012'",
    ).set_index(["compiling_organisation", "year"])
    assert got.loc[(crss, 2012), "people_killed"] == 6059  # crss_people_killed_2012 in data/
    assert got.index.is_unique


def test_terrorism_annual_other_figures_are_conflicting_values_only(exports):
    """An erratum on another column of the row, or one that is not a conflict between
    sources, is no other figure for the value."""
    got = _run_view(
        exports,
        "terrorism_annual",
        "insert into errata (erratum_id, table_name, row_id, field, corrected_value,"
        " erratum_type, status, explanation) values"
        " ('test_notes', 'terrorism_statistics', 'crss_people_killed_2012', 'notes', '1',"
        " 'source_conflict', 'disputed', 'x'),"
        " ('test_paper', 'terrorism_statistics', 'crss_people_killed_2012', 'value', '2',"
        " 'paper_error', 'disputed', 'x'),"
        " ('test_conflict', 'terrorism_statistics', 'crss_people_killed_2012', 'value', '3',"
        " 'source_conflict', 'disputed', 'x')",
    ).set_index(["compiling_organisation", "year"])
    crss = "Center for Research and Security Studies (CRSS)"
    assert got.loc[(crss, 2012), "people_killed_other_figures"] == "3"


def test_launches_by_decade(exports):
    launches = csv("satellite_launches")
    launches["decade"] = launches["launch_date"].str[:3].astype(int) * 10
    launches["paper"] = launches["in_paper"] == "true"
    expected = (
        launches.groupby("decade")
        .agg(
            satellites=("satellite_id", "size"),
            satellites_in_paper=("paper", "sum"),
            satellites_not_in_paper=("paper", lambda s: (~s).sum()),
        )
        .reset_index()
    )
    assert records(view(exports, "launches_by_decade")) == records(expected)


def test_cpec_projects_by_sector_province(exports):
    projects = csv("cpec_projects")
    for column in ("capacity_mw", "cost_million"):
        projects[column] = pd.to_numeric(projects[column])
    usd = projects["cost_currency"] == "USD"
    projects["cost_usd"] = projects["cost_million"].where(usd)
    projects["cost_other"] = projects["cost_million"].where(
        ~usd & projects["cost_currency"].notna()
    )

    def total(s: pd.Series):
        return round(s.sum(), 3) if s.notna().any() else None

    expected = (
        projects.groupby(["sector", "area_code"], dropna=False)
        .agg(
            projects=("project_id", "size"),
            capacity_mw=("capacity_mw", total),
            projects_with_capacity=("capacity_mw", "count"),
            cost_usd_million=("cost_usd", total),
            projects_with_cost_usd=("cost_usd", "count"),
            projects_with_cost_other_currency=("cost_other", "count"),
        )
        .reset_index()
    )
    # SQL sorts a missing area last within its sector.
    expected = expected.sort_values(["sector", "area_code"], na_position="last")
    assert records(view(exports, "cpec_projects_by_sector_province")) == records(expected)


def _cell(frame: pd.DataFrame, column: str, convert) -> list:
    """A column's values converted, or None for each row when the table has no such column."""
    if column not in frame:
        return [None] * len(frame)
    return [None if pd.isna(v) else convert(v) for v in frame[column]]


def test_fact_rows(exports):
    """One row per row of each fact table: its key joined by '|', provenance and year (of
    the field its schema names as cpcd:dateField); source_is_paper follows the table's
    declared paperSource and is false for a table that declares none."""
    expected = []
    for table in FACT_TABLES:
        spec, frame = schema(table), csv(table)
        ids = frame[spec["primaryKey"]].agg("|".join, axis=1)
        dated = {f["name"]: f for f in spec["fields"]}.get(spec.get("cpcd:dateField"))
        if dated is None:
            years = [None] * len(frame)
        else:  # an EDTF date's year field, or the year of a plain date
            column = (dated.get("cpcd:edtf") or {}).get("year")
            text = frame[column] if column else frame[dated["name"]].str[:4]
            years = [None if pd.isna(y) else int(y) for y in text]
        paper = PAPER_SOURCE.get(table)
        expected += zip(
            [table] * len(frame),
            ids,
            frame["source_id"],
            _cell(frame, "supplement_source_id", str),
            _cell(frame, "citation_number", int),
            _cell(frame, "in_paper", lambda v: v == "true"),
            [paper is not None and s == paper for s in frame["source_id"]],
            years,
            strict=True,
        )
    got = records(view(exports, "fact_rows"))
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    assert sum(row[6] for row in expected) > 0  # rows that cite the paper itself


def _reference_cell(value) -> str:
    """A DuckDB value as the exports' CSV files write it, by their documented rules: the
    empty cell for a missing value, true/false, whole numbers without a decimal point,
    dates as YYYY-MM-DD and times in UTC as YYYY-MM-DDTHH:MM:SSZ."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize("name", VIEWS)
def test_view_csv_is_written_as_the_table_csvs_are(exports, name):
    """Python's csv module (minimal quoting, LF line ends) over the view's rows gives the
    exported file byte for byte."""
    cursor = cpcd.connect(exports).execute(f"select * from {name}")
    expected = io.StringIO()
    writer = csv_module.writer(expected, lineterminator="\n")
    writer.writerow([d[0] for d in cursor.description])
    writer.writerows([_reference_cell(v) for v in row] for row in cursor.fetchall())
    written = (exports / "views" / f"{name}.csv").read_bytes()
    assert written == expected.getvalue().encode("utf-8")


def test_a_number_reads_the_same_in_a_view_csv_and_its_table_csv(exports):
    """The annual counts of attacks are terrorism_statistics values passed through: each
    reads in terrorism_annual.csv as in terrorism_statistics.csv (664, never 664.0)."""
    with (exports / "csv" / "terrorism_statistics.csv").open(encoding="utf-8", newline="") as fh:
        table = [
            r["value"]
            for r in csv_module.DictReader(fh)
            if r["in_paper"] == "false"
            and r["indicator"] == "terrorist_attacks"
            and r["area_code"] == "PK"
            and r["period_start"].endswith("-01-01")
            and r["period_end"] == r["period_start"][:4] + "-12-31"
        ]
    with (exports / "views" / "terrorism_annual.csv").open(encoding="utf-8", newline="") as fh:
        in_view = [r["terrorist_attacks"] for r in csv_module.DictReader(fh)]
    assert Counter(t for t in in_view if t) == Counter(table)
    assert "800" in table  # picss_terrorist_attacks_2024 in data/


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

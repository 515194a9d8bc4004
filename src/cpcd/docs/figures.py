"""Figures drawn from the built tables with matplotlib, into ``docs/figures/``.

Each figure is a pure function of the exports: matplotlib's object API (no
pyplot state), fixed style, size and resolution, and PNG files written without
a creation time or software tag, so the same data give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cpcd.api import connect, load
from cpcd.common.files import replace_file
from cpcd.common.problems import CpcdError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

STYLE = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: no system font is used
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}
DPI = 120
PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
    "#1f78b4",
    "#b2df8a",
)


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.subplots()


def _span(ax: Axes, y: float, start, end, color: str, filled: bool = True) -> None:
    """A date as a point at its first day and, when it is not a day, a bar over its span."""
    face = color if filled else "white"
    ax.plot([start], [y], "o", color=color, markerfacecolor=face, markersize=4, zorder=3)
    if end > start:
        ax.plot([start, end], [y, y], "-", color=color, linewidth=3, alpha=0.5)


def events_timeline(exports: Path | None) -> Figure:
    """Bilateral events by domain, 1951 to the latest row; bars show imprecise dates."""
    events = load("bilateral_events", exports).sort_values(["date_start", "event_id"])
    domains = list(events["domain"].cat.categories)
    used = [d for d in domains if (events["domain"] == d).any()]
    figure, ax = _figure(9, 0.45 * len(used) + 1.4)
    for row in events.itertuples():
        y = used.index(row.domain)
        _span(ax, y, row.date_start, row.date_end, PALETTE[y % len(PALETTE)], bool(row.in_paper))
    ax.set_yticks(range(len(used)), [d.replace("_", " ") for d in used])
    ax.invert_yaxis()
    ax.set_xlabel(
        "date (bar: known to the decade, year or month only); "
        "filled: in the paper, open: public record"
    )
    first, last = events["date_start"].min().year, events["date_end"].max().year
    ax.set_title(f"Bilateral events by domain, {first} to {last} ({len(events)} events)")
    return figure


def launches(exports: Path | None) -> Figure:
    """Satellites launched for Pakistan, by launch vehicle, marking those after the paper."""
    table = load("satellite_launches", exports).sort_values(["launch_date", "satellite_id"])
    vehicle = (
        table["launch_vehicle"].astype(str).where(table["launch_vehicle"].notna(), "not reported")
    )
    vehicles = sorted(vehicle.unique())
    figure, ax = _figure(9, 0.45 * len(vehicles) + 1.6)
    same_day = table.groupby("launch_date").cumcount()  # 0, 1, ... for satellites sharing a launch
    for row, nth, name in zip(table.itertuples(), same_day, vehicle, strict=True):
        y = vehicles.index(name)
        filled = bool(row.in_paper)
        ax.plot(
            [row.launch_date],
            [y],
            "o",
            markersize=7,
            color="#1b9e77",
            markerfacecolor="#1b9e77" if filled else "white",
            zorder=3,
        )
        ax.annotate(
            str(row.satellite_name).split(" (")[0],
            (row.launch_date, y),
            xytext=(5, 6 - 14 * nth),
            textcoords="offset points",
            fontsize=7,
        )
    ax.set_yticks(range(len(vehicles)), vehicles)
    ax.invert_yaxis()
    ax.set_xlabel("launch date (UTC); filled: named in the paper, open: from the public record")
    ax.set_title(f"Satellites launched by China for Pakistan ({len(table)} satellites)")
    return figure


def agricultural_projects(exports: Path | None) -> Figure:
    """Agricultural projects as bars over the span of their recorded date, by status."""
    import pandas as pd

    table = load("agricultural_projects", exports)
    dated = table[table["date_start"].notna()].sort_values(["date_start", "project_id"])
    undated = table[table["date_start"].isna()].sort_values("project_id")
    statuses = [*table["status"].cat.categories, "not stated"]
    colors = dict(zip(statuses, PALETTE, strict=False))
    figure, ax = _figure(9, 0.3 * len(dated) + 1.8)
    for y, row in enumerate(dated.itertuples()):
        status = row.status if isinstance(row.status, str) else "not stated"
        ax.barh(
            y,
            (row.date_end - row.date_start).days + 1,
            left=row.date_start,
            height=0.6,
            color=colors[status],
            label=status,
        )
    ax.set_yticks(range(len(dated)), [str(n) for n in dated["name"]], fontsize=7)
    ax.invert_yaxis()
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=False))
    # Beside the bars, not over them.
    ax.legend(
        unique.values(), unique.keys(), title="status", fontsize=7,
        loc="upper left", bbox_to_anchor=(1.01, 1),
    )  # fmt: skip
    from matplotlib.dates import DateFormatter, YearLocator

    # Whole years, so that each year's tick sits at its start and no bar is cut at an edge.
    first, last = dated["date_start"].min().year, dated["date_end"].max().year
    ax.set_xlim(pd.Timestamp(first, 1, 1), pd.Timestamp(last + 1, 1, 1))
    ax.xaxis.set_major_locator(YearLocator())
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    label = "bar: the span the recorded date can denote (a month or a year)"
    if len(undated):
        label += "\nundated, not drawn: " + "\n".join(str(n) for n in undated["name"])
    ax.set_xlabel(label, fontsize=8)
    ax.set_title(f"Agricultural projects by recorded date ({len(dated)} of {len(table)} dated)")
    return figure


def area_name(code: str) -> str:
    """An ISO 3166-2 subdivision or ISO 3166-1 country by its name, codes joined by '+'
    as names joined by ' and '."""
    import pycountry

    names = []
    for part in code.split("+"):
        area = pycountry.subdivisions.get(code=part) or pycountry.countries.get(alpha_2=part)
        names.append(area.name if area is not None else part)
    return " and ".join(names)


def _annual_attacks(exports: Path | None) -> pd.DataFrame:
    """Each compiler's yearly count of attacks nationwide, from the terrorism_annual view."""
    with connect(exports) as con:
        return con.sql(
            "select compiling_organisation, year, terrorist_attacks as attacks, "
            "terrorist_attacks_qualifier as qualifier, "
            "terrorist_attacks_other_figures as other_figures "
            "from terrorism_annual where terrorist_attacks is not null"
        ).df()


def _trend(ax: Axes, annual: pd.DataFrame) -> None:
    """One line per compiler over every year of the panel, broken where it gives no figure;
    an open marker for a bound or an approximate figure, a cross for another report's."""
    years = list(range(int(annual["year"].min()), int(annual["year"].max()) + 1))
    for i, (compiler, series) in enumerate(annual.groupby("compiling_organisation", sort=True)):
        color = PALETTE[i + 2]
        by_year = series.set_index("year")
        line = by_year["attacks"].reindex(years)  # a year without a figure is a gap (NaN)
        ax.plot(years, line.to_numpy(dtype=float), "-", color=color, label=str(compiler))
        exact = by_year["qualifier"] == "exact"
        for points, face in ((by_year[exact], color), (by_year[~exact], "white")):
            ax.plot(points.index, points["attacks"], "o", color=color, markerfacecolor=face)
        others = [
            (year, float(figure))
            for year, text in by_year["other_figures"].dropna().items()
            for figure in str(text).split("; ")
        ]
        if others:
            ax.plot(*zip(*others, strict=True), "x", color=color, markersize=5)
    ax.set_xticks(years, [str(y) for y in years], fontsize=7)
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.set_ylabel("terrorist attacks a year")
    ax.set_xlabel(
        "filled: the count; open: a bound or an approximate count (more than, at least, "
        "about); cross: another report's figure; a gap: no figure for that year",
        fontsize=7,
    )
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title(
        "Terrorist attacks in Pakistan a year, by compiler (each counts differently: "
        "compare years within a line)",
        fontsize=9,
    )


def security(exports: Path | None) -> Figure:
    """Attacks on Chinese targets by year and province, their dead (Chinese nationals apart),
    and each compiler's annual count of attacks nationwide."""
    from matplotlib.figure import Figure

    incidents = load("security_incidents", exports)
    chinese = incidents[incidents["chinese_target"] != "none"]
    years = list(range(int(chinese["year"].min()), int(chinese["year"].max()) + 1))
    figure = Figure(figsize=(10, 8), layout="constrained")
    by_area, by_toll, trend = figure.subplots(3, 1, height_ratios=(3, 2, 3))
    bottom = [0] * len(years)
    areas = sorted(chinese["area_code"].dropna().astype(str).unique())
    for i, area in enumerate(areas):
        counts = [
            int(((chinese["area_code"] == area) & (chinese["year"] == y)).sum()) for y in years
        ]
        by_area.bar(years, counts, bottom=bottom, color=PALETTE[i], label=area_name(area))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    by_area.set_ylabel("incidents")
    by_area.set_ylim(0, max(bottom) * 1.35)  # room above the bars for the legend
    by_area.yaxis.get_major_locator().set_params(integer=True)
    by_area.legend(fontsize=7, ncols=len(areas), loc="upper left")
    by_area.set_title(
        f"Attacks on Chinese nationals, projects and premises in Pakistan, by year and "
        f"province ({len(chinese)} incidents)",
        fontsize=9,
    )
    killed = chinese["killed"].astype("Float64").fillna(0)
    chinese_killed = chinese["chinese_killed"].astype("Float64").fillna(0)
    dead_chinese = [float(chinese_killed[chinese["year"] == y].sum()) for y in years]
    dead_others = [float((killed - chinese_killed)[chinese["year"] == y].sum()) for y in years]
    by_toll.bar(years, dead_chinese, color="#d95f02", label="Chinese nationals")
    by_toll.bar(years, dead_others, bottom=dead_chinese, color="#7570b3", label="others")
    by_toll.set_ylabel("people killed")
    tolls = [c + o for c, o in zip(dead_chinese, dead_others, strict=True)]
    by_toll.set_ylim(0, max(tolls) * 1.35)
    by_toll.legend(fontsize=7, loc="upper left")
    by_toll.set_title("People killed in those attacks (attackers not counted)", fontsize=9)
    for axis in (by_area, by_toll):  # a tick under every year's bar
        axis.set_xticks(years, [str(y) for y in years], fontsize=7)
        axis.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    _trend(trend, _annual_attacks(exports))
    return figure


FIGURES: dict[str, Callable[[Path | None], Figure]] = {
    "bilateral_events_timeline": events_timeline,
    "satellite_launches": launches,
    "agricultural_projects": agricultural_projects,
    "security": security,
}


def draw(
    folder: Path, exports: Path | None = None, done: Callable[[Path], None] | None = None
) -> list[Path]:
    """Write every figure as ``<name>.png`` into ``folder``; each file is replaced whole.

    ``done`` is called with each file as it is written, to show progress.
    """
    try:
        import matplotlib
    except ImportError:
        raise CpcdError(
            "cpcd figures needs matplotlib: pip install 'cpcd[figures]' (make build installs it)"
        ) from None
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with matplotlib.rc_context(STYLE):
        for name, draw_one in FIGURES.items():
            figure = draw_one(exports)
            path = folder / f"{name}.png"
            png = io.BytesIO()
            figure.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
            replace_file(path, png.getvalue())
            written.append(path)
            if done is not None:
                done(path)
    return written

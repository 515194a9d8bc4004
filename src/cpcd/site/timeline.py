"""The home page's timeline: one mark per row of the ``timeline`` view, one lane per domain.

The view decides which rows are on the timeline; this module only places them,
so the drawing and the SQL cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from cpcd.site.model import Row, Site, rel, slug

WIDTH = 1000
LEFT, RIGHT, TOP = 132, 24, 8.0  # room for lane names, the last tick and the first lane
STEP, RADIUS, PAD = 5.0, 2.6, 7  # stacked marks' spacing, mark size, lane padding
AXIS = 22  # height of the year labels under the lanes


@dataclass(frozen=True)
class Mark:
    id: str
    table: str
    row_id: str
    day: date
    title: str
    in_paper: bool
    href: str
    x: float
    y: float


@dataclass(frozen=True)
class Lane:
    name: str
    top: float
    height: float

    @property
    def label_y(self) -> float:
        return round(self.top + self.height / 2 + 4, 1)


@dataclass(frozen=True)
class Tick:
    year: int
    x: float


@dataclass(frozen=True)
class Timeline:
    marks: list[Mark]
    lanes: list[Lane]
    ticks: list[Tick]
    width: int
    height: float
    axis: float
    first: int
    last: int
    radius: float = RADIUS


def lane_order(site: Site, rows: list[Row]) -> list[str]:
    """Domains in the order the schemas list them (``cpcd:timeline``), then others by name."""
    order: list[str] = []
    for table in site.package.tables.values():
        spec = table.timeline or {}
        values = [spec["domainValue"]] if spec.get("domainValue") else []
        domain = next((f for f in table.fields if f.name == spec.get("domain")), None)
        values += list(domain.enum or ()) if domain else []
        order += [v for v in values if v not in order]
    used = {r["domain"] for r in rows}
    return [lane for lane in order if lane in used] + sorted(used - set(order))


def timeline(site: Site, here: str) -> Timeline | None:
    """Every row of the view placed at its first day, stacked where marks would overlap."""
    rows = sorted(site.timeline, key=lambda r: (r["date_start"], r["table_name"], r["row_id"]))
    if not rows:
        return None
    names = lane_order(site, rows)
    days = [date.fromisoformat(r["date_start"]) for r in rows]
    first = min(d.year for d in days)
    last = max(d.year for d in days)
    first -= first % 10
    last = last - last % 10 + 10
    span = (WIDTH - LEFT - RIGHT) / (last - first)
    stacks: dict[tuple[str, int], int] = defaultdict(int)
    placed = []
    for row, day in zip(rows, days, strict=True):
        x = LEFT + (day.year - first + (day.timetuple().tm_yday - 0.5) / 366) * span
        column = int((x - LEFT) // (2 * RADIUS + 0.6))
        level = stacks[(row["domain"], column)]
        stacks[(row["domain"], column)] += 1
        placed.append((row, day, x, level))
    lanes, y = [], TOP
    for name in names:
        height = max(v for (lane, _), v in stacks.items() if lane == name) * STEP + 2 * PAD
        lanes.append(Lane(name, round(y, 1), round(height, 1)))
        y += height
    bottom = {lane.name: lane.top + lane.height for lane in lanes}
    marks = [
        Mark(
            id="mark-" + slug(site.addresses[(row["table_name"], row["row_id"])]),
            table=row["table_name"],
            row_id=row["row_id"],
            day=day,
            title=row["title"],
            in_paper=row["in_paper"] == "true",
            href=rel(here, site.addresses[(row["table_name"], row["row_id"])]),
            x=round(x, 1),
            y=round(bottom[row["domain"]] - PAD - level * STEP, 1),
        )
        for row, day, x, level in placed
    ]
    ticks = [
        Tick(year, round(LEFT + (year - first) * span, 1)) for year in range(first, last + 1, 10)
    ]
    axis = y + 4
    return Timeline(marks, lanes, ticks, WIDTH, round(axis + AXIS), round(axis, 1), first, last)

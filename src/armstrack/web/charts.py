"""Server-side chart geometry: a deal's timeline, a country's trade by year, the network.

Why server-side SVG: the pages then need no JavaScript at all, so the
Content-Security-Policy can forbid every script, and a chart is a plain part of
the page that prints, screenshots and reads without a charting library. These
functions only compute coordinates; the templates draw them (and escape every
label, which may come from an article).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from armstrack.model import COARSE_MODALITY, EVENT_TYPES
from armstrack.register import TimelineEntry

# --------------------------------------------------------------------------- deal timeline


@dataclass
class TimelineMark:
    """One claim drawn on the timeline: a bar for a time interval, a dot for a day."""

    index: int  # the claim's number on the deal page
    shape: str  # bar | dot
    x: float
    y: float
    width: float
    height: float
    type: str
    factuality: str  # realis | irrealis | negated
    open_start: bool
    open_end: bool
    dated: bool  # False: placed at the publication date, the text gave no time
    title: str


@dataclass
class TimelineChart:
    width: int
    height: int
    left: int
    top: int
    ticks: list[tuple[float, str]]
    lanes: list[tuple[float, float, str]]  # (y, height, event type)
    marks: list[TimelineMark]


_ROW = 12  # height of one row of claims in a lane
_DAY = timedelta(days=1)


def _span(entry: TimelineEntry) -> tuple[date | None, date | None, bool]:
    """(start, end, dated) of a claim: its time interval, else its publication date."""
    time = entry.event.time
    if time is not None and (time.start or time.end):
        return time.start, time.end, True
    day = entry.date or entry.published
    return day, day, False


def timeline_chart(entries: list[TimelineEntry], width: int = 960) -> TimelineChart | None:
    """Claims in one lane per event type along a time axis; ``None`` when nothing is dated."""
    spans = [_span(e) for e in entries]
    days = [d for start, end, _ in spans for d in (start, end) if d]
    if not days:
        return None
    low, high = min(days), max(days)
    low = date(low.year, 1, 1)
    high = date(high.year, 12, 31)
    left, right, top = 110, 16, 28
    plot = width - left - right
    total = (high - low).days + 1

    def x(day: date) -> float:
        return left + plot * (day - low).days / total

    types = [t for t in EVENT_TYPES if any(e.event.type == t for e in entries)]
    types += sorted({e.event.type for e in entries} - set(types))
    marks: list[TimelineMark] = []
    lanes: list[tuple[float, float, str]] = []
    y = float(top)
    for kind in types:
        rows_end: list[float] = []  # right edge of the last mark in each row of this lane
        lane_marks: list[tuple[int, TimelineMark]] = []
        for number, (entry, (start, end, dated)) in enumerate(zip(entries, spans, strict=True)):
            if entry.event.type != kind or (start is None and end is None):
                continue
            x0 = x(start) if start else float(left)
            x1 = x(end + _DAY) if end else float(left + plot)
            shape = "bar" if dated and (x1 - x0) >= 3 else "dot"
            if shape == "dot":
                x0, x1 = x0 - 4, x0 + 4
            row = next((i for i, edge in enumerate(rows_end) if edge + 2 <= x0), len(rows_end))
            if row == len(rows_end):
                rows_end.append(x1)
            else:
                rows_end[row] = x1
            ev = entry.event
            lane_marks.append(
                (
                    row,
                    TimelineMark(
                        index=number,
                        shape=shape,
                        x=round(x0, 1),
                        y=0.0,
                        width=round(max(x1 - x0, 3), 1),
                        height=_ROW - 3,
                        type=kind,
                        factuality=COARSE_MODALITY.get(ev.modality, "irrealis"),
                        open_start=dated and start is None,
                        open_end=dated and end is None,
                        dated=dated,
                        title=_claim_title(number, entry),
                    ),
                )
            )
        rows = max(1, len(rows_end))
        height = rows * _ROW + 8
        for row, mark in lane_marks:
            mark.y = y + 4 + row * _ROW
            marks.append(mark)
        lanes.append((y, height, kind))
        y += height
    years = list(range(low.year, high.year + 1))
    step = max(1, math.ceil(len(years) / 12))
    ticks = [(round(x(date(year, 1, 1)), 1), str(year)) for year in years[::step]]
    return TimelineChart(width, int(y) + 8, left, top, ticks, lanes, marks)


def _claim_title(number: int, entry: TimelineEntry) -> str:
    ev = entry.event
    when = ev.time.text if ev.time and ev.time.text else f"published {entry.published or '?'}"
    said = f", said by {ev.source}" if ev.source else ""
    return f"#{number} {ev.type} ({ev.modality}): {when}{said}"


# --------------------------------------------------------------------------- country by year


@dataclass
class YearBar:
    year: int
    x: float
    width: float
    exports: int
    imports: int
    export_height: float
    import_height: float


@dataclass
class YearChart:
    width: int
    height: int
    axis_y: float
    bars: list[YearBar]
    labels: list[tuple[float, str]]
    peak: int


def year_chart(by_year: list[tuple[int, int, int]], width: int = 960) -> YearChart | None:
    """Deals exported (up) and imported (down) by year of first report, one bar pair a year."""
    if not by_year:
        return None
    height, pad, left = 240, 20, 40
    peak = max(max(out, inn) for _, out, inn in by_year) or 1
    half = (height - 2 * pad) / 2
    axis = pad + half
    slot = (width - left - 10) / len(by_year)
    bars = [
        YearBar(
            year=year,
            x=round(left + i * slot + slot * 0.1, 1),
            width=round(max(slot * 0.8, 1), 1),
            exports=out,
            imports=inn,
            export_height=round(half * out / peak, 1),
            import_height=round(half * inn / peak, 1),
        )
        for i, (year, out, inn) in enumerate(by_year)
    ]
    step = max(1, math.ceil(len(by_year) / 12))
    labels = [(round(b.x + b.width / 2, 1), str(b.year)) for b in bars[::step]]
    return YearChart(width, height, axis, bars, labels, peak)


# --------------------------------------------------------------------------- network


@dataclass
class Node:
    id: str
    name: str
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    anchor: str
    exports: int
    imports: int


@dataclass
class Edge:
    supplier: str
    recipient: str
    deals: int
    path: str
    width: float


@dataclass
class NetworkChart:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    hidden_nodes: int = 0


def network_chart(
    edges: Counter[tuple[str, str]],
    names: dict[str, str],
    limit: int = 40,
    size: int = 780,
) -> NetworkChart:
    """The ``limit`` busiest parties on a circle, edges curved through the middle.

    A circle rather than a force layout: deterministic (the same filter gives the
    same picture, so screenshots and shared links agree), computed in linear
    time, and every label has room at the rim. Edge width grows with the square
    root of the number of deals so that one dominant pair does not hide the rest.
    """
    exports: Counter[str] = Counter()
    imports: Counter[str] = Counter()
    for (sup, rec), n in edges.items():
        exports[sup] += n
        imports[rec] += n
    weight = exports + imports
    ranked = sorted(weight, key=lambda p: (-weight[p], p))
    shown = ranked[:limit]
    chart = NetworkChart(size, size, hidden_nodes=max(0, len(ranked) - limit))
    if not shown:
        return chart
    centre, radius = size / 2, size / 2 - 110
    top = max(weight[p] for p in shown)
    position: dict[str, tuple[float, float]] = {}
    for i, party in enumerate(sorted(shown)):
        angle = 2 * math.pi * i / len(shown) - math.pi / 2
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        position[party] = (x, y)
        lx, ly = centre + (radius + 14) * math.cos(angle), centre + (radius + 14) * math.sin(angle)
        chart.nodes.append(
            Node(
                id=party,
                name=names.get(party, party),
                x=round(x, 1),
                y=round(y, 1),
                r=round(3 + 12 * math.sqrt(weight[party] / top), 1),
                label_x=round(lx, 1),
                label_y=round(ly + 4, 1),
                anchor="start" if math.cos(angle) >= 0 else "end",
                exports=exports[party],
                imports=imports[party],
            )
        )
    busiest = max((n for (a, b), n in edges.items() if a in position and b in position), default=1)
    for (sup, rec), n in sorted(edges.items(), key=lambda kv: (kv[1], kv[0])):
        if sup not in position or rec not in position or sup == rec:
            continue
        (x1, y1), (x2, y2) = position[sup], position[rec]
        # Control point pulled towards the centre: chords curve and stay apart.
        cx, cy = (x1 + x2) / 2 * 0.4 + centre * 0.6, (y1 + y2) / 2 * 0.4 + centre * 0.6
        chart.edges.append(
            Edge(
                supplier=sup,
                recipient=rec,
                deals=n,
                path=f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}",
                width=round(0.8 + 7 * math.sqrt(n / busiest), 2),
            )
        )
    return chart

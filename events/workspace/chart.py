"""A small line chart as inline SVG: data in, SVG text out. No request, no database, no JavaScript.

The dashboard draws one per event (small multiples read better on a phone than six lines in one chart). It is
drawn for people who would rather look than read, and described for those who cannot look: ``role="img"`` with
a title and a description, and the page shows the same numbers in a table. Meaning never rests on colour alone:
the capacity is a dashed line with a label, and the line's last value is written at its end.

Only presentation attributes are used, never ``style``: the Content-Security-Policy allows no inline styles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 320
HEIGHT = 184
LEFT, RIGHT, TOP, BOTTOM = 40, 56, 30, 42  # room for the y ticks, the end label, the y title and the x labels
INK = "#1b2430"
MUTED = "#4a5563"  # 7.5:1 on white
GRID = "#d5d0c4"
LINE = "#14507a"  # 8.6:1 on white
CAPACITY = "#b3122b"  # 6.6:1 on white


@dataclass(frozen=True)
class LineChart:
    """What to draw. Labels arrive translated and formatted: the drawing knows no language."""

    key: str  # unique on the page: the ids of the title and description are made from it
    title: str
    description: str
    x_label: str
    y_label: str
    points: Sequence[tuple[str, int]]  # (label of the day, value), oldest first; at least one
    capacity: int | None = None
    capacity_label: str = ""


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least ``value``: round numbers on the axis."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _text(x: float, y: float, content: str, *, anchor: str = "start", fill: str = INK, size: int = 13) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" font-size="{size}">'
        f"{escape(content)}</text>"
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, extra: str = "") -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"{extra}/>'


def draw_line_chart(chart: LineChart) -> str:
    """The chart as an ``<svg>`` element, ready to be put in a page as it is."""
    if not chart.points:
        raise ValueError("a chart needs at least one point")
    values = [value for _, value in chart.points]
    top = nice_ceiling(max(*values, chart.capacity or 0, 1))
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM

    def x_of(index: int) -> float:
        if len(chart.points) == 1:
            return (x0 + x1) / 2
        return x0 + index * (x1 - x0) / (len(chart.points) - 1)

    def y_of(value: int) -> float:
        return y1 - value * (y1 - y0) / top

    title_id, desc_id = f"{chart.key}-title", f"{chart.key}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" font-family="system-ui, sans-serif">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        _text(0, 14, chart.y_label, fill=MUTED),
    ]
    ticks = sorted({0, top // 2 if top % 2 == 0 else top, top})
    for tick in ticks:
        parts.append(_line(x0, y_of(tick), x1, y_of(tick), GRID, ' stroke-width="1"'))
        parts.append(_text(x0 - 6, y_of(tick) + 4, str(tick), anchor="end", fill=MUTED))
    parts.append(_line(x0, y0, x0, y1, MUTED, ' stroke-width="1.5"'))
    parts.append(_line(x0, y1, x1, y1, MUTED, ' stroke-width="1.5"'))
    parts += _x_labels(chart, x_of, y1)
    if chart.capacity:
        y = y_of(chart.capacity)
        parts.append(_line(x0, y, x1, y, CAPACITY, ' stroke-width="1.5" stroke-dasharray="6 4"'))
        parts.append(_text(x1, y - 5, chart.capacity_label, anchor="end", fill=CAPACITY, size=12))
    points = " ".join(f"{x_of(index):.1f},{y_of(value):.1f}" for index, value in enumerate(values))
    parts.append(
        f'<polyline points={quoteattr(points)} fill="none" stroke="{LINE}" stroke-width="2.5" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
    )
    last_x, last_y = x_of(len(values) - 1), y_of(values[-1])
    parts.append(f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="4" fill="{LINE}"/>')
    parts.append(_text(last_x + 8, last_y + 5, str(values[-1]), fill=LINE, size=14))
    parts.append("</svg>")
    return "".join(parts)


def _x_labels(chart: LineChart, x_of: Callable[[int], float], baseline: float) -> list[str]:
    """The first and the last day under the axis (and the middle one when there is room), and the axis title."""
    count = len(chart.points)
    shown = [0] if count == 1 else [0, count // 2, count - 1] if count >= 7 else [0, count - 1]
    parts = []
    for index in shown:
        anchor = "middle" if count == 1 or index not in (0, count - 1) else "start" if index == 0 else "end"
        x = x_of(index)
        parts.append(_line(x, baseline, x, baseline + 4, MUTED))
        parts.append(_text(x, baseline + 17, chart.points[index][0], anchor=anchor, fill=MUTED, size=12))
    parts.append(_text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 4, chart.x_label, anchor="middle", fill=MUTED))
    return parts

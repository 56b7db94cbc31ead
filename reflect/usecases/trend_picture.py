"""The trend chart as a standalone SVG picture, drawn from the trend points alone.

The picture holds the daily counts, the smoothed lines, the band of ordinary
swing and the dates. It never holds a note: only numbers and dates go in, so
the file can be shown to a therapist without showing anything written.

The colours are fixed rather than taken from the app's theme, because the
file is viewed outside the app, on a white page: a blue for connection and
an orange for distance, a pair that stays apart for most kinds of colour
vision.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from reflect.domain.checkins import DEFAULT_WINDOW_DAYS, QUESTION_WORDS, TrendPoint
from reflect.domain.trend_scale import chart_top, date_ticks, value_ticks

WIDTH = 960
HEIGHT = 520
MARGIN_LEFT = 56
MARGIN_RIGHT = 28
MARGIN_TOP = 92
MARGIN_BOTTOM = 56

CONNECTION_COLOUR = "#1f5f99"
DISTANCE_COLOUR = "#c2571a"
INK = "#333333"
FAINT_INK = "#767676"
GRID = "#e3e3e3"

TITLE = "More moments of connection, fewer of distance"
def trend_svg(points: Sequence[TrendPoint], *, subtitle: str = "", whose: str = "") -> str:
    """A standalone SVG document of the chart for ``points`` (oldest first).

    With no points it is a small picture that says there is nothing to draw
    yet. ``subtitle`` is shown under the title, typically the dates covered.
    ``whose`` says whose check-ins these are, in a shared space ("Sam's
    check-ins", "Both of you together"); it goes in front of the subtitle and
    in the picture's description, so the file says what it holds.
    """
    if whose:
        subtitle = f"{whose} · {subtitle}" if subtitle else whose
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" font-family="sans-serif">',
        f"<title>{escape(TITLE)}</title>",
        f"<desc>{escape(f'{whose}. ' if whose else '')}{escape(QUESTION_WORDS)}</desc>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{MARGIN_LEFT}" y="32" font-size="20" fill="{INK}">{escape(TITLE)}</text>',
    ]
    if subtitle:
        out.append(f'<text x="{MARGIN_LEFT}" y="54" font-size="13" fill="{FAINT_INK}">{escape(subtitle)}</text>')
    if not points:
        out.append(
            f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" font-size="16" fill="{FAINT_INK}" '
            'text-anchor="middle">No check-ins to draw yet.</text>'
        )
        out.append("</svg>")
        return "\n".join(out) + "\n"

    points = sorted(points, key=lambda p: p.date)
    first, last = points[0].date, points[-1].date
    span = (last - first).days
    top = chart_top(points)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    upper, lower = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM

    def x(day: date) -> float:
        if span == 0:
            return (left + right) / 2
        return left + (day - first).days / span * (right - left)

    def y(value: float) -> float:
        return lower - value / top * (lower - upper)

    def coords(pairs) -> str:
        return " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in pairs)

    out.append(_legend(left))
    for value in value_ticks(top):
        label = str(value)
        out.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{right}" y2="{y(value):.1f}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{left - 8}" y="{y(value) + 4:.1f}" font-size="12" fill="{FAINT_INK}" '
            f'text-anchor="end">{label}</text>'
        )
    out.append(
        f'<text x="{left}" y="{HEIGHT - 10}" font-size="12" fill="{FAINT_INK}">'
        f"Dots: each day with a check-in. Lines: the average over {DEFAULT_WINDOW_DAYS} days.</text>"
    )
    for tick in date_ticks(first, last, 6):
        # The first and last dates sit at the edges of the plot: anchored
        # inwards, so they are not cut off by the picture's border.
        anchor = "start" if tick == first and span else "end" if tick == last and span else "middle"
        out.append(
            f'<text x="{x(tick):.1f}" y="{lower + 22}" font-size="12" fill="{FAINT_INK}" '
            f'text-anchor="{anchor}">{tick.day} {tick:%b %Y}</text>'
        )

    for name, colour, band in (
        ("connection", CONNECTION_COLOUR, lambda p: p.connection_band),
        ("distance", DISTANCE_COLOUR, lambda p: p.distance_band),
    ):
        highs = [(p.date, band(p).high) for p in points]
        lows = [(p.date, band(p).low) for p in reversed(points)]
        if span == 0:
            # One day: a band with no width would not show, so give it a little.
            p = points[0]
            out.append(
                f'<rect class="band {name}-band" x="{x(first) - 6:.1f}" y="{y(band(p).high):.1f}" '
                f'width="12" height="{max(y(band(p).low) - y(band(p).high), 1):.1f}" '
                f'fill="{colour}" fill-opacity="0.15"/>'
            )
        else:
            out.append(
                f'<polygon class="band {name}-band" points="{coords(highs + lows)}" '
                f'fill="{colour}" fill-opacity="0.15" stroke="none"/>'
            )

    for name, colour, raw in (
        ("connection", CONNECTION_COLOUR, lambda p: p.connection),
        ("distance", DISTANCE_COLOUR, lambda p: p.distance),
    ):
        out.append(f'<g class="raw {name}-raw" fill="{colour}" fill-opacity="0.55">')
        out.extend(f'<circle cx="{x(p.date):.1f}" cy="{y(raw(p)):.1f}" r="2.5"/>' for p in points)
        out.append("</g>")

    for name, colour, smooth in (
        ("connection", CONNECTION_COLOUR, lambda p: p.smoothed_connection),
        ("distance", DISTANCE_COLOUR, lambda p: p.smoothed_distance),
    ):
        out.append(
            f'<polyline class="smoothed {name}-line" points="{coords((p.date, smooth(p)) for p in points)}" '
            f'fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _legend(left: int) -> str:
    parts = ['<g class="legend" font-size="13">']
    x = left
    for label, colour in (
        ("moments of connection", CONNECTION_COLOUR),
        ("moments of distance", DISTANCE_COLOUR),
    ):
        parts.append(f'<line x1="{x}" y1="72" x2="{x + 22}" y2="72" stroke="{colour}" stroke-width="2.5"/>')
        parts.append(f'<circle cx="{x + 11}" cy="72" r="2.5" fill="{colour}"/>')
        parts.append(f'<text x="{x + 28}" y="76" fill="{INK}">{escape(label)}</text>')
        x += 210
    parts.append(f'<rect x="{x}" y="66" width="11" height="12" fill="{CONNECTION_COLOUR}" fill-opacity="0.15"/>')
    parts.append(f'<rect x="{x + 11}" y="66" width="11" height="12" fill="{DISTANCE_COLOUR}" fill-opacity="0.15"/>')
    parts.append(f'<text x="{x + 28}" y="76" fill="{INK}">the ordinary swing</text>')
    parts.append("</g>")
    return "\n".join(parts)

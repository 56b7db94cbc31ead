"""A terminal chart of check-ins: each day's counts, the smoothed lines, the ordinary swing.

Drawn with plain characters so it can take its colours from the app's theme:
the smoothed lines in braille dots (two by four per cell, so they look
smooth), each day's counts as small dots, and the band of ordinary swing as
a faint background behind them. Connection and distance share one scale, so
the question "more of one, less of the other?" can be read at a glance.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.reactive import reactive
from textual.widget import Widget

from reflect.domain.checkins import TrendPoint
from reflect.domain.trend_scale import chart_top, date_ticks, value_ticks

CONNECTION = "connection"
DISTANCE = "distance"
CONNECTION_BAND = 1
DISTANCE_BAND = 2

# Braille dot bits by (column, row) inside one character cell.
_BRAILLE_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
RAW_MARK = "·"

EMPTY_WORDS = "Your check-ins will show here, whenever you make them. Press c to check in."
TOO_SMALL_WORDS = "Make the window a little larger to see the chart."

MIN_PLOT_WIDTH = 12
MIN_PLOT_HEIGHT = 3


@dataclass
class Cell:
    """One character of the plot: what is drawn there and which bands lie behind it."""

    char: str = " "
    # "connection" or "distance" for a smoothed line, the same with "-raw"
    # for a day's mark, "axis" for the scale and dates, "" for nothing.
    kind: str = ""
    # Which swing bands lie behind the cell (CONNECTION_BAND, DISTANCE_BAND).
    bands: int = 0
    # The braille dots set so far, while a line is being drawn.
    bits: int = 0


@dataclass
class ChartDrawing:
    """The chart laid out in character cells, before any colour is chosen."""

    rows: list[list[Cell]]
    top: int


def _interpolate(xs: Sequence[float], ys: Sequence[float], x: float) -> float:
    i = bisect_right(xs, x)
    if i == 0:
        return ys[0]
    if i >= len(xs):
        return ys[-1]
    x0, x1 = xs[i - 1], xs[i]
    if x1 == x0:
        return ys[i]
    return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - x0) / (x1 - x0)


def _date_label(day: date, span_days: int) -> str:
    return f"{day:%b %Y}" if span_days > 300 else f"{day.day} {day:%b}"


def draw_chart(points: Sequence[TrendPoint], width: int, height: int) -> ChartDrawing | None:
    """Lay out ``points`` (oldest first) in ``width`` by ``height`` cells.

    Returns ``None`` when there is nothing to draw or no room to draw it.
    The left columns hold the scale, the last two rows the dates.
    """
    if not points:
        return None
    top = chart_top(points)
    label_width = len(str(top))
    prefix = label_width + 2
    plot_w, plot_h = width - prefix - 1, height - 2
    if plot_w < MIN_PLOT_WIDTH or plot_h < MIN_PLOT_HEIGHT:
        return None

    first, last = points[0].date, points[-1].date
    span = (last - first).days
    sub_w, sub_h = plot_w * 2, plot_h * 4
    days = [float((p.date - first).days) for p in points]

    def sub_x(day_offset: float) -> int:
        if span == 0:
            return sub_w // 2
        return round(day_offset / span * (sub_w - 1))

    def sub_y(value: float) -> int:
        return min(sub_h - 1, max(0, round((1 - value / top) * (sub_h - 1))))

    def day_at(sx: int) -> float:
        return sx / (sub_w - 1) * span

    plot = [[Cell() for _ in range(plot_w)] for _ in range(plot_h)]
    columns = range(sub_w) if span else range(sub_w // 2 - 2, sub_w // 2 + 2)

    for band_bit, band in (
        (CONNECTION_BAND, lambda p: p.connection_band),
        (DISTANCE_BAND, lambda p: p.distance_band),
    ):
        highs = [band(p).high for p in points]
        lows = [band(p).low for p in points]
        for col in {sx // 2 for sx in columns}:
            offset = day_at(col * 2) if span else 0.0
            high_row = sub_y(_interpolate(days, highs, offset)) // 4
            low_row = sub_y(_interpolate(days, lows, offset)) // 4
            for row in range(high_row, low_row + 1):
                plot[row][col].bands |= band_bit

    for kind, raw in ((CONNECTION, lambda p: p.connection), (DISTANCE, lambda p: p.distance)):
        for point, offset in zip(points, days):
            cell = plot[sub_y(raw(point)) // 4][sub_x(offset) // 2]
            cell.char, cell.kind = RAW_MARK, f"{kind}-raw"

    for kind, smooth in (
        (DISTANCE, lambda p: p.smoothed_distance),
        (CONNECTION, lambda p: p.smoothed_connection),
    ):
        values = [smooth(p) for p in points]
        previous: int | None = None
        for sx in columns:
            sy = sub_y(_interpolate(days, values, day_at(sx)) if span else values[0])
            # A steep step is filled in, so the line never breaks into dots.
            if previous is None or previous == sy:
                steps = range(sy, sy + 1)
            elif sy > previous:
                steps = range(previous + 1, sy + 1)
            else:
                steps = range(sy, previous)
            for y in steps:
                cell = plot[y // 4][sx // 2]
                if cell.kind not in (CONNECTION, DISTANCE):
                    cell.bits, cell.kind = 0, kind
                cell.bits |= _BRAILLE_BITS[sx % 2][y % 4]
                cell.char = chr(0x2800 + cell.bits)
            previous = sy

    rows: list[list[Cell]] = []
    label_rows: dict[int, int] = {}
    for value in value_ticks(top, most=max(2, plot_h // 3 + 1)):
        label_rows.setdefault(sub_y(value) // 4, value)
    for index, plot_row in enumerate(plot):
        value = label_rows.get(index)
        label = str(value).rjust(label_width) + " ┤" if value is not None else " " * label_width + " │"
        rows.append([Cell(c, "axis") for c in label] + plot_row + [Cell()])

    axis = [Cell(" ", "axis")] * (prefix - 1) + [Cell("└", "axis")] + [Cell("─", "axis") for _ in range(plot_w)] + [Cell()]
    dates = [Cell() for _ in range(width)]
    most = max(2, plot_w // 14)
    for tick in date_ticks(first, last, most):
        col = sub_x(float((tick - first).days)) // 2
        axis[prefix + col] = Cell("┴", "axis")
        text = _date_label(tick, span)
        start = min(max(0, prefix + col - len(text) // 2), width - len(text))
        if all(c.char == " " for c in dates[max(0, start - 1) : start + len(text) + 1]):
            for i, ch in enumerate(text):
                dates[start + i] = Cell(ch, "axis")
    rows.append(axis[:width])
    rows.append(dates)
    return ChartDrawing(rows=rows, top=top)


class TrendChart(Widget):
    """Each day's counts, the smoothed lines and the swing band, in the theme's colours.

    Set :attr:`points` (oldest first) to draw; it redraws on resize and when
    the theme changes.
    """

    COMPONENT_CLASSES = {
        "trend-chart--connection",
        "trend-chart--distance",
        "trend-chart--connection-band",
        "trend-chart--distance-band",
        "trend-chart--axis",
    }

    DEFAULT_CSS = """
    TrendChart {
        width: 1fr;
        height: 1fr;
        min-height: 6;
    }
    TrendChart > .trend-chart--connection {
        color: $text-primary;
    }
    TrendChart > .trend-chart--distance {
        color: $text-warning;
    }
    TrendChart > .trend-chart--connection-band {
        color: $primary 22%;
    }
    TrendChart > .trend-chart--distance-band {
        color: $warning 22%;
    }
    TrendChart > .trend-chart--axis {
        color: $foreground 55%;
    }
    """

    points: reactive[tuple[TrendPoint, ...]] = reactive(())
    """The days to draw, oldest first."""

    def render(self) -> RenderResult:
        width, height = self.size
        if not self.points:
            return Text(EMPTY_WORDS, style=self._style("axis"), justify="center")
        drawing = draw_chart(self.points, width, height)
        if drawing is None:
            return Text(TOO_SMALL_WORDS, style=self._style("axis"))
        style_for = self._style_picker()
        text = Text(no_wrap=True, overflow="crop")
        for number, row in enumerate(drawing.rows):
            if number:
                text.append("\n")
            for cell in row:
                text.append(cell.char, style_for(cell.kind, cell.bands))
        return text

    def _colour(self, name: str) -> Color:
        _, base = self.background_colors
        return base + self.get_component_styles(f"trend-chart--{name}").color

    def _style(self, name: str) -> Style:
        return Style(color=self._colour(name).rich_color)

    def _style_picker(self) -> Callable[[str, int], Style]:
        _, base = self.background_colors
        connection, distance = self._colour(CONNECTION), self._colour(DISTANCE)
        foreground = {
            "": None,
            "axis": self._colour("axis"),
            CONNECTION: connection,
            DISTANCE: distance,
            f"{CONNECTION}-raw": base.blend(connection, 0.8),
            f"{DISTANCE}-raw": base.blend(distance, 0.8),
        }
        connection_tint = self.get_component_styles("trend-chart--connection-band").color
        distance_tint = self.get_component_styles("trend-chart--distance-band").color
        background = {
            0: None,
            CONNECTION_BAND: base + connection_tint,
            DISTANCE_BAND: base + distance_tint,
            CONNECTION_BAND | DISTANCE_BAND: base + connection_tint + distance_tint,
        }
        cache: dict[tuple[str, int], Style] = {}

        def pick(kind: str, bands: int) -> Style:
            key = (kind, bands)
            if key not in cache:
                fg, bg = foreground.get(kind), background[bands]
                cache[key] = Style(
                    color=fg.rich_color if fg else None, bgcolor=bg.rich_color if bg else None
                )
            return cache[key]

        return pick

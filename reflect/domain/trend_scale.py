"""The scale of a trend chart: how tall its axis goes and where its ticks fall.

Shared by the chart on the screen and the SVG picture, so both read the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from reflect.domain.checkins import TrendPoint

NICE_TOPS = (4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200)


def nice_top(highest: float) -> int:
    """A round number at or above ``highest`` for the top of the scale (at least 4)."""
    for top in NICE_TOPS:
        if highest <= top:
            return top
    return int(-(-highest // 50) * 50)


def chart_top(points: Sequence[TrendPoint]) -> int:
    """The top of the scale for these points: room for every count and every band."""
    highest = max(
        (
            max(p.connection, p.distance, p.connection_band.high, p.distance_band.high)
            for p in points
        ),
        default=0,
    )
    return nice_top(highest)


def value_ticks(top: int, most: int = 6) -> list[int]:
    """Whole-number marks from 0 up to ``top``, a round step apart, at most ``most`` of them."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if top // step + 1 <= most:
            return list(range(0, top + 1, step))
    return [0, top]


def date_ticks(first: date, last: date, most: int) -> list[date]:
    """Up to ``most`` dates from ``first`` to ``last`` (both always included), evenly spread."""
    span = (last - first).days
    if span == 0 or most < 2:
        return [first]
    count = min(most, span + 1)
    return sorted({first + timedelta(days=round(i * span / (count - 1))) for i in range(count)})

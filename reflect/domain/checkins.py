"""Check-ins and the trend drawn through them.

A check-in counts two things about a stretch of time: moments of genuine
connection and moments of profound distance. The trend view shows the raw ups
and downs and a smoothed line through them, because the question worth holding
is whether, over time, there are more moments of connection and fewer of
distance. Nothing here predicts when anything will happen or scores a person.

Everything is a pure function of its arguments: the clock and the time zone are
always passed in, never read.
"""

from __future__ import annotations

import math
import uuid
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum
from typing import Iterable, Sequence

MAX_MOMENTS = 99
MAX_NOTE_LENGTH = 500
DEFAULT_WINDOW_DAYS = 21
# Wide enough for any real check-in, narrow enough that moving a time into
# any time zone can never step outside the years datetime can hold.
EARLIEST_YEAR = 1970
LATEST_YEAR = 2999

MIN_DAYS_FOR_DIRECTION = 5
MIN_SPAN_FOR_DIRECTION = timedelta(days=14)

# A change in the daily balance smaller than this is never called a direction,
# however quiet the data: half a moment a day is within anyone's ordinary swing.
MIN_SHIFT = 0.5
# How many standard errors a change must clear before it is called a direction.
# Two and a half keeps ordinary day-to-day noise reading as steady nearly
# always (about one in fifty for random data), while a real shift of a few
# moments a day over a month still shows.
SHIFT_IN_STANDARD_ERRORS = 2.5


def _check_moments(value: object, what: str) -> int:
    # bool is an int subclass; True is not "one moment".
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MOMENTS:
        raise ValueError(f"Moments of {what} must be a whole number from 0 to {MAX_MOMENTS}.")
    return value


def _check_when(when: object) -> datetime:
    # A naive time would be placed on a day by the machine's own time zone,
    # which is reading the environment behind the caller's back.
    if not isinstance(when, datetime) or when.utcoffset() is None:
        raise ValueError("A check-in needs a date and time with a time zone.")
    if not EARLIEST_YEAR <= when.year <= LATEST_YEAR:
        raise ValueError(f"A check-in's date must fall between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return when


def _check_note(note: object) -> str:
    if not isinstance(note, str):
        raise ValueError("A note must be text.")
    if len(note) > MAX_NOTE_LENGTH:
        raise ValueError(f"A note can be at most {MAX_NOTE_LENGTH} characters.")
    return note


@dataclass(frozen=True)
class CheckIn:
    """One quick check-in in one space.

    ``connection`` counts moments of genuine connection, ``distance`` moments
    of profound distance. The values are checked on construction, so a
    check-in read back from a hand-edited file is as sound as a new one; a bad
    value raises ``ValueError`` with a message fit to show.
    """

    id: str
    space: str
    when: datetime
    connection: int
    distance: int
    note: str = ""
    author: str = ""
    """Who checked in (a profile id), in the shared space; empty elsewhere, and for
    shared check-ins made before reflect noted authors."""

    def __post_init__(self) -> None:
        _check_moments(self.connection, "connection")
        _check_moments(self.distance, "distance")
        _check_when(self.when)
        _check_note(self.note)

    @property
    def balance(self) -> int:
        """Moments of connection minus moments of distance."""
        return self.connection - self.distance


def new_checkin(
    connection: int,
    distance: int,
    *,
    space: str,
    now: datetime,
    note: str = "",
    author: str = "",
) -> CheckIn:
    """Create a check-in with a fresh random id, or raise ``ValueError``.

    Each count must be a whole number from 0 to 99 (not a bool, not a float),
    ``now`` must carry a time zone, and the note is at most 500 characters.
    """
    return CheckIn(
        id=uuid.uuid4().hex,
        space=space,
        when=now,
        connection=connection,
        distance=distance,
        note=note,
        author=author,
    )


def checked_in_by(checkins: Iterable[CheckIn], person: str | None) -> list[CheckIn]:
    """The check-ins ``person`` (a profile id) made, in order; all of them when ``person`` is None.

    This is how the shared space's trend shows one partner's line: only the
    check-ins that person made, never a guess about the rest.
    """
    if person is None:
        return list(checkins)
    return [c for c in checkins if c.author == person]


@dataclass(frozen=True)
class DayTotal:
    """Everything checked in on one local calendar day, summed."""

    date: date
    connection: int
    distance: int
    count: int

    @property
    def balance(self) -> int:
        """Moments of connection minus moments of distance on this day."""
        return self.connection - self.distance


def daily_totals(checkins: Iterable[CheckIn], tz: tzinfo) -> list[DayTotal]:
    """Sum check-ins per local calendar day in ``tz``, oldest day first.

    Days without a check-in are simply absent. They are never filled with
    zeros: skipping a day is not a day without connection, and it carries no
    penalty in the trend.
    """
    sums: dict[date, list[int]] = {}
    for checkin in checkins:
        day = checkin.when.astimezone(tz).date()
        total = sums.setdefault(day, [0, 0, 0])
        total[0] += checkin.connection
        total[1] += checkin.distance
        total[2] += 1
    return [DayTotal(day, c, d, n) for day, (c, d, n) in sorted(sums.items())]


@dataclass(frozen=True)
class Band:
    """The ordinary swing around a smoothed value: ``low`` to ``high``."""

    low: float
    high: float


@dataclass(frozen=True)
class TrendPoint:
    """One day with data: its raw totals and the smoothed line through it.

    ``smoothed_*`` is the mean of the daily totals over the days with data in
    the trailing calendar window ending on this day; ``*_swing`` is their
    standard deviation, the size of an ordinary up-and-down in that window.
    ``days_in_window`` says how many days with data the window held.
    """

    date: date
    count: int
    connection: int
    distance: int
    smoothed_connection: float
    smoothed_distance: float
    smoothed_balance: float
    connection_swing: float
    distance_swing: float
    balance_swing: float
    days_in_window: int

    @property
    def balance(self) -> int:
        """This day's moments of connection minus moments of distance."""
        return self.connection - self.distance

    @property
    def connection_band(self) -> Band:
        """Smoothed connection plus or minus its swing; never below zero."""
        return _band(self.smoothed_connection, self.connection_swing, floor=0.0)

    @property
    def distance_band(self) -> Band:
        """Smoothed distance plus or minus its swing; never below zero."""
        return _band(self.smoothed_distance, self.distance_swing, floor=0.0)

    @property
    def balance_band(self) -> Band:
        """Smoothed balance plus or minus its swing; it may be negative."""
        return _band(self.smoothed_balance, self.balance_swing, floor=None)


def _band(middle: float, swing: float, *, floor: float | None) -> Band:
    low = middle - swing
    if floor is not None:
        low = max(floor, low)
    return Band(low=low, high=middle + swing)


class _WindowSums:
    """Running integer sums over a sliding window.

    Integers keep the arithmetic exact, so a constant input gives exactly that
    constant back and the order of check-ins can never change a result.
    """

    def __init__(self) -> None:
        self.n = 0
        self.total = 0
        self.squares = 0

    def add(self, value: int) -> None:
        self.n += 1
        self.total += value
        self.squares += value * value

    def remove(self, value: int) -> None:
        self.n -= 1
        self.total -= value
        self.squares -= value * value

    def mean(self) -> float:
        return self.total / self.n

    def swing(self) -> float:
        # Population standard deviation: n*sum(x^2) - (sum x)^2 is an exact
        # non-negative integer, so there is no rounding below zero.
        return math.sqrt(self.n * self.squares - self.total * self.total) / self.n


def trend(
    checkins: Iterable[CheckIn],
    *,
    tz: tzinfo,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[TrendPoint]:
    """The raw daily totals and a smoothed line through them, one point per day with data.

    The window for a day is the ``window_days`` calendar days ending on it
    (that day and the ``window_days - 1`` before). Only days with data inside
    it count, so a gap neither drags the line towards zero nor invents
    anything: after a gap longer than the window, the smoothed value is simply
    that day's own value.

    The line is the mean, not the median. Counts of moments are small whole
    numbers, and a median of them moves in whole steps and ignores the
    minority of days entirely: a few days of real connection among many hard
    ones would vanish from a median line. The mean lets every moment count,
    and over a three-week window one unusual day moves it only a little. The
    band around it is one standard deviation either side, which pairs
    naturally with a mean.

    Runs in O(n log n) for n check-ins: one sort, then one pass of a sliding
    window with running sums.
    """
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 1:
        raise ValueError("The trend window must be a whole number of days, at least one.")
    days = daily_totals(checkins, tz)
    span = timedelta(days=window_days)
    connection, distance, balance = _WindowSums(), _WindowSums(), _WindowSums()
    points: list[TrendPoint] = []
    oldest = 0
    for day in days:
        connection.add(day.connection)
        distance.add(day.distance)
        balance.add(day.balance)
        while days[oldest].date <= day.date - span:
            leaving = days[oldest]
            connection.remove(leaving.connection)
            distance.remove(leaving.distance)
            balance.remove(leaving.balance)
            oldest += 1
        points.append(
            TrendPoint(
                date=day.date,
                count=day.count,
                connection=day.connection,
                distance=day.distance,
                smoothed_connection=connection.mean(),
                smoothed_distance=distance.mean(),
                smoothed_balance=balance.mean(),
                connection_swing=connection.swing(),
                distance_swing=distance.swing(),
                balance_swing=balance.swing(),
                days_in_window=connection.n,
            )
        )
    return points


class Direction(str, Enum):
    """Which way the smoothed balance has moved over the last few weeks."""

    NOT_ENOUGH_YET = "not-enough-yet"
    MORE_CONNECTION = "more-connection"
    STEADY = "steady"
    LESS_CONNECTION = "less-connection"

    @property
    def flat_or_falling(self) -> bool:
        """True when the line has not risen (whether to mention Resources is :func:`mentions_resources`)."""
        return self in (Direction.STEADY, Direction.LESS_CONNECTION)


def direction(points: Sequence[TrendPoint], *, today: date, weeks: int = 4) -> Direction:
    """Compare the smoothed balance now with ``weeks`` weeks earlier.

    "Now" is the latest point on or before ``today``; points after it are
    ignored. "Earlier" is the latest point on or before ``weeks`` weeks before
    now, or the first point when the data does not reach back that far.

    With fewer than five days of data, or data spanning less than two weeks,
    the answer is ``NOT_ENOUGH_YET``. Otherwise a change counts only when it
    is larger than ordinary noise would explain: at least half a moment a day,
    and at least two and a half standard errors of the difference between the two
    windows' means (using their pooled swing). Anything smaller is ``STEADY``.
    """
    if weeks < 1:
        raise ValueError("The comparison needs at least one week.")
    known = sorted((p for p in points if p.date <= today), key=lambda p: p.date)
    if len(known) < MIN_DAYS_FOR_DIRECTION:
        return Direction.NOT_ENOUGH_YET
    if known[-1].date - known[0].date < MIN_SPAN_FOR_DIRECTION:
        return Direction.NOT_ENOUGH_YET
    now = known[-1]
    back_to = now.date - timedelta(weeks=weeks)
    earlier_index = bisect_right([p.date for p in known], back_to) - 1
    earlier = known[max(earlier_index, 0)]
    change = now.smoothed_balance - earlier.smoothed_balance
    if abs(change) <= _noise_allowance(now, earlier):
        return Direction.STEADY
    return Direction.MORE_CONNECTION if change > 0 else Direction.LESS_CONNECTION


def _noise_allowance(now: TrendPoint, earlier: TrendPoint) -> float:
    # Pooling the two windows' swing matters when one window is a single day,
    # whose own swing is zero and would otherwise make any change look real.
    n1, n2 = now.days_in_window, earlier.days_in_window
    pooled_variance = (n1 * now.balance_swing**2 + n2 * earlier.balance_swing**2) / (n1 + n2)
    standard_error = math.sqrt(pooled_variance * (1 / n1 + 1 / n2))
    return max(MIN_SHIFT, SHIFT_IN_STANDARD_ERRORS * standard_error)


OSCILLATION_WORDS = (
    "Ups and downs are normal. A good stretch followed by distance again happens "
    "to many people, whatever they are working towards. It is not a sign that "
    "something is wrong with you, or with what you are trying."
)

QUESTION_WORDS = (
    "The question to hold is not when this will feel normal again. It is this: "
    "over time, are there more moments of genuine connection and fewer of "
    "profound distance?"
)

RESOURCES_WORDS = (
    "If it has felt this way for a while, the Resources screen lists people who can help."
)

DIRECTION_WORDS: dict[Direction, str] = {
    Direction.NOT_ENOUGH_YET: (
        "There is not enough here yet to show a direction. "
        "A line will appear as check-ins add up, whenever you make them. "
        "Skipped days are fine."
    ),
    Direction.MORE_CONNECTION: (
        "Over the last few weeks, the line has moved towards more connection "
        "and less distance. It may dip again, and that is all right."
    ),
    Direction.STEADY: (
        "Over the last few weeks, the line has stayed about level. "
        "Level stretches are common, and they are no one's fault."
    ),
    Direction.LESS_CONNECTION: (
        "Over the last few weeks, there has been less connection and more distance. "
        "That is hard, and it is not a judgement of either of you."
    ),
}


def latest_smoothed_balance(points: Sequence[TrendPoint], *, today: date) -> float | None:
    """The smoothed balance of the latest point on or before ``today``; None without one."""
    known = [p for p in points if p.date <= today]
    return max(known, key=lambda p: p.date).smoothed_balance if known else None


def mentions_resources(direction: Direction, *, recent_balance: float | None) -> bool:
    """Whether the words should point to the Resources screen.

    Always when there has been less connection and more distance. For a
    level line only when it is level at no more connection than distance
    (or the balance is not known): a steady stretch of mostly connection is
    no reason to suggest finding help.
    """
    if direction is Direction.LESS_CONNECTION:
        return True
    if direction is Direction.STEADY:
        return recent_balance is None or recent_balance <= 0
    return False


def trend_words(direction: Direction, *, recent_balance: float | None = None) -> str:
    """The plain words shown beside the chart for a direction.

    They always say that ups and downs are normal and ask the article's
    question before saying, gently, which way the line has moved.
    ``recent_balance`` is the latest smoothed balance (see
    :func:`latest_smoothed_balance`); it decides whether a level line points to the
    Resources screen, and when it is not known the words do point there.
    """
    words = DIRECTION_WORDS[direction]
    if mentions_resources(direction, recent_balance=recent_balance):
        words = f"{words} {RESOURCES_WORDS}"
    return "\n\n".join((OSCILLATION_WORDS, QUESTION_WORDS, words))

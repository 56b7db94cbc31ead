"""Check-ins, daily totals, the smoothed trend, its direction and its words."""

from __future__ import annotations

import random
import re
import statistics
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflect.domain.checkins import (
    OSCILLATION_WORDS,
    QUESTION_WORDS,
    CheckIn,
    DayTotal,
    Direction,
    daily_totals,
    direction,
    latest_smoothed_balance,
    mentions_resources,
    new_checkin,
    trend,
    trend_words,
)

UTC = timezone.utc
START = datetime(2024, 1, 1, tzinfo=UTC)

settings.register_profile("reflect-trend", deadline=None)
settings.load_profile("reflect-trend")

moments = st.integers(min_value=0, max_value=99)


def checkin_on(day: int, connection: int, distance: int, *, minute: int = 720) -> CheckIn:
    """A check-in on day ``day`` after START, ``minute`` minutes after UTC midnight."""
    when = START + timedelta(days=day, minutes=minute)
    return new_checkin(connection, distance, space="me", now=when)


def day(n: int) -> date:
    return (START + timedelta(days=n)).date()


def reference_trend(checkins: list[CheckIn], window_days: int, tz=UTC) -> list[tuple]:
    """The trend computed the slow, obvious way, to check the fast one against."""
    by_day: dict[date, list[CheckIn]] = {}
    for c in checkins:
        by_day.setdefault(c.when.astimezone(tz).date(), []).append(c)
    totals = {
        d: (sum(c.connection for c in cs), sum(c.distance for c in cs), len(cs))
        for d, cs in by_day.items()
    }
    rows = []
    for d in sorted(totals):
        window = [
            totals[w] for w in totals if d - timedelta(days=window_days) < w <= d
        ]
        conn = [w[0] for w in window]
        dist = [w[1] for w in window]
        bal = [w[0] - w[1] for w in window]
        rows.append(
            (
                d,
                totals[d],
                statistics.fmean(conn),
                statistics.fmean(dist),
                statistics.fmean(bal),
                statistics.pstdev(conn),
                statistics.pstdev(dist),
                statistics.pstdev(bal),
                len(window),
            )
        )
    return rows


def assert_matches_reference(points, expected) -> None:
    assert len(points) == len(expected)
    for p, row in zip(points, expected):
        d, (conn, dist, count), m_c, m_d, m_b, s_c, s_d, s_b, n = row
        assert (p.date, p.connection, p.distance, p.count) == (d, conn, dist, count)
        assert p.days_in_window == n
        assert p.smoothed_connection == pytest.approx(m_c, abs=1e-9)
        assert p.smoothed_distance == pytest.approx(m_d, abs=1e-9)
        assert p.smoothed_balance == pytest.approx(m_b, abs=1e-9)
        assert p.connection_swing == pytest.approx(s_c, abs=1e-9)
        assert p.distance_swing == pytest.approx(s_d, abs=1e-9)
        assert p.balance_swing == pytest.approx(s_b, abs=1e-9)


# Check-ins scattered over up to four months, with gaps of any length and
# sometimes several on one day.
scattered_checkins = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=120),
        moments,
        moments,
        st.integers(min_value=0, max_value=1439),
    ),
    max_size=60,
).map(lambda rows: [checkin_on(d, c, x, minute=m) for d, c, x, m in rows])


@pytest.mark.parametrize("bad", [-1, 100, 1000, 1.0, 2.5, "3", None, True, False])
def test_connection_outside_whole_numbers_0_to_99_is_refused(bad) -> None:
    with pytest.raises(ValueError, match=r"^Moments of connection must be a whole number from 0 to 99\.$"):
        new_checkin(bad, 0, space="me", now=START)


@pytest.mark.parametrize("bad", [-1, 100, 1000, 1.0, 2.5, "3", None, True, False])
def test_distance_outside_whole_numbers_0_to_99_is_refused(bad) -> None:
    with pytest.raises(ValueError, match=r"^Moments of distance must be a whole number from 0 to 99\.$"):
        new_checkin(0, bad, space="me", now=START)


@given(st.integers().filter(lambda n: not 0 <= n <= 99))
def test_any_whole_number_outside_the_range_is_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        new_checkin(bad, 0, space="me", now=START)
    with pytest.raises(ValueError):
        new_checkin(0, bad, space="me", now=START)


@given(moments, moments, st.text(max_size=500))
def test_valid_values_are_kept_as_given(connection: int, distance: int, note: str) -> None:
    checkin = new_checkin(connection, distance, space="shared", now=START, note=note)
    assert (checkin.connection, checkin.distance, checkin.note) == (connection, distance, note)
    assert checkin.space == "shared" and checkin.when == START
    assert re.fullmatch(r"[0-9a-f]{32}", checkin.id)


def test_each_checkin_gets_its_own_id() -> None:
    assert new_checkin(1, 1, space="me", now=START).id != new_checkin(1, 1, space="me", now=START).id


def test_a_note_longer_than_500_characters_is_refused() -> None:
    new_checkin(1, 1, space="me", now=START, note="x" * 500)
    with pytest.raises(ValueError, match="at most 500 characters"):
        new_checkin(1, 1, space="me", now=START, note="x" * 501)


def test_a_time_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        new_checkin(1, 1, space="me", now=datetime(2024, 1, 1, 12))


def test_a_hand_built_checkin_is_checked_too() -> None:
    with pytest.raises(ValueError, match="connection"):
        CheckIn(id="x", space="me", when=START, connection=-3, distance=0)
    with pytest.raises(ValueError, match="distance"):
        CheckIn(id="x", space="me", when=START, connection=0, distance=True)


@given(st.lists(st.tuples(moments, moments, st.integers(0, 1439)), min_size=1, max_size=20))
def test_checkins_on_one_day_are_summed(rows) -> None:
    checkins = [checkin_on(3, c, d, minute=m) for c, d, m in rows]
    assert daily_totals(checkins, UTC) == [
        DayTotal(day(3), sum(r[0] for r in rows), sum(r[1] for r in rows), len(rows))
    ]
    (point,) = trend(checkins, tz=UTC)
    assert point.connection == sum(r[0] for r in rows)
    assert point.count == len(rows)


@given(scattered_checkins)
def test_days_without_checkins_are_absent_never_zero(checkins) -> None:
    totals = daily_totals(checkins, UTC)
    assert [t.date for t in totals] == sorted({c.when.date() for c in checkins})
    assert all(t.count >= 1 for t in totals)


def test_checkins_either_side_of_local_midnight_land_on_different_days() -> None:
    ten_hours_ahead = timezone(timedelta(hours=10))
    before = new_checkin(1, 0, space="me", now=datetime(2024, 1, 1, 13, 59, tzinfo=UTC))
    after = new_checkin(0, 1, space="me", now=datetime(2024, 1, 1, 14, 1, tzinfo=UTC))
    assert [t.date for t in daily_totals([before, after], ten_hours_ahead)] == [
        date(2024, 1, 1),
        date(2024, 1, 2),
    ]
    # The same two moments are one day in UTC: the time zone is what decides.
    assert [t.date for t in daily_totals([before, after], UTC)] == [date(2024, 1, 1)]


@given(
    offset_quarters=st.integers(min_value=-48, max_value=56),
    local_day=st.dates(min_value=date(2000, 1, 2), max_value=date(2090, 12, 30)),
    before=st.integers(min_value=1, max_value=720),
    after=st.integers(min_value=0, max_value=719),
)
def test_local_midnight_splits_days_in_any_offset(offset_quarters, local_day, before, after) -> None:
    tz = timezone(timedelta(minutes=15 * offset_quarters))
    midnight = datetime.combine(local_day, datetime.min.time(), tzinfo=tz)
    # Stored in UTC, as storage might keep them; the day is still the local one.
    late = new_checkin(2, 0, space="me", now=(midnight - timedelta(minutes=before)).astimezone(UTC))
    early = new_checkin(0, 3, space="me", now=(midnight + timedelta(minutes=after)).astimezone(UTC))
    totals = daily_totals([early, late], tz)
    assert totals == [
        DayTotal(local_day - timedelta(days=1), 2, 0, 1),
        DayTotal(local_day, 0, 3, 1),
    ]


def test_local_days_follow_daylight_saving_changes() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        london = zoneinfo.ZoneInfo("Europe/London")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone database on this machine")
    # British Summer Time still holds on 26 October 2024, so local midnight is
    # 23:00 UTC, though London is at UTC+0 for most of the winter.
    late = new_checkin(1, 0, space="me", now=datetime(2024, 10, 26, 23, 30, tzinfo=UTC))
    early = new_checkin(1, 0, space="me", now=datetime(2024, 10, 26, 22, 30, tzinfo=UTC))
    assert [t.date for t in daily_totals([early, late], london)] == [
        date(2024, 10, 26),
        date(2024, 10, 27),
    ]


@given(
    connection=moments,
    distance=moments,
    days=st.sets(st.integers(min_value=1, max_value=89), min_size=3, max_size=40),
    window_days=st.integers(min_value=1, max_value=40),
)
def test_constant_input_gives_a_flat_line_and_reads_steady(connection, distance, days, window_days) -> None:
    days |= {0, 90}
    checkins = [checkin_on(d, connection, distance) for d in days]
    points = trend(checkins, tz=UTC, window_days=window_days)
    assert [p.date for p in points] == [day(d) for d in sorted(days)]
    for p in points:
        assert p.smoothed_connection == connection
        assert p.smoothed_distance == distance
        assert p.smoothed_balance == connection - distance
        assert p.connection_swing == p.distance_swing == p.balance_swing == 0
    assert direction(points, today=day(90)) is Direction.STEADY


@given(scattered_checkins, st.integers(min_value=1, max_value=30))
def test_the_line_matches_a_plain_mean_over_days_with_data(checkins, window_days) -> None:
    points = trend(checkins, tz=UTC, window_days=window_days)
    assert_matches_reference(points, reference_trend(checkins, window_days))


@given(scattered_checkins, st.randoms(use_true_random=False))
def test_the_order_of_checkins_changes_nothing(checkins, rng) -> None:
    shuffled = list(checkins)
    rng.shuffle(shuffled)
    assert daily_totals(shuffled, UTC) == daily_totals(checkins, UTC)
    assert trend(shuffled, tz=UTC) == trend(checkins, tz=UTC)


def test_a_ten_day_gap_is_not_filled_with_zeros() -> None:
    # Days 0-9 have 6 connection and 2 distance, days 10-19 have nothing,
    # days 20-29 have 3 and 5.
    checkins = [checkin_on(d, 6, 2) for d in range(10)]
    checkins += [checkin_on(d, 3, 5) for d in range(20, 30)]
    points = {p.date: p for p in trend(checkins, tz=UTC, window_days=21)}
    assert day(15) not in points
    first_after = points[day(20)]
    # The window is days 0-20: ten days at 6 and one at 3, over eleven days, not 21.
    assert first_after.days_in_window == 11
    assert first_after.smoothed_connection == pytest.approx((10 * 6 + 3) / 11)
    assert first_after.smoothed_distance == pytest.approx((10 * 2 + 5) / 11)
    last_before = points[day(9)]
    assert last_before.smoothed_connection == 6 and last_before.days_in_window == 10
    # Day 29's window is days 9-29: one day from before the gap and ten after.
    assert points[day(29)].days_in_window == 11
    assert points[day(29)].smoothed_connection == pytest.approx((6 + 10 * 3) / 11)


@given(
    before=st.lists(st.tuples(moments, moments), min_size=1, max_size=15),
    after=st.tuples(moments, moments),
    window_days=st.integers(min_value=1, max_value=30),
    extra_gap=st.integers(min_value=0, max_value=60),
)
def test_after_a_gap_longer_than_the_window_a_day_stands_alone(before, after, window_days, extra_gap) -> None:
    checkins = [checkin_on(i, c, d) for i, (c, d) in enumerate(before)]
    alone_on = len(before) - 1 + window_days + extra_gap
    checkins.append(checkin_on(alone_on, *after))
    point = trend(checkins, tz=UTC, window_days=window_days)[-1]
    assert point.date == day(alone_on)
    assert point.days_in_window == 1
    assert (point.smoothed_connection, point.smoothed_distance) == after
    assert point.connection_swing == point.distance_swing == 0


def test_the_band_never_goes_below_zero_and_holds_the_line() -> None:
    checkins = [checkin_on(d, 0 if d % 3 else 9, 1 if d % 2 else 0) for d in range(30)]
    for p in trend(checkins, tz=UTC):
        for middle, band in (
            (p.smoothed_connection, p.connection_band),
            (p.smoothed_distance, p.distance_band),
        ):
            assert 0 <= band.low <= middle <= band.high
        assert p.balance_band.low <= p.smoothed_balance <= p.balance_band.high
    # Somewhere the swing is wider than the mean, and the band stops at zero.
    assert any(
        p.smoothed_connection - p.connection_swing < 0 and p.connection_band.low == 0
        for p in trend(checkins, tz=UTC)
    )


def test_no_checkins_and_one_checkin() -> None:
    assert daily_totals([], UTC) == []
    assert trend([], tz=UTC) == []
    assert direction([], today=day(0)) is Direction.NOT_ENOUGH_YET
    (only,) = trend([checkin_on(0, 4, 7)], tz=UTC)
    assert (only.smoothed_connection, only.smoothed_distance, only.smoothed_balance) == (4, 7, -3)
    assert direction([only], today=day(0)) is Direction.NOT_ENOUGH_YET


def test_two_thousand_checkins_over_a_year() -> None:
    rng = random.Random(2000)
    checkins = [
        checkin_on(rng.randrange(365), rng.randrange(100), rng.randrange(100), minute=rng.randrange(1440))
        for _ in range(2000)
    ]
    points = trend(checkins, tz=UTC)
    assert sum(p.count for p in points) == 2000
    assert_matches_reference(points, reference_trend(checkins, 21))
    assert direction(points, today=points[-1].date) in set(Direction)


def test_the_window_must_be_at_least_one_day() -> None:
    for bad in (0, -5, 2.0, True):
        with pytest.raises(ValueError):
            trend([checkin_on(0, 1, 1)], tz=UTC, window_days=bad)


def sloped_days(n_days, step, c0, d0, noise, skipped):
    """Connection rising by ``step`` quarter-moments a day and distance falling."""
    rows = []
    for i in range(n_days):
        if i in skipped:
            continue
        c = max(0, c0 + i * step // 4 + noise[i][0])
        d = max(0, d0 - i * step // 4 + noise[i][1])
        rows.append((i, c, d))
    return rows


sloped = st.integers(min_value=42, max_value=90).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.integers(min_value=1, max_value=4),
        st.integers(min_value=0, max_value=5),
        st.integers(min_value=93, max_value=98),
        st.lists(st.tuples(st.integers(-1, 1), st.integers(-1, 1)), min_size=n, max_size=n),
        st.sets(st.integers(min_value=1, max_value=n - 2), max_size=n // 3),
    )
)


@given(sloped)
def test_rising_connection_and_falling_distance_read_as_more_connection(case) -> None:
    rows = sloped_days(*case)
    points = trend([checkin_on(i, c, d) for i, c, d in rows], tz=UTC)
    assert direction(points, today=points[-1].date) is Direction.MORE_CONNECTION


@given(sloped)
def test_falling_connection_and_rising_distance_read_as_less_connection(case) -> None:
    rows = sloped_days(*case)
    points = trend([checkin_on(i, d, c) for i, c, d in rows], tz=UTC)
    assert direction(points, today=points[-1].date) is Direction.LESS_CONNECTION


@given(
    pattern=st.integers(min_value=1, max_value=14).flatmap(
        lambda p: st.lists(st.tuples(moments, moments), min_size=p, max_size=p)
    ),
    n_days=st.integers(min_value=49, max_value=120),
)
def test_good_days_then_distance_again_reads_steady(pattern, n_days) -> None:
    # The oscillation the article calls normal: a repeating run of closer and
    # harder days, with no drift, is not a direction.
    checkins = [checkin_on(i, *pattern[i % len(pattern)]) for i in range(n_days)]
    points = trend(checkins, tz=UTC)
    assert direction(points, today=points[-1].date) is Direction.STEADY


def test_random_ups_and_downs_almost_always_read_steady() -> None:
    readings = []
    for seed in range(200):
        rng = random.Random(seed)
        checkins = [checkin_on(i, rng.randint(0, 5), rng.randint(0, 5)) for i in range(70)]
        points = trend(checkins, tz=UTC)
        readings.append(direction(points, today=points[-1].date))
    assert readings.count(Direction.STEADY) >= 190


def test_a_change_of_less_than_half_a_moment_a_day_is_steady() -> None:
    # Balance 0 for four weeks, then one extra moment of connection every third day.
    checkins = [checkin_on(i, 2, 2) for i in range(28)]
    checkins += [checkin_on(i, 3 if i % 3 == 0 else 2, 2) for i in range(28, 56)]
    points = trend(checkins, tz=UTC)
    assert direction(points, today=day(55)) is Direction.STEADY


@pytest.mark.parametrize(
    "days",
    [
        [0, 10, 20, 30],  # four days, however far apart
        list(range(13)),  # many days, under two weeks
        [0, 1, 2, 3, 13],  # five days spanning thirteen days
    ],
)
def test_too_little_data_is_not_enough_yet(days) -> None:
    points = trend([checkin_on(d, 9 if d > 5 else 0, 0) for d in days], tz=UTC)
    assert direction(points, today=day(60)) is Direction.NOT_ENOUGH_YET


def test_five_days_over_two_weeks_is_enough_to_say_something() -> None:
    points = trend([checkin_on(d, 1, 1) for d in (0, 3, 7, 10, 14)], tz=UTC)
    assert direction(points, today=day(14)) is Direction.STEADY


def test_points_after_today_are_ignored() -> None:
    checkins = [checkin_on(d, 2, 2) for d in range(40)]
    checkins += [checkin_on(d, 40, 0) for d in range(40, 80)]
    points = trend(checkins, tz=UTC)
    assert direction(points, today=day(39)) is Direction.STEADY
    assert direction(points, today=day(79)) is Direction.MORE_CONNECTION
    assert direction(points[::-1], today=day(79)) is Direction.MORE_CONNECTION


def test_flat_or_falling_is_steady_or_less_connection() -> None:
    assert {d for d in Direction if d.flat_or_falling} == {Direction.STEADY, Direction.LESS_CONNECTION}


@pytest.mark.parametrize("which", list(Direction))
def test_trend_words_are_gentle_and_always_say_ups_and_downs_are_normal(which) -> None:
    words = trend_words(which)
    assert OSCILLATION_WORDS in words and QUESTION_WORDS in words
    assert "normal" in OSCILLATION_WORDS and "not a sign that something is wrong" in OSCILLATION_WORDS
    assert "more moments of genuine connection" in QUESTION_WORDS
    assert "fewer of profound distance" in QUESTION_WORDS
    assert not re.search(r"\d", words)
    lowered = words.casefold()
    for banned in ("%", "percent", "streak", "healed", "should", "fail ", "score", "press "):
        assert banned not in lowered
    assert words.count("\n\n") == 2  # framing first, then one word on the direction


@pytest.mark.parametrize("which", [Direction.STEADY, Direction.LESS_CONNECTION])
def test_flat_or_falling_words_point_to_the_resources_screen(which) -> None:
    assert "the Resources screen" in trend_words(which)


def test_each_direction_has_its_own_words() -> None:
    assert len({trend_words(d) for d in Direction}) == len(Direction)


def test_a_steady_line_of_mostly_connection_does_not_point_to_resources() -> None:
    checkins = [checkin_on(d, 8, 0) for d in range(60)]
    points = trend(checkins, tz=UTC)
    assert direction(points, today=day(59)) is Direction.STEADY
    balance = latest_smoothed_balance(points, today=day(59))
    assert balance == 8
    words = trend_words(Direction.STEADY, recent_balance=balance)
    assert "Resources" not in words
    assert OSCILLATION_WORDS in words and QUESTION_WORDS in words


@pytest.mark.parametrize("connection, distance", [(0, 0), (2, 2), (1, 6)])
def test_a_steady_line_without_more_connection_points_to_resources(connection, distance) -> None:
    points = trend([checkin_on(d, connection, distance) for d in range(60)], tz=UTC)
    assert direction(points, today=day(59)) is Direction.STEADY
    balance = latest_smoothed_balance(points, today=day(59))
    assert "the Resources screen" in trend_words(Direction.STEADY, recent_balance=balance)


@given(st.floats(min_value=-99, max_value=99, allow_nan=False) | st.none())
def test_which_words_point_to_resources(balance) -> None:
    for which in Direction:
        words = trend_words(which, recent_balance=balance)
        assert OSCILLATION_WORDS in words and QUESTION_WORDS in words
        assert words.count("\n\n") == 2
        assert not re.search(r"\d", words)
        points = "the Resources screen" in words
        assert points == mentions_resources(which, recent_balance=balance)
        if which is Direction.LESS_CONNECTION:
            assert points
        elif which is Direction.STEADY:
            assert points == (balance is None or balance <= 0)
        else:
            assert not points


def test_latest_smoothed_balance_ignores_points_after_today() -> None:
    points = trend([checkin_on(d, 1, 0) for d in range(5)] + [checkin_on(40, 0, 9)], tz=UTC)
    assert latest_smoothed_balance(points, today=day(10)) == 1
    assert latest_smoothed_balance(points, today=day(40)) == -9
    assert latest_smoothed_balance(points[::-1], today=day(10)) == 1
    assert latest_smoothed_balance(points, today=day(-1)) is None
    assert latest_smoothed_balance([], today=day(0)) is None


def test_the_words_fit_whatever_a_person_is_working_towards() -> None:
    lowered = OSCILLATION_WORDS.casefold()
    for assumes_a_goal in ("recovery", "healing", "failing", "reconcil", "back together"):
        assert assumes_a_goal not in lowered
    assert "ups and downs are normal" in lowered

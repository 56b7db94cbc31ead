"""Snapshot of the trend view: fixed check-ins, a fixed clock, a fixed terminal size.

Regenerate after a deliberate change with ``--snapshot-update`` and look at
the new pictures in ``__snapshots__`` before accepting them.
"""

from __future__ import annotations

import pytest

from reflect.usecases.checkins import add_checkins
from reflect.ui.app import ReflectApp
from tests.helpers import open_solo
from tests.helpers import many_checkins


@pytest.fixture
def trend_app(data_dir, clock):
    ws = open_solo(data_dir, clock)
    add_checkins(ws.journal, many_checkins(ws.journal.space, clock.now, 75, seed=11))
    yield ReflectApp(ws)
    ws.close()


async def open_trend(pilot) -> None:
    await pilot.press("f5")
    await pilot.pause()


def test_trend_view_dark_wide(trend_app, snap_compare):
    assert snap_compare(trend_app, terminal_size=(120, 40), run_before=open_trend)


def test_trend_view_light_narrow(trend_app, snap_compare):
    async def light_theme_then_trend(pilot) -> None:
        trend_app.theme = "textual-light"
        await open_trend(pilot)

    assert snap_compare(trend_app, terminal_size=(80, 24), run_before=light_theme_then_trend)

"""The path list on the home screen: each step's summary keeps its indent when it wraps."""

from __future__ import annotations

import re

from reflect.ui.screens.home import HomeScreen

NARROW = (80, 24)


async def test_a_wrapped_summary_keeps_its_indent_at_80_columns(solo_app):
    async with solo_app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        screen = solo_app.screen
        assert isinstance(screen, HomeScreen)
        path_list = screen.path_list
        lines = [path_list.render_line(y).text.rstrip() for y in range(path_list.scrollable_content_region.height)]
        titles = [line for line in lines if re.match(r"\s*\d+\. ", line)]
        summary = [line for line in lines if line.strip() and line not in titles and "─" not in line]
        assert titles and len(summary) > len(titles), lines  # some summary wrapped at this width
        assert all(line.startswith("    ") for line in summary), lines

"""At 80x24 no footer key is cut off: what does not fit on one line goes on the next."""

from __future__ import annotations

import pytest

from reflect.domain.ladder import set_pace
from reflect.ui.widgets.safety_footer import footer_lines, key_width
from reflect.usecases.ladder import LadderBook
from tests.helpers import PASS_A, SIZE, SMALL, both_here, visible_footer_actions, write_free


def footer_actions(app) -> set[str]:
    from textual.widgets._footer import FooterKey

    return {key.action for key in app.screen.query(FooterKey)}


def test_keys_go_on_as_few_lines_as_fit():
    assert footer_lines([10, 10, 10], 80) == [3]
    assert footer_lines([30, 30, 30], 80) == [2, 1]
    assert footer_lines([90, 5], 80) == [1, 1]
    assert key_width("f1", "Help") == 8  # "f1 Help" and the gap after it


@pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])
async def test_every_footer_key_is_in_view_alone(couple_app, unlock_as, size):
    app, ws = couple_app, couple_app.workspace
    alex, _ = ws.household.profiles
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        book = LadderBook.for_workspace(ws)
        book.change(set_pace, alex, book.load().steps[1].id)
        await write_free(pilot, app, "something to list")
        for keys, action, name in (
            (("escape",), None, "path"),
            (("enter",), None, "step"),
            (("escape", "j"), None, "journal"),
            (("escape", "t"), None, "trend"),
            (("escape",), "ladder", "ladder, hurt view"),
            (("escape",), "sentence_builder", "sentence builder"),
            (("escape", "f6"), None, "path in the shared space"),
        ):
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            if action:
                await app.run_action(action)
            await pilot.pause()
            await pilot.pause()
            assert footer_actions(app), name
            assert footer_actions(app) <= visible_footer_actions(app), name


@pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "120x40"])
async def test_every_footer_key_is_in_view_together(couple_app, size):
    app = couple_app
    async with app.run_test(size=size) as pilot:
        await both_here(pilot)
        for action, name in ((None, "path"), ("ladder", "ladder"), ("couple_sessions", "sessions")):
            if action:
                await app.run_action(action)
            await pilot.pause()
            await pilot.pause()
            assert footer_actions(app) <= visible_footer_actions(app), name
            assert "switch_space" in footer_actions(app) or action, name
            await pilot.press("escape")
            await pilot.pause()

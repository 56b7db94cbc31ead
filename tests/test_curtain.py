"""The curtain between turns, in a small host app and in reflect."""

from __future__ import annotations

from textual.app import App

from reflect.ui.screens.curtain import CurtainScreen, curtain_words
from tests.helpers import shown_text


class Host(App[None]):
    def __init__(self, curtain: CurtainScreen) -> None:
        super().__init__()
        self.curtain = curtain
        self.results: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.curtain, self.results.append)


def test_the_words_name_who_takes_the_keyboard_and_who_looks_away():
    heading, line = curtain_words("Sam", "Alex")
    assert heading == "Pass the keyboard to Sam."
    assert "Alex, please look away" in line and "Sam, press Enter when you are ready" in line


async def test_enter_lifts_the_curtain():
    app = Host(CurtainScreen("Sam", "Alex", note="Next: your answer, on your own."))
    async with app.run_test() as pilot:
        await pilot.pause()
        text = shown_text(app.screen)
        assert "Pass the keyboard to Sam." in text and "Next: your answer" in text
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [True]


async def test_escape_steps_back_only_when_allowed():
    app = Host(CurtainScreen("Sam", "Alex"))
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [False]
    app = Host(CurtainScreen("Sam", "Alex", may_step_back=False))
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, CurtainScreen)


async def test_names_are_shown_literally():
    app = Host(CurtainScreen("[b]Sam[/b]", "Al[/]ex"))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "[b]Sam[/b]" in shown_text(app.screen)

"""F1 while both partners are here describes the keys as they work then."""

from __future__ import annotations

from reflect.ui.commands import COMMANDS, TOGETHER_WORDS, help_markdown
from tests.helpers import PASS_A, SMALL, both_here

USUAL_F6 = next(c for c in COMMANDS if c.name == "switch_space").help
TOGETHER_F6 = TOGETHER_WORDS["switch_space"][2]


def test_together_the_help_gives_f6_its_together_words_and_leaves_out_what_is_one_persons():
    alone, together = help_markdown(couple=True), help_markdown(couple=True, together=True)
    assert USUAL_F6 in alone and TOGETHER_F6 not in alone
    assert TOGETHER_F6 in together and USUAL_F6 not in together
    for command in COMMANDS:
        if not command.while_together:  # Preferences, Session prep, Import, Both of us
            assert command.help not in together
            assert command.help in alone


def test_a_help_line_and_its_more_read_as_two_sentences():
    text = help_markdown(couple=True)
    assert "the shared space. From the shared space" in text
    assert "and lock. It looks like an idle terminal prompt" in text


async def test_f1_while_together_then_alone(couple_app, unlock_as):
    from textual.widgets import Markdown

    from reflect.ui.screens.help import HelpScreen

    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        source = app.screen.query_one(Markdown).source
        assert TOGETHER_F6 in source and USUAL_F6 not in source
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+l")  # done together: reflect locks
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        source = app.screen.query_one(Markdown).source
        assert USUAL_F6 in source and TOGETHER_F6 not in source

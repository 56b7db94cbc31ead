"""Snapshots of the main screens: fixed entries, a fixed clock, a fixed terminal size.

Every entry is written through the workspace with the FakeClock, so dates on
screen do not move. Blinking cursors are switched off and the breathing bar is
held at its first frame, so two runs draw the same picture.

Regenerate after a deliberate change with ``--snapshot-update`` and look at
the new pictures in ``__snapshots__`` before accepting them.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from reflect.ui.app import ReflectApp
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.pause import PauseScreen
from reflect.ui.screens.section import SectionScreen
from reflect.ui.screens.setup import SetupScreen
from reflect.ui.screens.unlock import UnlockScreen
from reflect.ui.screens.write import WriteScreen
from tests.helpers import PASS_A, SIZE
TYPED = "I wanted to say [b]literal[/b] things\nand [/] did not break anything."
PRIVATE = "PRIVATE-snapshot-7f3a"


def steady_cursors(screen) -> None:
    """A blinking cursor is drawn or not depending on the moment: hold it still."""
    for widget in screen.query("Input, TextArea"):
        assert isinstance(widget, (Input, TextArea))
        widget.cursor_blink = False


@pytest.fixture
def journal_app(solo_app):
    """Robin's journal; the app's clock (idle lock, breathing) stands still."""
    return solo_app.workspace, solo_app


def test_home_path_with_two_steps_explored(journal_app, snap_compare):
    ws, app = journal_app
    sections = [s for _, s in ws.sections()]
    ws.write("about the first step", prompt_id=sections[0].prompts[0].id)
    ws.write("about the third step", prompt_id=sections[2].prompts[0].id)

    async def at_home(pilot) -> None:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=at_home)


async def open_first_step(pilot) -> None:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SectionScreen)


def test_section_reading_and_questions(journal_app, snap_compare):
    _, app = journal_app
    assert snap_compare(app, terminal_size=SIZE, run_before=open_first_step)


def test_writing_to_a_prompt_shows_markup_literally(journal_app, snap_compare):
    _, app = journal_app

    async def type_an_answer(pilot) -> None:
        await open_first_step(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WriteScreen)
        steady_cursors(screen)
        screen.editor.insert(TYPED)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=type_an_answer)


def test_journal_with_three_entries_and_the_detail_pane(journal_app, snap_compare, clock):
    ws, app = journal_app
    first_prompt = ws.sections()[0][1].prompts[0]
    ws.write("A walk by the river, the first in weeks.")
    clock.advance(days=1, hours=3)
    starred = ws.write("We laughed at dinner. It felt like us again, for a moment.")
    ws.journal.update(starred.toggled_star())
    clock.advance(days=2, hours=10, minutes=15)
    ws.write(
        "Hard evening. I said [b]nothing[/b] and left the room.\n\nLater we talked a little.",
        prompt_id=first_prompt.id,
        tags=["evening", "talking"],
    )

    async def open_journal(pilot) -> None:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, JournalScreen)
        steady_cursors(app.screen)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_journal)


def test_unlock_screen_of_a_couple_shows_nothing_private(workspaces, snap_compare):
    ws = workspaces.couple()
    alex = ws.household.find("Alex")
    ws.unlock(alex, PASS_A)
    ws.write(f"alex only {PRIVATE}", tags=["private"])
    ws.lock()
    app = ReflectApp(ws)
    seen: list[str] = []

    async def at_the_door(pilot) -> None:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        steady_cursors(app.screen)
        await pilot.pause()
        seen.append(app.export_screenshot())

    assert snap_compare(app, terminal_size=SIZE, run_before=at_the_door)
    [picture] = seen
    assert "Alex" in picture and "Sam" in picture
    assert PRIVATE not in picture and "alex only" not in picture


def test_setup_screen(workspaces, snap_compare):
    ws = workspaces.fresh()
    app = ReflectApp(ws)

    async def at_setup(pilot) -> None:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=at_setup)


def test_pause_at_its_first_breath(journal_app, snap_compare):
    _, app = journal_app

    async def pause_and_hold_still(pilot) -> None:
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        # The app's clock stands still (the ``seconds`` fixture): the bar stays at the first breath.
        assert isinstance(app.screen, PauseScreen)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=pause_and_hold_still)

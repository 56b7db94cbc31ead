"""The journal's tag list while older reflections are still opening (issue 12): it holds the
newest reflections' tags and says so, and holds every tag once the older ones are in."""

from __future__ import annotations

from textual.widgets import Select

from reflect.ui.app import ReflectApp
from reflect.ui.screens.journal import ANY_TAG, TAGS_SO_FAR
from tests.helpers import PASSPHRASE, SIZE
from tests.test_older_reflections_app import (
    all_in,
    gate,  # noqa: F401  (a fixture)
    locked,
    solo_folder,
    unlock_without_waiting_for_older,
)


def tag_values(select: Select) -> list[str]:
    return [value for _, value in select._options if isinstance(value, str)]


async def test_the_tag_list_says_it_holds_the_newest_tags_until_every_one_is_in(data_dir, clock, gate, seconds):
    solo_folder(data_dir, clock)  # only the oldest reflection is tagged "oldest"
    ws = locked(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        ws.write("Tagged while the older ones open.", tags=("today",))
        await pilot.press("j")
        await pilot.pause()
        select = app.screen.query_one("#tag", Select)
        assert select.prompt == TAGS_SO_FAR  # never passed off as every tag
        assert tag_values(select) == ["today"]
        await all_in(pilot, gate)
        assert select.prompt == ANY_TAG
        assert tag_values(select) == ["oldest", "today"]
        select.value = "oldest"
        await pilot.pause()
        assert app.screen.query_one("#entries").option_count == 1


async def test_a_passphrase_change_asked_for_while_loading_says_so_and_is_made_once_all_is_in(
    data_dir, clock, gate, seconds
):
    from textual.widgets import Input

    from reflect.ui.screens.preferences import OLDER_FIRST, PreferencesScreen
    from tests.helpers import text_on_every_screen

    solo_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PreferencesScreen)
        app.screen.query_one("#current", Input).value = PASSPHRASE
        app.screen.query_one("#new", Input).value = "a brand new passphrase"
        app.screen.query_one("#repeat", Input).value = "a brand new passphrase"
        await pilot.click("#change")
        await pilot.pause()
        # The screen answers at once and says what happens; nothing is changed yet.
        assert not ws.complete
        assert app.screen.query_one("#passphrase-problem").render().plain == OLDER_FIRST
        await all_in(pilot, gate)
        assert "Passphrase changed" in text_on_every_screen(app)
        assert "a brand new passphrase" not in text_on_every_screen(app)
    ws.close()
    ws = locked(data_dir, clock)
    ws.unlock(ws.household.profiles[0], "a brand new passphrase")
    assert ws.is_unlocked
    ws.close()


async def test_a_change_asked_for_while_loading_is_not_made_if_the_preferences_were_closed(
    data_dir, clock, gate, seconds
):
    from textual.widgets import Input

    from reflect.ui.screens.preferences import PreferencesScreen

    solo_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PreferencesScreen)
        app.screen.query_one("#current", Input).value = PASSPHRASE
        app.screen.query_one("#new", Input).value = "a brand new passphrase"
        app.screen.query_one("#repeat", Input).value = "a brand new passphrase"
        await pilot.click("#change")
        await pilot.pause()
        await pilot.click("#close")
        await pilot.pause()
        await all_in(pilot, gate)
    ws.close()
    ws = locked(data_dir, clock)
    ws.unlock(ws.household.profiles[0], PASSPHRASE)  # unchanged
    assert ws.is_unlocked
    ws.close()


async def test_a_star_while_searching_keeps_the_found_rows_and_the_highlight(data_dir, clock, seconds):
    """The list after a change is searched again in the worker (as typing is), not on the screen's thread."""
    from reflect.ui.screens.journal import JournalScreen

    solo_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        from textual.widgets import Input

        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.click("#unlock")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("j")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        screen.search_input.value = "Evening 1"  # Evening 1, 10-19, 100-199: 111 reflections
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one("#count").render().plain == f"111 of {len(ws.journal.entries())} reflections"
        screen.entry_list.focus()
        screen.entry_list.highlighted = 2
        await pilot.pause()
        chosen = screen.selected_row()
        await pilot.press("s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ws.journal.get(chosen.id).starred
        assert screen.selected_row().id == chosen.id and screen.selected_row().starred
        assert screen.entry_list.option_count == 111
        assert screen.query_one("#count").render().plain == f"111 of {len(ws.journal.entries())} reflections"

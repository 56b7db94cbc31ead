"""Typing in the journal's search box: the search runs in a worker, and only the last query's rows are shown."""

from __future__ import annotations

import threading

import pytest

from reflect.domain.entries import EntryFilter
from reflect.storage.entry_search import EntrySearch
from reflect.ui.app import ReflectApp
from reflect.ui.screens.journal import FIRST_ROWS, MAX_LISTED, STILL_LOOKING, JournalScreen
from tests.helpers import SIZE, searched, shown_text


def _journal(ws, clock, walks: int, others: int = 3):
    entries = []
    for i in range(others):
        entries.append(ws.write(f"a quiet dinner {i}"))
        clock.advance(minutes=1)
    for i in range(walks):
        entries.append(ws.write(f"a walk by the river, evening {i}"))
        clock.advance(minutes=1)
    return entries


@pytest.fixture
def held_searches(monkeypatch) -> threading.Event:
    """Searches in worker threads wait until the test sets this: they are still running meanwhile."""
    go_on = threading.Event()
    real = EntrySearch.matching

    def matching(self, flt):
        if threading.current_thread() is not threading.main_thread():
            go_on.wait(10)
        return real(self, flt)

    monkeypatch.setattr(EntrySearch, "matching", matching)
    return go_on


def _rows(screen) -> list[str]:
    return [str(o.prompt) for o in screen.entry_list.options]


def _count(screen) -> str:
    return str(screen.query_one("#count").render())


async def _open_journal(pilot, app) -> JournalScreen:
    await pilot.press("j")
    await pilot.pause()
    assert isinstance(app.screen, JournalScreen)
    return app.screen


async def test_typed_words_are_searched_in_a_worker_and_the_rows_appear(workspaces, clock, monkeypatch):
    ws = workspaces.solo()
    _journal(ws, clock, walks=FIRST_ROWS + 20)
    threads = []
    real = EntrySearch.matching

    def matching(self, flt):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(self, flt)

    monkeypatch.setattr(EntrySearch, "matching", matching)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_journal(pilot, app)
        threads.clear()
        await pilot.press("slash", *"RIVER")
        await searched(pilot)
        # Every keystroke's search ran away from the screen's thread.
        assert threads and not any(threads)
        assert screen.entry_list.option_count == FIRST_ROWS + 20
        assert _rows(screen)[0].endswith(f"evening {FIRST_ROWS + 19}")  # the newest first
        assert _count(screen) == f"{FIRST_ROWS + 20} of {FIRST_ROWS + 23} reflections"
        assert f"evening {FIRST_ROWS + 19}" in shown_text(screen)  # its detail beside the list
        await pilot.press("backspace", *"ZZ")
        await searched(pilot)
        assert screen.entry_list.option_count == 0
        assert _count(screen) == "Nothing matches. Try fewer words, or clear the filters."


async def test_the_newest_rows_come_first_then_the_rest_and_the_count(workspaces, clock):
    ws = workspaces.solo()
    _journal(ws, clock, walks=MAX_LISTED + 10, others=0)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_journal(pilot, app)
        seen = []
        real = screen.show_rows

        def show_rows(rows, start, count, *rest, **kw):
            seen.append((len(rows), start, count, _count(screen)))
            real(rows, start, count, *rest, **kw)
            seen[-1] = (*seen[-1][:3], _count(screen))

        screen.show_rows = show_rows
        await pilot.press("slash", *"walk")
        await searched(pilot)
        # A screenful at a time, newest first, "still looking" until the count.
        steps = seen[-(MAX_LISTED // FIRST_ROWS) :]
        assert steps[:-1] == [(FIRST_ROWS, start, None, STILL_LOOKING) for start in range(0, MAX_LISTED - FIRST_ROWS, FIRST_ROWS)]
        assert steps[-1] == (
            FIRST_ROWS,
            MAX_LISTED - FIRST_ROWS,
            MAX_LISTED + 10,
            f"The newest {MAX_LISTED} of {MAX_LISTED + 10}. Search to find older ones.",
        )
        expected = [e.id for e in ws.journal.search(EntryFilter(contains="walk"))][:MAX_LISTED]
        assert [screen.entry_list.get_option_at_index(i).id for i in range(MAX_LISTED)] == expected
        assert screen.entry_list.option_count == MAX_LISTED
        assert screen.entry_list.highlighted == 0


async def test_typing_fast_shows_only_the_last_querys_rows(workspaces, clock, held_searches):
    ws = workspaces.solo()
    _journal(ws, clock, walks=FIRST_ROWS + 5)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_journal(pilot, app)
        # Every keystroke starts a search; all of them are still running when
        # the last key is typed, and finish in any order.
        await pilot.press("slash", *"walk", *["backspace"] * 4, *"dinner 1")
        held_searches.set()
        await searched(pilot)
        assert _rows(screen)[0].endswith("a quiet dinner 1") and screen.entry_list.option_count == 1
        # An older keystroke's rows arriving late are dropped, whatever they hold.
        stale = ws.journal.search_snapshot().search(EntryFilter(contains="walk"))
        screen.post_message(JournalScreen.Found(screen._ticket - 1, stale, 0, len(stale), len(stale), 58))
        await pilot.pause()
        assert _rows(screen)[0].endswith("a quiet dinner 1") and screen.entry_list.option_count == 1
        assert _count(screen) == "1 of 58 reflections"


async def test_an_entry_written_meanwhile_is_shown_and_the_older_search_is_not(workspaces, clock, held_searches):
    ws = workspaces.solo()
    _journal(ws, clock, walks=4)
    app = ReflectApp(ws)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_journal(pilot, app)
        await pilot.press("slash", *"walk")
        # Before that search's rows are shown, a reflection is saved and the list
        # refreshed (as coming back from writing does): the search's rows are older.
        clock.advance(hours=1)
        ws.write("one more walk, at night")
        screen.refresh_entries()
        held_searches.set()
        await searched(pilot)
        assert screen.entry_list.option_count == 5
        assert _rows(screen)[0].endswith("one more walk, at night")
        assert _count(screen) == "5 of 8 reflections"
        # Typing again searches the journal as it is now.
        await pilot.press("backspace", "k")
        await searched(pilot)
        assert screen.entry_list.option_count == 5
        assert _count(screen) == "5 of 8 reflections"

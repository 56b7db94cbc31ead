"""Both at one screen, writing in the shared space: who is writing is asked, never guessed.

And a draft written while both are here is kept in its writer's own journal,
reachable again by that writer alone.
"""

from __future__ import annotations

import pytest

from reflect.ui.screens.checkin import CheckInScreen
from reflect.ui.screens.couple import PickPersonScreen
from reflect.ui.screens.write import WriteScreen
from reflect.usecases.checkins import read_checkins
from reflect.usecases.drafts import kept_key
from reflect.usecases.journal import NotTheAuthor
from reflect.usecases.workspace import WhoIsWriting
from tests.helpers import PASS_A, PASS_B, SMALL, both_here

WORDS = "We sat on the step and talked."


def together(ws, first, second):
    words = {ws.household.profiles[0].id: PASS_A, ws.household.profiles[1].id: PASS_B}
    ws.unlock(first, words[first.id])
    ws.join(ws.open_for(second, words[second.id]))
    assert ws.together
    return ws


def test_together_nothing_is_written_in_the_shared_space_before_someone_says_who(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    shared = ws.household.shared_space
    with pytest.raises(WhoIsWriting):
        ws.write(WORDS, space=shared)
    assert ws.store(shared).entries() == []


def test_together_the_one_who_said_is_the_author_and_only_they_change_it(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)  # Alex unlocked first; Sam writes
    shared = ws.household.shared_space
    ws.writing_as(sam.id)
    entry = ws.write(WORDS, space=shared)
    assert entry.author == sam.id
    journal = ws.store(shared)
    ws.writing_as(alex.id)
    with pytest.raises(NotTheAuthor):
        journal.update(entry.toggled_star())
    ws.writing_as(sam.id)
    journal.update(entry.toggled_star())
    assert journal.get(entry.id).starred


def test_a_draft_written_together_is_kept_in_its_writers_journal(couple):
    ws, alex, sam = couple
    together(ws, alex, sam)
    shared = ws.household.shared_space
    ws.writing_as(sam.id)
    ws.drafts.save(shared, "free", "unsent words of Sam")
    assert ws.drafts.get(shared, "free") == "unsent words of Sam"
    assert ws.store(shared).draft_keys() == []  # nothing in the shared space
    ws.writing_as(alex.id)
    assert ws.drafts.get(shared, "free") is None  # never Alex's to read
    ws.lock()
    ws.unlock(alex, PASS_A)
    assert ws.drafts.get(shared, "free") is None
    ws.lock()
    ws.unlock(sam, PASS_B)
    # Kept apart from Sam's drafts kept alone (those never open on "Who is writing?").
    assert ws.store(sam.space).get_draft(kept_key(shared, "free", together=True)) == "unsent words of Sam"
    assert ws.drafts.get(shared, "free") == "unsent words of Sam"


async def pick(pilot, index: int) -> None:
    app = pilot.app
    assert isinstance(app.screen, PickPersonScreen), type(app.screen).__name__
    await pilot.click(f"#person-{index}")
    await pilot.pause()


async def test_together_writing_asks_who_and_saves_under_that_name(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        alex, sam = app.workspace.household.profiles
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PickPersonScreen)
        await pick(pilot, 1)  # Sam
        assert isinstance(app.screen, WriteScreen)
        app.screen.editor.insert(WORDS)
        await pilot.press("ctrl+s")
        await pilot.pause()
        (entry,) = app.workspace.store(app.workspace.household.shared_space).entries()
        assert entry.author == sam.id


async def test_together_back_at_who_is_writing_writes_nothing(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (PickPersonScreen, WriteScreen))


async def test_together_a_check_in_asks_who_and_is_theirs(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        alex, sam = app.workspace.household.profiles
        await pilot.press("f4")
        await pilot.pause()
        await pick(pilot, 1)  # Sam
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("up")
        await pilot.click("#save")
        await pilot.pause()
        (checkin,), _ = read_checkins(app.workspace.store(app.workspace.household.shared_space))
        assert checkin.author == sam.id


async def test_together_a_draft_left_at_a_lock_goes_to_its_writer_only(couple_app, unlock_as):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pick(pilot, 1)  # Sam
        app.screen.editor.insert("SAM-UNSENT-CANARY")
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        assert "SAM-UNSENT-CANARY" not in "".join(
            s.editor.text for s in app.screen_stack if isinstance(s, WriteScreen)
        )
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 1, PASS_B)
        writing = [s for s in app.screen_stack if isinstance(s, WriteScreen)]
        assert writing and "SAM-UNSENT-CANARY" in writing[-1].editor.text


async def test_together_only_the_author_named_at_the_question_deletes_a_shared_reflection(couple_app):
    from reflect.ui.screens.dialogs import ConfirmScreen

    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        alex, sam = app.workspace.household.profiles
        shared = app.workspace.household.shared_space
        app.workspace.writing_as(sam.id)
        entry = app.workspace.write(WORDS, space=shared)
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, PickPersonScreen)
        assert "changing" in app.screen.question
        await pick(pilot, 0)  # Alex did not write it
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.workspace.store(shared).get(entry.id) is not None
        await pilot.press("d")
        await pilot.pause()
        await pick(pilot, 1)  # Sam did
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#confirm")
        await pilot.pause()
        assert app.workspace.store(shared).get(entry.id) is None


async def test_together_the_write_screen_says_under_whose_name(couple_app):
    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pick(pilot, 1)  # Sam
        assert "under Sam's name" in str(app.screen.query_one("#where").render())


async def test_together_undo_asks_who_is_undoing_and_only_the_author_puts_it_back(couple_app):
    """Before: undo used whoever was named last (here Alex) and refused, without asking."""
    from reflect.ui.screens.journal import JournalScreen

    app = couple_app
    async with app.run_test(size=SMALL) as pilot:
        await both_here(pilot)
        alex, sam = app.workspace.household.profiles
        shared = app.workspace.household.shared_space
        app.workspace.writing_as(sam.id)
        entry = app.workspace.write(WORDS, space=shared)
        await pilot.press("j")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pick(pilot, 1)  # Sam deletes his own
        await pilot.click("#confirm")
        await pilot.pause()
        assert app.workspace.store(shared).get(entry.id) is None
        app.workspace.writing_as(alex.id)  # Alex wrote something else meanwhile
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, PickPersonScreen), "undo asks who is undoing"
        assert "changing" in app.screen.question
        await pick(pilot, 0)  # Alex did not write it: it stays deleted, and the undo waits
        assert isinstance(app.screen, JournalScreen)
        assert app.workspace.store(shared).get(entry.id) is None
        await pilot.press("u")
        await pilot.pause()
        await pick(pilot, 1)  # Sam did
        assert app.workspace.store(shared).get(entry.id) is not None
        assert app.workspace.store(shared).get(entry.id).author == sam.id

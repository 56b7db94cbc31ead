"""Drafts for the shared space live in their writer's private journal, never in the shared file."""

from __future__ import annotations

from reflect.ui.app import ReflectApp
from reflect.ui.screens.dialogs import LeaveUnsavedScreen
from reflect.ui.screens.write import WriteScreen
from reflect.usecases.drafts import kept_key
from tests.helpers import PASS_A, PASS_B, SIZE, forms_of, unlock_as

MARKER = "UNSENT-draft-7d21"


async def _write_in_shared_and_lock(app, pilot):
    await unlock_as(pilot, app, 0, PASS_A)
    await pilot.press("f6", "n")
    await pilot.pause()
    assert isinstance(app.screen, WriteScreen)
    app.screen.editor.insert(f"half a thought {MARKER}")
    app.screen.keep_draft()  # what a pause in typing does
    await pilot.pause()
    await pilot.press("ctrl+l")  # locking keeps drafts too
    await pilot.pause()


async def test_the_shared_file_holds_no_draft_text(couple_ws, seconds, data_dir):
    ws = couple_ws
    alex, sam = ws.household.profiles
    shared = ws.household.shared_space
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await _write_in_shared_and_lock(app, pilot)
    # Sam's passphrase opens the shared space: no draft of Alex's is in it.
    ws.unlock(sam, PASS_B)
    journal = ws.store(shared)
    assert journal.get_draft(f"{alex.id}/free") is None
    assert journal.draft_keys() == []
    raw = journal._store._storage.read()  # every table the shared key opens, as plain JSON
    assert not any(form in repr(raw).encode() for form in forms_of(MARKER))
    ws.lock()
    # Alex's own journal keeps it, marked for the shared space.
    ws.unlock(alex, PASS_A)
    assert MARKER in ws.store(alex.space).get_draft(kept_key(shared, f"{alex.id}/free"))


async def test_a_shared_draft_comes_back_to_its_writer_in_the_shared_space(couple_ws, seconds):
    ws = couple_ws
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await _write_in_shared_and_lock(app, pilot)
        await unlock_as(pilot, app, 0, PASS_A)
        # The writing screen comes back after the lock, with the words.
        assert isinstance(app.screen, WriteScreen)
        assert MARKER in app.screen.editor.text
        await pilot.press("ctrl+s")
        await pilot.pause()
    shared = ws.household.shared_space
    alex = ws.household.profiles[0]
    assert [e.text for e in ws.store(shared).entries()] == [f"half a thought {MARKER}"]
    assert ws.store(alex.space).draft_keys() == []  # saved words leave no draft behind


async def test_the_partner_never_sees_the_others_shared_draft(couple_ws, seconds):
    ws = couple_ws
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await _write_in_shared_and_lock(app, pilot)
        await unlock_as(pilot, app, 1, PASS_B)
        await pilot.press("f6", "n")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        assert MARKER not in app.screen.editor.text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LeaveUnsavedScreen)


def test_an_old_shared_draft_moves_to_its_writers_journal_and_an_unknown_one_stays(couple):
    ws, alex, sam = couple
    shared = ws.household.shared_space
    # As an older reflect kept them: in the shared space, one per writer, and one from
    # before drafts were kept per person (whose writer nobody can tell).
    ws.unlock(alex, PASS_A)
    ws.session.journal_of(shared).save_draft(f"{alex.id}/prompt:body-now", "Alex's unsent words")
    ws.session.journal_of(shared).save_draft(f"{sam.id}/free", "Sam's unsent words")
    ws.session.journal_of(shared).save_draft("free", "nobody knows whose")
    ws.lock()

    ws.unlock(alex, PASS_A)  # moves Alex's own, and only Alex's
    assert ws.store(alex.space).get_draft(kept_key(shared, f"{alex.id}/prompt:body-now")) == "Alex's unsent words"
    assert ws.store(alex.space).get_draft(kept_key(shared, f"{sam.id}/free")) is None
    assert sorted(ws.store(shared).draft_keys()) == sorted(["free", f"{sam.id}/free"])
    ws.lock()

    ws.unlock(sam, PASS_B)
    assert ws.store(sam.space).get_draft(kept_key(shared, f"{sam.id}/free")) == "Sam's unsent words"
    assert ws.store(sam.space).get_draft(kept_key(shared, f"{alex.id}/prompt:body-now")) is None
    assert ws.store(shared).draft_keys() == ["free"]  # left where it was: nothing lost, nobody handed it
    assert ws.store(shared).get_draft("free") == "nobody knows whose"
    # The writing screen finds a moved draft where it now lives.
    assert ws.drafts.get(shared, f"{sam.id}/free") == "Sam's unsent words"


def test_a_draft_already_moved_is_not_written_over(couple):
    ws, alex, _ = couple
    shared = ws.household.shared_space
    ws.unlock(alex, PASS_A)
    ws.session.journal_of(shared).save_draft(f"{alex.id}/free", "older words")
    ws.store(alex.space).save_draft(kept_key(shared, f"{alex.id}/free"), "newer words")
    assert ws.drafts.move_home() is False
    assert ws.store(alex.space).get_draft(kept_key(shared, f"{alex.id}/free")) == "newer words"
    assert ws.store(shared).get_draft(f"{alex.id}/free") == "older words"

"""A large journal opens head first: the path and the newest reflections at once,
the older ones read in a worker behind them (issue 12).

Each test holds the worker's read on a gate, so what is on screen before the
older part is in can be looked at; nothing here measures time.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from reflect.domain.entries import new_entry
from reflect.storage import records
from reflect.storage.errors import SpaceDamaged
from reflect.storage.sealed import KdfParams
from reflect.storage.space_store import SpaceStore
from reflect.ui.app import ReflectApp
from reflect.ui.screens.dialogs import ProblemScreen
from reflect.ui.screens.hidden import HiddenScreen
from reflect.ui.screens.home import HomeScreen
from reflect.ui.screens.journal import JournalScreen
from reflect.ui.screens.unlock import UnlockScreen
from reflect.usecases.workspace import NewPerson, Workspace
from reflect.domain.profiles import Role
from tests.helpers import DEFAULT_PACKS, PASS_A, PASS_B, PASSPHRASE, SIZE, open_couple, open_solo, shown_text, text_on_every_screen

OLDER = 500
"""Reflections older than the head part holds (it holds at least HEAD_MIN_ENTRIES)."""
TOTAL = records.HEAD_MIN_ENTRIES + OLDER
FIRST = datetime(2024, 1, 1, 8, 0, tzinfo=timezone.utc)
OLD_WORD = "lighthouse"
"""Only in the oldest reflection: found by a search only once the older part is in."""


def fill(journal, count: int = TOTAL, *, section: str = "") -> None:
    """``count`` reflections, oldest first, the oldest naming OLD_WORD and answering ``section``;
    then the space is folded into one snapshot, so the older ones sit in its older part."""
    entries = [
        new_entry(
            f"{OLD_WORD} at the start" if i == 0 else f"Evening {i}: we talked for a while.",
            space=journal.space,
            now=FIRST + timedelta(hours=3 * i),
            section_id=section if i == 0 else "",
            tags=["oldest"] if i == 0 else [],
        )
        for i in range(count)
    ]
    journal.add_many(entries)


def fold(path, space: str, codec=None) -> None:
    kwargs = {"codec": codec} if codec is not None else {}
    with SpaceStore.open(path, space=space, create=False, **kwargs) as store:
        store.compact(even_if_empty=True)


def solo_folder(data_dir, clock, *, section: str = "") -> None:
    """Robin's protected journal with TOTAL reflections, folded, and locked again."""
    ws = open_solo(data_dir, clock)
    fill(ws.journal, section=section)
    ws.journal._store.compact(even_if_empty=True)
    ws.close()


def locked(data_dir, clock) -> Workspace:
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    ws.settings.first_run_acknowledged = True
    return ws


@pytest.fixture
def taken(monkeypatch) -> list[bool]:
    """What every ``take_older`` call answered (True: an older part was merged)."""
    answers: list[bool] = []
    real = SpaceStore.take_older

    def spy(store, part):
        answers.append(real(store, part))
        return answers[-1]

    monkeypatch.setattr(SpaceStore, "take_older", spy)
    return answers


@pytest.fixture
def gate(monkeypatch):
    """The worker's read of an older part waits until ``gate.set()`` (always set at the end)."""
    opened = threading.Event()
    real = SpaceStore.read_older

    def held(store):
        assert opened.wait(30), "the gate was never opened"
        return real(store)

    monkeypatch.setattr(SpaceStore, "read_older", held)
    yield opened
    opened.set()


async def unlock_without_waiting_for_older(pilot, app, passphrase: str, index: int | None = None) -> None:
    """Type the passphrase and wait for the unlock only (the older part is held on the gate)."""
    from textual.widgets import Input

    assert isinstance(app.screen, UnlockScreen)
    if index is not None:
        await pilot.click(f"#who-{index}")
    app.screen.query_one("#passphrase", Input).value = passphrase
    await pilot.click("#unlock")
    for _ in range(200):  # the key is derived in a thread; the path comes after it
        unlocking = [w for w in app.workers if w.group == "unlock"]
        if unlocking:  # (an empty list would wait for every worker, the held one too)
            await app.workers.wait_for_complete(unlocking)
        await pilot.pause(0.05)
        if not isinstance(app.screen, UnlockScreen):
            break
    await pilot.pause()


async def all_in(pilot, gate) -> None:
    gate.set()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_path_and_the_newest_reflections_come_before_the_older_ones(data_dir, clock, gate, seconds):
    solo_folder(data_dir, clock)
    app = ReflectApp(locked(data_dir, clock), clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        # The first screen is up while the older reflections are still held back.
        assert isinstance(app.screen, HomeScreen)
        assert not app.workspace.complete
        assert app.screen.query_one("#older-opening").display
        assert "Older reflections are still opening" in shown_text(app.screen)

        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        assert screen.query_one("#count").render().plain == "Older reflections are still opening."
        listed = screen.query_one("#entries").option_count
        assert 0 < listed <= records.HEAD_MIN_ENTRIES + 1
        assert screen.query_one("#entries").get_option_at_index(0).id == app.workspace.journal.newest(1)[0].id

        await all_in(pilot, gate)
        assert app.workspace.complete
        count = screen.query_one("#count").render().plain
        assert count == f"The newest 300 of {TOTAL}. Search to find older ones."
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query_one("#older-opening").display


async def test_a_step_explored_long_ago_is_marked_once_the_older_reflections_are_in(data_dir, clock, gate, seconds):
    ws = open_solo(data_dir, clock)
    section = ws.sections()[0][1]
    ws.close()
    solo_folder(data_dir, clock, section=section.id)
    app = ReflectApp(locked(data_dir, clock), clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        path = app.screen.query_one("#path")
        assert "explored" not in str(path.get_option(section.id).prompt)
        await all_in(pilot, gate)
        assert "explored" in str(path.get_option(section.id).prompt)
        assert not app.screen.query_one("#older-opening").display


async def test_a_search_while_older_reflections_open_says_so_and_runs_again_when_they_are_in(
    data_dir, clock, gate, seconds
):
    solo_folder(data_dir, clock)
    app = ReflectApp(locked(data_dir, clock), clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#search").value = OLD_WORD
        await pilot.pause()
        # Never a silently short result: it says what it looked through.
        assert screen.query_one("#count").render().plain.startswith("Nothing found so far. Older reflections")
        assert screen.query_one("#entries").option_count == 0
        await all_in(pilot, gate)
        assert screen.query_one("#entries").option_count == 1
        assert screen.query_one("#count").render().plain == f"1 of {TOTAL} reflections"


async def test_writing_while_older_reflections_open_keeps_everything(data_dir, clock, gate, seconds):
    from tests.helpers import write_free

    solo_folder(data_dir, clock)
    app = ReflectApp(locked(data_dir, clock), clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        await write_free(pilot, app, "Written while the rest was opening.")
        assert not app.workspace.complete
        await all_in(pilot, gate)
        texts = [e.text for e in app.workspace.journal.entries()]
        assert len(texts) == TOTAL + 1 and "Written while the rest was opening." in texts


@pytest.mark.parametrize("how", ["lock", "hide"])
async def test_a_lock_while_older_reflections_open_drops_them(data_dir, clock, gate, seconds, how, taken):
    solo_folder(data_dir, clock)
    app = ReflectApp(locked(data_dir, clock), clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        await pilot.press("ctrl+l" if how == "lock" else "f12")
        await pilot.pause()
        await all_in(pilot, gate)
        # The late result landed nowhere: still locked, nothing private on any screen.
        assert not app.workspace.is_unlocked
        assert True not in taken
        assert isinstance(app.screen, UnlockScreen if how == "lock" else HiddenScreen)
        assert "Evening" not in text_on_every_screen(app)
        assert app.return_code is None


async def test_an_unlock_after_a_lock_while_loading_gets_its_own_older_reflections(
    data_dir, clock, gate, seconds, taken
):
    solo_folder(data_dir, clock)
    app = ReflectApp(locked(data_dir, clock), clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        first = app.workspace.session.stores[app.workspace.active_space]
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        second = app.workspace.session.stores[app.workspace.active_space]
        assert second is not first and not second.complete
        await all_in(pilot, gate)
        # The first unlock's part went nowhere; the second one's was taken, once.
        assert app.workspace.complete and taken.count(True) == 1
        assert len(app.workspace.journal.entries()) == TOTAL


async def test_damage_in_the_older_part_locks_with_a_plain_sentence_and_changes_nothing(
    data_dir, clock, gate, seconds, monkeypatch
):
    solo_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    path = ws.space_path(ws.household.profiles[0].space)
    before = path.read_bytes()
    problem = SpaceDamaged(path, "Part of the file does not read back as it was written.")

    def damaged(store):
        assert gate.wait(30)
        raise problem

    monkeypatch.setattr(SpaceStore, "read_older", damaged)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        assert isinstance(app.screen, HomeScreen)
        await all_in(pilot, gate)
        assert isinstance(app.screen, UnlockScreen)
        assert not app.workspace.is_unlocked
        assert app.screen.query_one("#problem").render().plain == (
            f"Your older reflections could not be read, so reflect locked. {problem.user_message}"
        )
        assert app.return_code is None
    assert path.read_bytes() == before


async def test_real_damage_in_the_older_part_of_a_sealed_journal_is_said_plainly(data_dir, clock, seconds):
    solo_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    path = ws.space_path(ws.household.profiles[0].space)
    data = bytearray(path.read_bytes())
    data[len(data) * 3 // 4] ^= 0x01  # well inside the older part
    path.write_bytes(bytes(data))
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        from textual.widgets import Input

        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.click("#unlock")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Either the unlock itself or the older part's read finds it: a sentence, locked, nothing written.
        assert isinstance(app.screen, UnlockScreen)
        assert not app.workspace.is_unlocked
        said = app.screen.query_one("#problem").render().plain
        assert said and "passphrase did not open" not in said
        assert app.return_code is None
    assert path.read_bytes() == bytes(data)


async def test_an_unprotected_journal_whose_older_part_is_damaged_says_so(data_dir, clock, seconds, monkeypatch):
    ws = Workspace.open(data_dir, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    ws.set_up([NewPerson("Robin", Role.HURT, None)])
    ws.settings.first_run_acknowledged = True
    fill(ws.journal)
    ws.journal._store.compact(even_if_empty=True)
    ws.lock()

    def damaged(store):
        raise SpaceDamaged(store.path, "Part of the file does not read back as it was written.")

    monkeypatch.setattr(SpaceStore, "read_older", damaged)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert isinstance(app.screen, ProblemScreen)
        assert "does not read back" in shown_text(app.screen)
        assert not app.workspace.is_unlocked
        assert app.return_code is None


async def test_an_export_asked_for_while_loading_waits_for_every_reflection(data_dir, clock, gate, seconds):
    from reflect.ui.screens.transfer import ExportSpaceScreen

    solo_folder(data_dir, clock)
    app = ReflectApp(locked(data_dir, clock), clock=seconds)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        app.action_export_space()
        await pilot.pause()
        assert not isinstance(app.screen, ExportSpaceScreen)
        assert any("still opening" in n.message for n in app._notifications)
        await all_in(pilot, gate)
        assert isinstance(app.screen, ExportSpaceScreen)


# A couple: both spaces open head first; the shared space's trouble leaves the journal open.


def couple_folder(data_dir, clock) -> None:
    ws = open_couple(data_dir, clock)
    alex = ws.household.profiles[0]
    ws.unlock(alex, PASS_A)
    for space in (alex.space, ws.household.shared_space):
        journal = ws.store(space)
        fill(journal)
        journal._store.compact(even_if_empty=True)
    ws.close()


async def test_a_couple_gets_both_spaces_whole_behind_the_first_screen(data_dir, clock, gate, seconds):
    couple_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASS_A, index=0)
        assert isinstance(app.screen, HomeScreen)
        assert len(ws.older_to_read()) == 2
        await pilot.press("f6")
        await pilot.pause()
        assert ws.active_space == ws.household.shared_space
        await pilot.press("j")
        await pilot.pause()
        assert app.screen.query_one("#count").render().plain == "Older reflections are still opening."
        await all_in(pilot, gate)
        assert ws.complete
        assert app.screen.query_one("#count").render().plain == f"The newest 300 of {TOTAL}. Search to find older ones."


async def test_a_shared_space_that_cannot_be_read_whole_is_closed_and_the_journal_stays(
    data_dir, clock, gate, seconds, monkeypatch
):
    couple_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    shared = ws.household.shared_space
    real = SpaceStore.read_older

    def shared_damaged(store):
        assert gate.wait(30)
        if store.space == shared:
            raise SpaceDamaged(store.path, "Part of the file does not read back as it was written.")
        return real(store)

    monkeypatch.setattr(SpaceStore, "read_older", shared_damaged)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASS_A, index=0)
        await pilot.press("f6")
        await pilot.pause()
        assert ws.active_space == shared
        await all_in(pilot, gate)
        assert ws.is_unlocked and ws.active_space == ws.current.space
        assert shared not in ws.open_spaces and "does not read back" in ws.unavailable[shared]
        assert isinstance(app.screen, HomeScreen)
        assert any("could not be opened" in n.message for n in app._notifications)
        assert len(ws.journal.entries()) == TOTAL


async def test_together_the_shared_space_and_both_private_ones_come_in_whole(data_dir, clock, gate, seconds, taken):
    from tests.helpers import both_here

    couple_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=SIZE) as pilot:
        gate.set()
        await both_here(pilot)
        assert ws.together
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Alex's journal, the shared space and Sam's (empty) journal, all read whole behind the path.
        assert ws.complete and len(ws.session.stores) == 3
        assert taken.count(True) >= 2  # Alex's older part and the shared one's, through the worker
        assert len(ws.journal.entries()) == TOTAL


def test_a_small_sealed_journal_opened_head_first_still_has_its_whole_file_checked(data_dir, clock):
    """With no older part, nothing is read later: a flip in the rest of the file or its
    checksum is found at the unlock, as the whole unlock finds it (seen opening silently before)."""
    from reflect.storage.errors import StoreError

    ws = open_solo(data_dir, clock)
    ws.write("A few words.")
    ws.journal._store.compact(even_if_empty=True)
    path = ws.space_path(ws.current.space)
    ws.close()
    original = path.read_bytes()
    opened_anyway = []
    for at in range(len(original) - 120, len(original)):
        damaged = bytearray(original)
        damaged[at] ^= 0x01
        path.write_bytes(bytes(damaged))
        ws = locked(data_dir, clock)
        ws.open_head_first()
        try:
            ws.unlock(ws.household.profiles[0], PASSPHRASE)
            opened_anyway.append(at)
        except StoreError:
            pass
        finally:
            ws.close()
    assert opened_anyway == []


def test_a_passphrase_change_while_older_reflections_open_keeps_every_one(data_dir, clock):
    """The key changes only once the space is read whole (it failed as 'changed outside reflect' before)."""
    solo_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    ws.open_head_first()
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    assert not ws.complete
    ws.change_passphrase("a brand new passphrase", current=PASSPHRASE)
    assert ws.complete
    ws.close()
    ws = locked(data_dir, clock)
    ws.unlock(ws.household.profiles[0], "a brand new passphrase")
    assert len(ws.journal.entries()) == TOTAL
    ws.close()

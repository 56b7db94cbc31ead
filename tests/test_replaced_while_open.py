"""A space's files removed, replaced or changed by something else while reflect
has the space open (found by a review playing the other partner).

Saves append to the change log through an open file: a log deleted from the
folder (or a snapshot put back from a backup) meanwhile would take every later
save with it while the screen said "Saved". Before each save the store checks
that the snapshot and the log are still the ones it last read or wrote; when
they are not, it writes the space again whole from memory (every save it had
acknowledged), keeps what it found in their place aside, and says so; the save
being made is not made, so it can be made again without doubles. Closing the
store does the same, so nothing acknowledged is lost when nobody saves again.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reflect.storage import changelog
from reflect.storage.errors import SaveFailed, SpaceReplacedWhileOpen
from reflect.storage.space_store import SpaceStore

from tests.helpers import PASSPHRASE, unlock_as
from tests.test_change_log import entry, make_space, reopen


@pytest.fixture(params=["plain", "sealed"])
def kind(request):
    return request.param


def writer(path: Path, kind: str) -> SpaceStore:
    return reopen(path, kind, read_only=False)


def texts(path: Path, kind: str) -> set[str]:
    store = reopen(path, kind)
    try:
        return {e.text for e in store.entries()}
    finally:
        store.close()


def found_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}*.found-*"))


def test_a_log_removed_while_open_is_noticed_at_the_next_save_and_nothing_is_lost(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=2)
    store = writer(path, kind)
    store.add(entry(10))  # "Saved": in the log
    changelog.log_path(path).unlink()  # someone removes the log meanwhile
    with pytest.raises(SpaceReplacedWhileOpen) as raised:
        store.add(entry(11))
    assert raised.value.written_again and raised.value.kept == []
    assert isinstance(raised.value, SaveFailed)  # every screen keeps the words of a failed save
    assert "not saved" in raised.value.user_message and "save it again" in raised.value.user_message
    # Everything acknowledged is on disk again; the save that was refused is not, and can be made again.
    assert texts(path, kind) == {entry(i).text for i in (0, 1, 10)}
    store.add(entry(11))
    store.close()
    assert texts(path, kind) == {entry(i).text for i in (0, 1, 10, 11)}


def test_a_log_removed_after_the_last_save_is_written_again_by_its_owner_before_closing(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=1)
    store = writer(path, kind)
    store.add(entry(10))
    store.add(entry(11))
    changelog.log_path(path).unlink()
    assert store.rescue_if_replaced() == []  # what the session does as it locks
    assert store.rescue_if_replaced() is None  # and only once
    store.close()
    assert texts(path, kind) == {entry(i).text for i in (0, 10, 11)}


def test_closing_alone_writes_nothing(tmp_path, kind):
    # A second store of the same file in one process (a partner's copy of the
    # shared space, discarded when the couple joins) must not write it again.
    path = tmp_path / "space"
    make_space(path, kind, count=1)
    store = writer(path, kind)
    store.compact()
    store.add(entry(10))
    changelog.log_path(path).unlink()
    store.close()
    assert not changelog.log_path(path).exists() and texts(path, kind) == {entry(0).text}


def test_a_log_put_back_to_an_older_copy_is_kept_aside_and_named(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=1)
    log = changelog.log_path(path)
    store = writer(path, kind)
    store.add(entry(10))
    older = log.read_bytes()
    store.add(entry(11))
    put_back = tmp_path / "put-back"
    put_back.write_bytes(older)
    os.replace(put_back, log)  # the log as it was one save ago
    with pytest.raises(SpaceReplacedWhileOpen) as raised:
        store.add(entry(12))
    [kept] = found_files(log)
    assert raised.value.kept == [kept.name] and kept.name in raised.value.user_message
    assert kept.read_bytes() == older  # what was found is kept as it was found
    assert texts(path, kind) == {entry(i).text for i in (0, 10, 11)}
    store.close()


def test_bytes_added_to_the_log_while_open_are_noticed(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=1)
    store = writer(path, kind)
    store.add(entry(10))
    with changelog.log_path(path).open("ab") as log:
        log.write(b"\x00" * 40)
    with pytest.raises(SpaceReplacedWhileOpen):
        store.add(entry(11))
    store.close()
    assert texts(path, kind) == {entry(i).text for i in (0, 10)}


def test_a_snapshot_put_back_from_a_copy_while_open_is_written_again(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=2)
    first = writer(path, kind)
    first.compact()
    first.close()
    copy = path.read_bytes()  # e.g. the day's backup
    store = writer(path, kind)
    store.add(entry(10))
    store.compact()  # the log folded into a new snapshot
    store.add(entry(11))
    put_back = tmp_path / "put-back"
    put_back.write_bytes(copy)
    os.replace(put_back, path)
    changelog.log_path(path).unlink()
    with pytest.raises(SpaceReplacedWhileOpen) as raised:
        store.add(entry(12))
    [kept] = found_files(path)
    assert kept.read_bytes() == copy and raised.value.kept == [kept.name]
    assert texts(path, kind) == {entry(i).text for i in (0, 1, 10, 11)}
    store.close()


def test_saves_that_change_nothing_behind_its_back_never_move_a_file(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=1)
    store = writer(path, kind)
    for i in range(10, 16):
        store.add(entry(i))
        if i == 12:
            store.compact()
    store.close()
    assert found_files(path) == [] and found_files(changelog.log_path(path)) == []
    assert len(texts(path, kind)) == 7


def test_a_reader_never_writes_over_files_changed_behind_it(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=1)
    reader = reopen(path, kind)  # read_only: `reflect list` while the app has the folder
    before = changelog.log_path(path).read_bytes()
    changelog.log_path(path).unlink()
    reader.close()
    assert not changelog.log_path(path).exists() and found_files(path) == []
    changelog.log_path(path).write_bytes(before)


async def test_the_app_says_so_keeps_the_words_and_loses_no_save(solo_app):
    from reflect.ui.screens.write import WriteScreen

    app = solo_app
    journal = app.workspace.journal
    log = changelog.log_path(journal.path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        for words in ("first words, saved", "second words"):
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, WriteScreen)
            app.screen.editor.insert(words)
            if words == "second words":
                log.unlink()  # someone removes the change log meanwhile
            await pilot.press("ctrl+s")
            await pilot.pause()
        # Refused, said in plain words, and the words are still in the editor.
        assert isinstance(app.screen, WriteScreen) and app.screen.editor.text == "second words"
        said = str(app.screen.query_one("#status").render())  # the write screen says it there, not in a notice
        assert "This was not saved" in said and "save it again" in said
        assert {e.text for e in journal.entries()} >= {"first words, saved"}
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, WriteScreen)
        await pilot.press("ctrl+l")  # lock, then open again from the files on disk
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASSPHRASE)
        assert {"first words, saved", "second words"} <= {e.text for e in app.workspace.journal.entries()}


# Found by the review of the merged change: what reflect itself writes while a
# space is open must never look like a file replaced behind its back.


def _found_anywhere(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "spaces").iterdir() if ".found-" in p.name)


def test_a_slot_brought_up_to_date_at_unlock_is_not_a_replaced_file(tmp_path):
    from datetime import datetime, timezone

    from tests.helpers import copy_data_folder
    from tests.test_format_guards import FIXTURE, PASS_ALEX, PASS_SAM, open_ws

    folder = tmp_path / "format1-couple"
    copy_data_folder(FIXTURE, folder)
    clock = lambda: datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)  # noqa: E731
    ws = open_ws(folder, clock)
    sam, alex = ws.household.find("Sam"), ws.household.find("Alex")
    ws.unlock(sam, PASS_SAM)  # brings the shared space up to date, Alex's slot not yet bound
    ws.lock()
    ws.close()
    ws = open_ws(folder, clock)
    ws.unlock(alex, PASS_ALEX)  # Alex's slot is bound now: the file is saved again, unchanged
    assert ws.session.seals["shared"].opened_unbound
    ws.session.switch_space("shared")
    ws.write("alex in the shared space")  # no "replaced while open"
    ws.lock()
    ws.close()
    assert _found_anywhere(folder) == []


def test_a_partner_joining_whose_unlock_saves_the_shared_space_again_is_not_a_replaced_file(tmp_path):
    from datetime import datetime, timezone

    from tests.helpers import copy_data_folder
    from tests.test_format_guards import FIXTURE, PASS_ALEX, PASS_SAM, open_ws

    folder = tmp_path / "format1-couple"
    copy_data_folder(FIXTURE, folder)
    clock = lambda: datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)  # noqa: E731
    ws = open_ws(folder, clock)
    sam, alex = ws.household.find("Sam"), ws.household.find("Alex")
    ws.unlock(sam, PASS_SAM)
    ws.lock()
    ws.close()
    ws = open_ws(folder, clock)
    ws.unlock(sam, PASS_SAM)
    ws.join(ws.open_for(alex, PASS_ALEX))  # Alex's unlock binds his slot: the shared file is saved again
    assert ws.together
    ws.session.writer = sam
    ws.write("written together")
    ws.lock()
    ws.close()
    assert _found_anywhere(folder) == []


def test_a_journal_open_while_the_folder_is_set_up_is_never_written_back_readable(tmp_path):
    from datetime import datetime, timezone

    from reflect.domain.entries import new_entry
    from reflect.domain.profiles import Role
    from reflect.storage.sealed import KdfParams
    from reflect.usecases.setup import NewPerson
    from reflect.usecases.workspace import Workspace
    from tests.helpers import DEFAULT_PACKS

    clock = lambda: datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)  # noqa: E731
    folder = tmp_path / "data"
    ws = Workspace.open(folder, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    legacy = ws.folder.layout.space_file("journal")
    ws.close()
    legacy.parent.mkdir(parents=True, exist_ok=True)
    with SpaceStore.open(legacy, space="journal") as store:
        store.add(new_entry("secret words from before setup", space="journal", now=clock()))
    ws = Workspace.open(folder, now=clock, pack_dirs=[DEFAULT_PACKS], kdf=KdfParams.TEST)
    assert [e.text for e in ws.journal.entries()] == ["secret words from before setup"]  # open
    ws.set_up([NewPerson("Sam", Role.INDIVIDUAL, "a long enough passphrase")])
    ws.lock()
    ws.close()
    assert sorted(p.name for p in legacy.parent.iterdir()) == ["journal.sealed"]
    assert not any(b"secret words" in p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_two_rescues_in_one_second_keep_both_files_found(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=1)
    store = writer(path, kind)
    log = changelog.log_path(path)
    for evidence in (b"evidence 1", b"evidence 2"):
        store.add(entry(10 + len(evidence)))
        log.write_bytes(evidence)  # a different file in its place, each time
        assert store.rescue_if_replaced()
    store.close()
    assert sorted(p.read_bytes() for p in found_files(log)) == [b"evidence 1", b"evidence 2"]


def test_a_log_changed_in_place_keeping_its_length_is_noticed(tmp_path, kind):
    path = tmp_path / "space"
    make_space(path, kind, count=1)
    store = writer(path, kind)
    store.add(entry(10))
    log = changelog.log_path(path)
    data = bytearray(log.read_bytes())
    data[-5:] = bytes(b ^ 0xFF for b in data[-5:])
    with log.open("r+b") as handle:  # the same file, the same length
        handle.write(bytes(data))
    os.utime(log, ns=(log.stat().st_atime_ns, log.stat().st_mtime_ns + 1_000_000))
    with pytest.raises(SpaceReplacedWhileOpen):
        store.add(entry(11))
    store.close()
    assert texts(path, kind) == {entry(i).text for i in (0, 10)}


# Found by a tester playing the other partner: a file removed while the app had
# it open, then a lock, was written again from memory with nothing said.


def _written(journal, text: str):
    from datetime import datetime, timezone

    from reflect.domain.entries import new_entry

    return new_entry(text, space=journal.space, now=datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc))


def test_the_lock_says_which_space_was_written_again_and_what_was_kept(solo_ws):
    journal = solo_ws.journal
    journal.add(_written(journal, "saved before the file went"))
    changelog.log_path(journal.path).write_bytes(b"not the log reflect wrote")
    said = solo_ws.lock()
    assert len(said) == 1
    assert said[0].startswith("While reflect had your private journal open, its file on disk was removed")
    assert "everything saved is on disk again" in said[0] and ".log.found-" in said[0]
    assert solo_ws.lock() == []  # said once: the next lock finds nothing


def test_a_close_keeps_what_its_lock_found_to_be_said(solo_ws):
    journal = solo_ws.journal
    journal.add(_written(journal, "saved before the file went"))
    journal.path.unlink()
    changelog.log_path(journal.path).unlink()
    solo_ws.close()
    [said] = solo_ws.found_at_close
    assert "your private journal" in said and "kept beside it" not in said  # nothing was there to keep


def test_in_a_couple_the_lock_names_whose_journal_it_was(couple):
    """Said at the door, where the next person may be the other partner: not "your"."""
    from tests.helpers import PASS_A

    ws, alex, _sam = couple
    ws.unlock(alex, PASS_A)
    changelog.log_path(ws.journal.path).write_bytes(b"not the log reflect wrote")
    [said] = ws.lock()
    assert said.startswith("While reflect had Alex's private journal open")


async def test_the_door_says_so_after_a_lock_and_after_a_quick_hide(solo_app):
    from textual.widgets import Static

    from reflect.ui.screens.unlock import UnlockScreen

    app = solo_app
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        for how in ("ctrl+l", "f12"):
            path = app.workspace.journal.path
            app.workspace.journal.add(_written(app.workspace.journal, f"saved before {how}"))
            changelog.log_path(path).unlink()
            await pilot.press(how)
            await pilot.pause()
            if how == "f12":  # the hidden screen stays neutral; the door says it once back
                assert not isinstance(app.screen, UnlockScreen)
                await pilot.press("enter")
                await pilot.pause()
            assert isinstance(app.screen, UnlockScreen)
            shown = str(app.screen.query_one("#problem", Static).render())
            assert "While reflect had your private journal open" in shown, how
            await unlock_as(pilot, app, 0, PASSPHRASE)
            assert f"saved before {how}" in {e.text for e in app.workspace.journal.entries()}
            # Told again to whoever opens that journal: the one at the door may have been someone else.
            told = [str(n.message) for n in app._notifications]
            assert sum("While reflect had your private journal open" in t for t in told) == 1, how
            app.clear_notifications()


async def test_what_a_lock_found_in_a_journal_is_told_to_its_owner_not_to_the_partner(couple_app):
    from tests.helpers import PASS_A, PASS_B

    app = couple_app
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        journal = app.workspace.journal
        journal.add(_written(journal, "Alex's evening"))
        changelog.log_path(journal.path).unlink()
        await pilot.press("ctrl+l")
        await pilot.pause()
        app.clear_notifications()

        def told() -> str:
            return " ".join(str(n.message) for n in app._notifications)

        await unlock_as(pilot, app, 1, PASS_B)  # Sam comes next: not his journal
        assert "Alex's private journal" not in told()
        await pilot.press("ctrl+l")
        await pilot.pause()
        await unlock_as(pilot, app, 0, PASS_A)
        assert "While reflect had Alex's private journal open" in told()
        assert "Alex's evening" in {e.text for e in app.workspace.journal.entries()}

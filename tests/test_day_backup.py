"""The day's backup of a space read head first is taken off the main thread (issue 12):
its change log folded in and the copy written by a worker, never racing with a save."""

from __future__ import annotations

import shutil
import threading

from reflect.storage import changelog, records
from reflect.storage.backups import backups_of
from reflect.ui.app import ReflectApp
from reflect.usecases.day_backup import DayBackup
from tests.helpers import PASSPHRASE
from tests.test_older_reflections_app import (
    TOTAL,
    all_in,
    gate,  # noqa: F401  (a fixture)
    locked,
    solo_folder,
    unlock_without_waiting_for_older,
)


def with_log_and_no_backup(data_dir, clock, changes: int = 2) -> None:
    """The folded journal, then ``changes`` reflections in its change log, and no backup yet today."""
    solo_folder(data_dir, clock)
    ws = locked(data_dir, clock)
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    for number in range(changes):
        ws.write(f"A change in the log, number {number}.")
    ws.close()
    shutil.rmtree(data_dir / "backups")


def journal_file(ws):
    return ws.space_path(ws.household.profiles[0].space)


def reopened_count(data_dir, clock, passphrase: str = PASSPHRASE) -> int:
    ws = locked(data_dir, clock)
    try:
        ws.unlock(ws.household.profiles[0], passphrase)  # also checks the save counter against seen.json
        return len(ws.journal.entries())
    finally:
        ws.close()


async def test_the_days_backup_is_folded_and_copied_off_the_main_thread(data_dir, clock, gate, seconds, monkeypatch):
    with_log_and_no_backup(data_dir, clock)
    threads: list[bool] = []
    real = records.snapshot_bytes

    def spy(tables):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(tables)

    monkeypatch.setattr(records, "snapshot_bytes", spy)
    ws = locked(data_dir, clock)
    app = ReflectApp(ws, clock=seconds)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock_without_waiting_for_older(pilot, app, PASSPHRASE)
        path = journal_file(ws)
        assert backups_of(path, ws.layout.backups_dir) == []  # nothing written while a part is unread
        await all_in(pilot, gate)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ws.complete
        [backup] = backups_of(path, ws.layout.backups_dir)
        assert backup.read_bytes() == path.read_bytes()  # one whole file: the log folded in
        assert not changelog.log_path(path).exists()
        assert ws.folder.backed_up(path)
        [household] = backups_of(ws.layout.household_file, ws.layout.backups_dir)  # on the worker too
        assert household.read_bytes() == ws.layout.household_file.read_bytes()
        ws.write("Written after the backup.")
    ws.close()
    assert threads and not any(threads)  # the snapshot was made on a worker (on the main thread before)
    assert reopened_count(data_dir, clock) == TOTAL + 3


def of_spaces(ws) -> list[DayBackup]:
    return [job for job in ws.day_backups() if job.store is not None]


def started(ws) -> DayBackup:
    [job] = of_spaces(ws)
    assert job.begin()
    return job


def test_a_save_made_while_the_backup_is_written_wins_and_nothing_is_lost(data_dir, clock):
    with_log_and_no_backup(data_dir, clock)
    ws = locked(data_dir, clock)
    ws.back_up_later()
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    path = journal_file(ws)
    before = path.read_bytes()
    job = started(ws)
    job.write()
    ws.write("Saved while the snapshot was being made.")  # the store's thread, meanwhile
    assert not job.swap_in()  # dropped: it does not hold that save
    job.drop()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert backups_of(path, ws.layout.backups_dir) == []
    # The next try folds everything in, that save too.
    job = started(ws)
    job.write()
    assert job.swap_in()
    job.copy()
    job.done()
    job.drop()
    assert of_spaces(ws) == []
    ws.write("And one after it.")
    ws.close()
    assert reopened_count(data_dir, clock) == TOTAL + 4


def test_a_lock_while_the_backup_is_written_drops_it(data_dir, clock):
    with_log_and_no_backup(data_dir, clock)
    ws = locked(data_dir, clock)
    ws.back_up_later()
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    path = journal_file(ws)
    before = path.read_bytes()
    job = started(ws)
    job.write()
    ws.lock()
    assert not job.swap_in()
    job.drop()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    ws.close()
    assert reopened_count(data_dir, clock) == TOTAL + 2


def test_a_copy_sealed_before_a_passphrase_change_is_never_written_after_it(data_dir, clock):
    with_log_and_no_backup(data_dir, clock)
    ws = locked(data_dir, clock)
    ws.back_up_later()
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    path = journal_file(ws)
    job = started(ws)
    job.write()
    assert job.swap_in()
    ws.change_passphrase("a brand new passphrase", current=PASSPHRASE)
    job.copy()  # its bytes are sealed under the key as it was
    job.done()
    job.drop()
    assert backups_of(path, ws.layout.backups_dir) == []
    assert not ws.folder.backed_up(path)
    ws.close()
    assert reopened_count(data_dir, clock, "a brand new passphrase") == TOTAL + 2


def test_a_backup_that_cannot_be_written_changes_nothing_and_is_not_marked(data_dir, clock, monkeypatch):
    import reflect.usecases.day_backup as day_backup

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with_log_and_no_backup(data_dir, clock)
    monkeypatch.setattr(day_backup, "make_backup", full)
    ws = locked(data_dir, clock)
    ws.back_up_later()
    ws.unlock(ws.household.profiles[0], PASSPHRASE)
    path = journal_file(ws)
    job = started(ws)
    job.write()
    assert job.swap_in()  # the fold itself is fine
    try:
        job.copy()
    except OSError:
        pass
    else:
        raise AssertionError("the copy should have failed")
    job.done()
    job.drop()
    assert not ws.folder.backed_up(path)
    ws.write("Still saving.")
    ws.close()
    assert reopened_count(data_dir, clock) == TOTAL + 3


def test_a_journal_in_an_older_layout_is_folded_and_backed_up_as_before(tmp_path, clock):
    """A compaction that keeps a copy of the old file first is left to the store's own
    thread, exactly as before: the day's backup is then the whole space in the new layout."""
    from reflect.storage.sealed import KdfParams
    from reflect.usecases.workspace import Workspace
    from tests.helpers import copy_data_folder
    from tests.test_layout_migration import FIXTURES, LOGGED, OLDER, PASS

    for kind in ("sealed", "plain"):
        data = copy_data_folder(FIXTURES / kind, tmp_path / kind)
        shutil.rmtree(data / "backups")
        ws = Workspace.open(data, now=clock, pack_dirs=None, kdf=KdfParams.TEST)
        ws.open_head_first()
        ws.back_up_later()
        ws.unlock(ws.household.profiles[0], PASS if kind == "sealed" else None)
        path = journal_file(ws)
        [job] = of_spaces(ws)
        assert not job.begin()  # taken at once, as back_up_once takes it
        [backup] = backups_of(path, ws.layout.backups_dir)
        assert backup.read_bytes() == path.read_bytes()
        assert not changelog.log_path(path).exists()
        assert list(path.parent.glob(f"{path.name}.pre-v*.bak")), "the old file is kept first, as before"
        assert of_spaces(ws) == []
        assert {e.text for e in ws.journal.entries()} == OLDER | LOGGED
        ws.close()

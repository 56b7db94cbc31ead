"""The day's backup of a big space, taken without holding up the screen.

:meth:`DataFolder.back_up_once` folds a space's change log into its file and
copies the file, all at once: at 100,000 entries about a second, once a day.
The app takes it in steps instead, the slow ones on a worker thread:

1. :meth:`DayBackup.begin` (the store's thread, cheap): is one due, and the
   store's tables as they are now (:meth:`SpaceStore.fold_elsewhere`).
2. :meth:`DayBackup.write` (worker): the new snapshot made, sealed with a copy
   of the key, and written beside the space file; touches nothing open.
3. :meth:`DayBackup.swap_in` (the store's thread): the snapshot goes in only
   if nothing was saved, folded or re-keyed since step 1
   (:meth:`SpaceStore.finish_fold`); otherwise it is dropped and the backup
   is left for another time. A save therefore never races with it: saves
   happen on the store's thread, and any one made meanwhile wins.
4. :meth:`DayBackup.copy` (worker): the copy in ``backups/`` made from the very
   bytes written in step 2 (an immutable snapshot), under the folder's backup
   lock, which a key change also takes while it seals the backups again; a
   copy of bytes sealed under a key changed since is never written.
5. :meth:`DayBackup.done` (the store's thread): noted, as ``back_up_once`` notes it.

A backup that cannot be taken is not a reason to stop anyone: nothing is
said, as with ``back_up_once``, and it is tried again on the next opening.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.storage.atomic import read_private_bytes
from reflect.storage.backups import make_backup

if TYPE_CHECKING:
    from reflect.storage.space_store import Fold, SpaceStore
    from reflect.usecases.data_folder import DataFolder


class DayBackup:
    """The day's backup of one space, in the steps above."""

    def __init__(self, folder: DataFolder, store: SpaceStore | None, path=None) -> None:
        self.folder = folder
        self.store = store
        """None for the household file (profiles), which has no log: its bytes are copied."""
        self.path = store.path if store is not None else path
        self._fold: Fold | None = None
        self._bytes: bytes | None = None
        self._epoch = folder.key_epoch

    @classmethod
    def due(cls, folder: DataFolder, stores) -> list[DayBackup]:
        """A backup for each read-whole store whose day's backup is not taken yet (store's thread)."""
        if not folder.writable:
            return []
        household = folder.layout.household_file
        jobs = [] if folder.backed_up(household) else [cls(folder, None, household)]
        return jobs + [
            cls(folder, store)
            for store in stores
            if store.complete and not folder.backed_up(store.path)
        ]

    def begin(self) -> bool:
        """Step 1: False when no backup is due (today's is there) or the store is closed."""
        from reflect.storage.changelog import backup_due

        if self.folder.backed_up(self.path):
            return False
        try:
            if not self.path.exists() or not backup_due(self.path, self.folder.layout.backups_dir, self.folder.now()):
                self.folder.mark_backed_up(self.path)
                return False
            if self.store is None:
                return True  # the household file: its bytes are read and copied by the worker
            self._fold = self.store.fold_elsewhere()
            if self._fold is None and self.store.would_compact():
                # Something only a compaction on this thread folds (a snapshot in an
                # older layout, whose old copy is kept first): taken as before, at once.
                self.folder.back_up_once([self.store])
                return False
        except RuntimeError:
            return False  # closed (locked) meanwhile
        self._epoch = self.folder.key_epoch
        return True

    def write(self) -> None:
        """Step 2 (worker): raises OSError or StoreError; nothing is then left behind."""
        if self._fold is None:
            self._bytes = read_private_bytes(self.path)  # nothing to fold: the file is the whole space
            return
        self._fold.write()
        self._bytes = self._fold.stored

    def swap_in(self) -> bool:
        """Step 3 (the store's thread): False when the snapshot was dropped (see above)."""
        if self._fold is None:
            return self._bytes is not None
        return self.store.finish_fold(self._fold)

    def copy(self) -> None:
        """Step 4 (worker): raises OSError."""
        data, self._bytes = self._bytes, None
        if data is None:
            return
        with self.folder.backups_lock:
            if self.folder.key_epoch != self._epoch:
                return  # sealed under a key changed since: its backups were sealed again without it
            make_backup(self.path, self.folder.layout.backups_dir, self.folder.now(), data=data)
        self._copied = True

    def done(self) -> None:
        """Step 5 (the store's thread)."""
        if getattr(self, "_copied", False):
            self.folder.mark_backed_up(self.path)

    def drop(self) -> None:
        """Let go of the bytes, the copy of the key and anything staged (any thread)."""
        self._bytes = None
        if self._fold is not None:
            self._fold.drop()

"""``reflect write`` without opening the whole journal, when that is safe.

A new reflection is one record appended to the journal's change log. For the
common case (a folder set up for one person, no shared space, writing in
their own journal) :func:`open_to_write` makes every check a whole unlock
makes that the append depends on, and nothing else: the household file, the
journal's authenticated header and key slot, the change log record by record,
the save counter last seen. Anything else, or anything unusual, returns
``None`` and the caller unlocks the usual way (:meth:`Session.unlock`), which
says what is wrong in its usual words. See :mod:`reflect.storage.quick_append`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.domain.profiles import Profile
from reflect.storage.changelog import backup_due
from reflect.storage.codec import PlainCodec
from reflect.storage.quick_append import QuickAppend, open_to_append, read_head
from reflect.usecases.data_folder import DataFolder

if TYPE_CHECKING:
    from reflect.storage.sealed import SealedSpace


class QuickJournal:
    """A journal that only takes new reflections (what ``write_reflection`` needs)."""

    def __init__(self, folder: DataFolder, appender: QuickAppend, seal: SealedSpace | None) -> None:
        self._folder = folder
        self._appender = appender
        self._seal = seal

    @property
    def space(self) -> str:
        return self._appender.space

    def add(self, entry, *, clearing_draft: str | None = None) -> None:
        """Save the entry (one record, synced), then keep the save counter outside the file."""
        self._appender.add(entry, clearing_draft=clearing_draft)
        self._remember_counter()

    def close(self) -> None:
        self._appender.close()
        if self._seal is not None:
            self._seal.forget()

    def _remember_counter(self) -> None:
        seal = self._seal
        if seal is None:
            return
        from reflect.storage.seen import Seen, record_seen

        try:
            record_seen(self._folder.layout.seen_file, {self.space: Seen(seal.counter, seal.counter_proof(seal.counter))})
        except OSError:
            pass  # as Session.remember_counters: not a reason to refuse the save


def open_to_write(folder: DataFolder, profile: Profile, passphrase: str | None) -> QuickJournal | None:
    """The person's own journal, ready to take a new reflection, or ``None``:
    then unlock the usual way (nothing was changed)."""
    if not folder.writable or not folder.is_alone_here(profile):
        return None
    folder.refuse_downgrade()
    space = profile.space
    path = folder.space_path(space)
    if not path.exists() or backup_due(path, folder.layout.backups_dir, folder.now()):
        return None  # the whole open folds the log in and takes the day's copy
    seal = None
    at_least = None
    codec = PlainCodec()
    if folder.space_is_sealed(space):
        if not profile.protected or not passphrase:
            return None
        from reflect.storage.sealed import SealedSpace

        try:
            head = read_head(path)
        except OSError:
            return None
        seal = SealedSpace.unlock_header(
            head, profile.slot_id, passphrase, expect=folder.identity(space, profile), meanwhile=_load_the_rest
        )
        if seal is None:
            return None
        record = folder.load_seen().get(space)
        if record is None or not seal.check_counter_proof(record.counter, record.proof):
            seal.forget()
            return None  # the usual unlock says that the note of the last save was changed
        at_least = record.counter
        codec = seal
    elif profile.protected:
        return None
    appender = open_to_append(path, space, codec, at_least=at_least)
    if appender is None:
        if seal is not None:
            seal.forget()
        return None
    folder.back_up_once([])  # the household file's copy of the day, as a whole unlock takes
    return QuickJournal(folder, appender, seal)


def _load_the_rest() -> None:
    """Load what the rest of a sealed write uses, while the key is derived
    (``unlock_header``'s ``meanwhile``): these come off the command's start-up.
    ``tempfile``: the seen note is written whole."""
    from importlib import import_module

    for name in ("tempfile", "reflect.storage.seen", "reflect.usecases.journal"):
        import_module(name)

"""``reflect list -n N`` from the head of the journal, when that is safe.

The newest entries of a journal are in the head part of its snapshot (see
:func:`reflect.storage.records.snapshot_bytes`), which is read, with the whole
change log, by ``SpaceStore.open(lazy=True)``; the older entries are not read.
For the common case (a folder set up for one person, no shared space, their own
journal) :func:`newest_entries` makes the checks a whole unlock makes for that
journal: the household file cannot make a sealed journal plain, the journal's
authenticated header and key slot (``SealedSpace.unlock_head``), the change log
record by record, the save counter last seen. Anything else, or anything
unusual, returns ``None`` and the caller unlocks the usual way, which says
what is wrong in its usual words.

What is left to the next whole open (the app, ``reflect check``, any other
command): the older part of the snapshot and the whole-file checksum. Nothing
is written here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reflect.domain.profiles import Profile
from reflect.usecases.data_folder import DataFolder

if TYPE_CHECKING:
    from reflect.domain.entries import Entry


def newest_entries(folder: DataFolder, profile: Profile, passphrase: str | None, n: int) -> list[Entry] | None:
    """The ``n`` newest entries of the person's own journal, newest first, read from
    its head part, or ``None``: then unlock the usual way (nothing was changed)."""
    if n < 1 or not folder.is_alone_here(profile):
        return None
    folder.refuse_downgrade()
    space = profile.space
    path = folder.space_path(space)
    if not path.exists():
        return None
    seal = None
    at_least = None
    if folder.space_is_sealed(space):
        if not profile.protected or not passphrase:
            return None
        from reflect.storage.sealed import SealedSpace

        found = SealedSpace.unlock_head(path, profile.slot_id, passphrase, expect=folder.identity(space, profile))
        if found is None:
            return None
        seal = found[0]
        record = folder.load_seen().get(space)
        if record is None or not seal.check_counter_proof(record.counter, record.proof):
            seal.forget()
            return None  # the usual unlock says that the note of the last save was changed
        at_least = record.counter
    elif profile.protected:
        return None
    from reflect.storage.codec import PlainCodec
    from reflect.storage.errors import StoreError
    from reflect.storage.space_store import SpaceStore

    try:
        store = SpaceStore.open(
            path,
            space=space,
            codec=seal if seal is not None else PlainCodec(),
            create=False,
            now=folder.now,
            read_only=True,
            at_least=at_least,
            lazy=True,
        )
    except StoreError:
        if seal is None:
            raise  # the very open, and words, of a whole unlock of a plain journal
        return None  # a sealed one: the whole unlock says what is wrong, in its words
    finally:
        if seal is not None:
            seal.forget()
    try:
        if seal is not None and store.complete:
            return None  # not read through its head after all: the usual unlock
        # A plain journal opened whole (an older layout) is what the usual unlock opens too.
        return store.newest(n)
    finally:
        store.close()
